package pickle

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/internal/ascii"
	"github.com/flaskbridge/flaskbridge/py"
)

// Unmarshal decodes one pickle, as Python 3's pickle.loads(data) does with
// its default arguments, and returns its value. Bytes after the pickle's
// STOP opcode are ignored, as pickle.loads ignores them.
//
// Nothing is imported or run: a class or function the pickle names becomes
// a py.Global, and an object it builds from one a *py.Object. Known classes
// (datetime, uuid.UUID, decimal.Decimal, collections.OrderedDict, set,
// frozenset, bytearray, markupsafe.Markup) become the py values for them.
//
// Decoded str values are copies: the value shares no memory with data,
// which the caller may reuse. A str that the pickle shares (a memo
// reference) comes back as the very same Go string, and encoding the value
// again reproduces the sharing.
func Unmarshal(data []byte) (py.Value, error) {
	return DecodeOptions{}.Unmarshal(data)
}

// Unmarshal decodes one pickle with the options o; see the package
// function Unmarshal.
func (o DecodeOptions) Unmarshal(data []byte) (py.Value, error) {
	v, _, _, err := o.decode(data)
	return v, err
}

// UnmarshalProtocol is Unmarshal that also returns the protocol the pickle
// was written with: the number of its PROTO opcode, else 1 when it uses the
// binary opcodes of protocol 1, else 0. MarshalProtocol(v, protocol) of a
// pickle CPython wrote gives back its bytes.
func UnmarshalProtocol(data []byte) (v py.Value, protocol int, err error) {
	return DecodeOptions{}.UnmarshalProtocol(data)
}

// UnmarshalProtocol is the package function UnmarshalProtocol with the
// options o.
func (o DecodeOptions) UnmarshalProtocol(data []byte) (py.Value, int, error) {
	v, _, proto, err := o.decode(data)
	return v, proto, err
}

// decode decodes the pickle at the start of data and returns its value,
// its length and its protocol.
func (o DecodeOptions) decode(data []byte) (py.Value, int, int, error) {
	lim, err := o.resolve()
	if err != nil {
		return nil, 0, 0, err
	}
	overLimit := len(data) > lim.maxInput
	if overLimit {
		// Only the pickle itself counts: look for its end within the limit.
		data = data[:lim.maxInput]
	}
	d := decoderPool.Get().(*decoder) // clean: new, or cleared by release
	defer d.release()
	d.lim, d.data = lim, data
	d.strict, d.buffers, d.persistentFn = o.Strict, o.Buffers, o.Persistent
	v, n, err := d.run()
	if err == nil && d.shared != nil {
		// A value type (datetime, UUID, ...) is referenced twice: decode
		// again, giving the shared ones an Identity from the start.
		shared := d.shared
		d.reset(lim, data, shared)
		d.strict, d.buffers, d.persistentFn = o.Strict, o.Buffers, o.Persistent
		v, n, err = d.run()
	}
	if err != nil && overLimit && isTruncation(err) {
		err = &Error{Offset: int64(len(data)), Err: ErrLimit, Detail: fmt.Sprintf("pickle larger than MaxInputSize (%d bytes)", lim.maxInput)}
	}
	proto := d.proto
	if !d.sawProto && d.binary {
		proto = 1
	}
	return v, n, proto, err
}

// decoderPool recycles the decoders' stacks and memo between calls; they
// are scratch space, cleared after each use.
var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

func (d *decoder) reset(lim limits, data []byte, identify map[int]bool) {
	d.clearScratch()
	*d = decoder{
		lim: lim, data: data, identify: identify,
		stack: d.stack[:0], deps: d.deps[:0], marks: d.marks[:0], memo: d.memo[:0],
		memoVals: d.memoVals[:0], pendingMemo: d.pendingMemo[:0],
	}
}

// clearScratch drops the references the stack and memo hold. Popped values
// stay in the stack's array until a push overwrites them or the decode
// ends: clearing each one as it goes would cost a write barrier per value
// whenever the garbage collector runs.
func (d *decoder) clearScratch() {
	clear(d.stack[:d.stackHigh])
	clear(d.memoVals)
}

func (d *decoder) release() {
	if cap(d.memo) > 1<<16 || cap(d.memoVals) > 1<<16 || cap(d.stack) > 1<<16 {
		*d = decoder{}
	} else {
		d.clearScratch()
		*d = decoder{stack: d.stack[:0], deps: d.deps[:0], marks: d.marks[:0], memo: d.memo[:0], memoVals: d.memoVals[:0], pendingMemo: d.pendingMemo[:0]}
	}
	decoderPool.Put(d)
}

func isTruncation(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Err == ErrTruncated
}

// memoEntry is one memo slot. It holds no pointer: a str with its header
// in the decoder's block (most memo entries) is kept as its place there,
// any other value in memoVals. So filling and clearing the memo costs no
// write barriers.
type memoEntry struct {
	dep  int32
	kind uint8 // memoUnset, memoVal or memoStr
	at   int32 // memoStr: the offset of its header in the block; memoVal: the index in memoVals
}

const (
	memoUnset uint8 = iota
	memoVal
	memoStr
)

// memoEntryFor makes the memo entry of v.
func (d *decoder) memoEntryFor(v py.Value, dep int32) memoEntry {
	if at, ok := d.box.strRef(v); ok {
		return memoEntry{dep: dep, kind: memoStr, at: at}
	}
	d.memoVals = append(d.memoVals, v)
	return memoEntry{dep: dep, kind: memoVal, at: int32(len(d.memoVals) - 1)}
}

// memoEntryOver is memoEntryFor for a memo slot that held old: a memoVal
// slot keeps its place in memoVals, so that putting to one index again and
// again (two bytes of input each) does not grow memoVals past the number
// of memo entries.
func (d *decoder) memoEntryOver(old memoEntry, v py.Value, dep int32) memoEntry {
	if old.kind == memoVal {
		d.memoVals[old.at] = v
		return memoEntry{dep: dep, kind: memoVal, at: old.at}
	}
	return d.memoEntryFor(v, dep)
}

