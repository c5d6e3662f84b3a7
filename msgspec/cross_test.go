package msgspec

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/py"
)

// venvs are the Python stacks the cross-language tests run: Flask-Session
// 0.8.0 with the oldest msgspec it accepts and with the newest.
var venvs = []string{"msgspec0186", "msgspec022"}

var b64 = base64.StdEncoding

// checkResult is what msgspecops.check_many says of one format.
type checkResult struct {
	OK        bool   `json:"ok"`
	Why       string `json:"why"`
	Identical bool   `json:"identical"`
	WantError string `json:"want_error"`
	Want      string `json:"want"`
	GotRepr   string `json:"got_repr"`
	WantRepr  string `json:"want_repr"`
}

// TestCrossGoToPython encodes random values in Go; the real msgspec must
// write the same bytes for the value (or fail as Go fails) and decode the
// Go bytes to what it decodes from its own.
func TestCrossGoToPython(t *testing.T) {
	for _, venv := range venvs {
		t.Run(venv, func(t *testing.T) {
			h := pyharness.Start(t, venv)
			r := rand.New(rand.NewPCG(1, uint64(len(venv))))
			const n, batch = 400, 50
			var identical, errorsBoth, setOrder int
			for start := 0; start < n; start += batch {
				var items []map[string]any
				for range batch {
					v := randValue(r, 0)
					it := map[string]any{"repr_text": py.Repr(v)}
					if data, err := MarshalMsgpack(v); err != nil {
						it["msgpack_error"] = err.Error()
					} else {
						it["msgpack"] = b64.EncodeToString(data)
					}
					if data, err := EncodeJSON(v); err != nil {
						it["json_error"] = err.Error()
					} else {
						it["json"] = b64.EncodeToString(data)
					}
					items = append(items, it)
				}
				var res []map[string]checkResult
				h.MustCall(t, "msgspecops.check_many", map[string]any{"items": items}, &res)
				for i, entry := range res {
					for _, format := range []string{"msgpack", "json"} {
						c, ok := entry[format]
						if !ok {
							t.Fatalf("no result for %s of %.200s: %v", format, items[i]["repr_text"], entry)
						}
						switch {
						case !c.OK:
							t.Errorf("%s of %.300s: %s\nGo:   %.300v\nwant: %.300s\ngot repr:  %.300s\nwant repr: %.300s",
								format, items[i]["repr_text"], c.Why, items[i][format], c.Want, c.GotRepr, c.WantRepr)
						case c.WantError != "":
							errorsBoth++
						case c.Identical:
							identical++
						default:
							setOrder++
						}
					}
				}
			}
			t.Logf("%d encodings byte-identical, %d failing in both, %d equal up to set order", identical, errorsBoth, setOrder)
			if identical < n {
				t.Errorf("only %d byte-identical encodings", identical)
			}
		})
	}
}

// TestCrossPythonToGo decodes in Go what the real msgspec wrote for random
// values: msgspec must find the Go value (as repr text) equal to what it
// decodes, and Go must encode it again to the same bytes.
func TestCrossPythonToGo(t *testing.T) {
	for _, venv := range venvs {
		t.Run(venv, func(t *testing.T) {
			h := pyharness.Start(t, venv)
			for seed, format := range []string{"msgpack", "json", "msgpack", "json"} {
				var vals []struct {
					Repr  string  `json:"repr"`
					Data  *string `json:"data"`
					Again string  `json:"again"`
					Error string  `json:"error"`
				}
				h.MustCall(t, "msgspecops.random_values", map[string]any{"seed": 100 + seed, "count": 150, "format": format}, &vals)
				var items []map[string]any
				for _, v := range vals {
					if v.Data == nil {
						// msgspec refuses the value: so must Go.
						pv, err := py.ParseLiteral(v.Repr)
						if err != nil {
							t.Fatalf("ParseLiteral(%.200s): %v", v.Repr, err)
						}
						if _, err := encodeFormat(format, pv); err == nil {
							t.Errorf("%s of %.200s: Go encodes it, msgspec raises %s", format, v.Repr, v.Error)
						}
						continue
					}
					data, _ := b64.DecodeString(*v.Data)
					got, err := decodeFormat(format, data)
					if err != nil {
						t.Errorf("%s %.200q: %v", format, data, err)
						continue
					}
					again, err := encodeFormat(format, got)
					if want, _ := b64.DecodeString(v.Again); err != nil || !bytes.Equal(again, want) {
						t.Errorf("%s of %.200s: re-encoded %v\n got %.300q\nwant %.300q", format, v.Repr, err, again, want)
					}
					items = append(items, map[string]any{"format": format, "data": *v.Data, "repr_text": py.Repr(got)})
				}
				var res []struct {
					OK  bool   `json:"ok"`
					Why string `json:"why"`
				}
				h.MustCall(t, "msgspecops.same_many", map[string]any{"items": items}, &res)
				for i, c := range res {
					if !c.OK {
						t.Errorf("%s: %.500s (Go repr %.300s)", format, c.Why, items[i]["repr_text"])
					}
				}
				if len(items) < 100 {
					t.Errorf("%s: only %d values decoded", format, len(items))
				}
			}
		})
	}
}

