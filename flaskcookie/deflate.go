package flaskcookie

import (
	"encoding/binary"
	"hash/adler32"
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
	zLitBufs   = 1 << (8 + 6) // lit_bufsize for memLevel 8
	zSymEnd    = (zLitBufs - 1) * 3

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
	zGenCodes(t.staticL[:], zLCodes+1, &blCount)
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
}

// zDeflater is the state of one compression, reused through a pool.
type zDeflater struct {
	window [2*zWSize + zMaxMatch + 8]byte
	// head and prev hold positions as zlib does, plus base: a value below
	// base is NIL. Raising base for each compression clears both tables
	// without touching them.
	prev [zWSize]uint32
	head [zHashSize]uint32
	base uint32

	in        []byte
	highWater int

	strstart, lookahead, matchStart, blockStart int
	prevLength, matchLength, prevMatch          int
	matchAvailable                              bool
	insH                                        uint
	insert                                      int

	dynL                 [zHeapSize]zCode
	dynD                 [2*zDCodes + 1]zCode
	blTree               [2*zBLCodes + 1]zCode
	lDesc, dDesc, blDesc zTreeDesc

	heap    [zHeapSize]int
	key     [zHeapSize]uint32 // freq<<8 | depth of the nodes in the heap
	heapLen int
	heapMax int
	depth   [zHeapSize]uint8
	blCount [zMaxBits + 1]int

	sym     []byte
	optLen  uint64
	statLen uint64

	out    []byte
	bitBuf uint64
	bitN   uint
}

var zDeflaters = sync.Pool{New: func() any {
	d := new(zDeflater)
	d.sym = make([]byte, 0, zSymEnd)
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
		clear(d.prev[:])
		d.base = 1
	} else {
		d.base += 2 * zWSize // past every position of the last compression
	}
	d.highWater = 0
	d.strstart, d.lookahead, d.blockStart, d.insert = 0, 0, 0, 0
	d.matchLength, d.prevLength = zMinMatch-1, zMinMatch-1
	d.matchAvailable = false
	d.insH = 0
	d.initBlock()
	d.deflateSlow()
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], adler32.Checksum(src))
	return append(d.out, a[:]...)
}

// insertString is zlib's INSERT_STRING: it returns the previous head of
// the hash chain of the three bytes at pos and puts pos at the head.
func (d *zDeflater) insertString(pos int) int {
	d.insH = ((d.insH << zHashShift) ^ uint(d.window[pos+zMinMatch-1])) & zHashMask
	h := d.head[d.insH]
	d.prev[pos&zWMask] = h
	d.head[d.insH] = uint32(pos) + d.base
	return max(int(h)-int(d.base), 0)
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
				d.prev[str&zWMask] = d.head[d.insH]
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
		if m >= keep {
			d.prev[i] = m - zWSize
		} else {
			d.prev[i] = 0
		}
	}
}

// longestMatch is zlib's longest_match (the portable version).
func (d *zDeflater) longestMatch(cur int) int {
	chain := zMaxChain
	scan := d.strstart
	bestLen := d.prevLength
	nice := zNiceLength
	limit := 0
	if d.strstart > zMaxDist {
		limit = d.strstart - zMaxDist
	}
	w := &d.window
	base := int(d.base)
	// The last two bytes of the best match so far and the first two of
	// the string, each pair read as one 16-bit word.
	end := load16(w, scan+bestLen-1)
	start := load16(w, scan)
	if d.prevLength >= zGoodLength {
		chain >>= 2
	}
	if nice > d.lookahead {
		nice = d.lookahead
	}
	for {
		if load16(w, cur+bestLen-1) == end && load16(w, cur) == start {
			// The third bytes are equal since the hashes are: zlib does
			// not compare them, and compares the rest up to 258.
			n := 3
			a, b := w[scan:scan+zMaxMatch+1], w[cur:cur+zMaxMatch+1]
			for n < zMaxMatch && a[n] == b[n] {
				n++
			}
			if n > bestLen {
				d.matchStart = cur
				bestLen = n
				if n >= nice {
					break
				}
				end = load16(w, scan+bestLen-1)
			}
		}
		cur = int(d.prev[cur&zWMask]) - base // negative for NIL
		if cur <= limit {
			break
		}
		chain--
		if chain == 0 {
			break
		}
	}
	if bestLen <= d.lookahead {
		return bestLen
	}
	return d.lookahead
}

func load16(w *[2*zWSize + zMaxMatch + 8]byte, i int) uint16 {
	return uint16(w[i]) | uint16(w[i+1])<<8
}