// memoValue returns the value of a set memo entry.
func (d *decoder) memoValue(e memoEntry) py.Value {
	if e.kind == memoStr {
		return d.box.strAt(e.at)
	}
	return d.memoVals[e.at]
}

// setMemoValue replaces the value of memo entry idx, if set.
func (d *decoder) setMemoValue(idx int, v py.Value) {
	var e memoEntry
	if idx < len(d.memo) {
		e = d.memo[idx]
	} else {
		e = d.sparse[idx]
	}
	if e.kind == memoUnset {
		return
	}
	e = d.memoEntryOver(e, v, e.dep)
	if idx < len(d.memo) {
		d.memo[idx] = e
	} else {
		d.sparse[idx] = e
	}
}

// fromMemo marks a stack depth whose value came out of the memo (GET, DUP):
// changing such a container can deepen containers already built.
const fromMemo = 1 << 30

type decoder struct {
	strict       bool
	buffers      [][]byte
	persistentFn func(py.Value) (py.Value, error)
	lim          limits
	data         []byte
	pos          int
	op           byte // current opcode
	opAt         int  // its offset

	box       slabs
	stack     []py.Value
	stackHigh int     // the most the stack held
	deps      []int32 // nesting depth of each stack value, | fromMemo
	marks     []int

	memo      []memoEntry
	memoVals  []py.Value
	sparse    map[int]memoEntry
	memoCount int

	proto    int
	sawProto bool
	binary   bool // a protocol 1 opcode was seen
	bufNext  int
	arena    []byte // memory for bytes values

	// pending is the last uuid.UUID object built by NEWOBJ or
	// copyreg._reconstructor, waiting for BUILD to become a py.UUID.
	pending     *py.Object
	pendingMemo []int
	pendingGot  bool

	// shared collects memo indices of value types read back by GET;
	// identify holds those of the first pass during the second.
	shared   map[int]bool
	identify map[int]bool
	ids      map[int]*py.Identity

	stale bool // a container changed after being shared: check depth at the end
}

func (d *decoder) errf(sentinel error, format string, args ...any) error {
	return &Error{Offset: int64(d.opAt), Op: opName(d.op), Err: sentinel, Detail: fmt.Sprintf(format, args...)}
}

func (d *decoder) truncated() error {
	return &Error{Offset: int64(d.opAt), Op: opName(d.op), Err: ErrTruncated}
}

// read returns the next n bytes of input, or fails without allocating.
func (d *decoder) read(n int) ([]byte, error) {
	if n < 0 || n > len(d.data)-d.pos {
		return nil, d.truncated()
	}
	b := d.data[d.pos : d.pos+n : d.pos+n]
	d.pos += n
	return b, nil
}

// bstr views b as a string, for checks that do not keep it.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// line returns the text up to the next newline (excluded) and moves past it.
func (d *decoder) line() ([]byte, error) {
	rest := d.data[d.pos:]
	for i, c := range rest {
		if c == '\n' {
			d.pos += i + 1
			return rest[:i:i], nil
		}
	}
	return nil, d.truncated()
}

