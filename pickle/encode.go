package pickle

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strconv"
	"sync"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/internal/ascii"
	"github.com/flaskbridge/flaskbridge/py"
)

// Marshal returns the pickle of v at protocol 4, byte for byte what
// CPython's pickle.dumps(v) writes. v is a value of the py model, or a Go
// value that py.ValueOf converts (maps, slices, structs with `py` tags,
// time.Time, ...).
func Marshal(v any) ([]byte, error) {
	return EncodeOptions{}.Marshal(v)
}

// MarshalProtocol is Marshal at the given protocol, 0 to 5, as
// pickle.dumps(v, protocol); a negative protocol means HighestProtocol.
func MarshalProtocol(v any, protocol int) ([]byte, error) {
	if protocol == 0 {
		protocol = TextProtocol
	} else if protocol < 0 {
		protocol = HighestProtocol
	}
	return EncodeOptions{Protocol: protocol}.Marshal(v)
}

// Marshal returns the pickle of v with the options o; see the package
// function Marshal.
func (o EncodeOptions) Marshal(v any) ([]byte, error) {
	e := encoderPool.Get().(*encoder)
	defer e.release()
	if err := e.encode(v, o); err != nil {
		return nil, err
	}
	return append([]byte(nil), e.buf...), nil
}

// encoderPool recycles encoders between calls: their buffer and memo are
// scratch space only.
var encoderPool = sync.Pool{New: func() any { return new(encoder) }}

func (e *encoder) release() {
	if cap(e.buf) > 1<<20 {
		e.buf = nil
	}
	e.memo.reset()
	e.idents = nil
	encoderPool.Put(e)
}

// An Encoder writes pickles to an output stream, one per Encode call, as a
// pickle.Pickler does with a fresh memo for each dump.
type Encoder struct {
	w    io.Writer
	opts EncodeOptions
	e    encoder
}

// NewEncoder returns an encoder that writes to w with the options opts.
func NewEncoder(w io.Writer, opts EncodeOptions) *Encoder {
	return &Encoder{w: w, opts: opts}
}

// Encode writes the pickle of v.
func (enc *Encoder) Encode(v any) error {
	enc.e.memo.reset()
	enc.e.idents = nil
	if err := enc.e.encode(v, enc.opts); err != nil {
		return err
	}
	_, err := enc.w.Write(enc.e.buf)
	return err
}

const (
	frameHeaderSize = 9
	frameSizeMin    = 4
	frameSizeTarget = 64 * 1024
	batchSize       = 1000
)

// Memo key kinds: what makes two values one Python object.
const (
	kPtr      uint8 = iota + 1 // list, dict, set, bytearray, object: the pointer
	kStr                       // str: data pointer and length
	kStrVal                    // '' and 1-character latin-1 str: CPython caches them
	kBytes                     // bytes: data pointer and length
	kBytesVal                  // b'' and 1-byte bytes: cached too
	kTuple                     // tuple: data pointer and length
	kMarkup                    // Markup: data pointer and length
	kUTC                       // datetime.timezone.utc, a singleton
	kGlobal                    // a class or function: module and name (s)
	kModule                    // a module name of a global: interned by CPython (s)
	kConst                     // a str constant of a reduction ('latin1', 'int', ...) (s)
)

// mkey identifies a Python object for the memo. The objects known by a
// name (kinds kGlobal, kModule, kConst) are kept apart, by their text.
//
// p is the address of the object (or of its data) as a number: the value
// being encoded keeps every object it reaches alive, the encoder keeps the
// values it makes along the way (see keep), and Go's heap does not move, so
// during one encode an address names one object. Kept as a number,
// the memo table holds no pointers: filling it costs no write barriers, and
// the collector never scans it.
type mkey struct {
	p    uintptr
	n    int
	kind uint8
}

// mslot is one slot of the memo table. tag is the table's generation
// times 256 plus the key's kind: a slot of an older generation is empty,
// so that the table is emptied for the next encode by counting one up.
type mslot struct {
	p   uintptr
	n   int
	idx int32
	tag uint32
}

type named struct {
	kind uint8
	s    string
	idx  int32
}

// memoTable maps keys to memo indices: an open-addressing hash table for
// the keys of objects, a short list for the few named ones (a map when
// there are many).
type memoTable struct {
	slots    []mslot
	used     int
	gen      uint32 // the generation of the slots in use, from 1
	names    []named
	namesMap map[named]int32 // keys with idx 0, once names is long
	// run holds the keys of kind kStr that came in increasing order of
	// address, then length: the strings of a decoded value, which share
	// its input's memory in order, come that way. A key past the last one
	// is new (the slots only hold str keys below it, see findStr), which
	// takes a comparison instead of a probe of the table; a repeated
	// one is found by binary search.
	run []mrun
}

// mrun is an entry of memoTable.run.
type mrun struct {
	p   uintptr
	n   int
	idx int32
}

// before reports whether r's key comes before the str key (p, n), in the
// run's order: by address, then length.
func (r *mrun) before(p uintptr, n int) bool { return r.p < p || r.p == p && r.n < n }

// slotRun is the slot findStr returns for a str to append to the run.
const slotRun = -2

const namesLinear = 32

func (t *memoTable) reset() {
	if len(t.slots) > 1<<14 {
		t.slots = nil
	}
	t.gen++
	if t.gen >= 1<<24 {
		clear(t.slots)
		t.gen = 1
	}
	t.used = 0
	if cap(t.run) > 1<<14 {
		t.run = nil
	}
	t.run = t.run[:0]
	clear(t.names)
	t.names = t.names[:0]
	t.namesMap = nil
}

func (t *memoTable) tag(kind uint8) uint32 { return t.gen<<8 | uint32(kind) }

