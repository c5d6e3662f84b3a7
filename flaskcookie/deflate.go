package flaskcookie

import (
	"encoding/binary"
	"math/bits"
	"sync"
)

// This file holds a deflate compressor that writes, byte for byte, what
// zlib 1.2.x writes at its default level 6 (the level of Python's
// zlib.compress): the same hash chains and lazy matching, the same block
// boundaries and the same Huffman trees. Go's compress/flate writes valid
// but different streams, and since itsdangerous compresses a payload only
// when that makes it shorter, different lengths also change which cookies
// are compressed at all. With this compressor a Go cookie is the cookie
// Flask writes.

const (
	zWBits     = 15
	zWSize     = 1 << zWBits
	zWMask     = zWSize - 1
	zHashBits  = 15 // memLevel 8 + 7
	zHashSize  = 1 << zHashBits
	zHashMask  = zHashSize - 1
	zHashShift = (zHashBits + zMinMatch - 1) / zMinMatch
	zMinMatch  = 3
	zMaxMatch  = 258
	zMinLook   = zMaxMatch + zMinMatch + 1
	zMaxDist   = zWSize - zMinLook
	zTooFar    = 4096
	zWinInit   = zMaxMatch
	zSpan      = 512          // a power of two above zMaxMatch + 1
	zLitBufs   = 1 << (8 + 6) // lit_bufsize for memLevel 8
	zSymEnd    = zLitBufs - 1 // symbols in a block at most (sym_end / 3)

	// Level 6 of zlib's configuration table.
	zGoodLength = 8
	zMaxLazy    = 16
	zNiceLength = 128
	zMaxChain   = 128

	zLiterals    = 256
	zLengthCode  = 29
	zLCodes      = zLiterals + 1 + zLengthCode
	zDCodes      = 30
	zBLCodes     = 19
	zHeapSize    = 2*zLCodes + 1
	zMaxBits     = 15
	zMaxBLBits   = 7
	zEndBlock    = 256
	zRep3to6     = 16
	zRepZ3to10   = 17
	zRepZ11to138 = 18
)