func (d *decoder) lineStr() (string, error) {
	b, err := d.line()
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func (d *decoder) push(v py.Value, dep int32) error {
	if len(d.stack) >= d.lim.maxStack {
		return d.errf(ErrLimit, "stack larger than MaxStack (%d)", d.lim.maxStack)
	}
	d.stack = append(d.stack, v)
	d.deps = append(d.deps, dep)
	d.stackHigh = max(d.stackHigh, len(d.stack))
	return nil
}

// base returns the index of the first stack item above the top mark, or of
// the whole stack when there is no mark.
func (d *decoder) fence() int {
	if len(d.marks) == 0 {
		return 0
	}
	return d.marks[len(d.marks)-1]
}

func (d *decoder) pop() (py.Value, int32, error) {
	n := len(d.stack)
	if n <= d.fence() {
		return nil, 0, d.errf(ErrInvalid, "unpickling stack underflow")
	}
	v, dep := d.stack[n-1], d.deps[n-1]
	d.stack, d.deps = d.stack[:n-1], d.deps[:n-1]
	return v, dep, nil
}

// popMark returns the items above the top mark (sharing the stack's
// memory: copy them before the stack changes) and their greatest depth.
func (d *decoder) popMark() ([]py.Value, int32, error) {
	if len(d.marks) == 0 {
		return nil, 0, d.errf(ErrInvalid, "could not find MARK")
	}
	m := d.marks[len(d.marks)-1]
	d.marks = d.marks[:len(d.marks)-1]
	items := d.stack[m:]
	var dep int32
	for _, x := range d.deps[m:] {
		if x&^fromMemo > dep {
			dep = x &^ fromMemo
		}
	}
	d.stack, d.deps = d.stack[:m], d.deps[:m]
	return items[:len(items):len(items)], dep, nil
}

func (d *decoder) top() (int, error) {
	n := len(d.stack)
	if n <= d.fence() {
		return 0, d.errf(ErrInvalid, "unpickling stack underflow")
	}
	return n - 1, nil
}

// deeper returns the depth of a container holding an item of depth dep.
func (d *decoder) deeper(dep int32) (int32, error) {
	dep = dep&^fromMemo + 1
	if int(dep) > d.lim.maxDepth {
		return 0, d.errf(ErrLimit, "nesting deeper than MaxDepth (%d)", d.lim.maxDepth)
	}
	return dep, nil
}

// grow records that the container at stack index i now holds items of
// depth dep.
func (d *decoder) grow(i int, dep int32) error {
	nd, err := d.deeper(dep)
	if err != nil {
		return err
	}
	cur := d.deps[i]
	if cur&fromMemo != 0 {
		d.stale = true
	}
	if nd > cur&^fromMemo {
		d.deps[i] = nd | cur&fromMemo
	}
	return nil
}

func (d *decoder) checkLen(n int) error {
	if n > d.lim.maxLen {
		return d.errf(ErrLimit, "container longer than MaxContainerLen (%d)", d.lim.maxLen)
	}
	return nil
}

func (d *decoder) run() (py.Value, int, error) {
	for {
		if d.pos >= len(d.data) {
			d.opAt, d.op = d.pos, 0
			return nil, 0, &Error{Offset: int64(d.pos), Err: ErrTruncated, Detail: "no STOP opcode"}
		}
		d.opAt = d.pos
		d.op = d.data[d.pos]
		d.pos++
		// The opcodes of a session's str values first, without the
		// general dispatch.
		switch d.op {
		case opShortBinUnicode:
			if d.pos < len(d.data) {
				start := d.pos + 1
				end := start + int(d.data[d.pos])
				if end <= len(d.data) && len(d.stack) < d.lim.maxStack {
					if !validWTF8(bstr(d.data[start:end])) {
						return nil, 0, d.errf(ErrInvalid, "str is not valid UTF-8")
					}
					v, at := d.box.str(d.data, start, end)
					d.stack = append(d.stack, v)
					d.deps = append(d.deps, 0)
					d.stackHigh = max(d.stackHigh, len(d.stack))
					d.pos = end
					// Protocol 4 memoizes each str right away.
					if end < len(d.data) && d.data[end] == opMemoize && at >= 0 && d.identify == nil && d.pending == nil && d.memoCount == len(d.memo) && d.memoCount < d.lim.maxMemo {
						d.memo = append(d.memo, memoEntry{kind: memoStr, at: at})
						d.memoCount++
						d.pos++
					}
					continue
				}
			}
		case opBinGet:
			// A memo reference to a str.
			if d.pos < len(d.data) && len(d.stack) < d.lim.maxStack {
				if idx := int(d.data[d.pos]); idx < len(d.memo) && d.memo[idx].kind == memoStr {
					e := d.memo[idx]
					d.stack = append(d.stack, d.box.strAt(e.at))
					d.deps = append(d.deps, e.dep|fromMemo)
					d.stackHigh = max(d.stackHigh, len(d.stack))
					d.pos++
					d.binary = true
					continue
				}
			}
		case opMemoize:
			if n := len(d.stack); n > d.fence() && d.identify == nil && d.pending == nil && d.memoCount == len(d.memo) && d.memoCount < d.lim.maxMemo {
				d.memo = append(d.memo, d.memoEntryFor(d.stack[n-1], d.deps[n-1]&^fromMemo))
				d.memoCount++
				continue
			}
		}
		if d.op == opStop {
			v, _, err := d.pop()
			if err != nil {
				return nil, 0, err
			}
			if d.stale {
				if err := d.checkDepth(v); err != nil {
					return nil, 0, err
				}
			}
			return v, d.pos, nil
		}
		if err := d.step(); err != nil {
			return nil, 0, err
		}
	}
}

// binaryOps are the opcodes protocol 1 added.
var binaryOps = [256]bool{
	opBinInt: true, opBinInt1: true, opBinInt2: true, opBinFloat: true, opBinString: true,
	opShortBinString: true, opBinUnicode: true, opEmptyTuple: true, opEmptyList: true,
	opEmptyDict: true, opBinPut: true, opLongBinPut: true, opBinGet: true, opLongBinGet: true,
	opAppends: true, opSetItems: true, opObj: true, opPopMark: true, opBinPersID: true,
}

func (d *decoder) step() error {
	if binaryOps[d.op] {
		d.binary = true
	}
	switch d.op {
	case opMark:
		if d.appendStrRun() {
			return nil
		}
		if len(d.marks) >= d.lim.maxStack {
			return d.errf(ErrLimit, "more marks than MaxStack (%d)", d.lim.maxStack)
		}
		d.marks = append(d.marks, len(d.stack))
	case opPop:
		if len(d.stack) > d.fence() {
			_, _, err := d.pop()
			return err
		}
		if len(d.marks) == 0 {
			return d.errf(ErrInvalid, "unpickling stack underflow")
		}
		d.marks = d.marks[:len(d.marks)-1]
	case opPopMark:
		if _, _, err := d.popMark(); err != nil {
			return err
		}
	case opDup:
		i, err := d.top()
		if err != nil {
			return err
		}
		d.noteCopy(d.stack[i])
		return d.push(d.stack[i], d.deps[i]|fromMemo)
	case opNone:
		return d.push(nil, 0)
	case opNewTrue:
		return d.push(true, 0)
	case opNewFalse:
		return d.push(false, 0)
	case opBinInt1:
		b, err := d.read(1)
		if err != nil {
			return err
		}
		return d.push(int64(b[0]), 0)
	case opBinInt2:
		b, err := d.read(2)
		if err != nil {
			return err
		}
		return d.push(d.box.int(int64(binary.LittleEndian.Uint16(b))), 0)
	case opBinInt:
		b, err := d.read(4)
		if err != nil {
			return err
		}
		return d.push(d.box.int(int64(int32(binary.LittleEndian.Uint32(b)))), 0)
	case opLong1, opLong4:
		var n int
		if d.op == opLong1 {
			b, err := d.read(1)
			if err != nil {
				return err
			}
			n = int(b[0])
		} else {
			b, err := d.read(4)
			if err != nil {
				return err
			}
			n32 := int32(binary.LittleEndian.Uint32(b))
			if n32 < 0 {
				return d.errf(ErrInvalid, "LONG pickle has negative byte count")
			}
			n = int(n32)
		}
		b, err := d.read(n)
		if err != nil {
			return err
		}
		return d.push(decodeLong(b), 0)
	case opInt:
		l, err := d.line()
		if err != nil {
			return err
		}
		if len(l) == 2 && l[0] == '0' && (l[1] == '0' || l[1] == '1') {
			return d.push(l[1] == '1', 0)
		}
		v, err := d.parseInt(l, true)
		if err != nil {
			return err
		}
		return d.push(v, 0)
	case opLong:
		l, err := d.line()
		if err != nil {
			return err
		}
		if n := len(l); n > 0 && l[n-1] == 'L' {
			l = l[:n-1]
		}
		v, err := d.parseInt(l, false)
		if err != nil {
			return err
		}
		return d.push(v, 0)
	case opBinFloat:
		b, err := d.read(8)
		if err != nil {
			return err
		}
		return d.push(d.box.float(math.Float64frombits(binary.BigEndian.Uint64(b))), 0)
	case opFloat:
		l, err := d.line()
		if err != nil {
			return err
		}
		f, ok := parsePyFloat(string(l))
		if !ok {
			return d.errf(ErrInvalid, "could not convert string to float: %q", l)
		}
		return d.push(f, 0)

	case opShortBinUnicode, opBinUnicode, opBinUnicode8:
		n, err := d.size()
		if err != nil {
			return err
		}
		s, err := d.read(n)
		if err != nil {
			return err
		}
		if !validWTF8(bstr(s)) {
			return d.errf(ErrInvalid, "str is not valid UTF-8")
		}
		v, _ := d.box.str(d.data, d.pos-n, d.pos)
		return d.push(v, 0)
	case opUnicode:
		l, err := d.line()
		if err != nil {
			return err
		}
		s, err := rawUnicodeEscapeDecode(l)
		if err != nil {
			return d.errf(ErrInvalid, "%v", err)
		}
		return d.push(s, 0)
	case opShortBinString, opBinString:
		var n int
		if d.op == opShortBinString {
			b, err := d.read(1)
			if err != nil {
				return err
			}
			n = int(b[0])
		} else {
			b, err := d.read(4)
			if err != nil {
				return err
			}
			n32 := int32(binary.LittleEndian.Uint32(b))
			if n32 < 0 {
				return d.errf(ErrInvalid, "BINSTRING pickle has negative byte count")
			}
			n = int(n32)
		}
		b, err := d.read(n)
		if err != nil {
			return err
		}
		v, err := d.py2str(b)
		if err != nil {
			return err
		}
		return d.push(v, 0)
	case opString:
		l, err := d.line()
		if err != nil {
			return err
		}
		if len(l) < 2 || l[0] != l[len(l)-1] || (l[0] != '\'' && l[0] != '"') {
			return d.errf(ErrInvalid, "the STRING opcode argument must be quoted")
		}
		raw, err := escapeDecode(l[1 : len(l)-1])
		if err != nil {
			return d.errf(ErrInvalid, "%v", err)
		}
		v, err := d.py2str(raw)
		if err != nil {
			return err
		}
		return d.push(v, 0)
	case opShortBinBytes, opBinBytes, opBinBytes8:
		n, err := d.size()
		if err != nil {
			return err
		}
		b, err := d.bytesAt(n)
		if err != nil {
			return err
		}
		return d.push(py.Bytes(b), 0)
	case opByteArray8:
		n, err := d.size()
		if err != nil {
			return err
		}
		b, err := d.read(n)
		if err != nil {
			return err
		}
		return d.push(&py.ByteArray{Data: append([]byte{}, b...)}, 1)
	case opNextBuffer:
		if d.bufNext >= len(d.buffers) {
			if d.buffers == nil {
				return d.errf(ErrUnsupported, "pickle stream refers to out-of-band data but no buffers were given")
			}
			return d.errf(ErrInvalid, "not enough out-of-band buffers")
		}
		b := d.buffers[d.bufNext]
		d.bufNext++
		return d.push(&py.ByteArray{Data: b}, 1)
	case opReadOnlyBuffer:
		i, err := d.top()
		if err != nil {
			return err
		}
		if ba, ok := d.stack[i].(*py.ByteArray); ok {
			d.stack[i] = py.Bytes(ba.Data)
		}

	case opEmptyTuple:
		return d.push(py.Tuple{}, 0)
	case opTuple1, opTuple2, opTuple3:
		n := int(d.op-opTuple1) + 1
		if len(d.stack)-d.fence() < n {
			return d.errf(ErrInvalid, "unpickling stack underflow")
		}
		at := len(d.stack) - n
		t := d.box.items(n)
		copy(t, d.stack[at:])
		var dep int32
		for _, x := range d.deps[at:] {
			dep = max(dep, x&^fromMemo)
		}
		d.stack, d.deps = d.stack[:at], d.deps[:at]
		nd, err := d.deeper(dep)
		if err != nil {
			return err
		}
		return d.push(t, nd)
	case opTuple:
		items, dep, err := d.popMark()
		if err != nil {
			return err
		}
		if err := d.checkLen(len(items)); err != nil {
			return err
		}
		t := py.Tuple{}
		if len(items) > 0 {
			t = d.box.items(len(items))
			copy(t, items)
		}
		nd, err := d.deeper(dep)
		if err != nil {
			return err
		}
		return d.push(t, nd)
	case opEmptyList:
		return d.push(&py.List{}, 1)
	case opList:
		items, dep, err := d.popMark()
		if err != nil {
			return err
		}
		if err := d.checkLen(len(items)); err != nil {
			return err
		}
		l := &py.List{Items: append([]py.Value(nil), items...)}
		nd, err := d.deeper(dep)
		if err != nil {
			return err
		}
		return d.push(l, nd)
	case opAppend:
		v, dep, err := d.pop()
		if err != nil {
			return err
		}
		i, err := d.top()
		if err != nil {
			return err
		}
		return d.appendItems(i, []py.Value{v}, dep)
	case opAppends:
		items, dep, err := d.popMark()
		if err != nil {
			return err
		}
		i, err := d.top()
		if err != nil {
			return err
		}
		err = d.appendItems(i, items, dep)
		return err
	case opEmptyDict:
		return d.push(d.box.dict(), 1)
	case opDict:
		items, dep, err := d.popMark()
		if err != nil {
			return err
		}
		if len(items)%2 != 0 {
			return d.errf(ErrInvalid, "odd number of items for DICT")
		}
		if err := d.checkLen(len(items) / 2); err != nil {
			return err
		}
		dict := d.box.dict()
		if err := d.push(dict, 1); err != nil {
			return err
		}
		err = d.setItems(len(d.stack)-1, items, dep)
		return err
	case opSetItem:
		v, vdep, err := d.pop()
		if err != nil {
			return err
		}
		k, kdep, err := d.pop()
		if err != nil {
			return err
		}
		i, err := d.top()
		if err != nil {
			return err
		}
		return d.setItems(i, []py.Value{k, v}, max(vdep&^fromMemo, kdep&^fromMemo))
	case opSetItems:
		items, dep, err := d.popMark()
		if err != nil {
			return err
		}
		if len(items)%2 != 0 {
			return d.errf(ErrInvalid, "odd number of items for SETITEMS")
		}
		i, err := d.top()
		if err != nil {
			return err
		}
		err = d.setItems(i, items, dep)
		return err
	case opEmptySet:
		return d.push(py.NewSet(), 1)
	case opAddItems:
		items, dep, err := d.popMark()
		if err != nil {
			return err
		}
		i, err := d.top()
		if err != nil {
			return err
		}
		s, ok := d.stack[i].(*py.Set)
		if !ok || s.Frozen {
			return d.errf(ErrInvalid, "ADDITEMS on a %s", py.TypeName(d.stack[i]))
		}
		if err := d.checkLen(s.Len() + len(items)); err != nil {
			return err
		}
		for _, it := range items {
			if !py.Hashable(it) {
				return d.errf(ErrInvalid, "unhashable type: '%s'", py.TypeName(it))
			}
			s.Add(it)
		}
		return d.grow(i, dep)
	case opFrozenSet:
		items, dep, err := d.popMark()
		if err != nil {
			return err
		}
		if err := d.checkLen(len(items)); err != nil {
			return err
		}
		s, err := d.newSet(items, true)
		if err != nil {
			return err
		}
		nd, err := d.deeper(dep)
		if err != nil {
			return err
		}
		return d.push(s, nd)

	case opPut, opBinPut, opLongBinPut, opMemoize:
		var idx int
		switch d.op {
		case opPut:
			l, err := d.line()
			if err != nil {
				return err
			}
			n, ok := parseIndex(l)
			if !ok {
				return d.errf(ErrInvalid, "bad PUT argument %q", l)
			}
			idx = n
		case opBinPut:
			b, err := d.read(1)
			if err != nil {
				return err
			}
			idx = int(b[0])
		case opLongBinPut:
			b, err := d.read(4)
			if err != nil {
				return err
			}
			idx = int(binary.LittleEndian.Uint32(b))
		default:
			idx = d.memoCount
		}
		return d.memoPut(idx)
	case opGet, opBinGet, opLongBinGet:
		var idx int
		switch d.op {
		case opGet:
			l, err := d.line()
			if err != nil {
				return err
			}
			n, ok := parseIndex(l)
			if !ok {
				return d.errf(ErrInvalid, "bad GET argument %q", l)
			}
			idx = n
		case opBinGet:
			b, err := d.read(1)
			if err != nil {
				return err
			}
			idx = int(b[0])
		default:
			b, err := d.read(4)
			if err != nil {
				return err
			}
			idx = int(binary.LittleEndian.Uint32(b))
		}
		return d.memoGet(idx)

	case opProto:
		b, err := d.read(1)
		if err != nil {
			return err
		}
		if b[0] > HighestProtocol {
			return d.errf(ErrUnsupported, "unsupported pickle protocol: %d", b[0])
		}
		d.proto, d.sawProto = int(b[0]), true
	case opFrame:
		b, err := d.read(8)
		if err != nil {
			return err
		}
		n := binary.LittleEndian.Uint64(b)
		if n > uint64(len(d.data)-d.pos) {
			return d.errf(ErrTruncated, "frame of %d bytes but only %d left", n, len(d.data)-d.pos)
		}

	case opGlobal:
		mod, err := d.lineStr()
		if err != nil {
			return err
		}
		name, err := d.lineStr()
		if err != nil {
			return err
		}
		if !utf8.ValidString(mod) || !utf8.ValidString(name) {
			return d.errf(ErrInvalid, "GLOBAL names are not valid UTF-8")
		}
		g, err := d.global(mod, name)
		if err != nil {
			return err
		}
		return d.push(g, 0)
	case opStackGlobal:
		name, _, err := d.pop()
		if err != nil {
			return err
		}
		mod, _, err := d.pop()
		if err != nil {
			return err
		}
		ms, ok1 := mod.(string)
		ns, ok2 := name.(string)
		if !ok1 || !ok2 {
			return d.errf(ErrInvalid, "STACK_GLOBAL requires str")
		}
		g, err := d.global(ms, ns)
		if err != nil {
			return err
		}
		return d.push(g, 0)
	case opReduce:
		args, adep, err := d.pop()
		if err != nil {
			return err
		}
		i, err := d.top()
		if err != nil {
			return err
		}
		t, ok := args.(py.Tuple)
		if !ok {
			return d.errf(ErrInvalid, "REDUCE arguments must be a tuple, not %s", py.TypeName(args))
		}
		v, err := d.reduce(d.stack[i], t)
		if err != nil {
			return err
		}
		nd, err := d.deeper(adep)
		if err != nil {
			return err
		}
		d.stack[i], d.deps[i] = v, nd
	case opNewObj:
		args, adep, err := d.pop()
		if err != nil {
			return err
		}
		i, err := d.top()
		if err != nil {
			return err
		}
		t, ok := args.(py.Tuple)
		if !ok {
			return d.errf(ErrInvalid, "NEWOBJ expected an arg tuple")
		}
		v, err := d.newObj(d.stack[i], t)
		if err != nil {
			return err
		}
		nd, err := d.deeper(adep)
		if err != nil {
			return err
		}
		d.stack[i], d.deps[i] = v, nd
	case opNewObjEx:
		kw, kdep, err := d.pop()
		if err != nil {
			return err
		}
		args, adep, err := d.pop()
		if err != nil {
			return err
		}
		i, err := d.top()
		if err != nil {
			return err
		}
		t, ok1 := args.(py.Tuple)
		kwd, ok2 := kw.(*py.Dict)
		if !ok1 || !ok2 {
			return d.errf(ErrInvalid, "NEWOBJ_EX expects an arg tuple and a kwargs dict")
		}
		nd, err := d.deeper(max(kdep&^fromMemo, adep&^fromMemo))
		if err != nil {
			return err
		}
		d.stack[i], d.deps[i] = &py.Object{Kind: py.ObjectNewObjEx, Callable: d.stack[i], Args: t, Kwargs: kwd}, nd
	case opInst:
		mod, err := d.lineStr()
		if err != nil {
			return err
		}
		name, err := d.lineStr()
		if err != nil {
			return err
		}
		if !utf8.ValidString(mod) || !utf8.ValidString(name) {
			return d.errf(ErrInvalid, "INST names are not valid UTF-8")
		}
		g, err := d.global(mod, name)
		if err != nil {
			return err
		}
		items, dep, err := d.popMark()
		if err != nil {
			return err
		}
		args := append(py.Tuple{}, items...)
		nd, err := d.deeper(dep)
		if err != nil {
			return err
		}
		return d.push(&py.Object{Kind: py.ObjectInst, Callable: g, Args: args}, nd)
	case opObj:
		items, dep, err := d.popMark()
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return d.errf(ErrInvalid, "OBJ without a class")
		}
		o := &py.Object{Kind: py.ObjectObj, Callable: items[0], Args: append(py.Tuple{}, items[1:]...)}
		nd, err := d.deeper(dep)
		if err != nil {
			return err
		}
		return d.push(o, nd)
	case opBuild:
		state, sdep, err := d.pop()
		if err != nil {
			return err
		}
		i, err := d.top()
		if err != nil {
			return err
		}
		if err := d.build(i, state); err != nil {
			return err
		}
		return d.grow(i, sdep)
	case opPersID:
		l, err := d.line()
		if err != nil {
			return err
		}
		for _, c := range l {
			if c >= 0x80 {
				return d.errf(ErrInvalid, "persistent IDs in protocol 0 must be ASCII strings")
			}
		}
		return d.persistent(string(l))
	case opBinPersID:
		pid, _, err := d.pop()
		if err != nil {
			return err
		}
		return d.persistent(pid)
	case opExt1, opExt2, opExt4:
		return d.errf(ErrUnsupported, "extension registry codes are not supported")
	default:
		return d.errf(ErrUnknownOpcode, "invalid load key, %q", d.op)
	}
	return nil
}