func hashKey(p uintptr, n int, kind uint8) uint64 {
	h := uint64(p) ^ uint64(n)<<32 ^ uint64(n)>>32 ^ uint64(kind)<<56
	h ^= h >> 29
	h *= 0x9E3779B97F4A7C15
	return h ^ h>>32
}

func (t *memoTable) getNamed(kind uint8, s string) (int32, bool) {
	if t.namesMap != nil {
		i, ok := t.namesMap[named{kind: kind, s: s}]
		return i, ok
	}
	for i := range t.names {
		if t.names[i].kind == kind && t.names[i].s == s {
			return t.names[i].idx, true
		}
	}
	return 0, false
}

func (t *memoTable) putNamed(kind uint8, s string, idx int32) {
	if t.namesMap != nil {
		t.namesMap[named{kind: kind, s: s}] = idx
		return
	}
	t.names = append(t.names, named{kind: kind, s: s, idx: idx})
	if len(t.names) > namesLinear {
		t.namesMap = make(map[named]int32, 2*len(t.names))
		for _, n := range t.names {
			t.namesMap[named{kind: n.kind, s: n.s}] = n.idx
		}
	}
}

func (t *memoTable) get(k mkey) (int32, bool) {
	if t.used == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	tag := t.tag(k.kind)
	for i := hashKey(k.p, k.n, k.kind) & mask; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.tag>>8 != t.gen {
			return 0, false
		}
		if sl.p == k.p && sl.n == k.n && sl.tag == tag {
			return sl.idx, true
		}
	}
}

// find looks k up; when it is missing, slot is where putAt may store it
// (-1: the table must grow first).
func (t *memoTable) find(k mkey) (slot int, idx int32, found bool) {
	if (t.used+1)*2 > len(t.slots) {
		i, ok := t.get(k)
		return -1, i, ok
	}
	mask := uint64(len(t.slots) - 1)
	tag := t.tag(k.kind)
	for i := hashKey(k.p, k.n, k.kind) & mask; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.tag>>8 != t.gen {
			return int(i), 0, false
		}
		if sl.p == k.p && sl.n == k.n && sl.tag == tag {
			return int(i), sl.idx, true
		}
	}
}

// findStr is find for a key of kind kStr (strKey), which looks in the run
// too. A key is only ever stored in the slots when it is below the last
// key of the run then, and the run only grows upwards: so a key above the
// last one is in neither. A key found in the run by binary search is also
// stored in the slots, where it is found faster the next time (the keys
// of a dict, met again in every dict of a list).
func (t *memoTable) findStr(k mkey) (slot int, idx int32, found bool) {
	n := len(t.run)
	if n == 0 {
		return slotRun, 0, false
	}
	if t.run[n-1].before(k.p, k.n) {
		return slotRun, 0, false
	}
	if slot, idx, found = t.find(k); found {
		return slot, idx, true
	}
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.run[m].before(k.p, k.n) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < n && t.run[lo].p == k.p && t.run[lo].n == k.n {
		idx = t.run[lo].idx
		t.putAt(slot, k, idx)
		return 0, idx, true
	}
	return slot, 0, false
}

// appendRun appends r to the run.
func (t *memoTable) appendRun(r mrun) {
	if n := len(t.run); n < cap(t.run) {
		t.run = t.run[:n+1]
		t.run[n] = r
		return
	}
	t.run = append(t.run, r)
}

// putAt stores k at the slot find or findStr returned, with nothing
// stored since.
func (t *memoTable) putAt(slot int, k mkey, idx int32) {
	if slot == slotRun {
		t.appendRun(mrun{p: k.p, n: k.n, idx: idx})
		return
	}
	if slot < 0 {
		t.put(k, idx)
		return
	}
	t.slots[slot] = mslot{p: k.p, n: k.n, idx: idx, tag: t.tag(k.kind)}
	t.used++
}

func (t *memoTable) put(k mkey, idx int32) {
	if (t.used+1)*2 > len(t.slots) {
		t.grow()
	}
	t.insert(mslot{p: k.p, n: k.n, idx: idx, tag: t.tag(k.kind)})
	t.used++
}

func (t *memoTable) insert(s mslot) {
	mask := uint64(len(t.slots) - 1)
	for i := hashKey(s.p, s.n, uint8(s.tag)) & mask; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.tag>>8 != t.gen || (sl.p == s.p && sl.n == s.n && sl.tag == s.tag) {
			*sl = s
			return
		}
	}
}

func (t *memoTable) grow() {
	old := t.slots
	n := max(64, 2*len(old))
	t.slots = make([]mslot, n)
	for _, s := range old {
		if s.tag>>8 == t.gen {
			t.insert(s)
		}
	}
}

type identEntry struct {
	idx int32
	v   py.Value
}

type encoder struct {
	buf        []byte
	proto      int
	framing    bool
	frameStart int
	memo       memoTable
	memoLen    int32
	idents     map[*py.Identity]identEntry
	depth      int
	maxDepth   int
	// keep holds the values made during the encode (Go values converted
	// to the model, ...) until it ends: the memo names objects by address
	// only, so an object it names must not be freed and its memory reused
	// for another one while the encode runs.
	keep []py.Value
}

func (e *encoder) encode(v any, o EncodeOptions) error {
	proto, err := o.protocol()
	if err != nil {
		return err
	}
	e.buf = e.buf[:0]
	e.proto = proto
	if e.memo.gen == 0 {
		e.memo.gen = 1 // a new encoder
	}
	e.framing = false
	e.frameStart = -1
	e.memoLen = 0
	e.depth = 0
	e.maxDepth = min(orDefault(o.MaxDepth, DefaultMaxDepth), MaxDepthCeiling)
	if proto >= 2 {
		e.buf = append(e.buf, opProto, byte(proto))
		e.framing = proto >= 4
	}
	defer func() {
		clear(e.keep)
		e.keep = e.keep[:0]
	}()
	if err := e.save(v); err != nil {
		return err
	}
	e.write1(opStop)
	e.commitFrame()
	return nil
}