// deflateSlow is zlib's deflate_slow with flush = Z_FINISH: lazy matching,
// as levels 4 to 9 do.
func (d *zDeflater) deflateSlow() {
	for {
		if d.lookahead < zMinLook {
			d.fillWindow()
			if d.lookahead == 0 {
				break
			}
		}
		hashHead := 0
		if d.lookahead >= zMinMatch {
			hashHead = d.insertString(d.strstart)
		}
		d.prevLength, d.prevMatch = d.matchLength, d.matchStart
		d.matchLength = zMinMatch - 1
		if hashHead != 0 && d.prevLength < zMaxLazy && d.strstart-hashHead <= zMaxDist {
			d.matchLength = d.longestMatch(hashHead)
			if d.matchLength <= 5 && d.matchLength == zMinMatch && d.strstart-d.matchStart > zTooFar {
				d.matchLength = zMinMatch - 1
			}
		}
		switch {
		case d.prevLength >= zMinMatch && d.matchLength <= d.prevLength:
			maxInsert := d.strstart + d.lookahead - zMinMatch
			flush := d.tally(d.strstart-1-d.prevMatch, d.prevLength-zMinMatch)
			d.lookahead -= d.prevLength - 1
			d.prevLength -= 2
			for {
				d.strstart++
				if d.strstart <= maxInsert {
					d.insertString(d.strstart)
				}
				d.prevLength--
				if d.prevLength == 0 {
					break
				}
			}
			d.matchAvailable = false
			d.matchLength = zMinMatch - 1
			d.strstart++
			if flush {
				d.flushBlock(false)
			}
		case d.matchAvailable:
			if d.tally(0, int(d.window[d.strstart-1])) {
				d.flushBlock(false)
			}
			d.strstart++
			d.lookahead--
		default:
			d.matchAvailable = true
			d.strstart++
			d.lookahead--
		}
	}
	if d.matchAvailable {
		d.tally(0, int(d.window[d.strstart-1]))
		d.matchAvailable = false
	}
	d.insert = min(d.strstart, zMinMatch-1)
	d.flushBlock(true)
}

// tally records a literal (dist 0, lc the byte) or a match (lc the length
// - 3) and reports whether the block is full.
func (d *zDeflater) tally(dist, lc int) bool {
	d.sym = append(d.sym, byte(dist), byte(dist>>8), byte(lc))
	if dist == 0 {
		d.dynL[lc].freq++
	} else {
		dist--
		d.dynL[int(zTables.lengthCode[lc])+zLiterals+1].freq++
		d.dynD[zDistCode(dist)].freq++
	}
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
	d.initBlock()
	if last {
		d.windup()
	}
}

// pqDownHeap restores the heap property from index k, ordering nodes by
// frequency and then depth (zlib's smaller()). key holds freq<<8 | depth
// of every node, which orders them the same way in one comparison.
func (d *zDeflater) pqDownHeap(key *[zHeapSize]uint32, k int) {
	heap := &d.heap
	n := d.heapLen
	v := heap[k]
	kv := key[v]
	j := k << 1
	for j <= n {
		hj := heap[j]
		if j < n {
			if h1 := heap[j+1]; key[h1] <= key[hj] {
				j++
				hj = h1
			}
		}
		if kv <= key[hj] {
			break
		}
		heap[k] = hj
		k = j
		j <<= 1
	}
	heap[k] = v
}

// buildTree is zlib's build_tree: a Huffman tree with zlib's tie-breaking,
// then its lengths (gen_bitlen) and codes (gen_codes).
func (d *zDeflater) buildTree(desc *zTreeDesc) {
	tree, stree, elems := desc.tree, desc.static, desc.elems
	maxCode := -1
	d.heapLen, d.heapMax = 0, zHeapSize
	for n := 0; n < elems; n++ {
		if tree[n].freq != 0 {
			d.heapLen++
			d.heap[d.heapLen] = n
			maxCode = n
			d.depth[n] = 0
		} else {
			tree[n].len = 0
		}
	}
	for d.heapLen < 2 {
		node := 0
		if maxCode < 2 {
			maxCode++
			node = maxCode
		}
		d.heapLen++
		d.heap[d.heapLen] = node
		tree[node].freq = 1
		d.depth[node] = 0
		d.optLen--
		if stree != nil {
			d.statLen -= uint64(stree[node].len)
		}
	}
	desc.maxCode = maxCode
	key := &d.key
	for i := 1; i <= d.heapLen; i++ {
		n := d.heap[i]
		key[n] = uint32(tree[n].freq)<<8 | uint32(d.depth[n])
	}
	for n := d.heapLen / 2; n >= 1; n-- {
		d.pqDownHeap(key, n)
	}
	node := elems
	for {
		n := d.heap[1]
		d.heap[1] = d.heap[d.heapLen]
		d.heapLen--
		d.pqDownHeap(key, 1)
		m := d.heap[1]
		d.heapMax--
		d.heap[d.heapMax] = n
		d.heapMax--
		d.heap[d.heapMax] = m
		tree[node].freq = tree[n].freq + tree[m].freq
		d.depth[node] = max(d.depth[n], d.depth[m]) + 1
		key[node] = uint32(tree[node].freq)<<8 | uint32(d.depth[node])
		tree[n].dad, tree[m].dad = uint16(node), uint16(node)
		d.heap[1] = node
		node++
		d.pqDownHeap(key, 1)
		if d.heapLen < 2 {
			break
		}
	}
	d.heapMax--
	d.heap[d.heapMax] = d.heap[1]
	d.genBitLen(desc)
	zGenCodes(tree, maxCode, &d.blCount)
}

