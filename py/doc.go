// Package py is the Go model of the Python values a Flask session can hold.
//
// Every codec of this module (Flask's tagged JSON, pickle, msgpack, msgspec
// JSON) decodes to these values and encodes from them, so converting a
// session between formats is a decode and an encode and nothing else.
//
// # Mapping
//
//	Python                       Go
//	None                         nil
//	bool                         bool
//	int                          int64; *big.Int beyond the int64 range
//	float                        float64
//	str                          string (UTF-8; a lone surrogate is kept
//	                             as its 3-byte generalised UTF-8 form)
//	bytes                        Bytes
//	bytearray                    *ByteArray
//	list                         *List
//	tuple                        Tuple
//	dict                         *Dict (insertion-ordered, any hashable key)
//	collections.OrderedDict      *OrderedDict
//	set, frozenset               *Set (Frozen tells them apart)
//	datetime.datetime            DateTime (TZ nil when naive)
//	datetime.date                Date
//	datetime.time                Time
//	datetime.timedelta           TimeDelta
//	datetime.timezone            TimeZone (the zero value is timezone.utc)
//	decimal.Decimal              Decimal
//	uuid.UUID                    UUID
//	markupsafe.Markup            Markup
//	a class or function          Global
//	an instance of another class *Object (kept as data, never run)
//
// Decoders produce exactly these types, with int values as int64 whenever
// they fit. Encoders also accept the Go values ValueOf converts (int,
// []string, map[string]any, structs with `py` tags, time.Time, ...).
//
// # Go values
//
// ValueOf converts Go values into the model and Decode copies values of the
// model into Go values, in the manner of encoding/json's Marshal and
// Unmarshal: struct fields take the keys named by their `py` tags,
// time.Time is an aware datetime, time.Duration a timedelta, []byte is
// bytes; Marshaler and Unmarshaler let a type convert itself.
//
// # Python semantics
//
// Equal is Python's ==, Hashable tells what may be a dict key, Repr prints
// what CPython 3.11's repr() prints, and ParseLiteral reads that text back.
// Dict keys follow Python's equality: 1, 1.0 and True are one key.
//
// Python shares objects by reference; Go copies values. Mutable Python
// types (list, dict, set, bytearray) and unknown objects are pointers here,
// so sharing is kept. Immutable values carry an Identity only when a
// decoder saw one object used in several places; see Identity.
package py