// size reads the length argument of the current opcode.
func (d *decoder) size() (int, error) {
	switch d.op {
	case opShortBinUnicode, opShortBinBytes:
		b, err := d.read(1)
		if err != nil {
			return 0, err
		}
		return int(b[0]), nil
	case opBinUnicode, opBinBytes:
		b, err := d.read(4)
		if err != nil {
			return 0, err
		}
		return int(binary.LittleEndian.Uint32(b)), nil
	}
	b, err := d.read(8)
	if err != nil {
		return 0, err
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(d.data)-d.pos) {
		return 0, d.truncated()
	}
	return int(n), nil
}

// bytesAt returns the next n input bytes as memory of their own (a bytes
// value must not share the memory of the str values), carved from chunks.
func (d *decoder) bytesAt(n int) ([]byte, error) {
	if n < 0 || n > len(d.data)-d.pos {
		return nil, d.truncated()
	}
	if n > cap(d.arena)-len(d.arena) {
		d.arena = make([]byte, 0, max(n, 512))
	}
	start := len(d.arena)
	d.arena = append(d.arena, d.data[d.pos:d.pos+n]...)
	d.pos += n
	return d.arena[start : start+n : start+n], nil
}

func (d *decoder) persistent(pid py.Value) error {
	if d.persistentFn == nil {
		return d.errf(ErrUnsupported, "a persistent id needs DecodeOptions.Persistent")
	}
	v, err := d.persistentFn(pid)
	if err != nil {
		return d.errf(ErrInvalid, "persistent id: %v", err)
	}
	return d.push(v, 0)
}