func (d *zDeflater) genBitLen(desc *zTreeDesc) {
	tree, stree, extra, base, maxLen, maxCode := desc.tree, desc.static, desc.extra, desc.base, desc.maxLen, desc.maxCode
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

func zGenCodes(tree []zCode, maxCode int, blCount *[zMaxBits + 1]int) {
	var next [zMaxBits + 1]int
	code := 0
	for bits := 1; bits <= zMaxBits; bits++ {
		code = (code + blCount[bits-1]) << 1
		next[bits] = code
	}
	for n := 0; n <= maxCode; n++ {
		l := int(tree[n].len)
		if l == 0 {
			continue
		}
		tree[n].code = uint16(zReverse(uint(next[l]), l))
		next[l]++
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

// scanTree counts the codes that describe a tree's lengths.
func (d *zDeflater) scanTree(tree []zCode, maxCode int) {
	prevLen, nextLen := -1, int(tree[0].len)
	count, maxCount, minCount := 0, 7, 4
	if nextLen == 0 {
		maxCount, minCount = 138, 3
	}
	tree[maxCode+1].len = 0xFFFF // guard
	for n := 0; n <= maxCode; n++ {
		curLen := nextLen
		nextLen = int(tree[n+1].len)
		count++
		if count < maxCount && curLen == nextLen {
			continue
		}
		switch {
		case count < minCount:
			d.blTree[curLen].freq += uint16(count)
		case curLen != 0:
			if curLen != prevLen {
				d.blTree[curLen].freq++
			}
			d.blTree[zRep3to6].freq++
		case count <= 10:
			d.blTree[zRepZ3to10].freq++
		default:
			d.blTree[zRepZ11to138].freq++
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
}

// sendTree writes a tree's lengths with the bit length codes.
func (d *zDeflater) sendTree(tree []zCode, maxCode int) {
	prevLen, nextLen := -1, int(tree[0].len)
	count, maxCount, minCount := 0, 7, 4
	if nextLen == 0 {
		maxCount, minCount = 138, 3
	}
	for n := 0; n <= maxCode; n++ {
		curLen := nextLen
		nextLen = int(tree[n+1].len)
		count++
		if count < maxCount && curLen == nextLen {
			continue
		}
		switch {
		case count < minCount:
			for ; count > 0; count-- {
				d.sendCode(curLen, d.blTree[:])
			}
		case curLen != 0:
			if curLen != prevLen {
				d.sendCode(curLen, d.blTree[:])
				count--
			}
			d.sendCode(zRep3to6, d.blTree[:])
			d.sendBits(uint64(count-3), 2)
		case count <= 10:
			d.sendCode(zRepZ3to10, d.blTree[:])
			d.sendBits(uint64(count-3), 3)
		default:
			d.sendCode(zRepZ11to138, d.blTree[:])
			d.sendBits(uint64(count-11), 7)
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
}

func (d *zDeflater) buildBLTree() int {
	d.scanTree(d.dynL[:], d.lDesc.maxCode)
	d.scanTree(d.dynD[:], d.dDesc.maxCode)
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
	d.sendTree(d.dynL[:], lcodes-1)
	d.sendTree(d.dynD[:], dcodes-1)
}

func (d *zDeflater) compressBlock(ltree, dtree []zCode) {
	for i := 0; i < len(d.sym); i += 3 {
		dist := int(d.sym[i]) | int(d.sym[i+1])<<8
		lc := int(d.sym[i+2])
		if dist == 0 {
			d.sendCode(lc, ltree)
			continue
		}
		code := int(zTables.lengthCode[lc])
		d.sendCode(code+zLiterals+1, ltree)
		if extra := zExtraLBits[code]; extra != 0 {
			d.sendBits(uint64(lc-zTables.baseLength[code]), uint(extra))
		}
		dist--
		code = zDistCode(dist)
		d.sendCode(code, dtree)
		if extra := zExtraDBits[code]; extra != 0 {
			d.sendBits(uint64(dist-zTables.baseDist[code]), uint(extra))
		}
	}
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
