package pickle

import (
	"math/big"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/py"
)

// globalName is a module-level name: a class or a function.
type globalName struct{ module, name string }

// knownGlobals are the names this package turns into py values, or that
// pickle itself uses to build them. DecodeOptions.Strict refuses the others.
var knownGlobals = map[globalName]bool{
	{"datetime", "datetime"}:       true,
	{"datetime", "date"}:           true,
	{"datetime", "time"}:           true,
	{"datetime", "timedelta"}:      true,
	{"datetime", "timezone"}:       true,
	{"uuid", "UUID"}:               true,
	{"decimal", "Decimal"}:         true,
	{"collections", "OrderedDict"}: true,
	{"builtins", "set"}:            true,
	{"builtins", "frozenset"}:      true,
	{"builtins", "bytearray"}:      true,
	{"builtins", "bytes"}:          true,
	{"builtins", "object"}:         true,
	{"builtins", "str"}:            true,
	{"_codecs", "encode"}:          true,
	{"copyreg", "_reconstructor"}:  true,
	{"markupsafe", "Markup"}:       true,
}

// global resolves GLOBAL, STACK_GLOBAL and INST names: the Python 2 names
// of protocols 0 to 2 are mapped to Python 3 ones, as Python 3's
// Unpickler does with fix_imports.
func (d *decoder) global(mod, name string) (py.Value, error) {
	if d.proto < 3 {
		mod, name = py3Global(mod, name)
	}
	if v, ok := knownGlobalValues[globalName{mod, name}]; ok {
		return v, nil
	}
	if d.strict {
		return nil, d.errf(ErrStrict, "%s.%s", mod, name)
	}
	return py.Global{Module: mod, Name: name}, nil
}

// py3Global maps a Python 2 global name to its Python 3 one, as Python 3's
// Unpickler with fix_imports does for protocols 0 to 2; other names are
// returned as they are.
func py3Global(mod, name string) (string, string) {
	if m, ok := nameMapping[globalName{mod, name}]; ok {
		return m.module, m.name
	}
	if m, ok := importMapping[mod]; ok {
		return m, name
	}
	return mod, name
}

// knownGlobalValues holds the known globals as values, made once.
var knownGlobalValues = func() map[globalName]py.Value {
	m := make(map[globalName]py.Value, len(knownGlobals))
	for g := range knownGlobals {
		m[g] = py.Global{Module: g.module, Name: g.name}
	}
	return m
}()

// reduce applies REDUCE: known callables give py values, anything else an
// *py.Object that keeps the call as data.
func (d *decoder) reduce(callable py.Value, args py.Tuple) (py.Value, error) {
	if g, ok := callable.(py.Global); ok {
		v, ok, err := d.reduceKnown(g, args)
		if err != nil || ok {
			return v, err
		}
	}
	return &py.Object{Kind: py.ObjectReduce, Callable: callable, Args: args}, nil
}

