package flaskcookie

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"sync"
)

// inflater is a reusable zlib reader over an in-memory input.
type inflater struct {
	src bytes.Reader
	zr  io.ReadCloser
}

var inflaters = sync.Pool{New: func() any { return new(inflater) }}

// inflate appends zlib.decompress(src) to dst, as Python does it (a zlib
// header, the whole stream up to its checksum, anything after it ignored),
// and fails with ErrPayloadTooLarge once the output would pass limit bytes.
func inflate(dst, src []byte, limit int) ([]byte, error) {
	f := inflaters.Get().(*inflater)
	defer inflaters.Put(f)
	f.src.Reset(src)
	var err error
	if f.zr == nil {
		f.zr, err = zlib.NewReader(&f.src)
	} else {
		err = f.zr.(zlib.Resetter).Reset(&f.src, nil)
	}
	if err != nil {
		return dst, fmt.Errorf("%w: zlib: %w", ErrMalformed, err)
	}
	start := len(dst)
	for {
		if len(dst) == cap(dst) {
			if len(dst)-start > limit {
				return dst, fmt.Errorf("%w: payload inflates to more than %d bytes", ErrPayloadTooLarge, limit)
			}
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := f.zr.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if len(dst)-start > limit {
			return dst, fmt.Errorf("%w: payload inflates to more than %d bytes", ErrPayloadTooLarge, limit)
		}
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = errors.New("incomplete or truncated stream")
			}
			return dst, fmt.Errorf("%w: zlib: %w", ErrMalformed, err)
		}
	}
}