// TestCrossFlaskSession runs Flask-Session 0.8's own MsgSpecSerializer on
// the benchmark sessions: it stores the bytes Go writes, and reads the Go
// bytes back to the same session.
func TestCrossFlaskSession(t *testing.T) {
	for _, venv := range venvs {
		t.Run(venv, func(t *testing.T) {
			h := pyharness.Start(t, venv)
			for _, name := range []string{"login", "cart", "history"} {
				v := loadPayload(t, name)
				for _, format := range []string{"msgpack", "json"} {
					data, err := encodeFormat(format, v)
					if err != nil {
						t.Fatal(err)
					}
					var stored struct {
						Data string `json:"data"`
					}
					h.MustCall(t, "msgspecops.serializer_encode", map[string]any{"repr_text": py.Repr(v), "format": format}, &stored)
					if stored.Data != b64.EncodeToString(data) {
						t.Errorf("%s %s: Flask-Session stores %s, Go wrote %s", name, format, stored.Data, b64.EncodeToString(data))
					}
					var rt struct {
						Repr string `json:"repr"`
						Data string `json:"data"`
					}
					h.MustCall(t, "msgspecops.serializer_roundtrip", map[string]any{"data": b64.EncodeToString(data), "format": format}, &rt)
					back, _ := b64.DecodeString(rt.Data)
					got, err := decodeFormat(format, back)
					if err != nil {
						t.Fatal(err)
					}
					if py.Repr(got) != rt.Repr {
						t.Errorf("%s %s: Go reads %.300s, Flask-Session %.300s", name, format, py.Repr(got), rt.Repr)
					}
				}
			}
		})
	}
}

// TestCrossMarkupAsStr: with MarkupAsStr, the Markup of a flashed message
// reaches Python as a plain str.
func TestCrossMarkupAsStr(t *testing.T) {
	h := pyharness.Start(t, "msgspec022")
	v := py.DictOf("_flashes", py.NewList(py.Tuple{"message", py.Markup("<b>hi</b>")}))
	opts := EncodeOptions{MarkupAsStr: true}
	for _, format := range []string{"msgpack", "json"} {
		var data []byte
		var err error
		if format == "msgpack" {
			data, err = opts.MarshalMsgpack(v)
		} else {
			data, err = opts.EncodeJSON(v)
		}
		if err != nil {
			t.Fatal(err)
		}
		var res []struct {
			Repr string `json:"repr"`
		}
		h.MustCall(t, "msgspecops.decode_many", map[string]any{"items": []map[string]any{{"format": format, "data": b64.EncodeToString(data)}}}, &res)
		if want := "{'_flashes': [['message', '<b>hi</b>']]}"; res[0].Repr != want {
			t.Errorf("%s: Python reads %s, want %s", format, res[0].Repr, want)
		}
	}
}

func encodeFormat(format string, v py.Value) ([]byte, error) {
	if format == "json" {
		return EncodeJSON(v)
	}
	return MarshalMsgpack(v)
}