func (d *decoder) memoPut(idx int) error {
	i, err := d.top()
	if err != nil {
		return err
	}
	if idx < 0 || idx >= d.lim.maxMemo {
		return d.errf(ErrLimit, "memo index %d beyond MaxMemo (%d)", idx, d.lim.maxMemo)
	}
	v, dep := d.stack[i], d.deps[i]&^fromMemo
	if d.identify != nil && d.identify[idx] {
		if id := d.identityFor(idx); id != nil {
			v = py.WithIdentity(v, id)
			d.stack[i] = v
		}
	}
	if o, ok := v.(*py.Object); ok && o == d.pending {
		d.pendingMemo = append(d.pendingMemo, idx)
	}
	switch {
	case idx < len(d.memo):
		if d.memo[idx].kind == memoUnset {
			d.memoCount++
		}
		d.memo[idx] = d.memoEntryOver(d.memo[idx], v, dep)
		return nil
	case idx < len(d.memo)+1024:
		for len(d.memo) < idx {
			d.memo = append(d.memo, memoEntry{})
		}
		d.memo = append(d.memo, d.memoEntryFor(v, dep))
		d.memoCount++
		return nil
	}
	if d.sparse == nil {
		d.sparse = make(map[int]memoEntry)
	}
	old, ok := d.sparse[idx]
	if !ok {
		d.memoCount++
	}
	if d.memoCount > d.lim.maxMemo {
		return d.errf(ErrLimit, "more memo entries than MaxMemo (%d)", d.lim.maxMemo)
	}
	d.sparse[idx] = d.memoEntryOver(old, v, dep)
	return nil
}

