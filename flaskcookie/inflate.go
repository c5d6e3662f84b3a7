package flaskcookie

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
)

// This file holds the zlib decompressor of the cookie payloads: an
// in-memory inflater that checks what zlib's inflate checks (as Python's
// zlib.decompress reports it) and stops at a size limit, so that a small
// cookie cannot inflate to megabytes. It works on a byte slice rather than
// a reader, and keeps the fixed Huffman tables ready, which makes it about
// twice as fast as compress/zlib (with a reused reader) on the streams of
// the benchmark payloads (BenchmarkInflate).

var (
	errZTruncated = errors.New("incomplete or truncated stream")
	errZHeader    = errors.New("incorrect header check")
	errZMethod    = errors.New("unknown compression method")
	errZWindow    = errors.New("invalid window size")
	errZDict      = errors.New("a preset dictionary is needed")
	errZBlockType = errors.New("invalid block type")
	errZStored    = errors.New("invalid stored block lengths")
	errZTooMany   = errors.New("too many length or distance symbols")
	errZCodeLens  = errors.New("invalid code lengths set")
	errZRepeat    = errors.New("invalid bit length repeat")
	errZNoEnd     = errors.New("invalid code -- missing end-of-block")
	errZLitLens   = errors.New("invalid literal/lengths set")
	errZDistLens  = errors.New("invalid distances set")
	errZLitCode   = errors.New("invalid literal/length code")
	errZDistCode  = errors.New("invalid distance code")
	errZTooFar    = errors.New("invalid distance too far back")
	errZCheck     = errors.New("incorrect data check")
)

// errTooLarge is the internal signal of the output limit.
var errTooLarge = errors.New("output limit")

// inflate appends zlib.decompress(src) to dst: a zlib header, deflate
// blocks up to the last one, and the Adler-32 of the data, checked;
// anything after it is ignored, as Python does. Output beyond limit bytes
// fails with ErrPayloadTooLarge.
func inflate(dst, src []byte, limit int) ([]byte, error) {
	f := inflaters.Get().(*inflater)
	defer inflaters.Put(f)
	// The end of the output, saturated: a limit of math.MaxInt means none.
	end := len(dst) + limit
	if limit > math.MaxInt-len(dst) {
		end = math.MaxInt
	}
	out, err := f.run(dst, src, end)
	switch {
	case err == errTooLarge:
		return out, fmt.Errorf("%w: payload inflates to more than %d bytes", ErrPayloadTooLarge, limit)
	case err != nil:
		return out, fmt.Errorf("%w: zlib: %w", ErrMalformed, err)
	}
	return out, nil
}

// huffman is a canonical Huffman code ready for decoding: a table indexed
// by the next bits of input for the codes up to hTableBits long, and the
// symbols in code order for decoding longer codes (and codes near the end
// of the input) bit by bit.
type huffman struct {
	table  [hTableSize]uint32 // hInfo of the symbol | symbol<<4 | length, or 0
	count  [16]uint16         // the number of codes of each length
	symbol [288]uint16        // the symbols by code length, then value
}

// A table entry holds the code length in its low 4 bits and the symbol in
// the next 9 (hSymShift, hSymMask); for a length or distance symbol, also
// the number of extra bits (hExtraShift) and the base value (hBaseShift)
// they add to, so that decoding a match takes no lookup beyond the entry.
const (
	hSymShift   = 4
	hSymMask    = 1<<9 - 1
	hExtraShift = 13
	hBaseShift  = 17
)

// hInfo holds, for each symbol of a kind of code, the extra bits and base
// of its table entries: litInfo for literal/length codes, distInfo for
// distance codes, and noInfo (zeros) for the code length code.
type hInfo [288]uint32

var noInfo hInfo

var litInfo, distInfo = func() (l, d hInfo) {
	for i := range lenBase {
		l[257+i] = uint32(lenExtra[i])<<hExtraShift | uint32(lenBase[i])<<hBaseShift
	}
	for i := range distBase {
		d[i] = uint32(distExtra[i])<<hExtraShift | distBase[i]<<hBaseShift
	}
	return l, d
}()