func decodeFormat(format string, data []byte) (py.Value, error) {
	if format == "json" {
		return DecodeJSON(data)
	}
	return UnmarshalMsgpack(data)
}

// Random values of the model, for the cross-language tests.

const randAlphabet = "abcxyzABC 019_-/\"\\\n\t\x00\x01\x1f\x7f\u00e9\u00ff\u0100\u20ac\u4e2d\U0001f600\U00010000\ufffd\u2028"

func randStr(r *rand.Rand) string {
	if r.IntN(300) == 0 {
		return "bad \xed\xa0\x80 surrogate" // a lone surrogate: msgspec refuses it
	}
	if r.IntN(40) == 0 {
		return strings.Repeat("ab", []int{15, 16, 127, 128, 200, 40000}[r.IntN(6)])
	}
	runes := []rune(randAlphabet)
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteRune(runes[r.IntN(len(runes))])
	}
	return b.String()
}

func randInt(r *rand.Rand) py.Value {
	switch r.IntN(8) {
	case 0:
		edges := []string{"0", "127", "128", "-32", "-33", "255", "256", "-128", "-129", "65535", "65536", "-32768",
			"-32769", "4294967295", "4294967296", "-2147483648", "-2147483649", "9223372036854775807",
			"9223372036854775808", "18446744073709551615", "18446744073709551616", "-9223372036854775808",
			"-9223372036854775809", "1267650600228229401496703205376"}
		n, _ := new(big.Int).SetString(edges[r.IntN(len(edges))], 10)
		return py.Int(n)
	case 1, 2, 3:
		return int64(r.IntN(400) - 60)
	}
	v := int64(r.Uint64() >> r.IntN(64))
	if r.IntN(2) == 0 {
		v = -v
	}
	return v
}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		edges := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e16, 1e15, 1e-5, 1e-4,
			1e-6, 5e-324, math.MaxFloat64, 2.2250738585072014e-308, 0.1, 123456789, 1e22, 1e21}
		return edges[r.IntN(len(edges))]
	case 1, 2:
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) {
			return math.NaN()
		}
		return f
	case 3:
		return math.Round(r.Float64()*2000-1000) / 100
	}
	return (r.Float64()*2 - 1) * math.Pow(10, float64(r.IntN(60)-30))
}

func randTZ(r *rand.Rand) py.TimeZone {
	switch r.IntN(5) {
	case 0:
		return py.TimeZone{}
	case 1:
		return py.FixedZone((r.IntN(47) - 23) * 3600)
	case 2:
		return py.FixedZone(r.IntN(2*86399+1) - 86399)
	case 3:
		td, _ := py.NewTimeDelta(0, 0, r.Int64N(2*86399999999+1)-86399999999)
		return py.TimeZone{Offset: td}
	}
	z := py.FixedZone((r.IntN(25) - 12) * 3600)
	z.Name, z.HasName = fmt.Sprintf("Zone%d", r.IntN(10)), true
	return z
}

func randDateTime(r *rand.Rand, aware bool) py.DateTime {
	days := r.Int64N(3652059) // 0001-01-01 .. 9999-12-31
	y, m, d := civilFromDays(days + daysFromCivil(1, 1, 1))
	secs := r.IntN(86400)
	dt := py.DateTime{Year: y, Month: m, Day: d, Hour: secs / 3600, Minute: secs / 60 % 60, Second: secs % 60}
	if r.IntN(3) > 0 {
		dt.Microsecond = r.IntN(1_000_000)
	}
	if aware {
		dt.TZ = randTZ(r)
	}
	return dt
}

