package pickle

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	gopickle "github.com/nlpodyssey/gopickle/pickle"
	gptypes "github.com/nlpodyssey/gopickle/types"

	"github.com/flaskbridge/flaskbridge/py"
)

// gopickleLoads runs github.com/nlpodyssey/gopickle, turning its panics
// into errors.
func gopickleLoads(data []byte) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gopickle panicked: %v", r)
		}
	}()
	return gopickle.Loads(string(data))
}

// fromGopickle converts gopickle's plain data types into py values; ok is
// false for anything else (classes it stands in for, objects).
func fromGopickle(v any) (py.Value, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case bool, float64, string:
		return x, true
	case int:
		return int64(x), true
	case *big.Int:
		return py.Int(x), true
	case []byte:
		return py.Bytes(x), true
	case *gptypes.ByteArray:
		return &py.ByteArray{Data: []byte(*x)}, true
	case *gptypes.List:
		return convertItems(*x, func(items []py.Value) py.Value { return py.NewList(items...) })
	case *gptypes.Tuple:
		return convertItems(*x, func(items []py.Value) py.Value { return py.Tuple(items) })
	case *gptypes.Set:
		var items []any
		for k := range *x {
			items = append(items, k)
		}
		return convertItems(items, func(items []py.Value) py.Value { return py.NewSet(items...) })
	case *gptypes.FrozenSet:
		var items []any
		for k := range *x {
			items = append(items, k)
		}
		return convertItems(items, func(items []py.Value) py.Value { return py.NewFrozenSet(items...) })
	case *gptypes.Dict:
		d := py.NewDict(x.Len())
		for _, e := range *x {
			k, ok1 := fromGopickle(e.Key)
			val, ok2 := fromGopickle(e.Value)
			if !ok1 || !ok2 || !py.Hashable(k) {
				return nil, false
			}
			d.Set(k, val)
		}
		return d, true
	}
	return nil, false
}

func convertItems(in []any, build func([]py.Value) py.Value) (py.Value, bool) {
	out := make([]py.Value, len(in))
	for i, it := range in {
		v, ok := fromGopickle(it)
		if !ok {
			return nil, false
		}
		out[i] = v
	}
	return build(out), true
}

// gopickleMisreads reports a protocol 0 pickle whose UNICODE text has
// escapes or non-ASCII bytes: gopickle keeps raw-unicode-escape text as it
// is instead of decoding it (CPython's own tests check ours).
func gopickleMisreads(proto int, data []byte) bool {
	if proto != 0 {
		return false
	}
	for _, c := range data {
		if c == '\\' || c >= 0x80 {
			return true
		}
	}
	return false
}

// plainData tells the vectors the conversion can compare: not recursive
// ones (it would follow them forever), not NaN (never equal).
func plainData(name string) bool {
	switch name {
	case "list_recursive", "dict_recursive", "tuple_recursive", "nan":
		return false
	}
	return true
}

// TestDifferentialGopickle checks that this decoder and gopickle agree on
// every golden pickle both of them read as plain data.
func TestDifferentialGopickle(t *testing.T) {
	compared, gopickleFailed := 0, 0
	for _, v := range loadVectors(t) {
		if v.Python[0] == '2' || !plainData(v.Name) || gopickleMisreads(v.Protocol, v.data()) {
			continue
		}
		ours, err := Unmarshal(v.data())
		if err != nil {
			t.Errorf("%s %s: %v", v.Python, v.Name, err)
			continue
		}
		theirs, err := gopickleLoads(v.data())
		if err != nil {
			gopickleFailed++
			continue
		}
		conv, ok := fromGopickle(theirs)
		if !ok {
			continue
		}
		compared++
		if !py.Equal(ours, conv) {
			t.Errorf("%s %s proto %d: the decoders disagree:\n ours     %#v\n gopickle %#v", v.Python, v.Name, v.Protocol, ours, conv)
		}
	}
	t.Logf("%d pickles compared, %d refused or crashed gopickle", compared, gopickleFailed)
	if compared < 100 {
		t.Errorf("only %d pickles compared", compared)
	}
}

// TestDifferentialRandom compares both decoders on random values written
// by this encoder.
func TestDifferentialRandom(t *testing.T) {
	g := &gen{r: rand.New(rand.NewPCG(1, 2))}
	compared := 0
	for i := 0; i < 300; i++ {
		v, _ := g.value(0)
		proto := g.r.IntN(HighestProtocol + 1)
		data, err := MarshalProtocol(v, proto)
		if err != nil {
			t.Fatal(err)
		}
		if gopickleMisreads(proto, data) {
			continue
		}
		ours, err := Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := gopickleLoads(data)
		if err != nil {
			continue
		}
		conv, ok := fromGopickle(theirs)
		if !ok || hasNaN(ours) {
			continue
		}
		compared++
		if !py.Equal(ours, conv) {
			t.Errorf("proto %d: the decoders disagree:\n ours     %#v\n gopickle %#v", proto, ours, conv)
		}
	}
	t.Logf("%d values compared", compared)
}

// TestGopickleCrashInputs documents the inputs gopickle fails on and this
// decoder refuses cleanly.
func TestGopickleCrashInputs(t *testing.T) {
	for _, data := range []string{"\xff", "\x80\x02\x8a\x00.", "\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x80N"} {
		_, err := Unmarshal([]byte(data))
		if data == "\x80\x02\x8a\x00." && err != nil {
			t.Errorf("%q: %v", data, err)
		}
		if data != "\x80\x02\x8a\x00." && err == nil {
			t.Errorf("%q: no error", data)
		}
	}
}
