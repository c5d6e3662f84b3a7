package flasksession_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/py"
)

// sessionValues are session dicts of every kind of value Flask-Session 0.8
// can store, as repr text that Python and py.ParseLiteral both read.
var sessionValues = []string{
	`{'_permanent': True, 'user_id': 42, 'name': 'Zoë ☃ 𝄞'}`,
	`{'ints': [0, -1, 127, 128, -32, -33, 255, 256, 65535, 65536, -2147483648, 4294967296, -9223372036854775808, 18446744073709551615]}`,
	`{'floats': [0.0, -0.0, 1.5, 1e+300, 0.1]}`,
	`{'none': None, 'f': False, 'b': b'\x00\xff', 'empty': b''}`,
	`{'aware': datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)}`,
	`{'micro': datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone.utc)}`,
	`{'old': datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)}`,
	`{'far': datetime.datetime(2500, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)}`,
	`{'offset': datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone(datetime.timedelta(seconds=3600)))}`,
	`{'naive': datetime.datetime(2001, 2, 3, 4, 5, 6, 7), 'date': datetime.date(2024, 2, 29), 'time': datetime.time(1, 2, 3, 4)}`,
	// (A key equal to a module name, such as 'uuid', would be the same
	// interned str object as the global's module in CPython, which pickle
	// then writes once; the Go model does not keep that sharing.)
	`{'uid': UUID('12345678-1234-5678-1234-567812345678'), 'amount': Decimal('-1.50E+3')}`,
	`{'tuple': (1, (2, 'x')), 'list': [[], {}], 'set': {3}, 'frozen': frozenset({4})}`,
	`{'nested': {'a': {'b': {'c': [1, 2, {'d': None}]}}}, '_flashes': [('message', 'Hi')]}`,
	`{'` + strings.Repeat("s", 300) + `': '` + strings.Repeat("x", 70000) + `'}`,
}

// TestSerializerMatchesFlaskSession: for each value, the bytes Go writes
// are the bytes Flask-Session 0.7 and 0.8 (msgspec) and 0.6 (pickle)
// store, and both read the other's.
func TestSerializerMatchesFlaskSession(t *testing.T) {
	for _, venv := range []string{"fs06", "fs07", "fs08"} {
		h := pyharness.Start(t, venv)
		formats := []flasksession.Format{flasksession.FormatPickle}
		if venv != "fs06" {
			formats = []flasksession.Format{flasksession.FormatMsgpack, flasksession.FormatJSON}
		}
		for _, f := range formats {
			ser := flasksession.Serializer{Format: f}
			for _, text := range sessionValues {
				v, err := py.ParseLiteral(text)
				if err != nil {
					t.Fatalf("%s: %v", text, err)
				}
				d := v.(*py.Dict)
				goBytes, goErr := ser.Encode(d)
				var pyB64 string
				pyErr := h.Call("fsession.dumps", map[string]any{"format": string(f), "repr_text": text}, &pyB64)
				if (goErr != nil) != (pyErr != nil) {
					t.Errorf("%s %s: Go error %v, Python error %v", f, text, goErr, pyErr)
					continue
				}
				if goErr != nil {
					continue
				}
				pyBytes := storetest.B64(t, pyB64)
				if string(pyBytes) != string(goBytes) {
					t.Errorf("%s %.60s:\n  Go     %.200x\n  Python %.200x", f, text, goBytes, pyBytes)
					continue
				}
				// Go reads it back as Flask-Session does.
				got, gf, err := flasksession.Serializer{Format: flasksession.FormatMsgpack}.Decode(pyBytes)
				if err != nil || gf != f {
					t.Errorf("%s %.60s: Go decode %v %v", f, text, gf, err)
					continue
				}
				var out struct {
					Repr string `json:"repr"`
					Same bool   `json:"same"`
				}
				h.MustCall(t, "fsession.loads", map[string]any{"data": storetest.B64Encode(pyBytes), "expect": py.Repr(got)}, &out)
				if !out.Same {
					t.Errorf("%s %.60s: Go reads %s, Flask-Session %s", f, text, py.Repr(got), out.Repr)
				}
			}
		}
	}
}

// TestMarkupRefusedLikeMsgspec: msgspec refuses Markup, so Flask-Session
// 0.8 cannot save a session holding one; neither can Go by default.
func TestMarkupRefusedLikeMsgspec(t *testing.T) {
	h := pyharness.Start(t, "fs08")
	text := `{'_flashes': [('message', Markup('<b>saved</b>'))]}`
	err := h.Call("fsession.dumps", map[string]any{"format": "msgpack", "repr_text": text}, nil)
	var pe *pyharness.Error
	if !errors.As(err, &pe) {
		t.Fatalf("msgspec encoded Markup: %v", err)
	}
	v, _ := py.ParseLiteral(text)
	if _, err := (flasksession.Serializer{}).Encode(v.(*py.Dict)); !errors.Is(err, flasksession.ErrSerialize) {
		t.Fatalf("Go: %v", err)
	}
	t.Logf("Python: %s", pe.Msg)
}