// startFrame opens a frame before a write, as CPython's _Pickler_Write
// does, when framing and no frame is open.
func (e *encoder) startFrame() {
	e.frameStart = len(e.buf)
	e.buf = append(e.buf, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

func (e *encoder) write1(b byte) {
	if e.framing && e.frameStart < 0 {
		e.startFrame()
	}
	e.buf = append(e.buf, b)
}

func (e *encoder) write2(a, b byte) {
	if e.framing && e.frameStart < 0 {
		e.startFrame()
	}
	e.buf = append(e.buf, a, b)
}

func (e *encoder) write(b ...byte) {
	if e.framing && e.frameStart < 0 {
		e.startFrame()
	}
	e.buf = append(e.buf, b...)
}

func (e *encoder) writeString(s string) {
	if e.framing && e.frameStart < 0 {
		e.startFrame()
	}
	e.buf = append(e.buf, s...)
}

func (e *encoder) commitFrame() {
	if !e.framing || e.frameStart < 0 {
		return
	}
	n := len(e.buf) - e.frameStart - frameHeaderSize
	if n >= frameSizeMin {
		e.buf[e.frameStart] = opFrame
		binary.LittleEndian.PutUint64(e.buf[e.frameStart+1:], uint64(n))
	} else {
		copy(e.buf[e.frameStart:], e.buf[e.frameStart+frameHeaderSize:])
		e.buf = e.buf[:len(e.buf)-frameHeaderSize]
	}
	e.frameStart = -1
}

// boundary is called where CPython's save() starts: a frame that has
// reached the target size is closed there.
func (e *encoder) boundary() {
	if e.frameStart >= 0 && len(e.buf)-e.frameStart-frameHeaderSize >= frameSizeTarget {
		e.commitFrame()
	}
}

// writeLarge writes an opcode header and its payload; a payload of 64 KiB
// or more goes outside any frame.
func (e *encoder) writeLarge(header []byte, payload string) {
	if len(payload) >= frameSizeTarget && e.framing {
		e.commitFrame()
		e.framing = false
		e.buf = append(e.buf, header...)
		e.buf = append(e.buf, payload...)
		e.framing = true
		return
	}
	e.write(header...)
	e.writeString(payload)
}

// memoPut records the object just written under the next memo index.
func (e *encoder) memoPut() int32 {
	i := e.memoLen
	e.memoLen++
	switch {
	case e.proto >= 4:
		e.write1(opMemoize)
	case e.proto >= 1:
		if i < 256 {
			e.write2(opBinPut, byte(i))
		} else {
			e.write(opLongBinPut, byte(i), byte(i>>8), byte(i>>16), byte(i>>24))
		}
	default:
		e.write1(opPut)
		e.buf = strconv.AppendInt(e.buf, int64(i), 10)
		e.buf = append(e.buf, '\n')
	}
	return i
}

func (e *encoder) memoPutKey(k mkey) {
	e.memo.put(k, e.memoPut())
}

func (e *encoder) memoGet(i int32) {
	switch {
	case e.proto >= 1:
		if i < 256 {
			e.write2(opBinGet, byte(i))
		} else {
			e.write(opLongBinGet, byte(i), byte(i>>8), byte(i>>16), byte(i>>24))
		}
	default:
		e.write1(opGet)
		e.buf = strconv.AppendInt(e.buf, int64(i), 10)
		e.buf = append(e.buf, '\n')
	}
}

// lookup writes a memo reference when k is memoized.
func (e *encoder) lookup(k mkey) bool {
	if i, ok := e.memo.get(k); ok {
		e.memoGet(i)
		return true
	}
	return false
}

func ptrKey(p unsafe.Pointer) mkey { return mkey{p: uintptr(p), kind: kPtr} }

// strKey is the memo key of a str: by value for the strings CPython
// caches, by memory otherwise.
func strKey(s string) mkey {
	switch {
	case len(s) == 0:
		return mkey{kind: kStrVal, n: -1}
	case len(s) == 1 && s[0] < 0x80:
		return mkey{kind: kStrVal, n: int(s[0])}
	case len(s) == 2 && (s[0] == 0xC2 || s[0] == 0xC3):
		return mkey{kind: kStrVal, n: int(s[0]&0x1F)<<6 | int(s[1]&0x3F)}
	}
	return mkey{p: uintptr(unsafe.Pointer(unsafe.StringData(s))), n: len(s), kind: kStr}
}

func isSmallStr(s string) bool {
	return len(s) == 0 || len(s) == 1 && s[0] < 0x80 || len(s) == 2 && (s[0] == 0xC2 || s[0] == 0xC3)
}

func bytesKey(b []byte) mkey {
	switch len(b) {
	case 0:
		return mkey{kind: kBytesVal, n: -1}
	case 1:
		return mkey{kind: kBytesVal, n: int(b[0])}
	}
	return mkey{p: uintptr(unsafe.Pointer(unsafe.SliceData(b))), n: len(b), kind: kBytes}
}

func (e *encoder) enter() error {
	e.depth++
	if e.depth > e.maxDepth {
		return fmt.Errorf("%w: value nested deeper than MaxDepth (%d)", ErrLimit, e.maxDepth)
	}
	return nil
}

// saveItem is save with a shortcut for str, the most common item.
func (e *encoder) saveItem(v any) error {
	if s, ok := v.(string); ok {
		e.boundary()
		return e.saveStr(s)
	}
	return e.save(v)
}

// save writes one value, as CPython's save().
func (e *encoder) save(v any) error {
	e.boundary()
	switch x := v.(type) {
	case nil:
		e.write1(opNone)
	case bool:
		e.saveBool(x)
	case int64:
		e.saveInt(x)
	case int:
		e.saveInt(int64(x))
	case float64:
		e.saveFloat(x)
	case string:
		return e.saveStr(x)
	case *py.Dict:
		return e.saveDict(x)
	case *py.List:
		return e.saveList(x)
	case py.Tuple:
		return e.saveTuple(x)
	case *big.Int:
		if x == nil {
			return fmt.Errorf("%w: nil *big.Int", ErrUnsupported)
		}
		e.saveBig(x)
	case py.Bytes:
		return e.saveBytes(x)
	case py.Markup:
		return e.saveMarkup(x)
	case *py.ByteArray:
		return e.saveByteArray(x)
	case *py.OrderedDict:
		return e.saveOrderedDict(x)
	case *py.Set:
		if x.Frozen {
			return e.saveFrozenSet(x)
		}
		return e.saveSet(x)
	case py.DateTime:
		return e.saveDateTime(x)
	case py.Date:
		return e.saveDate(x)
	case py.Time:
		return e.saveTime(x)
	case py.TimeDelta:
		return e.saveTimeDelta(x)
	case py.TimeZone:
		return e.saveTimeZone(x)
	case py.Decimal:
		return e.saveDecimal(x)
	case py.UUID:
		return e.saveUUID(x)
	case py.Global:
		return e.saveGlobal(x.Module, x.Name)
	case *py.Global:
		if x == nil {
			return fmt.Errorf("%w: nil *py.Global", ErrUnsupported)
		}
		return e.saveGlobal(x.Module, x.Name)
	case *py.Object:
		if x == nil {
			return fmt.Errorf("%w: nil *py.Object", ErrUnsupported)
		}
		return e.saveObject(x)
	case float32:
		e.saveFloat(float64(x))
	case int32:
		e.saveInt(int64(x))
	case int16:
		e.saveInt(int64(x))
	case int8:
		e.saveInt(int64(x))
	case uint8:
		e.saveInt(int64(x))
	case uint16:
		e.saveInt(int64(x))
	case uint32:
		e.saveInt(int64(x))
	case uint:
		e.saveUint(uint64(x))
	case uint64:
		e.saveUint(x)
	case []byte:
		return e.saveBytes(x)
	default:
		m, err := toModel(v)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrUnsupported, err)
		}
		e.keep = append(e.keep, m)
		return e.save(m)
	}
	return nil
}

