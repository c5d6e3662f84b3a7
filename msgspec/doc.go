// Package msgspec reads and writes MessagePack and JSON exactly as Python's
// msgspec does, for the sessions Flask-Session 0.7+ stores.
//
// Flask-Session 0.7 and 0.8 store msgspec.msgpack.Encoder().encode(dict(session))
// (msgspec.json.Encoder() when SESSION_SERIALIZATION_FORMAT = 'json') and
// read with an untyped msgspec.msgpack.Decoder() or msgspec.json.Decoder().
// MarshalMsgpack and EncodeJSON write the same bytes for the same value;
// UnmarshalMsgpack and DecodeJSON give the value the untyped decoders give.
// This is checked against msgspec 0.18.6 (the oldest Flask-Session 0.8
// accepts) and 0.22.0 with golden vectors (testdata/msgspec) and
// cross-language tests both ways.
//
// # Encoding
//
//	Python value (py model)        MessagePack                  JSON
//	None, bool                     nil, true/false              null, true/false
//	int                            smallest int/uint form;      digits, any size up to
//	                               ErrIntRange outside          4300 digits (ErrIntRange)
//	                               -2**63 .. 2**64-1
//	float                          float64 always               shortest repr: 0.1, 1e16,
//	                                                            1e-6, 100.0; NaN/inf: null
//	str                            fixstr/str8/16/32            UTF-8 as is; escapes only
//	                                                            \" \\ \b \t \n \f \r \u00XX
//	bytes, bytearray               bin8/16/32                   base64 with padding
//	list, tuple, set, frozenset    array                        array
//	dict, OrderedDict              map, in insertion order      object, insertion order
//	aware datetime                 timestamp ext -1 of its      "2024-05-01T12:30:15Z",
//	                               instant in 32, 64 or 96      the offset kept
//	                               bits (the smallest)          (+02:00)
//	naive datetime                 "2024-05-01T12:30:15.25"     same
//	date, time                     "2024-05-01", "12:30:00Z"    same
//	timedelta                      "P1DT2.5S" (ISO 8601)        same
//	UUID                           36-char str                  same
//	Decimal                        str(Decimal)                 same
//	Markup                         ErrMarkup, as msgspec        same
//	                               refuses str subclasses
//	msgspec.msgpack.Ext (NewExt)   ext                          ErrUnsupported
//	class, unknown object,         ErrUnsupported               ErrUnsupported
//	timezone
//
// Details that follow msgspec:
//
//   - A set is written in the order the py.Set keeps; CPython writes its
//     hash-table order, which for str items changes with each process.
//   - A str that is not valid UTF-8 (a lone surrogate) is ErrInvalidString.
//   - Dict keys: in msgpack, a key of any type above is written as that
//     type (a tuple key as an array); a Markup key is written as str. In
//     JSON, str, int, float, datetime, date, time, timedelta, bytes, UUID
//     and Decimal keys become strings (a float key nan, inf or -inf as that
//     text); None, bool, tuple and frozenset keys are ErrKeyType.
//   - An aware datetime is converted to UTC for msgpack (ErrRange when that
//     leaves years 1..9999); a UTC offset with seconds is rounded to the
//     minute in text, and its microseconds are ignored.
//   - Go's math.NaN() is written as Python's float('nan'); any other NaN
//     keeps its bits.
//   - Go values that are not of the model are converted with py.ValueOf.
//
// Errors are *EncodeError values that say where the value is (the path
// `['cart'][3]['price']`) and wrap a sentinel error.
//
// # Decoding
//
// A map becomes a *py.Dict, an array a *py.List (a py.Tuple inside a map
// key, where Python needs something hashable), bin py.Bytes, the timestamp
// extension an aware py.DateTime in UTC (nanoseconds rounded to the
// microsecond), any other extension a msgspec.msgpack.Ext (see NewExt and
// ExtOf), uint64 beyond int64 a *big.Int. A repeated key keeps its first
// place and takes the last value, with Python's key equality (1, 1.0 and
// True are one key). JSON numbers become int64, *big.Int or float64;
// JSON strings stay str. The str values of one decode share one copy of
// the input, never the caller's slice, which may be reused.
//
// Input msgspec rejects is rejected: malformed data, trailing bytes, str
// that is not valid UTF-8, a bad timestamp, an unhashable key. Every
// decoder has limits (DecodeOptions: input size, nesting depth, number of
// values), and container lengths are checked against the input left, so no
// input makes it allocate much more than its own size. Errors are
// *DecodeError values with the byte offset, wrapping a sentinel error.
//
// # msgspec versions
//
// msgspec 0.18.6 and 0.22.0 write the same bytes for every value a session
// holds. They read alike but for two points: an unhashable map key raises
// TypeError in 0.18 and DecodeError from 0.22 (both are errors here), and
// msgspec 0.18 reads JSON integers from 19446744073709551617 to
// 19999999999999999999 as their value minus 2**64, a bug fixed in 0.19
// (DecodeOptions.Msgspec0186BigInts reproduces it).
//
// # Speed, and why this package has its own MessagePack code
//
// scripts/bench_msgspec.py times this package and msgspec in one run on
// the sessions of testdata/payloads (login: a Flask-Login session; cart: 20
// items; history: 500 URLs), in rounds alternating between the two, and
// reports medians. The Go side runs on one core (GOMAXPROCS=1), as msgspec
// does, its garbage collector included. msgspec 0.22.0 on CPython 3.11,
// ns per call, on a shared 2-core machine, 11 rounds:
//
//	                     Go   msgspec  ratio
//	login   msgpack enc  157      160   0.98
//	cart    msgpack enc 1649     1600   1.03
//	history msgpack enc 4016     3198   1.26
//	login   msgpack dec  296      275   1.08
//	cart    msgpack dec 4792     3986   1.20
//	history msgpack dec 9357    14573   0.64
//	login   JSON enc     191      231   0.83
//	cart    JSON enc    3308     2586   1.28
//	history JSON enc    6640     5678   1.17
//	login   JSON dec     371      291   1.27
//	cart    JSON dec    6219     4391   1.42
//	history JSON dec   16677    12552   1.33
//
// The Go figures move more than msgspec's when the machine is busy (they
// allocate more memory), and with Go's default GOMAXPROCS the garbage
// collector's second thread costs up to 2x on this shared machine.
// The decoders box str, int and float values into slabs and carve lists
// and dicts from them, so a decode makes a few allocations rather than one
// a value; the encoders append to a pooled buffer (AppendMsgpack and
// AppendJSON to the caller's, without allocating).
//
// github.com/vmihailenco/msgpack/v5, the usual Go MessagePack library, is
// measured beside this package by `make bench` (internal/perf, a module of
// its own, so that this one does not depend on it; docs/performance.md has
// the figures). In the committed runs it encodes the same sessions about 3
// to 10 times slower and decodes them about 2 to 4 times slower than this
// package, and it cannot write msgspec's bytes without replacing
// most of what it does: Go maps lose the dict's order (its cart encoding
// matched msgspec's in 0 of 20 tries), and tuples, sets, UUID, Decimal,
// naive datetimes, date, time, timedelta and Python's key rules would all
// need custom encoders. Hence this package's own encoder and decoder, which
// work on the py model directly.
package msgspec
