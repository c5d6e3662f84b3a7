package flaskcookie

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/flaskbridge/flaskbridge/internal/pyjson"
	"github.com/flaskbridge/flaskbridge/py"
)

// DefaultMaxDepth is the nesting depth of JSON arrays and objects the
// tagged JSON accepts unless told otherwise. Flask itself recurses in
// Python and fails with RecursionError somewhat below this (a tuple costs
// two levels: {" t": [...]}).
const DefaultMaxDepth = pyjson.DefaultMaxDepth

// MaxDepthCeiling is the most a MaxDepth setting may allow (a larger one
// counts as this): the coders recurse once per level, and deeper nesting
// could exhaust the goroutine's stack, which Go does not recover from.
const MaxDepthCeiling = pyjson.MaxDepthCeiling

// The tags of Flask's TaggedJSONSerializer, in the order it tries them
// (dicts and lists, untagged, sit between " di" and " t", and between " t"
// and " b").
const (
	TagDict     = " di"
	TagTuple    = " t"
	TagBytes    = " b"
	TagMarkup   = " m"
	TagUUID     = " u"
	TagDateTime = " d"
)

func isTag(k string) bool {
	switch k {
	case TagDict, TagTuple, TagBytes, TagMarkup, TagUUID, TagDateTime:
		return true
	}
	return false
}

// MarshalTagged returns the JSON text Flask's session serializer
// (flask.json.tag.TaggedJSONSerializer.dumps) writes for v inside an app
// context, byte for byte: tuples, bytes, Markup, UUIDs and datetimes
// tagged, a one-key dict whose key is a tag escaped with " di", keys sorted,
// ASCII only, compact separators. A date goes out as an HTTP date string,
// a Decimal as its str(); a set, frozenset, bytearray, time, timedelta or
// unknown object is refused with ErrUnsupported, as Flask raises TypeError.
func MarshalTagged(v py.Value) ([]byte, error) {
	return AppendTagged(nil, v)
}

// AppendTagged appends the tagged JSON of v to dst, as MarshalTagged.
func AppendTagged(dst []byte, v py.Value) ([]byte, error) {
	e := tagEncoder{maxDepth: DefaultMaxDepth}
	return e.encode(dst, v)
}

// SyntaxError is the error the JSON readers wrap (under ErrMalformed) for
// text json.loads refuses, for nesting beyond the limit, and for a tag
// whose value does not fit it: errors.As gives its byte offset.
type SyntaxError = pyjson.SyntaxError

// UnmarshalTagged reads tagged JSON as Flask's TaggedJSONSerializer.loads
// does: json.loads, then every one-key object whose key is a tag turned back
// into the value it stands for, innermost first. It applies the default
// Limits. The errors wrap ErrMalformed (or ErrPayloadTooLarge) and say
// where the problem is: a *SyntaxError in the chain gives the byte offset.
func UnmarshalTagged(data []byte) (py.Value, error) {
	return Limits{}.DecodeTagged(data)
}

// Limits bound what the JSON readers accept. The zero value of each field
// means its default.
type Limits struct {
	// MaxSize bounds the JSON text in bytes; 0 means
	// DefaultMaxPayloadSize (1 MiB).
	MaxSize int
	// MaxDepth bounds the nesting of arrays and objects; 0 means
	// DefaultMaxDepth, and it is at most MaxDepthCeiling.
	MaxDepth int
}

func (l Limits) check(data []byte) (int, error) {
	maxSize, maxDepth := l.MaxSize, l.MaxDepth
	if maxSize <= 0 {
		maxSize = DefaultMaxPayloadSize
	}
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	maxDepth = min(maxDepth, MaxDepthCeiling)
	if len(data) > maxSize {
		return 0, fmt.Errorf("%w: JSON text of %d bytes (limit %d)", ErrPayloadTooLarge, len(data), maxSize)
	}
	return maxDepth, nil
}