func (d *decoder) reduceKnown(g py.Global, args py.Tuple) (py.Value, bool, error) {
	switch g.Module {
	case "datetime":
		return d.reduceDatetime(g.Name, args)
	case "decimal":
		if g.Name == "Decimal" && len(args) == 1 {
			if s, ok := args[0].(string); ok {
				v, err := py.ParseDecimal(s)
				if err != nil {
					return nil, false, d.errf(ErrInvalid, "%v", err)
				}
				return v, true, nil
			}
		}
	case "_codecs":
		if g.Name == "encode" && len(args) == 2 {
			s, ok1 := args[0].(string)
			enc, ok2 := args[1].(string)
			if ok1 && ok2 && (enc == "latin1" || enc == "latin-1") {
				b, ok := latin1Bytes(s)
				if !ok {
					return nil, false, d.errf(ErrInvalid, "'latin-1' codec can't encode a character of the str")
				}
				return py.Bytes(b), true, nil
			}
		}
	case "builtins":
		switch g.Name {
		case "bytes":
			if len(args) == 0 {
				return py.Bytes{}, true, nil
			}
		case "bytearray":
			switch len(args) {
			case 0:
				return &py.ByteArray{Data: []byte{}}, true, nil
			case 1:
				if b, ok := args[0].(py.Bytes); ok {
					return &py.ByteArray{Data: append([]byte{}, b...)}, true, nil
				}
			case 2: // Python 2: bytearray(u'latin-1 text', 'latin-1')
				s, ok1 := args[0].(string)
				enc, ok2 := args[1].(string)
				if ok1 && ok2 && (enc == "latin-1" || enc == "latin1") {
					if b, ok := latin1Bytes(s); ok {
						return &py.ByteArray{Data: b}, true, nil
					}
				}
			}
		case "set", "frozenset":
			frozen := g.Name == "frozenset"
			if len(args) == 0 {
				s := py.NewSet()
				s.Frozen = frozen
				return s, true, nil
			}
			if len(args) == 1 {
				var items []py.Value
				switch x := args[0].(type) {
				case *py.List:
					items = x.Items
				case py.Tuple:
					items = x
				default:
					return nil, false, nil
				}
				if err := d.checkLen(len(items)); err != nil {
					return nil, false, err
				}
				s, err := d.newSet(items, frozen)
				return s, err == nil, err
			}
		}
	case "collections":
		if g.Name == "OrderedDict" {
			if len(args) == 0 {
				return py.NewOrderedDict(), true, nil
			}
			if len(args) == 1 {
				if l, ok := args[0].(*py.List); ok {
					od := py.NewOrderedDict()
					for _, it := range l.Items {
						var k, v py.Value
						switch p := it.(type) {
						case *py.List:
							if len(p.Items) != 2 {
								return nil, false, nil
							}
							k, v = p.Items[0], p.Items[1]
						case py.Tuple:
							if len(p) != 2 {
								return nil, false, nil
							}
							k, v = p[0], p[1]
						default:
							return nil, false, nil
						}
						if !py.Hashable(k) {
							return nil, false, d.errf(ErrInvalid, "unhashable type: '%s'", py.TypeName(k))
						}
						od.Set(k, v)
					}
					return od, true, nil
				}
			}
		}
	case "copyreg":
		if g.Name == "_reconstructor" && len(args) == 3 {
			cls, ok1 := args[0].(py.Global)
			base, ok2 := args[1].(py.Global)
			if !ok1 || !ok2 {
				return nil, false, nil
			}
			switch {
			case cls == py.Global{Module: "uuid", Name: "UUID"} && base == py.Global{Module: "builtins", Name: "object"} && args[2] == nil:
				o := &py.Object{Kind: py.ObjectReduce, Callable: g, Args: args}
				d.setPending(o)
				return o, true, nil
			case cls == py.Global{Module: "markupsafe", Name: "Markup"} && base == py.Global{Module: "builtins", Name: "str"}:
				if s, ok := args[2].(string); ok {
					return newMarkup(s), true, nil
				}
			}
		}
	}
	return nil, false, nil
}

func (d *decoder) setPending(o *py.Object) {
	d.pending, d.pendingMemo, d.pendingGot = o, d.pendingMemo[:0], false
}

// stateBytes returns the state argument of a datetime class: bytes, or a
// Python 2 str decoded to text (whose code points are the bytes).
func stateBytes(v py.Value, n int) ([]byte, bool) {
	switch x := v.(type) {
	case py.Bytes:
		return x, len(x) == n
	case string:
		b, ok := latin1Bytes(x)
		return b, ok && len(b) == n
	}
	return nil, false
}

func (d *decoder) tzArg(args py.Tuple, i int) (py.TZInfo, bool, error) {
	if len(args) <= i {
		return nil, true, nil
	}
	switch z := args[i].(type) {
	case nil:
		return nil, true, nil
	case py.TimeZone:
		return z, true, nil
	case *py.Object:
		return z, true, nil
	}
	return nil, false, d.errf(ErrInvalid, "bad tzinfo state arg: %s", py.TypeName(args[i]))
}