func (d *decoder) identityFor(idx int) *py.Identity {
	if d.ids == nil {
		d.ids = make(map[int]*py.Identity)
	}
	id := d.ids[idx]
	if id == nil {
		id = py.NewIdentity()
		d.ids[idx] = id
	}
	return id
}

func (d *decoder) memoGet(idx int) error {
	var e memoEntry
	if idx >= 0 && idx < len(d.memo) {
		e = d.memo[idx]
	} else if d.sparse != nil {
		e = d.sparse[idx]
	}
	if e.kind == memoUnset {
		return d.errf(ErrInvalid, "memo value not found at index %d", idx)
	}
	v := d.memoValue(e)
	switch x := v.(type) {
	case py.DateTime, py.Date, py.Time, py.TimeDelta, py.Decimal, py.UUID:
		if py.IdentityOf(x) == nil {
			d.markShared(idx)
		}
	case py.TimeZone:
		if !x.IsUTC() && py.IdentityOf(x) == nil {
			d.markShared(idx)
		}
	case *py.Object:
		if x == d.pending {
			d.pendingGot = true
		}
	}
	d.noteCopy(v)
	return d.push(v, e.dep|fromMemo)
}

func (d *decoder) markShared(idx int) {
	if d.identify != nil {
		return // second pass: a value the first pass did not see shared
	}
	if d.shared == nil {
		d.shared = make(map[int]bool)
	}
	d.shared[idx] = true
}