// The table is indexed by the next 9 bits of input, whatever the longest
// code: a code of l bits fills every index whose low l bits are its
// (bit-reversed) code, so that the index needs no bounds check.
const (
	hTableBits = 9
	hTableSize = 1 << hTableBits
	hTableMask = hTableSize - 1
)

// build makes the code of the given lengths. It fails as zlib's
// inflate_table does on an over-subscribed code, and on an incomplete one
// unless allowed (a distance or literal code with a single code of length
// 1, or none).
func (h *huffman) build(lengths []uint8, allowSingle bool, info *hInfo) error {
	clear(h.count[:])
	for _, l := range lengths {
		h.count[l&15]++
	}
	return h.buildCounted(lengths, allowSingle, info)
}

// buildCounted is build with h.count already holding the histogram of
// lengths.
func (h *huffman) buildCounted(lengths []uint8, allowSingle bool, info *hInfo) error {
	h.count[0] = 0
	left, maxLen := 1, 0
	for l := 1; l <= 15; l++ {
		left = left<<1 - int(h.count[l])
		if left < 0 {
			return errZCodeLens // over-subscribed
		}
		if h.count[l] != 0 {
			maxLen = l
		}
	}
	if left > 0 && maxLen != 0 && !(allowSingle && maxLen == 1) {
		return errZCodeLens // incomplete
	}
	// The symbols in code order: by length, then by value.
	var offs [16]uint16
	for l := 1; l < 15; l++ {
		offs[l+1] = offs[l] + h.count[l]
	}
	for base := 0; base < len(lengths); base += 8 {
		group := lengths[base:min(base+8, len(lengths))]
		if len(group) == 8 && binary.LittleEndian.Uint64(group) == 0 {
			continue // unused symbols are common in small streams
		}
		for i, l := range group {
			if l != 0 {
				h.symbol[offs[l&15]] = uint16(base + i)
				offs[l&15]++
			}
		}
	}
	tbits := min(maxLen, hTableBits)
	table := &h.table
	if left > 0 {
		// No code, or a single code of length 1: one entry at most, at
		// the even indexes.
		clear(table[:])
		if maxLen == 1 {
			for k := 0; k < hTableSize; k += 2 {
				sym := h.symbol[0]
				table[k] = info[sym%288] | uint32(sym)<<hSymShift | 1
			}
		}
		return nil
	}
	// The codes of a complete code, shortest first, each at the index
	// that is its bit-reversed code. The codes of one length are
	// consecutive, and each reversed code follows from the last; the table
	// grows by doubling when the length grows, which copies the entries of
	// the shorter codes to every index whose low bits they match. Indexes
	// left at 0 are the prefixes of codes longer than the table.
	l := 1
	for h.count[l] == 0 {
		l++
	}
	if l > tbits {
		clear(table[:])
		return nil
	}
	end := 1 << l
	clear(table[:end])
	code, k := 0, 0
	for {
		for n := int(h.count[l]); n > 0; n-- {
			sym := h.symbol[k]
			table[code] = info[sym%288] | uint32(sym)<<hSymShift | uint32(l)
			k++
			if code == end-1 {
				// The last code of the table: all ones.
				for ; end < hTableSize; end <<= 1 {
					copy(table[end:2*end], table[:end])
				}
				return nil
			}
			// The next code, bit-reversed: set the highest zero bit
			// and clear the ones above it.
			bit := 1 << (bits.Len(uint(code^(end-1))) - 1)
			code = code&(bit-1) | bit
		}
		if l == tbits {
			for ; end < hTableSize; end <<= 1 {
				copy(table[end:2*end], table[:end])
			}
			return nil
		}
		copy(table[end:2*end], table[:end])
		end <<= 1
		l++
	}
}

var (
	fixedLit, fixedDist huffman
	fixedOnce           sync.Once
)