func (d *decoder) reduceDatetime(name string, args py.Tuple) (py.Value, bool, error) {
	switch name {
	case "datetime":
		if v, ok := intFields(args, 3, 7); ok {
			dt := py.DateTime{Year: v[0], Month: v[1], Day: v[2], Hour: v[3], Minute: v[4], Second: v[5], Microsecond: v[6]}
			tz, _, err := d.tzArg(args, 7)
			if err != nil {
				return nil, false, err
			}
			dt.TZ = tz
			if err := dt.Validate(); err != nil {
				return nil, false, d.errf(ErrInvalid, "datetime: %v", err)
			}
			return dt, true, nil
		}
		if len(args) < 1 || len(args) > 2 {
			break
		}
		b, ok := stateBytes(args[0], 10)
		if !ok {
			break
		}
		if b[2]&0x7F < 1 || b[2]&0x7F > 12 {
			return nil, false, d.errf(ErrInvalid, "datetime: bad state (month %d)", b[2]&0x7F)
		}
		tz, _, err := d.tzArg(args, 1)
		if err != nil {
			return nil, false, err
		}
		v := py.DateTime{
			Year: int(b[0])<<8 | int(b[1]), Month: int(b[2] & 0x7F), Day: int(b[3]),
			Hour: int(b[4]), Minute: int(b[5]), Second: int(b[6]),
			Microsecond: int(b[7])<<16 | int(b[8])<<8 | int(b[9]),
			Fold:        int(b[2] >> 7), TZ: tz,
		}
		if err := v.Validate(); err != nil {
			return nil, false, d.errf(ErrInvalid, "datetime: %v", err)
		}
		return v, true, nil
	case "date":
		if v, ok := intFields(args, 3, 3); ok {
			dt := py.Date{Year: v[0], Month: v[1], Day: v[2]}
			if err := dt.Validate(); err != nil {
				return nil, false, d.errf(ErrInvalid, "date: %v", err)
			}
			return dt, true, nil
		}
		if len(args) != 1 {
			break
		}
		b, ok := stateBytes(args[0], 4)
		if !ok {
			break
		}
		if b[2] < 1 || b[2] > 12 {
			return nil, false, d.errf(ErrInvalid, "date: bad state (month %d)", b[2])
		}
		v := py.Date{Year: int(b[0])<<8 | int(b[1]), Month: int(b[2]), Day: int(b[3])}
		if err := v.Validate(); err != nil {
			return nil, false, d.errf(ErrInvalid, "date: %v", err)
		}
		return v, true, nil
	case "time":
		if len(args) < 1 || len(args) > 2 {
			break
		}
		b, ok := stateBytes(args[0], 6)
		if !ok {
			break
		}
		if b[0]&0x7F >= 24 {
			return nil, false, d.errf(ErrInvalid, "time: bad state (hour %d)", b[0]&0x7F)
		}
		tz, _, err := d.tzArg(args, 1)
		if err != nil {
			return nil, false, err
		}
		v := py.Time{
			Hour: int(b[0] & 0x7F), Minute: int(b[1]), Second: int(b[2]),
			Microsecond: int(b[3])<<16 | int(b[4])<<8 | int(b[5]), Fold: int(b[0] >> 7), TZ: tz,
		}
		if err := v.Validate(); err != nil {
			return nil, false, d.errf(ErrInvalid, "time: %v", err)
		}
		return v, true, nil
	case "timedelta":
		if len(args) > 3 {
			break
		}
		var n [3]int64
		for i, a := range args {
			x, ok := a.(int64)
			if !ok {
				return nil, false, nil
			}
			n[i] = x
		}
		v, err := py.NewTimeDelta(n[0], n[1], n[2])
		if err != nil {
			return nil, false, d.errf(ErrInvalid, "timedelta: %v", err)
		}
		return v, true, nil
	case "timezone":
		if len(args) < 1 || len(args) > 2 {
			break
		}
		off, ok := args[0].(py.TimeDelta)
		if !ok {
			break
		}
		z := py.TimeZone{Offset: off}
		if len(args) == 2 {
			s, ok := args[1].(string)
			if !ok {
				break
			}
			z.Name, z.HasName = s, true
		}
		z = py.TimeZone{Offset: py.TimeDelta{Days: off.Days, Seconds: off.Seconds, Microseconds: off.Microseconds}, Name: z.Name, HasName: z.HasName}
		if err := z.Validate(); err != nil {
			return nil, false, d.errf(ErrInvalid, "timezone: %v", err)
		}
		return z, true, nil
	}
	return nil, false, nil
}

