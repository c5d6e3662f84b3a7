package pickle

import (
	"errors"
	"io"

	"github.com/flaskbridge/flaskbridge/py"
)

// A Decoder reads pickles one after another from an input stream, as
// successive pickle.load calls on one file do (cachelib's file cache, for
// one, writes two pickles in a row).
type Decoder struct {
	r    io.Reader
	opts DecodeOptions
	buf  []byte
	rerr error
}

// NewDecoder returns a decoder that reads from r with the options opts. It
// reads ahead of the pickle it decodes, in chunks.
func NewDecoder(r io.Reader, opts DecodeOptions) *Decoder {
	return &Decoder{r: r, opts: opts}
}

// Decode reads the next pickle and returns its value. It returns io.EOF
// when the input ends before another pickle starts.
func (dec *Decoder) Decode() (py.Value, error) {
	lim, err := dec.opts.resolve()
	if err != nil {
		return nil, err
	}
	for {
		if len(dec.buf) > 0 {
			v, n, _, err := dec.opts.decode(dec.buf)
			if err == nil {
				dec.buf = dec.buf[n:]
				return v, nil
			}
			if !isTruncation(err) || dec.rerr != nil || len(dec.buf) > lim.maxInput {
				if dec.rerr != nil && !errors.Is(dec.rerr, io.EOF) {
					return nil, dec.rerr
				}
				return nil, err
			}
		} else if dec.rerr != nil {
			return nil, dec.rerr
		}
		dec.fill()
	}
}

// fill reads more input: at least as much again as is buffered.
func (dec *Decoder) fill() {
	want := max(4096, len(dec.buf))
	if cap(dec.buf)-len(dec.buf) < want {
		nb := make([]byte, len(dec.buf), len(dec.buf)+want)
		copy(nb, dec.buf)
		dec.buf = nb
	}
	n, err := dec.r.Read(dec.buf[len(dec.buf):cap(dec.buf)])
	dec.buf = dec.buf[:len(dec.buf)+n]
	if err != nil {
		dec.rerr = err
	}
}
