package py

// Identity is the hidden mark that copies of one Python object carry.
//
// Python shares objects by reference: a pickle can hold one datetime in two
// places and say so (a memo reference instead of a second copy). Go values
// such as DateTime are copied instead, so a decoder that must remember the
// sharing gives every copy of that one object the same *Identity. Encoders
// that keep object identity (pickle) then write a reference again, and
// reproduce the input bytes. Values built in Go carry no Identity; neither do
// decoded values that were not shared, so comparing those with == works.
// Values that carry one compare correctly with Equal and the Equal methods.
//
// An Identity never changes what a value means: an encoder that sees two
// values with one Identity but different contents writes both in full.
type Identity struct{ _ byte }

// NewIdentity returns a fresh identity, distinct from every other.
func NewIdentity() *Identity { return new(Identity) }

// WithIdentity returns a copy of v that carries id, for the value types that
// can carry one (DateTime, Date, Time, TimeDelta, TimeZone, Decimal, UUID).
// Other values are returned unchanged: pointer types (*List, *Dict, ...)
// are their own identity, and str, bytes and tuple values are identified by
// the memory they share.
func WithIdentity(v Value, id *Identity) Value {
	switch x := v.(type) {
	case DateTime:
		x.id = id
		return x
	case Date:
		x.id = id
		return x
	case Time:
		x.id = id
		return x
	case TimeDelta:
		x.id = id
		return x
	case TimeZone:
		x.id = id
		return x
	case Decimal:
		x.id = id
		return x
	case UUID:
		x.id = id
		return x
	}
	return v
}

// IdentityOf returns the Identity v carries, or nil.
func IdentityOf(v Value) *Identity {
	switch x := v.(type) {
	case DateTime:
		return x.id
	case Date:
		return x.id
	case Time:
		return x.id
	case TimeDelta:
		return x.id
	case TimeZone:
		return x.id
	case Decimal:
		return x.id
	case UUID:
		return x.id
	}
	return nil
}
