package py_test

import (
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// TestSetOrderGoldenPickles: sets pickled by CPython 3.11 at protocols 0
// to 5 (set(list) and frozenset(list) below 4, EMPTY_SET + ADDITEMS and
// FROZENSET from 4) print, once decoded, exactly as CPython prints them
// after pickle.loads.
func TestSetOrderGoldenPickles(t *testing.T) {
	f, err := os.Open("../testdata/py/setorder.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []struct {
			Repr    string    `json:"repr"`
			Pickles []*string `json:"pickles"`
		} `json:"cases"`
	}
	if err := json.NewDecoder(zr).Decode(&g); err != nil {
		t.Fatal(err)
	}
	var perProtocol [6]int
	for _, c := range g.Cases {
		for protocol, p := range c.Pickles {
			if p == nil {
				continue
			}
			data, err := base64.StdEncoding.DecodeString(*p)
			if err != nil {
				t.Fatal(err)
			}
			v, err := pickle.Unmarshal(data)
			if err != nil {
				t.Errorf("protocol %d pickle of %.200s: %v", protocol, c.Repr, err)
				continue
			}
			perProtocol[protocol]++
			if got := py.Repr(v); got != c.Repr {
				t.Errorf("protocol %d pickle:\n got %.300s\nwant %.300s", protocol, got, c.Repr)
			}
		}
	}
	for protocol, n := range perProtocol {
		if n < 400 {
			t.Errorf("only %d pickles at protocol %d", n, protocol)
		}
	}
}

// TestCrossSetOrder: random sets built in Go, pickled by package pickle at
// random protocols, print in CPython 3.11 (venv flask31, pickle.loads and
// repr) exactly as Repr prints them: hundreds of sets of ints (small,
// negative, huge, equal modulo the table size or modulo 2**61-1), floats,
// bools, Decimals, tuples, frozensets, timedeltas, timezones, aware
// datetimes and times, UUIDs and empty strings, from 1 item to some
// thousands, and two sets large enough for the table to grow by 2 instead
// of 4 (past 50000 items).
func TestCrossSetOrder(t *testing.T) {
	h := pyharness.Start(t, "flask31")
	r := rand.New(rand.NewPCG(7, 11))
	var sets []*py.Set
	for i := range 400 {
		kind := i % 4
		n := 1 + int(math.Exp(r.Float64()*math.Log(3000)))
		s := py.NewSet()
		s.Frozen = r.IntN(5) == 0
		for range n {
			s.Add(setItem(r, kind, 2))
		}
		sets = append(sets, s)
	}
	for _, n := range []int{80000, 100003} {
		s := py.NewSet()
		for range n {
			s.Add(int64(r.IntN(1_000_000) - 500_000))
		}
		sets = append(sets, s)
	}
	const batch = 40
	failures := 0
	for lo := 0; lo < len(sets); lo += batch {
		hi := min(lo+batch, len(sets))
		var pickles []string
		protocols := make([]int, hi-lo)
		for i, s := range sets[lo:hi] {
			protocols[i] = r.IntN(6)
			data, err := pickle.MarshalProtocol(s, protocols[i])
			if err != nil {
				t.Fatalf("MarshalProtocol(%.200s, %d): %v", py.Repr(s), protocols[i], err)
			}
			pickles = append(pickles, base64.StdEncoding.EncodeToString(data))
		}
		var reprs []string
		h.MustCall(t, "pyvalues.pickle_reprs", map[string]any{"pickles": pickles}, &reprs)
		for i, want := range reprs {
			if got := py.Repr(sets[lo+i]); got != want {
				t.Errorf("set of %d items at protocol %d:\n got %.400s\nwant %.400s", sets[lo+i].Len(), protocols[i], got, want)
				if failures++; failures > 5 {
					t.Fatal("too many failures")
				}
			}
		}
	}
}

