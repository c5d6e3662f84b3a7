package pickle

import (
	"fmt"
	"math/big"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/py"
)

// identHit writes a memo reference for a value type that carries an
// Identity already written with the same content.
func (e *encoder) identHit(id *py.Identity, v py.Value) bool {
	if id == nil {
		return false
	}
	if ent, ok := e.idents[id]; ok && ent.v == v {
		e.memoGet(ent.idx)
		return true
	}
	return false
}

// identPut memoizes the value just written, under its Identity if any.
func (e *encoder) identPut(id *py.Identity, v py.Value) {
	i := e.memoPut()
	if id == nil {
		return
	}
	if e.idents == nil {
		e.idents = make(map[*py.Identity]identEntry)
	}
	if _, ok := e.idents[id]; !ok {
		e.idents[id] = identEntry{idx: i, v: v}
	}
}

// reduceStart writes the class of a reduction and opens its argument
// tuple of n items.
func (e *encoder) reduceStart(module, name, key string, n int) error {
	if err := e.saveGlobalKey(module, name, key); err != nil {
		return err
	}
	e.boundary()
	if n == 0 {
		e.emptyTuple()
	} else {
		e.tupleOpen(n)
	}
	return nil
}

func (e *encoder) reduceEnd(n int) {
	if n > 0 {
		e.tupleClose(n)
	}
	e.write1(opReduce)
}

func (e *encoder) saveDateTime(x py.DateTime) error {
	id := py.IdentityOf(x)
	if e.identHit(id, x) {
		return nil
	}
	if err := x.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	n := 1
	if x.TZ != nil {
		n = 2
	}
	if err := e.reduceStart("datetime", "datetime", "datetime\x00datetime", n); err != nil {
		return err
	}
	month := byte(x.Month)
	if x.Fold == 1 && e.proto > 3 {
		month |= 0x80
	}
	state := [10]byte{byte(x.Year >> 8), byte(x.Year), month, byte(x.Day), byte(x.Hour), byte(x.Minute),
		byte(x.Second), byte(x.Microsecond >> 16), byte(x.Microsecond >> 8), byte(x.Microsecond)}
	if err := e.saveNewBytes(state[:]); err != nil {
		return err
	}
	if x.TZ != nil {
		if err := e.save(x.TZ); err != nil {
			return err
		}
	}
	e.reduceEnd(n)
	e.identPut(id, x)
	return nil
}

func (e *encoder) saveDate(x py.Date) error {
	id := py.IdentityOf(x)
	if e.identHit(id, x) {
		return nil
	}
	if err := x.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if err := e.reduceStart("datetime", "date", "datetime\x00date", 1); err != nil {
		return err
	}
	state := [4]byte{byte(x.Year >> 8), byte(x.Year), byte(x.Month), byte(x.Day)}
	if err := e.saveNewBytes(state[:]); err != nil {
		return err
	}
	e.reduceEnd(1)
	e.identPut(id, x)
	return nil
}

func (e *encoder) saveTime(x py.Time) error {
	id := py.IdentityOf(x)
	if e.identHit(id, x) {
		return nil
	}
	if err := x.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	n := 1
	if x.TZ != nil {
		n = 2
	}
	if err := e.reduceStart("datetime", "time", "datetime\x00time", n); err != nil {
		return err
	}
	hour := byte(x.Hour)
	if x.Fold == 1 && e.proto > 3 {
		hour |= 0x80
	}
	state := [6]byte{hour, byte(x.Minute), byte(x.Second), byte(x.Microsecond >> 16), byte(x.Microsecond >> 8), byte(x.Microsecond)}
	if err := e.saveNewBytes(state[:]); err != nil {
		return err
	}
	if x.TZ != nil {
		if err := e.save(x.TZ); err != nil {
			return err
		}
	}
	e.reduceEnd(n)
	e.identPut(id, x)
	return nil
}

func (e *encoder) saveTimeDelta(x py.TimeDelta) error {
	id := py.IdentityOf(x)
	if e.identHit(id, x) {
		return nil
	}
	// Write Python's normal form.
	norm, err := py.NewTimeDelta(int64(x.Days), int64(x.Seconds), int64(x.Microseconds))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if err := e.reduceStart("datetime", "timedelta", "datetime\x00timedelta", 3); err != nil {
		return err
	}
	for _, n := range [3]int{norm.Days, norm.Seconds, norm.Microseconds} {
		e.boundary()
		e.saveInt(int64(n))
	}
	e.reduceEnd(3)
	e.identPut(id, x)
	return nil
}

var utcKey = mkey{kind: kUTC}