func (e *encoder) saveBool(b bool) {
	switch {
	case e.proto >= 2 && b:
		e.write1(opNewTrue)
	case e.proto >= 2:
		e.write1(opNewFalse)
	case b:
		e.writeString("I01\n")
	default:
		e.writeString("I00\n")
	}
}

func (e *encoder) saveInt(x int64) {
	if x >= math.MinInt32 && x <= math.MaxInt32 {
		switch {
		case e.proto == 0:
			e.write1(opInt)
			e.buf = strconv.AppendInt(e.buf, x, 10)
			e.buf = append(e.buf, '\n')
		case x >= 0 && x <= 0xFF:
			e.write2(opBinInt1, byte(x))
		case x >= 0 && x <= 0xFFFF:
			e.write(opBinInt2, byte(x), byte(x>>8))
		default:
			e.write(opBinInt, byte(x), byte(x>>8), byte(x>>16), byte(x>>24))
		}
		return
	}
	if e.proto >= 2 {
		n := 8
		for n > 1 {
			// Drop a top byte that only repeats the sign.
			top := byte(x >> (8 * (n - 1)))
			next := byte(x >> (8 * (n - 2)))
			if (top == 0 && next&0x80 == 0) || (top == 0xFF && next&0x80 != 0) {
				n--
				continue
			}
			break
		}
		e.write2(opLong1, byte(n))
		for i := 0; i < n; i++ {
			e.buf = append(e.buf, byte(x>>(8*i)))
		}
		return
	}
	e.write1(opLong)
	e.buf = strconv.AppendInt(e.buf, x, 10)
	e.buf = append(e.buf, 'L', '\n')
}

func (e *encoder) saveUint(x uint64) {
	if x <= math.MaxInt64 {
		e.saveInt(int64(x))
		return
	}
	e.saveBig(new(big.Int).SetUint64(x))
}

