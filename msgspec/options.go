package msgspec

// Default limits of the decoders, used where an option is zero.
const (
	// DefaultMaxSize is the largest input the decoders accept: 16 MiB.
	DefaultMaxSize = 16 << 20
	// DefaultMaxDepth is the deepest nesting of containers the encoders and
	// decoders accept; Python's default recursion limit is about the same.
	DefaultMaxDepth = 1000
	// DefaultMaxValues is the most values (of any type, containers
	// included) one decode produces: 1 Mi.
	DefaultMaxValues = 1 << 20
	// MaxDepthCeiling is the most a MaxDepth setting may allow: the
	// encoders and decoders recurse once per level, and deeper nesting
	// could exhaust the goroutine's stack, which Go does not recover from.
	// A negative or larger MaxDepth counts as MaxDepthCeiling.
	MaxDepthCeiling = 100_000
)

// EncodeOptions changes what the encoders write. The zero value writes
// exactly what msgspec.msgpack.Encoder().encode and
// msgspec.json.Encoder().encode write, as Flask-Session 0.7+ calls them.
type EncodeOptions struct {
	// MarkupAsStr writes a markupsafe.Markup value as a plain str instead
	// of failing with ErrMarkup as msgspec does. This is lossy: the value
	// reads back, in Python and in Go, as str, so a template escapes it
	// again. It lets a Go service store a session a Python app cannot,
	// such as flashed Markup messages.
	MarkupAsStr bool

	// MaxDepth bounds the nesting of containers (0 means DefaultMaxDepth,
	// negative means MaxDepthCeiling, and it is at most that). It also stops a list that contains
	// itself, for which Python raises RecursionError.
	MaxDepth int
}

// DecodeOptions sets the limits of the decoders; the zero value uses the
// defaults above. A negative limit means no limit (MaxDepth: MaxDepthCeiling).
type DecodeOptions struct {
	// MaxSize is the largest input accepted, in bytes.
	MaxSize int
	// MaxDepth is the deepest nesting of arrays and maps accepted; it is
	// at most MaxDepthCeiling, which a negative value means.
	MaxDepth int
	// MaxValues is the most values one input may hold, containers and
	// their items included. With MaxSize it bounds the memory a decode
	// uses, whatever the input.
	MaxValues int

	// Msgspec0186BigInts reads JSON integers as msgspec 0.18.x does, the
	// oldest versions Flask-Session 0.8 accepts: an integer of 20 digits
	// between 19446744073709551617 and 19999999999999999999 (either sign)
	// is read as its value minus 2**64, a bug that msgspec 0.19.0 fixed.
	// Set it only to read such numbers exactly as a Python process with
	// msgspec 0.18 would; by default they are read correctly, as msgspec
	// 0.19 and later read them.
	Msgspec0186BigInts bool
}

func (o *DecodeOptions) limits() (maxSize, maxDepth, maxValues int) {
	return limit(o.MaxSize, DefaultMaxSize), depthLimit(o.MaxDepth), limit(o.MaxValues, DefaultMaxValues)
}

func (o *EncodeOptions) maxDepth() int { return depthLimit(o.MaxDepth) }

func depthLimit(v int) int { return min(limit(v, DefaultMaxDepth), MaxDepthCeiling) }

func limit(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return int(^uint(0) >> 1)
	}
	return v
}