func (e *encoder) saveTimeZone(x py.TimeZone) error {
	utc := x.IsUTC()
	id := py.IdentityOf(x)
	if utc {
		if e.lookup(utcKey) {
			return nil
		}
	} else if e.identHit(id, x) {
		return nil
	}
	if err := x.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	n := 1
	if x.HasName {
		n = 2
	}
	if err := e.reduceStart("datetime", "timezone", "datetime\x00timezone", n); err != nil {
		return err
	}
	e.boundary()
	if err := e.saveTimeDelta(py.TimeDelta{Days: x.Offset.Days, Seconds: x.Offset.Seconds, Microseconds: x.Offset.Microseconds}); err != nil {
		return err
	}
	if x.HasName {
		if err := e.save(x.Name); err != nil {
			return err
		}
	}
	e.reduceEnd(n)
	if utc {
		e.memoPutKey(utcKey)
	} else {
		e.identPut(id, x)
	}
	return nil
}

func (e *encoder) saveDecimal(x py.Decimal) error {
	id := py.IdentityOf(x)
	if e.identHit(id, x) {
		return nil
	}
	if err := e.reduceStart("decimal", "Decimal", "decimal\x00Decimal", 1); err != nil {
		return err
	}
	if err := e.saveFreshStr(x.String()); err != nil {
		return err
	}
	e.reduceEnd(1)
	e.identPut(id, x)
	return nil
}

func (e *encoder) saveUUID(x py.UUID) error {
	id := py.IdentityOf(x)
	if e.identHit(id, x) {
		return nil
	}
	if e.proto >= 2 {
		if err := e.saveGlobalKey("uuid", "UUID", "uuid\x00UUID"); err != nil {
			return err
		}
		e.boundary()
		e.emptyTuple()
		e.write1(opNewObj)
	} else {
		if err := e.reduceStart("copyreg", "_reconstructor", "copyreg\x00_reconstructor", 3); err != nil {
			return err
		}
		if err := e.saveGlobalKey("uuid", "UUID", "uuid\x00UUID"); err != nil {
			return err
		}
		if err := e.saveGlobalKey("builtins", "object", "builtins\x00object"); err != nil {
			return err
		}
		e.boundary()
		e.write1(opNone)
		e.reduceEnd(3)
	}
	e.identPut(id, x)
	// The state: {'int': n}.
	e.boundary()
	if e.proto >= 1 {
		e.write1(opEmptyDict)
	} else {
		e.write2(opMark, opDict)
	}
	e.memoPut()
	if x.Safe != py.SafeUUIDUnknown && e.proto >= 1 {
		e.write1(opMark)
	}
	if err := e.saveConstStr(kConst, "int"); err != nil {
		return err
	}
	e.boundary()
	hi := uint64(x.Bytes[0])<<56 | uint64(x.Bytes[1])<<48 | uint64(x.Bytes[2])<<40 | uint64(x.Bytes[3])<<32 |
		uint64(x.Bytes[4])<<24 | uint64(x.Bytes[5])<<16 | uint64(x.Bytes[6])<<8 | uint64(x.Bytes[7])
	if hi == 0 {
		lo := uint64(0)
		for _, b := range x.Bytes[8:] {
			lo = lo<<8 | uint64(b)
		}
		e.saveUint(lo)
	} else {
		e.saveBig(new(big.Int).SetBytes(x.Bytes[:]))
	}
	if x.Safe == py.SafeUUIDUnknown {
		e.write1(opSetItem)
		e.write1(opBuild)
		return nil
	}
	if e.proto == 0 {
		e.write1(opSetItem)
	}
	if err := e.saveConstStr(kConst, "is_safe"); err != nil {
		return err
	}
	e.boundary()
	if x.Safe == py.SafeUUIDSafe {
		e.saveInt(0)
	} else {
		e.saveInt(-1)
	}
	if e.proto == 0 {
		e.write1(opSetItem)
	} else {
		e.write1(opSetItems)
	}
	e.write1(opBuild)
	return nil
}

func (e *encoder) saveMarkup(m py.Markup) error {
	var k mkey
	if len(m) > 0 {
		k = mkey{p: uintptr(unsafe.Pointer(unsafe.StringData(string(m)))), n: len(m), kind: kMarkup}
		if e.lookup(k) {
			return nil
		}
	}
	if e.proto >= 2 {
		if err := e.saveGlobalKey("markupsafe", "Markup", "markupsafe\x00Markup"); err != nil {
			return err
		}
		e.boundary()
		e.tupleOpen(1)
		if err := e.saveFreshStr(string(m)); err != nil {
			return err
		}
		e.tupleClose(1)
		e.write1(opNewObj)
	} else {
		if err := e.reduceStart("copyreg", "_reconstructor", "copyreg\x00_reconstructor", 3); err != nil {
			return err
		}
		if err := e.saveGlobalKey("markupsafe", "Markup", "markupsafe\x00Markup"); err != nil {
			return err
		}
		if err := e.saveGlobalKey("builtins", "str", "builtins\x00str"); err != nil {
			return err
		}
		if err := e.saveFreshStr(string(m)); err != nil {
			return err
		}
		e.reduceEnd(3)
	}
	if len(m) > 0 {
		e.memoPutKey(k)
	} else {
		e.memoPut()
	}
	return nil
}