func (e *encoder) saveBig(x *big.Int) {
	if x.IsInt64() {
		e.saveInt(x.Int64())
		return
	}
	if e.proto < 2 {
		e.write1(opLong)
		e.buf = x.Append(e.buf, 10)
		e.buf = append(e.buf, 'L', '\n')
		return
	}
	b := encodeLong(x)
	if len(b) < 256 {
		e.write2(opLong1, byte(len(b)))
	} else {
		n := len(b)
		e.write(opLong4, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	}
	e.buf = append(e.buf, b...)
}

// encodeLong returns x as a minimal little-endian two's complement.
func encodeLong(x *big.Int) []byte {
	n := x.BitLen()/8 + 1
	var u *big.Int
	if x.Sign() >= 0 {
		u = x
	} else {
		u = new(big.Int).Add(x, new(big.Int).Lsh(big.NewInt(1), uint(8*n)))
	}
	be := u.FillBytes(make([]byte, n))
	if x.Sign() < 0 && n > 1 && be[0] == 0xFF && be[1]&0x80 != 0 {
		be = be[1:]
	}
	for i, j := 0, len(be)-1; i < j; i, j = i+1, j-1 {
		be[i], be[j] = be[j], be[i]
	}
	return be
}

func (e *encoder) saveFloat(f float64) {
	if e.proto >= 1 {
		bits := math.Float64bits(f)
		if f != f {
			bits = bits&(1<<63) | 0x7FF8000000000000
		}
		e.write(opBinFloat, byte(bits>>56), byte(bits>>48), byte(bits>>40), byte(bits>>32),
			byte(bits>>24), byte(bits>>16), byte(bits>>8), byte(bits))
		return
	}
	e.write1(opFloat)
	e.buf = py.AppendFloatRepr(e.buf, f)
	e.buf = append(e.buf, '\n')
}

func (e *encoder) saveStr(s string) error {
	if n := len(s); n >= 8 && n <= 0xFF && e.proto >= 4 && e.frameStart >= 0 {
		// The common case of a decoded value, in one go: a str of 8 to
		// 255 bytes (so keyed by address: strKey) past the last one of
		// the memo's run (so new, see findStr), ASCII, in an open frame.
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		if m := len(e.memo.run); m > 0 {
			if e.memo.run[m-1].before(p, n) {
				// Grown first if need be, then resliced: e.buf =
				// e.buf[:m] writes back only the length, so no write
				// barrier; likewise the run.
				if cap(e.buf)-len(e.buf) < n+3 {
					e.buf = slices.Grow(e.buf, n+3)
				}
				if buf, ok := appendShortASCII(e.buf, s); ok {
					e.buf = e.buf[:len(buf)]
					e.memo.appendRun(mrun{p: p, n: n, idx: e.memoLen})
					e.memoLen++
					return nil
				}
			}
		}
	}
	k := strKey(s)
	var slot int
	var i int32
	var found bool
	if k.kind == kStr {
		slot, i, found = e.memo.findStr(k)
	} else {
		slot, i, found = e.memo.find(k)
	}
	if found {
		e.memoGet(i)
		return nil
	}
	if n := len(s); n <= 0xFF && e.proto >= 4 && ascii.Is(s) {
		// The common case in one go: SHORT_BINUNICODE, MEMOIZE.
		if e.framing && e.frameStart < 0 {
			e.startFrame()
		}
		// Grown first if need be, then resliced: e.buf = e.buf[:m] writes
		// back only the length, so no write barrier.
		l := len(e.buf)
		if cap(e.buf)-l < n+3 {
			e.buf = slices.Grow(e.buf, n+3)
		}
		e.buf = e.buf[:l+n+3]
		b := e.buf[l:]
		b[0], b[1], b[n+2] = opShortBinUnicode, byte(n), opMemoize
		copy(b[2:], s)
		e.memo.putAt(slot, k, e.memoLen)
		e.memoLen++
		return nil
	}
	if err := e.writeStr(s); err != nil {
		return err
	}
	e.memo.putAt(slot, k, e.memoPut())
	return nil
}

// appendShortASCII appends SHORT_BINUNICODE s MEMOIZE to buf when s, of 8
// to 255 bytes, is ASCII, checking the bytes as it copies them
// (ascii.Copy); otherwise it returns buf as it was and false.
func appendShortASCII(buf []byte, s string) ([]byte, bool) {
	n := len(s)
	l := len(buf)
	if cap(buf)-l < n+3 {
		buf = slices.Grow(buf, n+3)
	}
	b := buf[l : l+n+3]
	if !ascii.Copy(b[2:2+n], s) {
		return buf[:l], false
	}
	b[0], b[1], b[n+2] = opShortBinUnicode, byte(n), opMemoize
	return buf[:l+n+3], true
}

// shortStrs writes the leading items that saveStr's first case takes (new
// ASCII str of 8 to 255 bytes, in an open frame that needs no boundary) as
// saveStr would, in one loop, and returns how many it wrote.
func (e *encoder) shortStrs(items []py.Value) int {
	m := len(e.memo.run)
	if e.proto < 4 || e.frameStart < 0 || m == 0 {
		return 0
	}
	buf, run, idx := e.buf, e.memo.run, e.memoLen
	last := run[m-1]
	// boundary commits the frame from this length on.
	limit := e.frameStart + frameHeaderSize + frameSizeTarget
	k := 0
	for ; k < len(items); k++ {
		s, ok := items[k].(string)
		n := len(s)
		if !ok || n < 8 || n > 0xFF || len(buf) >= limit {
			break
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		if !last.before(p, n) {
			break
		}
		if buf, ok = appendShortASCII(buf, s); !ok {
			break
		}
		last = mrun{p: p, n: n, idx: idx}
		run = append(run, last)
		idx++
	}
	if k > 0 {
		e.buf, e.memo.run, e.memoLen = buf, run, idx
	}
	return k
}

// writeStr writes the opcode of a str, without memoizing it.
func (e *encoder) writeStr(s string) error {
	if !validWTF8(s) {
		return fmt.Errorf("%w: str is not valid UTF-8: %q", ErrUnsupported, s)
	}
	n := len(s)
	switch {
	case e.proto == 0:
		e.write1(opUnicode)
		e.buf = appendRawUnicodeEscape(e.buf, s)
		e.buf = append(e.buf, '\n')
	case n <= 0xFF && e.proto >= 4:
		e.write2(opShortBinUnicode, byte(n))
		e.buf = append(e.buf, s...)
	case uint64(n) <= 0xFFFFFFFF:
		var h [5]byte
		h[0] = opBinUnicode
		binary.LittleEndian.PutUint32(h[1:], uint32(n))
		e.writeLarge(h[:], s)
	case e.proto >= 4:
		var h [9]byte
		h[0] = opBinUnicode8
		binary.LittleEndian.PutUint64(h[1:], uint64(n))
		e.writeLarge(h[:], s)
	default:
		return fmt.Errorf("%w: a str larger than 4 GiB needs protocol 4", ErrUnsupported)
	}
	return nil
}

// saveFreshStr writes a str that CPython creates anew for a reduction
// (never found in the memo, except the cached ones).
func (e *encoder) saveFreshStr(s string) error {
	e.boundary()
	if isSmallStr(s) && len(s) == 0 {
		return e.saveStr(s)
	}
	if err := e.writeStr(s); err != nil {
		return err
	}
	e.memoPut()
	return nil
}

// saveConstStr writes a str constant that CPython interns.
func (e *encoder) saveConstStr(kind uint8, s string) error {
	e.boundary()
	if isSmallStr(s) {
		return e.saveStr(s)
	}
	if i, ok := e.memo.getNamed(kind, s); ok {
		e.memoGet(i)
		return nil
	}
	if err := e.writeStr(s); err != nil {
		return err
	}
	e.memo.putNamed(kind, s, e.memoPut())
	return nil
}

// appendRawUnicodeEscape writes s for protocol 0's UNICODE opcode: Latin-1
// bytes, with \uXXXX and \UXXXXXXXX for the rest and for the characters
// that would break the line.
func appendRawUnicodeEscape(b []byte, s string) []byte {
	const hexdigits = "0123456789abcdef"
	for i := 0; i < len(s); {
		r, n := decodeWTF8(s[i:])
		i += n
		switch {
		case r >= 0x10000:
			b = append(b, '\\', 'U')
			for sh := 28; sh >= 0; sh -= 4 {
				b = append(b, hexdigits[(r>>sh)&15])
			}
		case r >= 256 || r == '\\' || r == 0 || r == '\n' || r == '\r' || r == 0x1a:
			b = append(b, '\\', 'u', hexdigits[(r>>12)&15], hexdigits[(r>>8)&15], hexdigits[(r>>4)&15], hexdigits[r&15])
		default:
			b = append(b, byte(r))
		}
	}
	return b
}

func (e *encoder) saveBytes(b []byte) error {
	k := bytesKey(b)
	if e.lookup(k) {
		return nil
	}
	if e.proto < 3 {
		return e.saveBytesCompat(b, &k)
	}
	if err := e.writeBytes(b); err != nil {
		return err
	}
	e.memoPutKey(k)
	return nil
}

func (e *encoder) writeBytes(b []byte) error {
	n := len(b)
	s := unsafe.String(unsafe.SliceData(b), n)
	switch {
	case n <= 0xFF:
		e.write2(opShortBinBytes, byte(n))
		e.buf = append(e.buf, b...)
	case uint64(n) <= 0xFFFFFFFF:
		var h [5]byte
		h[0] = opBinBytes
		binary.LittleEndian.PutUint32(h[1:], uint32(n))
		e.writeLarge(h[:], s)
	case e.proto >= 4:
		var h [9]byte
		h[0] = opBinBytes8
		binary.LittleEndian.PutUint64(h[1:], uint64(n))
		e.writeLarge(h[:], s)
	default:
		return fmt.Errorf("%w: bytes larger than 4 GiB need protocol 4", ErrUnsupported)
	}
	return nil
}

// saveBytesCompat writes bytes for protocols 0 to 2, which have no bytes
// opcode: bytes() or _codecs.encode(latin1_text, 'latin1'), as CPython.
func (e *encoder) saveBytesCompat(b []byte, k *mkey) error {
	if len(b) == 0 {
		if err := e.saveGlobal("builtins", "bytes"); err != nil {
			return err
		}
		e.boundary()
		e.emptyTuple()
	} else {
		if err := e.saveGlobal("_codecs", "encode"); err != nil {
			return err
		}
		e.boundary()
		e.tupleOpen(2)
		text := latin1String(b)
		var err error
		if len(b) == 1 {
			e.boundary()
			err = e.saveStr(text)
		} else {
			err = e.saveFreshStr(text)
		}
		if err != nil {
			return err
		}
		if err := e.saveConstStr(kConst, "latin1"); err != nil {
			return err
		}
		e.tupleClose(2)
	}
	e.write1(opReduce)
	if k != nil {
		e.memoPutKey(*k)
	} else {
		e.memoPut()
	}
	return nil
}

func (e *encoder) emptyTuple() {
	if e.proto >= 1 {
		e.write1(opEmptyTuple)
	} else {
		e.write2(opMark, opTuple)
	}
}

// tupleOpen and tupleClose frame the items of a tuple that CPython builds
// anew for a reduction (never in the memo before); n > 0.
func (e *encoder) tupleOpen(n int) {
	if n > 3 || e.proto < 2 {
		e.write1(opMark)
	}
}

func (e *encoder) tupleClose(n int) {
	if n <= 3 && e.proto >= 2 {
		e.write1(opTuple1 + byte(n-1))
	} else {
		e.write1(opTuple)
	}
	e.memoPut()
}

func (e *encoder) saveTuple(t py.Tuple) error {
	n := len(t)
	if n == 0 {
		e.emptyTuple()
		return nil
	}
	k := mkey{p: uintptr(unsafe.Pointer(unsafe.SliceData(t))), n: n, kind: kTuple}
	if e.lookup(k) {
		return nil
	}
	if err := e.enter(); err != nil {
		return err
	}
	defer func() { e.depth-- }()
	if n <= 3 && e.proto >= 2 {
		for _, it := range t {
			if err := e.save(it); err != nil {
				return err
			}
		}
		if i, ok := e.memo.get(k); ok {
			for range n {
				e.write1(opPop)
			}
			e.memoGet(i)
			return nil
		}
		e.write1(opTuple1 + byte(n-1))
		e.memoPutKey(k)
		return nil
	}
	e.write1(opMark)
	for _, it := range t {
		if err := e.save(it); err != nil {
			return err
		}
	}
	if i, ok := e.memo.get(k); ok {
		if e.proto >= 1 {
			e.write1(opPopMark)
		} else {
			for range n + 1 {
				e.write1(opPop)
			}
		}
		e.memoGet(i)
		return nil
	}
	e.write1(opTuple)
	e.memoPutKey(k)
	return nil
}

func (e *encoder) saveList(l *py.List) error {
	k := ptrKey(unsafe.Pointer(l))
	if e.lookup(k) {
		return nil
	}
	if err := e.enter(); err != nil {
		return err
	}
	defer func() { e.depth-- }()
	if e.proto >= 1 {
		e.write1(opEmptyList)
	} else {
		e.write2(opMark, opList)
	}
	e.memoPutKey(k)
	return e.listItemsExact(l.Items)
}

// listItemsExact writes the items of a list as CPython's batch_list_exact
// (and batch_list at protocol 0).
func (e *encoder) listItemsExact(items []py.Value) error {
	if len(items) == 0 {
		return nil
	}
	if e.proto == 0 || len(items) == 1 {
		for _, it := range items {
			if err := e.save(it); err != nil {
				return err
			}
			e.write1(opAppend)
		}
		return nil
	}
	for total := 0; total < len(items); {
		e.write1(opMark)
		end := min(total+batchSize, len(items))
		for total < end {
			if k := e.shortStrs(items[total:end]); k > 0 {
				total += k
				continue
			}
			if err := e.saveItem(items[total]); err != nil {
				return err
			}
			total++
		}
		e.write1(opAppends)
	}
	return nil
}

// listItemsGeneric writes items appended to an object, as CPython's
// batch_list: chunks of 1000, a chunk of one item with APPEND.
func (e *encoder) listItemsGeneric(items []py.Value) error {
	if e.proto == 0 {
		return e.listItemsExact(items)
	}
	for start := 0; start < len(items); start += batchSize {
		chunk := items[start:min(start+batchSize, len(items))]
		if len(chunk) == 1 {
			if err := e.save(chunk[0]); err != nil {
				return err
			}
			e.write1(opAppend)
			continue
		}
		e.write1(opMark)
		for _, it := range chunk {
			if err := e.save(it); err != nil {
				return err
			}
		}
		e.write1(opAppends)
	}
	return nil
}

func (e *encoder) saveDict(d *py.Dict) error {
	k := ptrKey(unsafe.Pointer(d))
	if e.lookup(k) {
		return nil
	}
	if err := e.enter(); err != nil {
		return err
	}
	defer func() { e.depth-- }()
	if e.proto >= 1 {
		e.write1(opEmptyDict)
	} else {
		e.write2(opMark, opDict)
	}
	e.memoPutKey(k)
	return e.dictItemsExact(d)
}

// dictItemsExact writes a dict's items as CPython's batch_dict_exact: one
// SETITEM for one item, else batches of 1000 with an empty batch after a
// full last one.
func (e *encoder) dictItemsExact(d *py.Dict) error {
	n := d.Len()
	if n == 0 {
		return nil
	}
	if e.proto == 0 || n == 1 {
		return e.dictItemsGeneric(d)
	}
	i := 0
	for {
		e.write1(opMark)
		end := min(i+batchSize, n)
		batch := end - i
		for ; i < end; i++ {
			k, v := d.At(i)
			if err := e.saveItem(k); err != nil {
				return err
			}
			if err := e.saveItem(v); err != nil {
				return err
			}
		}
		e.write1(opSetItems)
		if batch != batchSize {
			return nil
		}
	}
}

// dictItemsGeneric writes items as CPython's batch_dict: chunks of 1000,
// a chunk of one item with SETITEM; one SETITEM each at protocol 0.
func (e *encoder) dictItemsGeneric(d *py.Dict) error {
	return e.dictItemsGenericAt(d.Len(), d.At)
}

func (e *encoder) dictItemsGenericAt(n int, at func(int) (py.Value, py.Value)) error {
	for start := 0; start < n; start += batchSize {
		end := min(start+batchSize, n)
		single := end-start == 1 || e.proto == 0
		if !single {
			e.write1(opMark)
		}
		for i := start; i < end; i++ {
			k, v := at(i)
			if err := e.save(k); err != nil {
				return err
			}
			if err := e.save(v); err != nil {
				return err
			}
			if e.proto == 0 {
				e.write1(opSetItem)
			}
		}
		if e.proto == 0 {
			continue
		}
		if single {
			e.write1(opSetItem)
		} else {
			e.write1(opSetItems)
		}
	}
	return nil
}

func (e *encoder) saveOrderedDict(d *py.OrderedDict) error {
	k := ptrKey(unsafe.Pointer(d))
	if e.lookup(k) {
		return nil
	}
	if err := e.enter(); err != nil {
		return err
	}
	defer func() { e.depth-- }()
	if err := e.saveGlobalKey("collections", "OrderedDict", "collections\x00OrderedDict"); err != nil {
		return err
	}
	e.boundary()
	e.emptyTuple()
	e.write1(opReduce)
	e.memoPutKey(k)
	return e.dictItemsGeneric(&d.Dict)
}

func (e *encoder) saveSet(s *py.Set) error {
	k := ptrKey(unsafe.Pointer(s))
	if e.lookup(k) {
		return nil
	}
	if err := e.enter(); err != nil {
		return err
	}
	defer func() { e.depth-- }()
	if e.proto < 4 {
		return e.saveSetCompat(s, k, "set")
	}
	e.write1(opEmptySet)
	e.memoPutKey(k)
	n := s.Len()
	if n == 0 {
		return nil
	}
	i := 0
	for {
		e.write1(opMark)
		end := min(i+batchSize, n)
		batch := end - i
		for ; i < end; i++ {
			if err := e.save(s.At(i)); err != nil {
				return err
			}
		}
		e.write1(opAddItems)
		if batch != batchSize {
			return nil
		}
	}
}

// saveSetCompat writes set(list) or frozenset(list) for protocols below 4.
func (e *encoder) saveSetCompat(s *py.Set, k mkey, class string) error {
	if err := e.saveGlobal("builtins", class); err != nil {
		return err
	}
	e.boundary()
	e.tupleOpen(1)
	// The list of items, built anew.
	e.boundary()
	if e.proto >= 1 {
		e.write1(opEmptyList)
	} else {
		e.write2(opMark, opList)
	}
	e.memoPut()
	if err := e.listItemsExact(s.Items()); err != nil {
		return err
	}
	e.tupleClose(1)
	e.write1(opReduce)
	if i, ok := e.memo.get(k); ok {
		e.write1(opPop)
		e.memoGet(i)
		return nil
	}
	e.memoPutKey(k)
	return nil
}

func (e *encoder) saveFrozenSet(s *py.Set) error {
	k := ptrKey(unsafe.Pointer(s))
	if e.lookup(k) {
		return nil
	}
	if err := e.enter(); err != nil {
		return err
	}
	defer func() { e.depth-- }()
	if e.proto < 4 {
		return e.saveSetCompat(s, k, "frozenset")
	}
	e.write1(opMark)
	for i := range s.Len() {
		if err := e.save(s.At(i)); err != nil {
			return err
		}
	}
	if i, ok := e.memo.get(k); ok {
		e.write1(opPopMark)
		e.memoGet(i)
		return nil
	}
	e.write1(opFrozenSet)
	e.memoPutKey(k)
	return nil
}

func (e *encoder) saveByteArray(b *py.ByteArray) error {
	k := ptrKey(unsafe.Pointer(b))
	if e.lookup(k) {
		return nil
	}
	if e.proto >= 5 {
		var h [9]byte
		h[0] = opByteArray8
		binary.LittleEndian.PutUint64(h[1:], uint64(len(b.Data)))
		e.writeLarge(h[:], unsafe.String(unsafe.SliceData(b.Data), len(b.Data)))
		e.memoPutKey(k)
		return nil
	}
	if err := e.saveGlobal("builtins", "bytearray"); err != nil {
		return err
	}
	e.boundary()
	if len(b.Data) == 0 {
		e.emptyTuple()
	} else {
		e.tupleOpen(1)
		// A new bytes object, cached by CPython when it has one byte.
		if err := e.saveNewBytes(b.Data); err != nil {
			return err
		}
		e.tupleClose(1)
	}
	e.write1(opReduce)
	e.memoPutKey(k)
	return nil
}

// saveNewBytes writes a bytes object that CPython creates for a
// reduction: new, unless it is one of the cached short ones.
func (e *encoder) saveNewBytes(data []byte) error {
	e.boundary()
	if len(data) <= 1 {
		return e.saveBytes(data)
	}
	if e.proto < 3 {
		return e.saveBytesCompat(data, nil)
	}
	if err := e.writeBytes(data); err != nil {
		return err
	}
	e.memoPut()
	return nil
}

// py2Global returns the Python 2 name that protocols 0 to 2 write for the
// global module.name, as CPython's Pickler with fix_imports does. A name
// that has no Python 2 form of its own but is one of the Python 2 names
// that readers map to Python 3 ones (__builtin__.set, copy_reg.x: read
// from a protocol 3+ pickle as opaque globals) would come back as another
// global (builtins.set): ErrUnsupported. (Where CPython's own mapping is
// lossy, as for builtins.FileNotFoundError, written as exceptions.OSError,
// it is followed, to write CPython's bytes.)
func py2Global(module, name string, proto int) (string, string, error) {
	if m, ok := reverseNameMapping[globalName{module, name}]; ok {
		return m.module, m.name, nil
	}
	if m, ok := reverseImportMapping[module]; ok {
		return m, name, nil
	}
	if rm, rn := py3Global(module, name); rm != module || rn != name {
		return "", "", fmt.Errorf("%w: global %s.%s has no form at protocol %d (a reader would take it for %s.%s)", ErrUnsupported, module, name, proto, rm, rn)
	}
	return module, name, nil
}

// saveGlobal writes a class or function, as CPython's save_global.
func (e *encoder) saveGlobal(module, name string) error {
	return e.saveGlobalKey(module, name, module+"\x00"+name)
}

// saveGlobalKey is saveGlobal with the memo key text given, so that the
// known classes need no allocation.
func (e *encoder) saveGlobalKey(module, name, key string) error {
	e.boundary()
	if i, ok := e.memo.getNamed(kGlobal, key); ok {
		e.memoGet(i)
		return nil
	}
	if e.proto >= 4 {
		if err := e.saveConstStr(kModule, module); err != nil {
			return err
		}
		if err := e.saveFreshStr(name); err != nil {
			return err
		}
		e.write1(opStackGlobal)
		e.memo.putNamed(kGlobal, key, e.memoPut())
		return nil
	}
	if e.proto < 3 {
		var err error
		if module, name, err = py2Global(module, name, e.proto); err != nil {
			return err
		}
		for _, s := range [2]string{module, name} {
			for i := 0; i < len(s); i++ {
				if s[i] >= 0x80 || s[i] == '\n' {
					return fmt.Errorf("%w: can't pickle global identifier %q using pickle protocol %d", ErrUnsupported, s, e.proto)
				}
			}
		}
	} else if !validWTF8(module) || !validWTF8(name) {
		return fmt.Errorf("%w: global name is not valid UTF-8", ErrUnsupported)
	}
	if err := checkLineName(module, name, e.proto); err != nil {
		return err
	}
	e.write1(opGlobal)
	e.buf = append(e.buf, module...)
	e.buf = append(e.buf, '\n')
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, '\n')
	e.memo.putNamed(kGlobal, key, e.memoPut())
	return nil
}