var (
	zExtraLBits  = [zLengthCode]int{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	zExtraDBits  = [zDCodes]int{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	zExtraBLBits = [zBLCodes]int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7}
	zBLOrder     = [zBLCodes]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// Tables of zlib's trees.c, computed once.
var zTables = func() (t struct {
	lengthCode [256]uint8
	distCode   [512]uint8
	baseLength [zLengthCode]int
	baseDist   [zDCodes]int
	staticL    [zLCodes + 2]zCode
	staticD    [zDCodes]zCode
}) {
	length := 0
	code := 0
	for ; code < zLengthCode-1; code++ {
		t.baseLength[code] = length
		for n := 0; n < 1<<zExtraLBits[code]; n++ {
			t.lengthCode[length] = uint8(code)
			length++
		}
	}
	// Match length 258 is written as code 285 rather than 284 + 31.
	t.lengthCode[length-1] = uint8(code)
	dist := 0
	for code = 0; code < 16; code++ {
		t.baseDist[code] = dist
		for n := 0; n < 1<<zExtraDBits[code]; n++ {
			t.distCode[dist] = uint8(code)
			dist++
		}
	}
	dist >>= 7
	for ; code < zDCodes; code++ {
		t.baseDist[code] = dist << 7
		for n := 0; n < 1<<(zExtraDBits[code]-7); n++ {
			t.distCode[256+dist] = uint8(code)
			dist++
		}
	}
	var blCount [zMaxBits + 1]int
	for n := 0; n < zLCodes+2; n++ {
		l := 8
		switch {
		case n >= 144 && n <= 255:
			l = 9
		case n >= 256 && n <= 279:
			l = 7
		}
		t.staticL[n].len = uint16(l)
		blCount[l]++
	}
	var all [5]uint64
	for n := 0; n <= zLCodes+1; n++ {
		all[n>>6] |= 1 << (n & 63)
	}
	zGenCodes(t.staticL[:], &all, &blCount)
	for n := 0; n < zDCodes; n++ {
		t.staticD[n] = zCode{len: 5, code: uint16(zReverse(uint(n), 5))}
	}
	return t
}()

func zDistCode(dist int) int {
	if dist < 256 {
		return int(zTables.distCode[dist])
	}
	return int(zTables.distCode[256+dist>>7])
}

// zCode is one node of a tree: frequency, then code; father, then length.
type zCode struct {
	freq, code uint16
	dad, len   uint16
}

type zTreeDesc struct {
	tree    []zCode
	maxCode int
	static  []zCode
	extra   []int
	base    int
	elems   int
	maxLen  int
	used    [5]uint64 // the symbols with a code (a length), up to maxCode
}

// nextUsed returns the first symbol from n on that has a code, or limit.
func nextUsed(used *[5]uint64, n, limit int) int {
	for n < limit {
		if w := used[n>>6] >> (n & 63); w != 0 {
			return min(n+bits.TrailingZeros64(w), limit)
		}
		n = n | 63 + 1
	}
	return limit
}

// zDeflater is the state of one compression, reused through a pool.
type zDeflater struct {
	// The fields that hold pointers come first: the collector scans a
	// pooled deflater up to its last pointer only, not its windows.
	in                   []byte
	sym                  []uint32 // the block's symbols: distance<<8 | literal or length-3
	out                  []byte
	lDesc, dDesc, blDesc zTreeDesc

	highWater int

	strstart, lookahead, matchStart, blockStart int
	insH                                        uint
	insert                                      int

	optLen  uint64
	statLen uint64
	bitBuf  uint64
	bitN    uint

	// limited has a bit for each kind of tree (1 literal/length, 2
	// distance, 4 code length) whose lengths zlib's overflow path limited
	// in this compression, for the tests that check that path.
	limited uint8

	heapMax int
	blCount [zMaxBits + 1]int
	// The codes that describe the trees of a dynamic block, from scanTree
	// to sendTrees: at most one per length.
	blOps [zLCodes + zDCodes]uint16
	nOps  int

	dynL    [zHeapSize]zCode
	litSeen [4]uint64 // the literals of dynL with a frequency, set by tallyLit
	dynD    [2*zDCodes + 1]zCode
	blTree  [2*zBLCodes + 1]zCode
	heap    [zHeapSize]int  // the nodes in the order buildTree took them, from heapMax
	pq      [zPQSize]uint64 // buildTree's priority queue, 1-based

	// head holds positions plus base: a value below base is NIL, so that
	// raising base for each compression clears it without touching it.
	// prev holds the positions themselves, 0 for NIL, as zlib's (it is
	// written before it is read), in half the memory, which the chain
	// walks of longestMatch read at random.
	base uint32
	prev [zWSize]uint16
	head [zHashSize]uint32
	// window has zSpan bytes after any position below 2*zWSize, so that
	// longestMatch reads a candidate through a fixed-size view.
	window [2*zWSize + zSpan]byte
}

var zDeflaters = sync.Pool{New: func() any {
	d := new(zDeflater)
	d.sym = make([]uint32, 0, zSymEnd)
	d.lDesc = zTreeDesc{tree: d.dynL[:], static: zTables.staticL[:], extra: zExtraLBits[:], base: zLiterals + 1, elems: zLCodes, maxLen: zMaxBits}
	d.dDesc = zTreeDesc{tree: d.dynD[:], static: zTables.staticD[:], extra: zExtraDBits[:], base: 0, elems: zDCodes, maxLen: zMaxBits}
	d.blDesc = zTreeDesc{tree: d.blTree[:], extra: zExtraBLBits[:], base: 0, elems: zBLCodes, maxLen: zMaxBLBits}
	return d
}}

// deflate appends zlib.compress(src) (level 6) to dst.
func deflate(dst, src []byte) []byte {
	d := zDeflaters.Get().(*zDeflater)
	dst = d.compress(dst, src)
	d.in, d.out = nil, nil
	zDeflaters.Put(d)
	return dst
}

func (d *zDeflater) compress(dst, src []byte) []byte {
	d.in = src
	d.out = append(dst, 0x78, 0x9c)
	d.bitBuf, d.bitN = 0, 0
	if d.base == 0 || d.base > 1<<31 {
		clear(d.head[:])
		d.base = 1
	} else {
		d.base += 2 * zWSize // past every position of the last compression
	}
	d.highWater, d.limited = 0, 0
	d.strstart, d.lookahead, d.blockStart, d.insert = 0, 0, 0, 0
	d.matchStart = 0
	d.insH = 0
	d.initBlock()
	d.deflateSlow()
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], adler32Sum(src))
	return append(d.out, a[:]...)
}