// The code lengths of the fixed codes, kept for the codes built on them.
var fixedLitLens, fixedDistLens [32 + 256]uint8

func fixedTables() {
	l := fixedLitLens[:288]
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	fixedLit.build(l, false, &litInfo)
	// Codes 30 and 31 exist in the fixed code but are invalid; decoding
	// them is caught by the symbol range check.
	d := fixedDistLens[:32]
	for i := range d {
		d[i] = 5
	}
	fixedDist.build(d, false, &distInfo)
}

// inflater is the state of one decompression.
type inflater struct {
	in    []byte
	pos   int
	bits  uint64
	nbits uint
	lit   huffman
	dist  huffman
	clen  huffman
	lens  [320]uint8
	cl    [19]uint8
	limit int
	start int
}

var inflaters = sync.Pool{New: func() any { return new(inflater) }}

// need makes at least n bits available, or fails with a truncated stream.
func (f *inflater) need(n uint) error {
	f.bits &= 1<<f.nbits - 1
	for f.nbits < n {
		if f.pos >= len(f.in) {
			return errZTruncated
		}
		f.bits |= uint64(f.in[f.pos]) << f.nbits
		f.pos++
		f.nbits += 8
	}
	return nil
}

// fill loads as many bytes as fit in the bit buffer.
func (f *inflater) fill() {
	f.bits &= 1<<f.nbits - 1
	if f.pos+8 <= len(f.in) {
		v := binary.LittleEndian.Uint64(f.in[f.pos:])
		f.bits |= v << f.nbits
		n := (63 - f.nbits) >> 3
		f.pos += int(n)
		f.nbits += n * 8
		return
	}
	for f.nbits <= 56 && f.pos < len(f.in) {
		f.bits |= uint64(f.in[f.pos]) << f.nbits
		f.pos++
		f.nbits += 8
	}
}

func (f *inflater) take(n uint) (uint32, error) {
	if f.nbits < n {
		if err := f.need(n); err != nil {
			return 0, err
		}
	}
	v := uint32(f.bits & (1<<n - 1))
	f.bits >>= n
	f.nbits -= n
	return v, nil
}

// decode reads one symbol of h.
func (f *inflater) decode(h *huffman) (int, error) {
	if f.nbits < 15 {
		f.fill()
	}
	if e := h.table[f.bits&hTableMask]; e != 0 {
		if l := uint(e & 15); l <= f.nbits {
			f.bits >>= l
			f.nbits -= l
			return int(e >> hSymShift & hSymMask), nil
		}
	}
	return f.decodeSlow(h)
}

// decodeSlow reads a code too long for the table, or one near the end of
// the input, bit by bit.
func (f *inflater) decodeSlow(h *huffman) (int, error) {
	code, first, index := 0, 0, 0
	for l := 1; l <= 15; l++ {
		if f.nbits == 0 {
			if err := f.need(1); err != nil {
				return 0, err
			}
		}
		code |= int(f.bits & 1)
		f.bits >>= 1
		f.nbits--
		count := int(h.count[l])
		if code-first < count {
			return int(h.symbol[index+code-first]), nil
		}
		index += count
		first += count
		first <<= 1
		code <<= 1
	}
	return 0, errZCodeLens // a code not in the table (incomplete code)
}