// saveObject writes an object of an unknown class the way it was read:
// the call that built it, then its items and its state.
func (e *encoder) saveObject(o *py.Object) error {
	k := ptrKey(unsafe.Pointer(o))
	if e.lookup(k) {
		return nil
	}
	if err := e.enter(); err != nil {
		return err
	}
	defer func() { e.depth-- }()
	recursive := true
	switch o.Kind {
	case py.ObjectReduce:
		if err := e.save(o.Callable); err != nil {
			return err
		}
		if err := e.save(o.Args); err != nil {
			return err
		}
		e.write1(opReduce)
	case py.ObjectNewObj:
		if e.proto >= 2 {
			if err := e.save(o.Callable); err != nil {
				return err
			}
			if err := e.save(o.Args); err != nil {
				return err
			}
			e.write1(opNewObj)
			break
		}
		// copyreg.__newobj__(cls, *args) does what NEWOBJ does.
		if err := e.reduceStart("copyreg", "__newobj__", "copyreg\x00__newobj__", len(o.Args)+1); err != nil {
			return err
		}
		if err := e.save(o.Callable); err != nil {
			return err
		}
		for _, a := range o.Args {
			if err := e.save(a); err != nil {
				return err
			}
		}
		e.reduceEnd(len(o.Args) + 1)
	case py.ObjectNewObjEx:
		kwargs := o.Kwargs
		if kwargs == nil {
			kwargs = py.NewDict(0)
			e.keep = append(e.keep, kwargs)
		}
		if e.proto >= 4 {
			for _, v := range [3]py.Value{o.Callable, o.Args, kwargs} {
				if err := e.save(v); err != nil {
					return err
				}
			}
			e.write1(opNewObjEx)
			break
		}
		// copyreg.__newobj_ex__(cls, args, kwargs) does what NEWOBJ_EX does.
		if err := e.reduceStart("copyreg", "__newobj_ex__", "copyreg\x00__newobj_ex__", 3); err != nil {
			return err
		}
		for _, v := range [3]py.Value{o.Callable, o.Args, kwargs} {
			if err := e.save(v); err != nil {
				return err
			}
		}
		e.reduceEnd(3)
	case py.ObjectInst:
		g, ok := o.Callable.(py.Global)
		if !ok {
			if pg, isPtr := o.Callable.(*py.Global); isPtr && pg != nil {
				g, ok = *pg, true
			}
		}
		if !ok {
			return fmt.Errorf("%w: an INST object needs a py.Global class", ErrUnsupported)
		}
		if err := checkLineName(g.Module, g.Name, e.proto); err != nil {
			return err
		}
		module, name := g.Module, g.Name
		if e.proto < 3 {
			var err error
			if module, name, err = py2Global(module, name, e.proto); err != nil {
				return err
			}
		}
		e.write1(opMark)
		for _, a := range o.Args {
			if err := e.save(a); err != nil {
				return err
			}
		}
		e.write1(opInst)
		e.buf = append(e.buf, module...)
		e.buf = append(e.buf, '\n')
		e.buf = append(e.buf, name...)
		e.buf = append(e.buf, '\n')
		recursive = false
	case py.ObjectObj:
		e.write1(opMark)
		if err := e.save(o.Callable); err != nil {
			return err
		}
		for _, a := range o.Args {
			if err := e.save(a); err != nil {
				return err
			}
		}
		e.write1(opObj)
		recursive = false
	default:
		return fmt.Errorf("%w: object kind %d", ErrUnsupported, o.Kind)
	}
	if recursive {
		if i, ok := e.memo.get(k); ok {
			e.write1(opPop)
			e.memoGet(i)
			return nil
		}
	}
	e.memoPutKey(k)
	if err := e.listItemsGeneric(o.ListItems); err != nil {
		return err
	}
	if len(o.DictItems) > 0 {
		items := o.DictItems
		if err := e.dictItemsGenericAt(len(items), func(i int) (py.Value, py.Value) { return items[i].Key, items[i].Value }); err != nil {
			return err
		}
	}
	if o.HasState {
		if err := e.save(o.State); err != nil {
			return err
		}
		e.write1(opBuild)
	}
	return nil
}