// fillWindow is zlib's fill_window: it slides the window when needed and
// reads more input.
func (d *zDeflater) fillWindow() {
	const windowSize = 2 * zWSize
	for {
		more := windowSize - d.lookahead - d.strstart
		if d.strstart >= zWSize+zMaxDist {
			copy(d.window[:zWSize-more], d.window[zWSize:2*zWSize-more])
			d.matchStart -= zWSize
			d.strstart -= zWSize
			d.blockStart -= zWSize
			if d.insert > d.strstart {
				d.insert = d.strstart
			}
			d.slideHash()
			more += zWSize
		}
		if len(d.in) == 0 {
			break
		}
		n := copy(d.window[d.strstart+d.lookahead:d.strstart+d.lookahead+min(more, len(d.in))], d.in)
		d.in = d.in[n:]
		d.lookahead += n
		if d.lookahead+d.insert >= zMinMatch {
			str := d.strstart - d.insert
			d.insH = uint(d.window[str])
			d.insH = ((d.insH << zHashShift) ^ uint(d.window[str+1])) & zHashMask
			for d.insert > 0 {
				d.insH = ((d.insH << zHashShift) ^ uint(d.window[str+zMinMatch-1])) & zHashMask
				d.prev[str&zWMask] = uint16(max(int(d.head[d.insH])-int(d.base), 0))
				d.head[d.insH] = uint32(str) + d.base
				str++
				d.insert--
				if d.lookahead+d.insert < zMinMatch {
					break
				}
			}
		}
		if d.lookahead >= zMinLook || len(d.in) == 0 {
			break
		}
	}
	// zlib zeroes the bytes just past the data the first time it gets
	// there, so that matching beyond the data compares with zeros.
	if d.highWater < windowSize {
		curr := d.strstart + d.lookahead
		if d.highWater < curr {
			init := min(windowSize-curr, zWinInit)
			clear(d.window[curr : curr+init])
			d.highWater = curr + init
		} else if d.highWater < curr+zWinInit {
			init := min(curr+zWinInit-d.highWater, windowSize-d.highWater)
			clear(d.window[d.highWater : d.highWater+init])
			d.highWater += init
		}
	}
}

func (d *zDeflater) slideHash() {
	keep := d.base + zWSize
	for i, m := range d.head {
		if m >= keep {
			d.head[i] = m - zWSize
		} else {
			d.head[i] = 0
		}
	}
	for i, m := range d.prev {
		d.prev[i] = max(m, zWSize) - zWSize
	}
}

// longestMatch is zlib's longest_match (the portable version): the same
// candidates in the same order, the same length for each, compared eight
// bytes at a time. It returns the length of the best match at scan and its
// start, or matchStart when no match is longer than prevLength.
func (d *zDeflater) longestMatch(cur, scan, prevLength, lookahead, matchStart int) (int, int) {
	chain := zMaxChain
	bestLen := prevLength
	nice := zNiceLength
	limit := 0
	if scan > zMaxDist {
		limit = scan - zMaxDist
	}
	w, prev := &d.window, &d.prev
	// Every string is read through a view of zSpan bytes (cur and scan
	// are below 2*zWSize, bestLen at most zMaxMatch), and indexed modulo
	// zSpan: no bounds checks in the walk.
	s := (*[zSpan]byte)(w[uint16(scan):])
	// The last two bytes of the best match so far and the first two of
	// the string: a candidate is compared on those first, as in zlib.
	e := bestLen - 1
	end0, end1 := s[e&(zSpan-1)], s[(e+1)&(zSpan-1)]
	start0, start1 := s[0], s[1]
	if prevLength >= zGoodLength {
		chain >>= 2
	}
	if nice > lookahead {
		nice = lookahead
	}
	for {
		c := (*[zSpan]byte)(w[uint16(cur):])
		if c[e&(zSpan-1)] == end0 && c[(e+1)&(zSpan-1)] == end1 && c[0] == start0 && c[1] == start1 {
			// The third bytes are equal since the hashes are; zlib
			// compares the rest up to zMaxMatch.
			n := 3 + matchLen((*[zMaxMatch - 3]byte)(s[3:]), (*[zMaxMatch - 3]byte)(c[3:]))
			if n > bestLen {
				matchStart = cur
				bestLen = n
				if n >= nice {
					break
				}
				e = bestLen - 1
				end0, end1 = s[e&(zSpan-1)], s[(e+1)&(zSpan-1)]
			}
		}
		cur = int(prev[cur&zWMask]) // 0 for NIL
		if cur <= limit {
			break
		}
		chain--
		if chain == 0 {
			break
		}
	}
	return min(bestLen, lookahead), matchStart
}