func randScalar(r *rand.Rand) py.Value {
	switch r.IntN(19) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2, 3:
		return randInt(r)
	case 4, 5:
		return randFloat(r)
	case 6, 7, 8:
		return randStr(r)
	case 9:
		b := make([]byte, []int{0, 1, 3, 40, 255, 256, 300}[r.IntN(7)])
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return py.Bytes(b)
	case 10:
		return randDateTime(r, r.IntN(5) < 3)
	case 11:
		y, m, d := civilFromDays(r.Int64N(3652059) + daysFromCivil(1, 1, 1))
		return py.Date{Year: y, Month: m, Day: d}
	case 12:
		t := py.Time{Hour: r.IntN(24), Minute: r.IntN(60), Second: r.IntN(60)}
		if r.IntN(2) == 0 {
			t.Microsecond = r.IntN(1_000_000)
		}
		if r.IntN(3) == 0 {
			t.TZ = randTZ(r)
		}
		return t
	case 13:
		td, _ := py.NewTimeDelta(0, 0, r.Int64N(2*86400_000_000_000)-86400_000_000_000)
		if r.IntN(5) == 0 {
			td, _ = py.NewTimeDelta(int64(r.IntN(2*999999999+1)-999999999), int64(r.IntN(86400)), int64(r.IntN(1_000_000)))
		}
		return td
	case 14:
		var u py.UUID
		for i := range u.Bytes {
			u.Bytes[i] = byte(r.IntN(256))
		}
		return u
	case 15:
		texts := []string{"1.10", "-0", "1E+3", "NaN", "-Infinity", "0.000001", "1e-7", "sNaN", "123456789.987654321",
			fmt.Sprintf("%de%d", r.Int64()>>r.IntN(60), r.IntN(80)-40)}
		d, _ := py.ParseDecimal(texts[r.IntN(len(texts))])
		return d
	case 16:
		b := make([]byte, r.IntN(5))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return &py.ByteArray{Data: b}
	case 17:
		if r.IntN(10) == 0 {
			return py.Markup("<b>" + randStr(r) + "</b>") // msgspec refuses Markup
		}
		return randStr(r)
	}
	return randInt(r)
}

// randKey returns a hashable key: mostly str, else the types msgspec writes
// as keys in msgpack (any) and JSON (numbers, dates, UUID, ...).
func randKey(r *rand.Rand) py.Value {
	switch r.IntN(30) {
	case 0:
		return randInt(r)
	case 1:
		return randFloat(r)
	case 2:
		options := []py.Value{nil, true, false, py.Tuple{int64(1), "a"}, py.Tuple{}, py.NewFrozenSet(), py.Bytes("k\x00"),
			py.DateTime{Year: 2020, Month: 5, Day: 6, TZ: py.TimeZone{}}, py.Date{Year: 2020, Month: 1, Day: 2},
			py.Tuple{int64(1), py.Tuple{int64(2), py.Bytes("x")}}, py.Markup("mk"), py.TimeDelta{Seconds: 90},
			py.UUID{Bytes: [16]byte{15: 7}}, py.Time{Hour: 1, TZ: py.FixedZone(3600)}}
		return options[r.IntN(len(options))]
	}
	return randStr(r)
}

func randValue(r *rand.Rand, depth int) py.Value {
	if depth > 3 || r.IntN(100) < 45 {
		return randScalar(r)
	}
	n := []int{0, 1, 2, 3, 5, 15, 16, 17}[r.IntN(8)]
	if depth > 1 {
		n = min(n, 3)
	}
	switch r.IntN(6) {
	case 0:
		l := py.NewList()
		for range n {
			l.Append(randValue(r, depth+1))
		}
		return l
	case 1:
		t := py.Tuple{}
		for range n {
			t = append(t, randValue(r, depth+1))
		}
		return t
	case 2:
		s := py.NewSet()
		if r.IntN(3) == 0 {
			for range n {
				s.Add(randStr(r))
			}
		} else {
			// Small ints in ascending order: CPython iterates such a set
			// in the same order.
			next := int64(0)
			for range n {
				next += int64(1 + r.IntN(3))
				s.Add(next)
			}
		}
		s.Frozen = r.IntN(3) == 0
		return s
	}
	d := py.NewDict(n)
	for range n {
		d.Set(randKey(r), randValue(r, depth+1))
	}
	if r.IntN(4) == 0 {
		od := py.NewOrderedDict()
		for k, v := range d.All() {
			od.Set(k, v)
		}
		return od
	}
	return d
}