func (f *inflater) run(dst, src []byte, limit int) ([]byte, error) {
	fixedOnce.Do(fixedTables)
	f.in, f.pos, f.bits, f.nbits = src, 0, 0, 0
	f.limit, f.start = limit, len(dst)
	defer func() { f.in = nil }()
	if len(src) < 2 {
		return dst, errZTruncated
	}
	cmf, flg := src[0], src[1]
	switch {
	case (uint(cmf)<<8|uint(flg))%31 != 0:
		return dst, errZHeader
	case cmf&15 != 8:
		return dst, errZMethod
	case cmf>>4 > 7:
		return dst, errZWindow
	case flg&0x20 != 0:
		return dst, errZDict
	}
	f.pos = 2
	out := dst
	for {
		hdr, err := f.take(3)
		if err != nil {
			return out, err
		}
		switch hdr >> 1 {
		case 0:
			out, err = f.stored(out)
		case 1:
			out, err = f.codes(out, &fixedLit, &fixedDist)
		case 2:
			if err = f.dynamic(); err == nil {
				out, err = f.codes(out, &f.lit, &f.dist)
			}
		default:
			err = errZBlockType
		}
		if err != nil {
			return out, err
		}
		if hdr&1 != 0 {
			break
		}
	}
	// The Adler-32 of the data, big-endian, after the last block's byte.
	f.bits >>= f.nbits % 8
	f.nbits -= f.nbits % 8
	var sum uint32
	for i := 0; i < 4; i++ {
		b, err := f.take(8)
		if err != nil {
			return out, err
		}
		sum = sum<<8 | b
	}
	if adler32Sum(out[f.start:]) != sum {
		return out, errZCheck
	}
	return out, nil
}

func (f *inflater) stored(out []byte) ([]byte, error) {
	f.bits >>= f.nbits % 8
	f.nbits -= f.nbits % 8
	v, err := f.take(16)
	if err != nil {
		return out, err
	}
	nv, err := f.take(16)
	if err != nil {
		return out, err
	}
	if v != ^nv&0xFFFF {
		return out, errZStored
	}
	n := int(v)
	// Whole bytes still in the bit buffer come first.
	for n > 0 && f.nbits >= 8 {
		if len(out) >= f.limit {
			return out, errTooLarge
		}
		out = append(out, byte(f.bits))
		f.bits >>= 8
		f.nbits -= 8
		n--
	}
	if n == 0 {
		return out, nil
	}
	if len(f.in)-f.pos < n {
		room := f.limit - len(out)
		if room < len(f.in)-f.pos {
			return append(out, f.in[f.pos:f.pos+room]...), errTooLarge
		}
		return append(out, f.in[f.pos:]...), errZTruncated
	}
	if len(out)+n > f.limit {
		return append(out, f.in[f.pos:f.pos+f.limit-len(out)]...), errTooLarge
	}
	out = append(out, f.in[f.pos:f.pos+n]...)
	f.pos += n
	return out, nil
}

var clenOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// dynamic reads the code description of a dynamic block.
func (f *inflater) dynamic() error {
	v, err := f.take(14)
	if err != nil {
		return err
	}
	nlen := int(v&31) + 257
	ndist := int(v>>5&31) + 1
	ncode := int(v>>10) + 4
	if nlen > 286 || ndist > 30 {
		return errZTooMany
	}
	cl := &f.cl
	clear(cl[:])
	for i := 0; i < ncode; i++ {
		b, err := f.take(3)
		if err != nil {
			return err
		}
		cl[clenOrder[i]] = uint8(b)
	}
	if err := f.clen.build(cl[:], false, &noInfo); err != nil {
		return errZCodeLens
	}
	// The lengths of both codes, counted as they come: a repeat may run
	// from the literal/length code into the distance code.
	lens := f.lens[:nlen+ndist]
	lc, dc := &f.lit.count, &f.dist.count
	clear(lc[:])
	clear(dc[:])
	i := 0
	// While eight bytes of input are left, the bit buffer lives in local
	// variables and takes a code and its extra bits (7 + 7) without a
	// check. The code is complete, so every table entry holds a symbol,
	// or it has no codes at all: then every entry is 0, read as the
	// length 0 taking no bits, and the missing end-of-block code fails
	// below.
	in, pos, bits, nbits := f.in, f.pos, f.bits, f.nbits
	table := &f.clen.table
	for i < len(lens) {
		if nbits < 14 {
			if pos+8 > len(in) {
				break
			}
			bits |= binary.LittleEndian.Uint64(in[pos:]) << nbits
			k := (63 - nbits) >> 3
			pos += int(k)
			nbits += k * 8
		}
		e := table[bits&hTableMask]
		l := uint(e & 15)
		bits >>= l
		nbits -= l
		sym := int(e >> hSymShift) // no info bits above the symbol
		if sym < 16 {
			lens[i] = uint8(sym)
			if i < nlen {
				lc[sym&15]++
			} else {
				dc[sym&15]++
			}
			i++
			continue
		}
		var n int
		var val uint8
		switch sym {
		case 16:
			if i == 0 {
				return errZRepeat
			}
			val = lens[i-1]
			n = int(bits&3) + 3
			bits >>= 2
			nbits -= 2
		case 17:
			n = int(bits&7) + 3
			bits >>= 3
			nbits -= 3
		default:
			n = int(bits&127) + 11
			bits >>= 7
			nbits -= 7
		}
		if err := repeatLen(lens, i, n, nlen, val, lc, dc); err != nil {
			return err
		}
		i += n
	}
	f.pos, f.bits, f.nbits = pos, bits, nbits
	// The rest, near the end of the input, checking every read.
	for i < len(lens) {
		sym, err := f.decode(&f.clen)
		if err != nil {
			return err
		}
		if sym < 16 {
			lens[i] = uint8(sym)
			if i < nlen {
				lc[sym]++
			} else {
				dc[sym]++
			}
			i++
			continue
		}
		var rep uint32
		var val uint8
		switch sym {
		case 16:
			if i == 0 {
				return errZRepeat
			}
			val = lens[i-1]
			rep, err = f.take(2)
			rep += 3
		case 17:
			rep, err = f.take(3)
			rep += 3
		default:
			rep, err = f.take(7)
			rep += 11
		}
		if err != nil {
			return err
		}
		if err := repeatLen(lens, i, int(rep), nlen, val, lc, dc); err != nil {
			return err
		}
		i += int(rep)
	}
	if lens[256] == 0 {
		return errZNoEnd
	}
	if err := f.lit.buildCounted(lens[:nlen], true, &litInfo); err != nil {
		return errZLitLens
	}
	if err := f.dist.buildCounted(lens[nlen:], true, &distInfo); err != nil {
		return errZDistLens
	}
	return nil
}

// repeatLen writes n copies of the code length val from lens[i] on,
// counting them in the histogram of the code they fall in: lc below nlen,
// dc from there (a repeat may run from one code into the other).
func repeatLen(lens []uint8, i, n, nlen int, val uint8, lc, dc *[16]uint16) error {
	if i+n > len(lens) {
		return errZRepeat
	}
	if i < nlen {
		k := min(n, nlen-i)
		lc[val&15] += uint16(k)
		dc[val&15] += uint16(n - k)
	} else {
		dc[val&15] += uint16(n)
	}
	run := lens[i : i+n]
	if val == 0 {
		clear(run) // the common repeat: unused symbols
	} else {
		for k := range run {
			run[k] = val
		}
	}
	return nil
}