// matchLen returns the length of the common prefix of a and b.
func matchLen(a, b *[zMaxMatch - 3]byte) int {
	n := 0
	for ; n <= len(a)-8; n += 8 {
		if x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:]); x != 0 {
			return n + bits.TrailingZeros64(x)/8
		}
	}
	for n < len(a) && a[n] == b[n] {
		n++
	}
	return n
}

// deflateSlow is zlib's deflate_slow with flush = Z_FINISH: lazy matching,
// as levels 4 to 9 do. The state it changes at every byte lives in local
// variables (registers), and goes back to d around the calls that use it.
func (d *zDeflater) deflateSlow() {
	strstart, lookahead := d.strstart, d.lookahead
	matchLength, matchStart := zMinMatch-1, d.matchStart
	matchAvailable := false
	h := d.insH
	base := d.base
	w, head, prev := &d.window, &d.head, &d.prev
	// insert is zlib's INSERT_STRING at pos: it returns the previous head
	// of the hash chain of the three bytes at pos and puts pos at the head.
	insert := func(pos int) int {
		h = (h<<zHashShift ^ uint(w[pos+zMinMatch-1])) & zHashMask
		hh := max(int(head[h])-int(base), 0) // 0 for NIL (from this or an earlier compression)
		prev[pos&zWMask] = uint16(hh)
		head[h] = uint32(pos) + base
		return hh
	}
	drained := false // the input is in the window, and zeros after it
	for {
		if lookahead < zMinLook && !drained {
			d.strstart, d.lookahead, d.matchStart, d.insH = strstart, lookahead, matchStart, h
			d.fillWindow()
			strstart, lookahead, matchStart, h = d.strstart, d.lookahead, d.matchStart, d.insH
			// From there on, fill_window has nothing left to do (at
			// every byte of a small input), until the window slides.
			drained = len(d.in) == 0 && d.highWater >= min(strstart+lookahead+zWinInit, 2*zWSize)
		}
		if lookahead == 0 {
			break
		}
		hashHead := 0
		if lookahead >= zMinMatch {
			hashHead = insert(strstart)
		}
		prevLength, prevMatch := matchLength, matchStart
		matchLength = zMinMatch - 1
		if hashHead > 0 && prevLength < zMaxLazy && strstart-hashHead <= zMaxDist {
			matchLength, matchStart = d.longestMatch(hashHead, strstart, prevLength, lookahead, matchStart)
			if matchLength <= 5 && matchLength == zMinMatch && strstart-matchStart > zTooFar {
				matchLength = zMinMatch - 1
			}
		}
		switch {
		case prevLength >= zMinMatch && matchLength <= prevLength:
			maxInsert := strstart + lookahead - zMinMatch
			full := d.tally(strstart-1-prevMatch, prevLength-zMinMatch)
			lookahead -= prevLength - 1
			for n := prevLength - 2; n > 0; n-- {
				strstart++
				if strstart <= maxInsert {
					insert(strstart)
				}
			}
			matchAvailable = false
			matchLength = zMinMatch - 1
			strstart++
			if full {
				d.strstart = strstart
				d.flushBlock(false)
			}
		case matchAvailable:
			if d.tallyLit(w[strstart-1]) {
				d.strstart = strstart
				d.flushBlock(false)
			}
			strstart++
			lookahead--
		default:
			matchAvailable = true
			strstart++
			lookahead--
		}
	}
	if matchAvailable {
		d.tallyLit(w[strstart-1])
	}
	d.strstart = strstart
	d.insert = min(strstart, zMinMatch-1)
	d.flushBlock(true)
}