// intFields reads the leading int arguments of a datetime constructor:
// at least min of them, at most max, and nothing but an optional tzinfo
// after them.
func intFields(args py.Tuple, min, max int) ([7]int, bool) {
	var v [7]int
	n := 0
	for n < len(args) && n < max {
		x, ok := args[n].(int64)
		if !ok {
			break
		}
		if x < -1<<31 || x > 1<<31 {
			return v, false
		}
		v[n] = int(x)
		n++
	}
	if n < min || len(args) > n+1 || (len(args) == n+1 && n != max) {
		return v, false
	}
	return v, true
}

// latin1Bytes returns the bytes of a str whose code points are all below
// 256, as str.encode('latin-1') does.
func latin1Bytes(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, n := decodeWTF8(s[i:])
		if r > 0xFF || (r == 0xFFFD && n == 1) {
			return nil, false
		}
		b = append(b, byte(r))
		i += n
	}
	return b, true
}

// newObj applies NEWOBJ.
func (d *decoder) newObj(cls py.Value, args py.Tuple) (py.Value, error) {
	if g, ok := cls.(py.Global); ok {
		switch {
		case g == py.Global{Module: "uuid", Name: "UUID"} && len(args) == 0:
			o := &py.Object{Kind: py.ObjectNewObj, Callable: cls, Args: args}
			d.setPending(o)
			return o, nil
		case g == py.Global{Module: "markupsafe", Name: "Markup"} && len(args) == 1:
			if s, ok := args[0].(string); ok {
				return newMarkup(s), nil
			}
		}
	}
	return &py.Object{Kind: py.ObjectNewObj, Callable: cls, Args: args}, nil
}

// newMarkup returns a Markup with memory of its own: two Markup objects of
// a pickle are two objects even when their text is one str (or a string Go
// keeps in static memory), and the encoder tells Markup objects apart by
// their memory.
func newMarkup(s string) py.Markup {
	if s == "" {
		return ""
	}
	b := make([]byte, len(s))
	copy(b, s)
	return py.Markup(unsafe.String(&b[0], len(b)))
}

var maxUUID = new(big.Int).Lsh(big.NewInt(1), 128)

// build applies BUILD to the value at stack index i.
func (d *decoder) build(i int, state py.Value) error {
	o, ok := d.stack[i].(*py.Object)
	if !ok {
		return d.errf(ErrInvalid, "cannot set the state of a %s", py.TypeName(d.stack[i]))
	}
	if o == d.pending && !d.pendingGot {
		if u, ok := uuidFromState(state); ok {
			if d.identify != nil {
				for _, idx := range d.pendingMemo {
					if d.identify[idx] {
						u = py.WithIdentity(u, d.identityFor(idx)).(py.UUID)
					}
				}
			}
			d.stack[i] = u
			for _, idx := range d.pendingMemo {
				d.setMemoValue(idx, u)
			}
			d.pending = nil
			return nil
		}
	}
	if o.HasState {
		return d.errf(ErrUnsupported, "BUILD applied twice to one object")
	}
	o.State, o.HasState = state, true
	return nil
}

// uuidFromState reads the state of a uuid.UUID: {'int': n}, with
// 'is_safe' None when present.
func uuidFromState(state py.Value) (py.UUID, bool) {
	var u py.UUID
	dict, ok := state.(*py.Dict)
	if !ok || dict.Len() < 1 || dict.Len() > 2 {
		return u, false
	}
	if dict.Len() == 2 {
		s, ok := dict.Get("is_safe")
		if !ok {
			return u, false
		}
		switch s {
		case nil:
		case int64(0):
			u.Safe = py.SafeUUIDSafe
		case int64(-1):
			u.Safe = py.SafeUUIDUnsafe
		default:
			return u, false
		}
	}
	n, ok := dict.Get("int")
	if !ok {
		return u, false
	}
	switch x := n.(type) {
	case int64:
		if x < 0 {
			return u, false
		}
		for j := 15; j >= 8; j-- {
			u.Bytes[j] = byte(x)
			x >>= 8
		}
	case *big.Int:
		if x.Sign() < 0 || x.Cmp(maxUUID) >= 0 {
			return u, false
		}
		x.FillBytes(u.Bytes[:])
	default:
		return u, false
	}
	return u, true
}