var (
	lenBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lenExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase = [30]uint32{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
		4097, 6145, 8193, 12289, 16385, 24577}
	distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// codes decodes the symbols of a block with the given codes. The bit
// buffer and the output position live in local variables here, where the
// compiler keeps them in registers, and go back to f around the slow
// paths. The output is written in place into the capacity of out, which
// always has room for a longest match and eight bytes more, so that
// matches are copied eight bytes at a time.
func (f *inflater) codes(out []byte, lit, dist *huffman) ([]byte, error) {
	in, pos, bits, nbits := f.in, f.pos, f.bits, f.nbits
	limit, start := f.limit, f.start
	o := len(out)
	buf := out[:cap(out)]
	// Up to end, a literal fits under the limit and a longest match with
	// its overrun in buf.
	end := min(len(buf)-(zMaxMatch+8), limit)
	lt, dt := &lit.table, &dist.table
	for {
		// A symbol and its extra bits take at most 15+5+15+13 = 48
		// bits: with that many in the buffer, no check is needed until
		// the next symbol. The bits above nbits are those of the next
		// bytes (a load takes eight), so the new ones can be or-ed in.
		if nbits < 48 {
			if pos+8 > len(in) {
				f.pos, f.bits, f.nbits = pos, bits, nbits
				return f.codesSlow(buf[:o], lit, dist)
			}
			bits |= binary.LittleEndian.Uint64(in[pos:]) << nbits
			k := (63 - nbits) >> 3
			pos += int(k)
			nbits += k * 8
		}
		if o >= end {
			if o >= limit {
				// The next symbol may still end the block.
				f.pos, f.bits, f.nbits = pos, bits, nbits
				return f.codesSlow(buf[:o], lit, dist)
			}
			// Double, up to what the limit can use (o < limit, and
			// limit may be math.MaxInt: nothing here may overflow).
			n := max(o, 2*zMaxMatch)
			if room := limit - o; room < n-(zMaxMatch+8) {
				n = room + zMaxMatch + 8
			}
			buf = slices.Grow(buf[:o], n)
			buf = buf[:cap(buf)]
			end = min(len(buf)-(zMaxMatch+8), limit)
		}
		e := lt[bits&hTableMask]
		if e == 0 {
			f.pos, f.bits, f.nbits = pos, bits, nbits
			sym, err := f.decodeSlow(lit)
			if err != nil {
				return buf[:o], errZLitCode
			}
			pos, bits, nbits = f.pos, f.bits, f.nbits
			e = litInfo[sym%288] | uint32(sym)<<hSymShift // length 0: no bits left to drop
		} else {
			l := uint(e & 15)
			bits >>= l
			nbits -= l
		}
		sym := int(e >> hSymShift & hSymMask)
		if sym < 256 {
			buf[o] = byte(sym)
			o++
			continue
		}
		if sym == 256 {
			f.pos, f.bits, f.nbits = pos, bits, nbits
			return buf[:o], nil
		}
		if sym-257 >= 29 {
			return buf[:o], errZLitCode
		}
		eb := uint(e >> hExtraShift & 15)
		n := int(e>>hBaseShift) + int(bits&(1<<eb-1))
		bits >>= eb
		nbits -= eb
		e = dt[bits&hTableMask]
		if e == 0 {
			f.pos, f.bits, f.nbits = pos, bits, nbits
			ds, err := f.decodeSlow(dist)
			if err != nil {
				return buf[:o], errZDistCode
			}
			pos, bits, nbits = f.pos, f.bits, f.nbits
			e = distInfo[ds%288] | uint32(ds)<<hSymShift
		} else {
			l := uint(e & 15)
			bits >>= l
			nbits -= l
		}
		if e>>hSymShift&hSymMask >= 30 {
			return buf[:o], errZDistCode
		}
		eb = uint(e >> hExtraShift & 15)
		d := int(e>>hBaseShift) + int(bits&(1<<eb-1))
		bits >>= eb
		nbits -= eb
		if d > o-start {
			return buf[:o], errZTooFar
		}
		if o+n > limit {
			return buf[:o], errTooLarge
		}
		copyBack(buf, o, d, n)
		o += n
	}
}

// copyBack copies n bytes from d bytes before buf[o:] to buf[o:], the
// source overlapping the destination when d < n. It may write up to seven
// bytes past o+n, which buf must hold.
func copyBack(buf []byte, o, d, n int) {
	from := o - d
	switch {
	case d >= n:
		copy(buf[o:o+n], buf[from:o])
	case d >= 8:
		// Each word read lies before the words written so far.
		for k := 0; k < n; k += 8 {
			binary.LittleEndian.PutUint64(buf[o+k:], binary.LittleEndian.Uint64(buf[from+k:]))
		}
	case d == 1:
		v := uint64(buf[from]) * 0x0101010101010101
		for k := 0; k < n; k += 8 {
			binary.LittleEndian.PutUint64(buf[o+k:], v)
		}
	default:
		for k := 0; k < n; k++ {
			buf[o+k] = buf[from+k]
		}
	}
}

// copyMatch appends n bytes from d bytes back.
func (f *inflater) copyMatch(out []byte, d, n int) ([]byte, error) {
	if d > len(out)-f.start {
		return out, errZTooFar
	}
	if len(out)+n > f.limit {
		return out, errTooLarge
	}
	from := len(out) - d
	if d >= n {
		return append(out, out[from:from+n]...), nil
	}
	for n > 0 {
		// The source overlaps what is written: copy what exists, which
		// doubles each time.
		k := min(n, len(out)-from)
		out = append(out, out[from:from+k]...)
		n -= k
	}
	return out, nil
}

// codesSlow is codes near the end of the input, checking every read.
func (f *inflater) codesSlow(out []byte, lit, dist *huffman) ([]byte, error) {
	for {
		sym, err := f.decode(lit)
		if err != nil {
			if err == errZCodeLens {
				return out, errZLitCode
			}
			return out, err
		}
		if sym < 256 {
			if len(out) >= f.limit {
				return out, errTooLarge
			}
			out = append(out, byte(sym))
			continue
		}
		if sym == 256 {
			return out, nil
		}
		sym -= 257
		if sym >= 29 {
			return out, errZLitCode
		}
		extra, err := f.take(uint(lenExtra[sym]))
		if err != nil {
			return out, err
		}
		n := int(lenBase[sym]) + int(extra)
		ds, err := f.decode(dist)
		if err != nil {
			if err == errZCodeLens {
				return out, errZDistCode
			}
			return out, err
		}
		if ds >= 30 {
			return out, errZDistCode
		}
		dextra, err := f.take(uint(distExtra[ds]))
		if err != nil {
			return out, err
		}
		if out, err = f.copyMatch(out, int(distBase[ds])+int(dextra), n); err != nil {
			return out, err
		}
	}
}

// adler32Sum is the Adler-32 checksum of p (hash/adler32.Checksum), 64
// bytes at a time. Over bytes b0..b63 starting with sums s1, s2, s1 grows
// by the sum of the bytes and s2 by 64*s1 + 64*b0 + 63*b1 + ... + 1*b63.
// Those sums are gathered in the 16-bit lanes of words: for the byte pairs
// of eight 8-byte words, T holds the pair sums, E the sums of the first
// bytes of the pairs and R the pair sums of the words before each word;
// one multiplication then adds the lanes of each up, with weights where
// needed. Over 64 bytes no lane and no weighted sum passes 16 bits.
func adler32Sum(p []byte) uint32 {
	const (
		mod   = 65521
		even  = 0x00ff00ff00ff00ff
		ones  = 0x0001000100010001
		odds  = 0x0007000500030001 // the weights 7, 5, 3, 1 of the pairs b0+b1 ... b6+b7 of a word
		chunk = 1 << 16            // s2 stays far below 2^64 over a chunk
	)
	s1, s2 := uint64(1), uint64(0)
	for len(p) > 0 {
		q := p[:min(len(p), chunk)]
		p = p[len(q):]
		for ; len(q) >= 64; q = q[64:] {
			var t, r, e uint64
			for k := 0; k < 64; k += 16 {
				x, y := binary.LittleEndian.Uint64(q[k:]), binary.LittleEndian.Uint64(q[k+8:])
				xe, ye := x&even, y&even
				xt, yt := xe+(x>>8)&even, ye+(y>>8)&even
				r += 2*t + xt
				t += xt + yt
				e += xe + ye
			}
			s2 += 64*s1 + 8*((r*ones)>>48) + (t*odds)>>48 + (e*ones)>>48
			s1 += (t * ones) >> 48
		}
		for _, c := range q {
			s1 += uint64(c)
			s2 += s1
		}
		s1 %= mod
		s2 %= mod
	}
	return uint32(s2<<16 | s1)
}