// tally records a match (dist 1 or more, lc the length - 3) and reports
// whether the block is full; tallyLit records a literal.
func (d *zDeflater) tally(dist, lc int) bool {
	d.sym = append(d.sym, uint32(dist)<<8|uint32(lc))
	dist--
	d.dynL[int(zTables.lengthCode[lc])+zLiterals+1].freq++
	d.dynD[zDistCode(dist)].freq++
	return len(d.sym) == zSymEnd
}

// tallyLit records the literal lc, as tally records a match, and marks it
// in litSeen for buildTree.
func (d *zDeflater) tallyLit(lc byte) bool {
	d.sym = append(d.sym, uint32(lc))
	d.dynL[lc].freq++
	d.litSeen[lc>>6] |= 1 << (lc & 63)
	return len(d.sym) == zSymEnd
}

// initBlock starts a block. zlib zeroes the frequencies only; the other
// fields are all written again before they are read, so zeroing whole
// nodes is the same and faster.
func (d *zDeflater) initBlock() {
	clear(d.dynL[:zLCodes])
	clear(d.dynD[:zDCodes])
	clear(d.blTree[:zBLCodes])
	d.dynL[zEndBlock].freq = 1
	d.litSeen = [4]uint64{}
	d.optLen, d.statLen = 0, 0
	d.sym = d.sym[:0]
}

// flushBlock is FLUSH_BLOCK_ONLY: _tr_flush_block over the input since the
// block start.
func (d *zDeflater) flushBlock(last bool) {
	storedLen := d.strstart - d.blockStart
	var buf []byte
	if d.blockStart >= 0 {
		buf = d.window[d.blockStart:d.strstart]
	}
	d.trFlushBlock(buf, storedLen, last)
	d.blockStart = d.strstart
}

func (d *zDeflater) trFlushBlock(buf []byte, storedLen int, last bool) {
	d.buildTree(&d.lDesc)
	d.buildTree(&d.dDesc)
	maxBLIndex := d.buildBLTree()
	optLenB := (d.optLen + 3 + 7) >> 3
	staticLenB := (d.statLen + 3 + 7) >> 3
	if staticLenB <= optLenB {
		optLenB = staticLenB
	}
	lastBit := uint64(0)
	if last {
		lastBit = 1
	}
	switch {
	case uint64(storedLen)+4 <= optLenB && buf != nil:
		d.sendBits(lastBit, 3) // stored block
		d.windup()
		d.out = append(d.out, byte(storedLen), byte(storedLen>>8), ^byte(storedLen), ^byte(storedLen>>8))
		d.out = append(d.out, buf...)
	case staticLenB == optLenB:
		d.sendBits(2+lastBit, 3)
		d.compressBlock(zTables.staticL[:], zTables.staticD[:])
	default:
		d.sendBits(4+lastBit, 3)
		d.sendAllTrees(d.lDesc.maxCode+1, d.dDesc.maxCode+1, maxBLIndex+1)
		d.compressBlock(d.dynL[:], d.dynD[:])
	}
	if last {
		d.windup() // (the next compression starts with initBlock)
	} else {
		d.initBlock()
	}
}

// The priority queue of buildTree holds each node as one word: its
// frequency and depth (zlib's smaller(): by frequency, then depth) above
// its number. Comparing the words shifted right by pqNodeBits orders the
// nodes as zlib does, ties included (they fall to the heap's positions).
const pqNodeBits = 16

// zPQSize is the size of buildTree's queue: a power of two above zLCodes,
// so that a masked index needs no bounds check.
const zPQSize = 512

func pqEntry(freq uint16, depth uint64, node int) uint64 {
	return (uint64(freq)<<8|depth)<<pqNodeBits | uint64(node)
}

// pqDownHeap is zlib's pqdownheap: it restores the heap property from
// index k of the n entries of pq (1-based).
func pqDownHeap(pq *[zPQSize]uint64, n, k int) {
	v := pq[k]
	for j := 2 * k; j <= n; j = 2 * k {
		if j < n && pq[j+1]>>pqNodeBits <= pq[j]>>pqNodeBits {
			j++
		}
		if v>>pqNodeBits <= pq[j]>>pqNodeBits {
			break
		}
		pq[k] = pq[j]
		k = j
	}
	pq[k] = v
}