// DecodeTagged is UnmarshalTagged with these limits.
func (l Limits) DecodeTagged(data []byte) (py.Value, error) {
	maxDepth, err := l.check(data)
	if err != nil {
		return nil, err
	}
	return unmarshalTagged(data, maxDepth, false)
}

// DecodeJSON is UnmarshalJSON with these limits.
func (l Limits) DecodeJSON(data []byte) (py.Value, error) {
	maxDepth, err := l.check(data)
	if err != nil {
		return nil, err
	}
	v, err := pyjson.Unmarshal(data, pyjson.DecodeOptions{MaxDepth: maxDepth})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return v, nil
}

// unmarshalTagged is TaggedJSONSerializer.loads; flask1 reads datetimes as
// Flask 1.x does.
func unmarshalTagged(text []byte, maxDepth int, flask1 bool) (py.Value, error) {
	hook := untag
	if flask1 {
		hook = untagFlask1
	}
	v, err := pyjson.Unmarshal(text, pyjson.DecodeOptions{MaxDepth: maxDepth, Hook: hook})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return v, nil
}

// MarshalJSON returns what Flask's app.json.dumps(v) writes (the default
// JSON provider, untagged): sorted keys, ASCII only, the separators ", " and
// ": "; datetimes and dates as HTTP dates, Decimal and UUID as str(),
// Markup as its text, tuples as lists. Bytes, sets and the other types JSON
// has no place for are refused with ErrUnsupported.
func MarshalJSON(v py.Value) ([]byte, error) {
	out, err := pyjson.Marshal(v, pyjson.EncodeOptions{Default: flaskDefault})
	if err != nil {
		return nil, jsonErr(err)
	}
	return out, nil
}

// UnmarshalJSON reads JSON as Flask's app.json.loads (json.loads) does,
// without untagging, within the default Limits.
func UnmarshalJSON(data []byte) (py.Value, error) {
	return Limits{}.DecodeJSON(data)
}