func (d *decoder) appendItems(i int, items []py.Value, dep int32) error {
	switch t := d.stack[i].(type) {
	case *py.List:
		if err := d.checkLen(len(t.Items) + len(items)); err != nil {
			return err
		}
		t.Items = append(t.Items, items...)
	case *py.Object:
		if err := d.checkLen(len(t.ListItems) + len(items)); err != nil {
			return err
		}
		t.ListItems = append(t.ListItems, items...)
	default:
		return d.errf(ErrInvalid, "cannot append to a %s", py.TypeName(d.stack[i]))
	}
	return d.grow(i, dep)
}

func (d *decoder) setItems(i int, kv []py.Value, dep int32) error {
	var dict *py.Dict
	switch t := d.stack[i].(type) {
	case *py.Dict:
		dict = t
	case *py.OrderedDict:
		dict = &t.Dict
	case *py.Object:
		if err := d.checkLen(len(t.DictItems) + len(kv)/2); err != nil {
			return err
		}
		for j := 0; j < len(kv); j += 2 {
			t.DictItems = append(t.DictItems, py.DictEntry{Key: kv[j], Value: kv[j+1]})
		}
		return d.grow(i, dep)
	default:
		return d.errf(ErrInvalid, "cannot set items of a %s", py.TypeName(d.stack[i]))
	}
	if err := d.checkLen(dict.Len() + len(kv)/2); err != nil {
		return err
	}
	if n := len(kv) / 2; dict.Len() == 0 && n <= 16 && distinctStrKeys(kv) {
		// The common case, a new dict of a few str keys: its entries come
		// from a slab, and no key needs looking up.
		dict.UseBuffer(d.box.entries(n))
		for j := 0; j < len(kv); j += 2 {
			dict.Append(kv[j], kv[j+1])
		}
		return d.grow(i, dep)
	}
	dict.Grow(len(kv) / 2)
	for j := 0; j < len(kv); j += 2 {
		k := kv[j]
		if _, ok := k.(string); !ok && !py.Hashable(k) {
			return d.errf(ErrInvalid, "unhashable type: '%s'", py.TypeName(k))
		}
		dict.Set(k, kv[j+1])
	}
	return d.grow(i, dep)
}

// distinctStrKeys reports whether the keys of kv (keys and values
// alternating) are all of type string and all different.
func distinctStrKeys(kv []py.Value) bool {
	for j := 0; j < len(kv); j += 2 {
		k, ok := kv[j].(string)
		if !ok {
			return false
		}
		for m := 0; m < j; m += 2 {
			if kv[m].(string) == k {
				return false
			}
		}
	}
	return true
}

func (d *decoder) newSet(items []py.Value, frozen bool) (*py.Set, error) {
	s := py.NewSet()
	s.Frozen = frozen
	for _, it := range items {
		if !py.Hashable(it) {
			return nil, d.errf(ErrInvalid, "unhashable type: '%s'", py.TypeName(it))
		}
		s.Add(it)
	}
	return s, nil
}

// decodeLong reads a little-endian two's complement integer.
func decodeLong(b []byte) py.Value {
	n := len(b)
	if n == 0 {
		return int64(0)
	}
	if n <= 8 {
		var u uint64
		for i := n - 1; i >= 0; i-- {
			u = u<<8 | uint64(b[i])
		}
		shift := uint(64 - 8*n)
		return int64(u<<shift) >> shift
	}
	be := make([]byte, n)
	for i := range b {
		be[n-1-i] = b[i]
	}
	x := new(big.Int).SetBytes(be)
	if b[n-1]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*n)))
	}
	return py.Int(x)
}

// maxIntDigits is CPython's default limit on the digits of int(str)
// (sys.get_int_max_str_digits()).
const maxIntDigits = 4300

// parseInt reads the argument of INT or LONG as CPython does: C strtol
// rules when the value fits a C long (INT only), else int(text, 0).
func (d *decoder) parseInt(l []byte, isINT bool) (py.Value, error) {
	s := string(l)
	if isINT {
		if v, ok := strtol(s); ok {
			return v, nil
		}
	}
	v, ok := parsePyInt(s)
	if !ok {
		return nil, d.errf(ErrInvalid, "invalid literal for int() with base 0: %q", s)
	}
	return v, nil
}