// buildTree is zlib's build_tree: a Huffman tree with zlib's tie-breaking,
// then its lengths (gen_bitlen) and codes (gen_codes).
func (d *zDeflater) buildTree(desc *zTreeDesc) {
	tree, stree, elems := desc.tree, desc.static, desc.elems
	pq := &d.pq
	maxCode, n := -1, 0
	// The symbols with a frequency. zlib zeroes the lengths of the others
	// here; initBlock zeroed every node of the block already.
	// Each symbol is written at n+1, and kept by counting it: no branch
	// to mispredict on which symbols occur.
	first := 0
	if desc == &d.lDesc {
		// The literals of the literal/length code, from the bits
		// tallyLit set, in order; the other symbols as below.
		for w, bitsLeft := range d.litSeen {
			for bitsLeft != 0 {
				i := w<<6 | bits.TrailingZeros64(bitsLeft)
				bitsLeft &= bitsLeft - 1
				n++
				pq[n&(zPQSize-1)] = pqEntry(tree[i].freq, 0, i)
			}
		}
		first = len(d.litSeen) * 64
	}
	for i := first; i < elems; i++ {
		f := uint64(tree[i].freq)
		pq[(n+1)&(zPQSize-1)] = pqEntry(tree[i].freq, 0, i)
		n += int((f | -f) >> 63) // 1 if f != 0
	}
	if n > 0 {
		maxCode = int(pq[n] & (1<<pqNodeBits - 1))
	}
	// At least two codes, as zlib forces them.
	for n < 2 {
		node := 0
		if maxCode < 2 {
			maxCode++
			node = maxCode
		}
		n++
		tree[node].freq = 1
		pq[n] = pqEntry(1, 0, node)
		d.optLen--
		if stree != nil {
			d.statLen -= uint64(stree[node].len)
		}
	}
	desc.maxCode = maxCode
	for k := n / 2; k >= 1; k-- {
		pqDownHeap(pq, n, k)
	}
	// Take the two least frequent nodes and put their parent in their
	// place, until one node is left; heap[heapMax:] gets the nodes in the
	// order they left, for genBitLen.
	const nodeMask = 1<<pqNodeBits - 1
	node, hm := elems, zHeapSize
	for {
		a := pq[1]
		pq[1] = pq[n]
		n--
		pqDownHeap(pq, n, 1)
		b := pq[1]
		na, nb := int(a&nodeMask), int(b&nodeMask)
		hm -= 2
		d.heap[hm+1], d.heap[hm] = na, nb
		f := tree[na].freq + tree[nb].freq
		tree[node].freq = f
		tree[na].dad, tree[nb].dad = uint16(node), uint16(node)
		depth := max(a>>pqNodeBits&0xFF, b>>pqNodeBits&0xFF) + 1
		pq[1] = pqEntry(f, depth, node)
		node++
		pqDownHeap(pq, n, 1)
		if n < 2 {
			break
		}
	}
	hm--
	d.heap[hm] = int(pq[1] & nodeMask)
	d.heapMax = hm
	d.genBitLen(desc)
	zGenCodes(tree, &desc.used, &d.blCount)
}

func (d *zDeflater) genBitLen(desc *zTreeDesc) {
	tree, stree, extra, base, maxLen, maxCode := desc.tree, desc.static, desc.extra, desc.base, desc.maxLen, desc.maxCode
	used := &desc.used
	clear(used[:])
	clear(d.blCount[:])
	tree[d.heap[d.heapMax]].len = 0
	overflow := 0
	h := d.heapMax + 1
	for ; h < zHeapSize; h++ {
		n := d.heap[h]
		bits := int(tree[tree[n].dad].len) + 1
		if bits > maxLen {
			bits = maxLen
			overflow++
		}
		tree[n].len = uint16(bits)
		if n > maxCode {
			continue
		}
		used[n>>6] |= 1 << (n & 63)
		d.blCount[bits]++
		xbits := 0
		if n >= base {
			xbits = extra[n-base]
		}
		f := uint64(tree[n].freq)
		d.optLen += f * uint64(bits+xbits)
		if stree != nil {
			d.statLen += f * uint64(int(stree[n].len)+xbits)
		}
	}
	if overflow == 0 {
		return
	}
	switch desc {
	case &d.lDesc:
		d.limited |= 1
	case &d.dDesc:
		d.limited |= 2
	default:
		d.limited |= 4
	}
	for overflow > 0 {
		bits := maxLen - 1
		for d.blCount[bits] == 0 {
			bits--
		}
		d.blCount[bits]--
		d.blCount[bits+1] += 2
		d.blCount[maxLen]--
		overflow -= 2
	}
	for bits := maxLen; bits != 0; bits-- {
		n := d.blCount[bits]
		for n != 0 {
			h--
			m := d.heap[h]
			if m > maxCode {
				continue
			}
			if int(tree[m].len) != bits {
				d.optLen += uint64(bits-int(tree[m].len)) * uint64(tree[m].freq)
				tree[m].len = uint16(bits)
			}
			n--
		}
	}
}