// setItem returns a random item of stable hash: an int for kind 0, a float
// for kind 1, a number for kind 2, anything for kind 3.
func setItem(r *rand.Rand, kind, depth int) py.Value {
	switch kind {
	case 0:
		return setInt(r)
	case 1:
		return setFloat(r)
	case 2:
		switch r.IntN(4) {
		case 0:
			return setInt(r)
		case 1:
			return setFloat(r)
		case 2:
			return r.IntN(2) == 0
		}
		return setDecimal(r)
	}
	c := r.IntN(20)
	switch {
	case depth > 0 && c == 0:
		t := make(py.Tuple, r.IntN(4))
		for i := range t {
			t[i] = setItem(r, kind, depth-1)
		}
		return t
	case depth > 0 && c == 1:
		s := py.NewFrozenSet()
		for range r.IntN(6) {
			s.Add(setItem(r, kind, depth-1))
		}
		return s
	case c < 5:
		return setInt(r)
	case c < 8:
		return setFloat(r)
	case c < 10:
		return setDecimal(r)
	case c == 10:
		return r.IntN(2) == 0
	case c == 11:
		return []py.Value{"", py.Bytes{}, py.Markup("")}[r.IntN(3)]
	case c == 12:
		d, err := py.NewTimeDelta(int64(r.IntN(2000)-1000), int64(r.IntN(86400)), int64(r.IntN(1_000_000)))
		if err != nil {
			panic(err)
		}
		return d
	case c == 13:
		return setZone(r)
	case c < 16:
		return py.DateTime{Year: 1 + r.IntN(9999), Month: 1 + r.IntN(12), Day: 1 + r.IntN(28), Hour: r.IntN(24),
			Minute: r.IntN(60), Second: r.IntN(60), Microsecond: r.IntN(1_000_000), TZ: setZone(r)}
	case c < 18:
		return py.Time{Hour: r.IntN(24), Minute: r.IntN(60), Second: r.IntN(60), Microsecond: r.IntN(1_000_000), TZ: setZone(r)}
	}
	var u py.UUID
	for i := range u.Bytes {
		u.Bytes[i] = byte(r.IntN(256))
	}
	return u
}

const hashModulus = 1<<61 - 1

func setInt(r *rand.Rand) py.Value {
	switch r.IntN(7) {
	case 0, 1:
		return int64(r.IntN(600) - 300)
	case 2:
		return int64(r.IntN(80)-40) << (3 + r.IntN(30))
	case 3:
		return []int64{-1, -2, hashModulus, -hashModulus, hashModulus + 1, 2 * hashModulus, math.MaxInt64, math.MinInt64}[r.IntN(8)]
	case 4:
		return int64(r.Uint64()) >> r.IntN(64)
	case 5:
		n := new(big.Int).Lsh(big.NewInt(int64(r.IntN(100)-50)), 61)
		n.Sub(n, big.NewInt(int64(r.IntN(100)-50)))
		return py.Int(n)
	}
	n := new(big.Int).SetUint64(r.Uint64())
	n.Lsh(n, uint(r.IntN(250)))
	if r.IntN(2) == 0 {
		n.Neg(n)
	}
	return py.Int(n)
}

func setFloat(r *rand.Rand) py.Value {
	switch r.IntN(5) {
	case 0:
		return []float64{0, math.Copysign(0, -1), 0.5, math.Inf(1), math.Inf(-1), 5e-324, math.MaxFloat64, 0x1p61, 0x1p-61, 1e16}[r.IntN(10)]
	case 1:
		return float64(r.IntN(600)-300) / float64([]int{1, 2, 4, 3, 1024}[r.IntN(5)])
	case 2:
		for {
			if f := math.Float64frombits(r.Uint64()); !math.IsNaN(f) {
				return f
			}
		}
	case 3:
		return (r.Float64()*2 - 1) * 1e6
	}
	return (r.Float64()*2 - 1) * math.Pow(10, float64(r.IntN(60)-30))
}

func setDecimal(r *rand.Rand) py.Value {
	var text string
	switch r.IntN(4) {
	case 0:
		text = []string{"Infinity", "-Infinity", "-0", "0E-10", "1E+999999999999999999", "1E-999999999999999999"}[r.IntN(6)]
	case 1:
		text = strconv.Itoa(r.IntN(600) - 300)
	default:
		text = fmt.Sprintf("%d%de%d", r.IntN(1000)-500, r.Uint64(), r.IntN(80)-40)
	}
	d, err := py.ParseDecimal(text)
	if err != nil {
		panic(err)
	}
	return d
}

func setZone(r *rand.Rand) py.TimeZone {
	if r.IntN(4) == 0 {
		return py.TimeZone{}
	}
	z := py.FixedZone((r.IntN(2879) - 1439) * 60)
	if r.IntN(3) == 0 {
		z.Name, z.HasName = "Z"+strconv.Itoa(r.IntN(100)), true
	}
	return z
}

// Repr prints a set of items whose hash is the same in every process, such
// as ints, in the order CPython iterates the set that pickle.loads (or
// set(list)) builds from the items in the order the Set keeps them.
func ExampleRepr_setOrder() {
	s := py.NewSet(int64(16), int64(1), int64(2), int64(3), int64(4))
	fmt.Println(py.Repr(s))
	fmt.Println(py.Repr(py.NewSet(int64(32), int64(0), int64(1), int64(2), int64(3))))
	// A str hashes differently in every Python process: such sets print in
	// the order they keep.
	fmt.Println(py.Repr(py.NewSet(int64(16), "a", int64(1))))
	// Output:
	// {1, 2, 3, 4, 16}
	// {32, 0, 2, 3, 1}
	// {16, 'a', 1}
}