// strtol parses s as C strtol(s, &end, 0) followed by a check that nothing
// but the end of the line follows, for values in the int64 range.
func strtol(s string) (int64, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\v' || s[i] == '\f') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := 10
	if i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && i+2 < len(s) && isHex(s[i+2]) {
		base = 16
		i += 2
	} else if i < len(s) && s[i] == '0' {
		base = 8
	}
	digits := s[i:]
	if digits == "" {
		return 0, false
	}
	u, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// parsePyInt parses s as Python's int(s, 0): surrounding white space, a
// sign, an optional 0x/0o/0b prefix, and underscores between digits.
func parsePyInt(s string) (py.Value, bool) {
	s = trimSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := 10
	if len(s) > 1 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 10 {
			s = s[2:]
			if s != "" && s[0] == '_' {
				s = s[1:]
			}
		}
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' {
		return nil, false
	}
	digits := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			if s[i-1] == '_' {
				return nil, false
			}
			continue
		}
		digits = append(digits, c)
	}
	if base == 10 && len(digits) > maxIntDigits {
		return nil, false
	}
	if base == 10 && len(digits) > 1 && digits[0] == '0' {
		for _, c := range digits {
			if c != '0' {
				return nil, false // leading zeros are not allowed in base 0
			}
		}
	}
	x, ok := new(big.Int).SetString(string(digits), base)
	if !ok {
		return nil, false
	}
	if neg {
		x.Neg(x)
	}
	return py.Int(x), true
}

func trimSpace(s string) string {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' }
	for s != "" && isSpace(s[0]) {
		s = s[1:]
	}
	for s != "" && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// parseIndex reads the decimal argument of PUT or GET.
func parseIndex(l []byte) (int, bool) {
	v, ok := parsePyInt(string(l))
	if !ok {
		return 0, false
	}
	n, ok := v.(int64)
	if !ok || n < 0 || n > math.MaxInt32 {
		return 0, false
	}
	return int(n), true
}

// parsePyFloat parses the argument of FLOAT as Python's float() parses
// repr() output: decimal or exponent notation, inf, nan.
func parsePyFloat(s string) (float64, bool) {
	t := trimSpace(s)
	if t == "" {
		return 0, false
	}
	body := t
	if body[0] == '+' || body[0] == '-' {
		body = body[1:]
	}
	switch lower(body) {
	case "inf", "infinity":
		if t[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case "nan":
		if t[0] == '-' {
			return math.Copysign(math.NaN(), -1), true
		}
		return math.NaN(), true
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' || c == '_') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// validWTF8 reports whether s decodes as UTF-8 with the surrogatepass
// error handler: valid UTF-8, where 3-byte encodings of surrogates are
// allowed too.
func validWTF8(s string) bool {
	if ascii.Is(s) {
		return true
	}
	i := 0
	for i < len(s) && s[i] < 0x80 {
		i++
	}
	s = s[i:]
	if utf8.ValidString(s) {
		return true
	}
	for len(s) > 0 {
		c := s[0]
		if c < 0x80 {
			s = s[1:]
			continue
		}
		if c == 0xED && len(s) >= 3 && s[1] >= 0xA0 && s[1] <= 0xBF && s[2] >= 0x80 && s[2] <= 0xBF {
			s = s[3:] // a surrogate
			continue
		}
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		s = s[n:]
	}
	return true
}

// py2str decodes a Python 2 str with the configured encoding.
func (d *decoder) py2str(b []byte) (py.Value, error) {
	switch d.lim.enc {
	case encBytes:
		return py.Bytes(append([]byte{}, b...)), nil
	case encLatin1:
		return latin1String(b), nil
	case encUTF8:
		if !validUTF8Strict(b) {
			return nil, d.errf(ErrInvalid, "'utf-8' codec can't decode Python 2 str")
		}
		return string(b), nil
	}
	for _, c := range b {
		if c >= 0x80 {
			return nil, d.errf(ErrInvalid, "'ascii' codec can't decode byte 0x%02x of a Python 2 str (try Encoding \"latin1\" or \"bytes\")", c)
		}
	}
	return string(b), nil
}

func validUTF8Strict(b []byte) bool { return utf8.Valid(b) }

// latin1String returns the str whose code points are the bytes of b.
func latin1String(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	out := make([]byte, 0, len(b)*2)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return string(out)
}

// checkDepth measures the nesting of v when containers changed after being
// shared, which the running count cannot follow.
func (d *decoder) checkDepth(v py.Value) error {
	seen := make(map[unsafe.Pointer]int32)
	onPath := make(map[unsafe.Pointer]bool)
	// The budget of visits: a first walk visits each value once, and each
	// took at least one byte of the pickle; a container seen again deeper
	// is walked again, which the 4 Mi extra visits bound.
	budget := 1<<22 + len(d.data)
	var walk func(v py.Value, depth int) error
	walk = func(v py.Value, depth int) error {
		if depth > d.lim.maxDepth {
			return &Error{Offset: int64(d.opAt), Err: ErrLimit, Detail: "nesting deeper than MaxDepth"}
		}
		if budget--; budget < 0 {
			return &Error{Offset: int64(d.opAt), Err: ErrLimit, Detail: "too many shared containers changed after sharing to measure their nesting"}
		}
		var p unsafe.Pointer
		var children []py.Value
		switch x := v.(type) {
		case *py.List:
			p, children = unsafe.Pointer(x), x.Items
		case py.Tuple:
			children = x
		case *py.Dict:
			p = unsafe.Pointer(x)
			for k, val := range x.All() {
				children = append(children, k, val)
			}
		case *py.OrderedDict:
			p = unsafe.Pointer(x)
			for k, val := range x.All() {
				children = append(children, k, val)
			}
		case *py.Set:
			p, children = unsafe.Pointer(x), x.Items()
		case *py.Object:
			p = unsafe.Pointer(x)
			children = append(children, x.Callable, x.Args, x.State)
			children = append(children, x.ListItems...)
			for _, e := range x.DictItems {
				children = append(children, e.Key, e.Value)
			}
			if x.Kwargs != nil {
				children = append(children, x.Kwargs)
			}
		default:
			return nil
		}
		if p != nil {
			if onPath[p] {
				return nil // a cycle: recursive structures are allowed
			}
			if prev, ok := seen[p]; ok && int(prev) >= depth {
				return nil
			}
			seen[p] = int32(depth)
			onPath[p] = true
			defer delete(onPath, p)
		}
		for _, c := range children {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(v, 1)
}