// zGenCodes is zlib's gen_codes for the symbols that have a length (used),
// in their order.
func zGenCodes(tree []zCode, used *[5]uint64, blCount *[zMaxBits + 1]int) {
	var next [zMaxBits + 1]int
	code := 0
	for bits := 1; bits <= zMaxBits; bits++ {
		code = (code + blCount[bits-1]) << 1
		next[bits] = code
	}
	for i, w := range used {
		for ; w != 0; w &= w - 1 {
			n := i<<6 | bits.TrailingZeros64(w)
			l := int(tree[n].len) & 15
			tree[n].code = bits.Reverse16(uint16(next[l])) >> (16 - l)
			next[l]++
		}
	}
}

func zReverse(code uint, n int) uint {
	var r uint
	for ; n > 0; n-- {
		r = r<<1 | code&1
		code >>= 1
	}
	return r
}

// scanTree counts the codes that describe a tree's lengths (zlib's
// scan_tree), and records them in blOps for sendTrees, which writes them
// (zlib's send_tree parses the lengths a second time).
func (d *zDeflater) scanTree(desc *zTreeDesc) {
	tree, maxCode := desc.tree, desc.maxCode
	ops := d.blOps[:d.nOps:len(d.blOps)]
	prevLen, nextLen := -1, int(tree[0].len)
	count, maxCount, minCount := 0, 7, 4
	if nextLen == 0 {
		maxCount, minCount = 138, 3
	}
	tree[maxCode+1].len = 0xFFFF // guard
	for n := 0; n <= maxCode; n++ {
		curLen := nextLen
		nextLen = int(tree[n+1].len)
		if curLen == 0 && nextLen == 0 {
			// A run of unused symbols, taken to its end at once: groups
			// of 138 (maxCount in a run of zeros), then the rest below.
			m := nextUsed(&desc.used, n+2, maxCode+1)
			total := count + m - n
			for ; total > 138; total -= 138 {
				d.blTree[zRepZ11to138].freq++
				ops = append(ops, blOp(zRepZ11to138, 138-11))
			}
			n, nextLen, count = m-1, int(tree[m].len), total-1
		}
		count++
		if count < maxCount && curLen == nextLen {
			continue
		}
		switch {
		case count < minCount:
			d.blTree[curLen].freq += uint16(count)
			for ; count > 0; count-- {
				ops = append(ops, blOp(curLen, 0))
			}
		case curLen != 0:
			if curLen != prevLen {
				d.blTree[curLen].freq++
				ops = append(ops, blOp(curLen, 0))
				count--
			}
			d.blTree[zRep3to6].freq++
			ops = append(ops, blOp(zRep3to6, count-3))
		case count <= 10:
			d.blTree[zRepZ3to10].freq++
			ops = append(ops, blOp(zRepZ3to10, count-3))
		default:
			d.blTree[zRepZ11to138].freq++
			ops = append(ops, blOp(zRepZ11to138, count-11))
		}
		count, prevLen = 0, curLen
		switch {
		case nextLen == 0:
			maxCount, minCount = 138, 3
		case curLen == nextLen:
			maxCount, minCount = 6, 3
		default:
			maxCount, minCount = 7, 4
		}
	}
	d.nOps = len(ops)
}

// blOp is one code of a tree description: a bit length code and the value
// of its extra bits.
func blOp(code, extra int) uint16 { return uint16(extra<<5 | code) }

