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
// JSON strings stay str.
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
// items; history: 500 URLs), rounds alternating between the two, medians.
// msgspec 0.22.0 on CPython 3.11, ns per call, on a shared 2-core machine:
//
//	                     Go     msgspec   ratio
//	login   msgpack enc   FILLED
//
// github.com/vmihailenco/msgpack/v5, the usual Go MessagePack library,
// was measured beside it (msgspec/internal/vmbench, a module of its own):
// it encodes the same sessions 3 to 6 times slower and decodes them 1.2 to
// 2.7 times slower than this package, and cannot write msgspec's bytes
// without replacing most of what it does: Go maps lose the dict's order
// (so its output matches msgspec's only by chance: in 0 of 20 encodings of
// the cart), and tuples, sets, UUID, Decimal, naive datetimes, date, time,
// timedelta and the Python key rules would all need custom encoders. Hence
// this package's own encoder and decoder, which work on the py model
// directly.
package msgspec
