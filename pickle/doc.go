// Package pickle reads and writes Python pickles, protocols 0 to 5, as
// values of the py model.
//
// The decoder reads every pickle CPython 2.7 and 3.x write, and never runs
// anything: where Python's pickle.loads would import a module and call a
// function, this package keeps the call as data. The classes a Flask
// session holds become py values:
//
//	datetime.datetime/date/time/timedelta/timezone  py.DateTime, Date, Time, TimeDelta, TimeZone
//	uuid.UUID, decimal.Decimal                      py.UUID, py.Decimal
//	collections.OrderedDict                         *py.OrderedDict
//	set, frozenset, bytearray                       *py.Set, *py.ByteArray
//	markupsafe.Markup                               py.Markup
//	_codecs.encode (bytes at protocols 0 to 2)      py.Bytes
//
// Any other class or function becomes a py.Global, and an object built
// from one (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ, with its BUILD state and
// items) a *py.Object, so that a session holding an application's object
// still loads, and encodes back to the same bytes. A pickle that would run
// os.system decodes to an inert *py.Object naming os.system; with
// DecodeOptions.Strict it is refused (ErrStrict).
//
// The encoder writes byte for byte what CPython 3.11's pickle.dumps writes
// for the same value: framing, memo numbering, batching, the opcode of
// each int, float, str and bytes, and the reductions of the datetime,
// UUID, Decimal, OrderedDict and Markup classes. Decoding a pickle written
// by CPython and encoding the value at the same protocol gives the same
// bytes, shared references included: pointer values (lists, dicts, sets,
// objects) are shared by pointer; decoded str, bytes and tuple values that
// the pickle shares come back as one Go value (same memory), and shared
// datetime, UUID, Decimal and similar values carry one py.Identity.
//
// A few kinds of sharing have no place in the model and are not kept: a str
// of the data that CPython happened to share with a name pickle writes for
// its own use (an interned module name, the 'int' key of a UUID's state)
// comes back as a str of its own, written again in full. The value is the
// same; only the bytes differ from CPython's. A set is written in the order
// it was read (CPython's order for sets of str changes with every process).
// An object of an unknown class is written the way it was read, where
// CPython would ask the class for its reduction again.
//
// # Limits
//
// Decoding never allocates from a length the input does not contain,
// never panics, and stops with ErrLimit at the limits of DecodeOptions
// (input size, nesting depth, memo size, container length, stack size),
// whose defaults suit session data. Errors are *Error values that give the
// byte offset and the opcode, wrapping one of the sentinel errors.
//
// Decoded str values share the memory of one copy of the input, so a
// value keeps the whole input alive; copy the strings to drop it.
package pickle