// sendTrees writes the codes scanTree recorded with the bit length codes.
func (d *zDeflater) sendTrees() {
	acc, n, out := d.bitBuf, d.bitN, d.out
	for _, op := range d.blOps[:d.nOps] {
		code := op & 31
		c := d.blTree[code]
		// At most 7 + 7 bits join fewer than 32.
		acc |= (uint64(c.code) | uint64(op>>5)<<c.len) << n
		n += uint(c.len) + uint(zExtraBLBits[code])
		if n >= 32 {
			out = binary.LittleEndian.AppendUint32(out, uint32(acc))
			acc >>= 32
			n -= 32
		}
	}
	d.bitBuf, d.bitN, d.out = acc, n, out
}

func (d *zDeflater) buildBLTree() int {
	d.nOps = 0
	d.scanTree(&d.lDesc)
	d.scanTree(&d.dDesc)
	d.buildTree(&d.blDesc)
	maxBLIndex := zBLCodes - 1
	for ; maxBLIndex >= 3; maxBLIndex-- {
		if d.blTree[zBLOrder[maxBLIndex]].len != 0 {
			break
		}
	}
	d.optLen += 3*uint64(maxBLIndex+1) + 5 + 5 + 4
	return maxBLIndex
}

func (d *zDeflater) sendAllTrees(lcodes, dcodes, blcodes int) {
	d.sendBits(uint64(lcodes-257), 5)
	d.sendBits(uint64(dcodes-1), 5)
	d.sendBits(uint64(blcodes-4), 4)
	for rank := 0; rank < blcodes; rank++ {
		d.sendBits(uint64(d.blTree[zBLOrder[rank]].len), 3)
	}
	d.sendTrees()
}

func (d *zDeflater) compressBlock(ltree, dtree []zCode) {
	// The bit buffer in local variables: a literal, or a length code and
	// its extra bits, or a distance code and its extra bits, add at most
	// 15+13 bits to fewer than 32, and whole 32-bit words go out after
	// each.
	acc, n, out := d.bitBuf, d.bitN, d.out
	ltree = ltree[:zLCodes+2]
	dtree = dtree[:zDCodes]
	for _, sym := range d.sym {
		dist := int(sym >> 8)
		lc := int(sym & 0xFF)
		if dist == 0 {
			c := ltree[lc]
			acc |= uint64(c.code) << n
			n += uint(c.len)
		} else {
			code := int(zTables.lengthCode[lc])
			c := ltree[code+zLiterals+1]
			extra := uint(zExtraLBits[code]) // 0 for 258, written as code 285 alone
			acc |= (uint64(c.code) | uint64(lc-zTables.baseLength[code])&(1<<extra-1)<<c.len) << n
			n += uint(c.len) + extra
			if n >= 32 {
				out = binary.LittleEndian.AppendUint32(out, uint32(acc))
				acc >>= 32
				n -= 32
			}
			dist--
			code = zDistCode(dist) & 31
			c = dtree[code]
			acc |= (uint64(c.code) | uint64(dist-zTables.baseDist[code])<<c.len) << n
			n += uint(c.len) + uint(zExtraDBits[code])
		}
		if n >= 32 {
			out = binary.LittleEndian.AppendUint32(out, uint32(acc))
			acc >>= 32
			n -= 32
		}
	}
	d.bitBuf, d.bitN, d.out = acc, n, out
	d.sendCode(zEndBlock, ltree)
}

func (d *zDeflater) sendCode(c int, tree []zCode) {
	d.sendBits(uint64(tree[c].code), uint(tree[c].len))
}

// sendBits writes n <= 16 bits, least significant first, as deflate packs
// them; whole 32-bit words go out at once.
func (d *zDeflater) sendBits(v uint64, n uint) {
	d.bitBuf |= v << d.bitN
	d.bitN += n
	if d.bitN >= 32 {
		d.out = binary.LittleEndian.AppendUint32(d.out, uint32(d.bitBuf))
		d.bitBuf >>= 32
		d.bitN -= 32
	}
}

// windup writes the bits left, the last byte padded with zero bits.
func (d *zDeflater) windup() {
	for d.bitN > 0 {
		d.out = append(d.out, byte(d.bitBuf))
		d.bitBuf >>= 8
		d.bitN -= min(d.bitN, 8)
	}
	d.bitBuf, d.bitN = 0, 0
}