// flaskDefault is the default of Flask's JSON provider (and of
// flask.json.dumps outside an app context).
func flaskDefault(v py.Value) (py.Value, error) {
	switch x := v.(type) {
	case py.DateTime:
		b, err := appendHTTPDateTime(nil, x, false)
		return string(b), err
	case py.Date:
		b, err := appendHTTPDate(nil, x, false)
		return string(b), err
	case py.Decimal:
		return x.String(), nil
	case py.UUID:
		return x.String(), nil
	case *py.Set, *py.ByteArray, py.Bytes, py.Time, py.TimeDelta, py.TimeZone, py.Global, *py.Global, *py.Object:
		if isNilPointer(v) {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: object of type %s is not JSON serializable", ErrUnsupported, py.TypeName(v))
	}
	if isNilPointer(v) {
		return nil, nil
	}
	// A Go value outside the model: convert it as py.ValueOf does.
	m, err := py.ValueOf(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	if !isModel(m) {
		return nil, fmt.Errorf("%w: object of type %s is not JSON serializable", ErrUnsupported, py.TypeName(v))
	}
	return m, nil
}

func jsonErr(err error) error {
	if errors.Is(err, pyjson.ErrType) || errors.Is(err, pyjson.ErrIntDigits) || errors.Is(err, pyjson.ErrString) || errors.Is(err, pyjson.ErrTooDeep) {
		if !errors.Is(err, ErrUnsupported) {
			return fmt.Errorf("%w: %w", ErrUnsupported, err)
		}
	}
	return err
}

// tagEncoder writes the tagged JSON of a value in one pass: Flask's tag()
// and json.dumps together.
type tagEncoder struct {
	maxDepth int
	items    []pyjson.Item
	flask1   bool // refuse Decimal, as Flask 1.x's JSON encoder does
	// werkzeug0 writes the years of dates unpadded, as Werkzeug 0.x's
	// http_date does
	werkzeug0 bool
}

func (e *tagEncoder) encode(dst []byte, v py.Value) ([]byte, error) {
	out, err := e.value(dst, v, 0)
	if err != nil {
		return dst, jsonErr(err)
	}
	return out, nil
}

func (e *tagEncoder) value(dst []byte, v py.Value, depth int) ([]byte, error) {
	if depth >= e.maxDepth {
		return dst, fmt.Errorf("%w: more than %d levels of nesting", ErrUnsupported, e.maxDepth)
	}
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		if x {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case string:
		return pyjson.AppendString(dst, x)
	case int64:
		return pyjson.AppendInt(dst, x), nil
	case float64:
		return pyjson.AppendFloat(dst, x), nil
	case *big.Int:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return pyjson.AppendBigInt(dst, x)
	case *py.Dict:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return e.dict(dst, x, depth)
	case *py.OrderedDict:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return e.dict(dst, &x.Dict, depth)
	case py.Tuple:
		dst = append(dst, `{" t":`...)
		dst, err := e.list(dst, x, depth+1)
		return append(dst, '}'), err
	case *py.List:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return e.list(dst, x.Items, depth)
	case py.Bytes:
		dst = append(dst, `{" b":"`...)
		n := len(dst)
		dst = append(dst, make([]byte, base64.StdEncoding.EncodedLen(len(x)))...)
		base64.StdEncoding.Encode(dst[n:], x)
		return append(dst, `"}`...), nil
	case py.Markup:
		dst = append(dst, `{" m":`...)
		dst, err := pyjson.AppendString(dst, string(x))
		return append(dst, '}'), err
	case py.UUID:
		dst = append(dst, `{" u":"`...)
		n := len(dst)
		dst = append(dst, make([]byte, 32)...)
		const hex = "0123456789abcdef"
		for i, b := range x.Bytes {
			dst[n+2*i], dst[n+2*i+1] = hex[b>>4], hex[b&15]
		}
		return append(dst, `"}`...), nil
	case py.DateTime:
		dst = append(dst, `{" d":"`...)
		dst, err := appendHTTPDateTime(dst, x, e.werkzeug0)
		return append(dst, `"}`...), err
	case py.Date:
		// Not tagged: Flask's JSON default writes a date as an HTTP date
		// string, which loads back as a str.
		dst = append(dst, '"')
		dst, err := appendHTTPDate(dst, x, e.werkzeug0)
		return append(dst, '"'), err
	case py.Decimal:
		if e.flask1 {
			return dst, fmt.Errorf("%w: object of type Decimal is not JSON serializable (Flask 1.x)", ErrUnsupported)
		}
		return pyjson.AppendString(dst, x.String())
	case *py.Set, *py.ByteArray, py.Time, py.TimeDelta, py.TimeZone, py.Global, *py.Global, *py.Object:
		if isNilPointer(v) {
			return append(dst, "null"...), nil
		}
		return dst, fmt.Errorf("%w: object of type %s is not JSON serializable", ErrUnsupported, py.TypeName(v))
	}
	// A Go value outside the model: convert it as py.ValueOf does.
	m, err := py.ValueOf(v)
	if err != nil {
		return dst, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	if isModel(m) {
		return e.value(dst, m, depth)
	}
	return dst, fmt.Errorf("%w: object of type %s is not JSON serializable", ErrUnsupported, py.TypeName(v))
}

// isModel reports whether v has one of the dynamic types the tagged
// encoder handles itself, so that converting a Go value cannot loop.
func isModel(v py.Value) bool {
	switch v.(type) {
	case nil, bool, string, int64, float64, *big.Int, *py.Dict, *py.OrderedDict, py.Tuple, *py.List, py.Bytes,
		py.Markup, py.UUID, py.DateTime, py.Date, py.Decimal:
		return true
	}
	return false
}

// isNilPointer reports whether v is a nil pointer of a model type, which
// stands for None.
func isNilPointer(v py.Value) bool {
	switch x := v.(type) {
	case *py.Dict:
		return x == nil
	case *py.OrderedDict:
		return x == nil
	case *py.List:
		return x == nil
	case *py.Set:
		return x == nil
	case *py.ByteArray:
		return x == nil
	case *py.Global:
		return x == nil
	case *py.Object:
		return x == nil
	case *big.Int:
		return x == nil
	}
	return false
}

func (e *tagEncoder) list(dst []byte, items []py.Value, depth int) ([]byte, error) {
	if depth >= e.maxDepth {
		return dst, fmt.Errorf("%w: more than %d levels of nesting", ErrUnsupported, e.maxDepth)
	}
	dst = append(dst, '[')
	var err error
	for i, it := range items {
		if i > 0 {
			dst = append(dst, ',')
		}
		if s, ok := it.(string); ok && depth+1 < e.maxDepth {
			dst, err = pyjson.AppendString(dst, s) // the common item, without the type switch
		} else {
			dst, err = e.value(dst, it, depth+1)
		}
		if err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

func (e *tagEncoder) dict(dst []byte, d *py.Dict, depth int) ([]byte, error) {
	if d.Len() == 1 {
		k, v := d.At(0)
		ks, _ := text(k)
		if isTag(ks) {
			// TagDict: {" di": {key + "__": tag(value)}}.
			dst = append(dst, `{" di":{"`...)
			dst = append(dst, ks...)
			dst = append(dst, `__":`...)
			dst, err := e.value(dst, v, depth+2)
			return append(dst, "}}"...), err
		}
	}
	if d.Len() <= smallDict {
		if out, ok, err := e.smallDict(dst, d, depth); ok {
			return out, err
		}
	}
	start := len(e.items)
	var err error
	if e.items, err = pyjson.AppendItems(e.items, d); err != nil {
		return dst, err
	}
	end := len(e.items)
	dst = append(dst, '{')
	for i := start; i < end; i++ {
		if i > start {
			dst = append(dst, ',')
		}
		it := e.items[i]
		if dst, err = pyjson.AppendString(dst, it.Key); err != nil {
			return dst, err
		}
		dst = append(dst, ':')
		if dst, err = e.value(dst, it.Value, depth+1); err != nil {
			return dst, err
		}
	}
	clear(e.items[start:end])
	e.items = e.items[:start]
	return append(dst, '}'), nil
}

// smallDict is the size up to which dict sorts its keys on the stack.
const smallDict = 16

// smallDict writes a dict of at most smallDict entries whose keys are all
// str, sorted as AppendItems sorts them, and reports whether it could. Its
// keys and their order live in arrays on the goroutine stack, where writes
// take no write barrier, unlike a slice of items on the heap.
func (e *tagEncoder) smallDict(dst []byte, d *py.Dict, depth int) ([]byte, bool, error) {
	var keys [smallDict]string
	var order [smallDict]uint8
	n := d.Len()
	for i := 0; i < n; i++ {
		k, _ := d.At(i)
		ks, ok := text(k)
		if !ok {
			return dst, false, nil
		}
		keys[i] = ks
		j := i
		for ; j > 0 && ks < keys[order[j-1]]; j-- {
			order[j] = order[j-1]
		}
		order[j] = uint8(i)
	}
	dst = append(dst, '{')
	var err error
	for i, k := range order[:n] {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = pyjson.AppendString(dst, keys[k]); err != nil {
			return dst, true, err
		}
		dst = append(dst, ':')
		_, v := d.At(int(k))
		if dst, err = e.value(dst, v, depth+1); err != nil {
			return dst, true, err
		}
	}
	return append(dst, '}'), true, nil
}

// untag is the pyjson hook that undoes a tag, as the tags' to_python
// methods do, including what they do with values Flask itself never writes
// (tuple("ab") is ('a', 'b'), a " d" that does not parse is None, ...).
func untag(key string, v py.Value) (py.Value, bool, error) {
	if len(key) < 2 || len(key) > 3 || key[0] != ' ' {
		return nil, false, nil
	}
	var (
		r   py.Value
		err error
	)
	switch key {
	case TagDict:
		r, err = untagDict(v)
	case TagTuple:
		r, err = untagTuple(v)
	case TagBytes:
		r, err = untagBytes(v)
	case TagMarkup:
		r, err = untagMarkup(v)
	case TagUUID:
		r, err = untagUUID(v)
	case TagDateTime:
		r, err = untagDateTime(v)
	default:
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("tag %q: %w", key, err)
	}
	return r, true, nil
}

// untagDict is TagDict.to_python: {key[:-2]: value[key]} for the first key.
// Only a non-empty dict has a first key that indexes it.
func untagDict(v py.Value) (py.Value, error) {
	d, ok := v.(*py.Dict)
	if !ok || d.Len() == 0 {
		return nil, fmt.Errorf("value is %s, not a non-empty dict", describe(v))
	}
	k, val := d.At(0)
	ks, ok := k.(string)
	if !ok {
		return nil, fmt.Errorf("key of type %s", py.TypeName(k))
	}
	out := py.NewDict(1)
	out.Append(dropLastRunes(ks, 2), val)
	return out, nil
}

// dropLastRunes is Python's s[:-n] for a str.
func dropLastRunes(s string, n int) string {
	end := len(s)
	for ; n > 0 && end > 0; n-- {
		// Step back over one code point (continuation bytes first).
		end--
		for end > 0 && s[end]&0xC0 == 0x80 {
			end--
		}
	}
	return s[:end]
}

// untagTuple is tuple(value).
func untagTuple(v py.Value) (py.Value, error) {
	switch x := v.(type) {
	case *py.List:
		return py.Tuple(x.Items), nil
	case py.Tuple:
		return x, nil
	case string:
		return strRunes(x), nil
	case py.Markup:
		return strRunes(string(x)), nil
	case *py.Dict:
		t := make(py.Tuple, 0, x.Len())
		for k := range x.Keys() {
			t = append(t, k)
		}
		return t, nil
	case py.Bytes:
		t := make(py.Tuple, len(x))
		for i, b := range x {
			t[i] = int64(b)
		}
		return t, nil
	}
	return nil, fmt.Errorf("%s is not iterable", describe(v))
}

// strRunes is tuple(s): one str per code point.
func strRunes(s string) py.Tuple {
	t := make(py.Tuple, 0, len(s))
	for i := 0; i < len(s); {
		_, n, ok := pyjson.DecodeRune(s, i)
		if !ok {
			n = 1
		}
		t = append(t, s[i:i+n])
		i += n
	}
	return t
}

// untagBytes is base64.b64decode(value).
func untagBytes(v py.Value) (py.Value, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case py.Markup:
		s = string(x)
	case py.Bytes:
		out, err := a2bBase64(make([]byte, 0, len(x)*3/4), x, 0, &stdTable)
		return py.Bytes(out), err
	default:
		return nil, fmt.Errorf("argument should be a bytes-like object or ASCII string, not %s", describe(v))
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return nil, errors.New("string argument should contain only ASCII characters")
		}
	}
	out, err := decodeStd64(make([]byte, 0, len(s)*3/4), s)
	if err != nil {
		return nil, err
	}
	return py.Bytes(out), nil
}

// untagMarkup is Markup(value): the text of a str, str(value) of anything
// else.
func untagMarkup(v py.Value) (py.Value, error) {
	switch x := v.(type) {
	case string:
		return py.Markup(x), nil
	case py.Markup:
		return x, nil
	}
	s, err := pyStr(v)
	if err != nil {
		return nil, err
	}
	return py.Markup(s), nil
}

// text returns the text of a str (or Markup, a str subclass).
func text(v py.Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case py.Markup:
		return string(x), true
	}
	return "", false
}

// untagUUID is uuid.UUID(value).
func untagUUID(v py.Value) (py.Value, error) {
	s, ok := text(v)
	if !ok {
		return nil, fmt.Errorf("%s has no attribute 'replace'", describe(v))
	}
	// Fast path: the 32 lowercase hex digits Flask writes.
	if len(s) == 32 {
		var u py.UUID
		ok := true
		for i := 0; i < 32 && ok; i++ {
			h, good := hexVal(s[i])
			ok = good
			u.Bytes[i/2] |= h << (4 * (1 - i%2))
		}
		if ok {
			return u, nil
		}
	}
	return parseUUIDPython(s)
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseUUIDPython follows uuid.UUID(hex): "urn:" and "uuid:" removed
// anywhere, braces stripped from both ends, hyphens removed, then exactly 32
// characters read by int(hex, 16), which must be in [0, 2**128).
func parseUUIDPython(s string) (py.Value, error) {
	h := strings.ReplaceAll(strings.ReplaceAll(s, "urn:", ""), "uuid:", "")
	h = strings.ReplaceAll(strings.Trim(h, "{}"), "-", "")
	if runeCount(h) != 32 {
		return nil, fmt.Errorf("badly formed hexadecimal UUID string %q", s)
	}
	n, ok := pyParseInt(h, 16)
	if !ok {
		return nil, fmt.Errorf("invalid literal for int() with base 16: %q", h)
	}
	if n.Sign() < 0 || n.BitLen() > 128 {
		return nil, errors.New("int is out of range (need a 128-bit value)")
	}
	var u py.UUID
	n.FillBytes(u.Bytes[:])
	return u, nil
}

func runeCount(s string) int {
	c := 0
	for i := 0; i < len(s); c++ {
		_, n, ok := pyjson.DecodeRune(s, i)
		if !ok {
			n = 1
		}
		i += n
	}
	return c
}

// untagDateTime is werkzeug.http.parse_date(value): None for a value that
// is None, empty or does not parse, an aware datetime otherwise.
func untagDateTime(v py.Value) (py.Value, error) {
	switch x := v.(type) {
	case string:
		return parseHTTPDate(x)
	case py.Markup:
		return parseHTTPDate(string(x))
	case py.Bytes:
		// bytes.split() works but bytes.endswith(",") raises TypeError,
		// which parse_date turns into None.
		return nil, nil
	}
	if !py.Truthy(v) {
		return nil, nil
	}
	return nil, fmt.Errorf("%s has no attribute 'split'", describe(v))
}

// untagFlask1 is untag with Flask 1.x's TagDateTime, whose to_python is
// Werkzeug 1.0's parse_date.
func untagFlask1(key string, v py.Value) (py.Value, bool, error) {
	if key != TagDateTime {
		return untag(key, v)
	}
	r, err := untagDateTime1(v)
	if err != nil {
		return nil, false, fmt.Errorf("tag %q: %w", key, err)
	}
	return r, true, nil
}

// untagDateTime1 is Werkzeug 1.0's parse_date(value): None for a false
// value, value.strip() parsed by email.utils.parsedate_tz otherwise.
func untagDateTime1(v py.Value) (py.Value, error) {
	if !py.Truthy(v) {
		return nil, nil
	}
	switch x := v.(type) {
	case string:
		return parseHTTPDate1(x), nil
	case py.Markup:
		return parseHTTPDate1(string(x)), nil
	case py.Bytes:
		// parsedate_tz splits bytes too, then compares the first word with
		// str, which raises TypeError; only blank bytes (no word) give None.
		if strings.Trim(string(x), " \t\n\r\v\f") == "" {
			return nil, nil
		}
		return nil, errors.New("TypeError: a bytes-like object is required, not 'str'")
	}
	return nil, fmt.Errorf("%s has no attribute 'strip'", describe(v))
}

func describe(v py.Value) string {
	return "'" + py.TypeName(v) + "' object"
}
