package pyjson

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/flaskbridge/flaskbridge/py"
)

// Item is one dict entry as json.dumps writes it: the key turned into its
// JSON string, and the value.
type Item struct {
	Key   string
	Value py.Value
}

// AppendItems appends the entries of d to items in the order json.dumps
// with sort_keys=True writes them, keys converted as json.dumps converts
// them: str as is, int in decimal, float as repr (NaN, Infinity), bool as
// true/false, None as null.
//
// Python sorts the (key, value) pairs before converting the keys, so str
// keys come in code point order and numeric keys in numeric order; keys of
// both kinds in one dict (or None with any other key) cannot be compared and
// are a TypeError, reported as ErrType; so is any other key type.
func AppendItems(items []Item, d *py.Dict) ([]Item, error) {
	n := d.Len()
	if n == 0 {
		return items, nil
	}
	start := len(items)
	items = slices.Grow(items, n)
	allStr, allNum := true, true
	for i := 0; i < n; i++ {
		k, v := d.At(i)
		switch x := k.(type) {
		case string:
			allNum = false
			items = append(items, Item{Key: x, Value: v})
		case py.Markup:
			allNum = false
			items = append(items, Item{Key: string(x), Value: v})
		case bool, int64, *big.Int, float64:
			allStr = false
			items = append(items, Item{Value: v})
		case nil:
			allStr, allNum = false, false
			items = append(items, Item{Key: "null", Value: v})
		default:
			return dropItems(items, start), fmt.Errorf("%w: keys must be str, int, float, bool or None, not %s", ErrType, py.TypeName(k))
		}
	}
	out := items[start:]
	switch {
	case allStr:
		if n <= 12 {
			// An insertion sort: sessions' dicts are small.
			for i := 1; i < n; i++ {
				for j := i; j > 0 && out[j].Key < out[j-1].Key; j-- {
					out[j], out[j-1] = out[j-1], out[j]
				}
			}
		} else {
			slices.SortFunc(out, func(a, b Item) int { return strings.Compare(a.Key, b.Key) })
		}
		return items, nil
	case n == 1:
		k, _ := d.At(0)
		out[0].Key = numKeyText(k)
		return items, nil
	case !allNum:
		return dropItems(items, start), fmt.Errorf("%w: '<' not supported between the keys of one dict (%s)", ErrType, keyTypes(d))
	}
	// Numeric keys: sort on the Python values, then convert.
	keys := make([]py.Value, n)
	for i := range keys {
		keys[i], _ = d.At(i)
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if err := sortNumeric(idx, keys); err != nil {
		return dropItems(items, start), err
	}
	vals := make([]py.Value, n)
	for i := range vals {
		vals[i] = out[i].Value
	}
	for i, j := range idx {
		out[i] = Item{Key: numKeyText(keys[j]), Value: vals[j]}
	}
	return items, nil
}

// dropItems cuts items back to start on an error, clearing what was
// appended, so that a buffer the caller keeps for reuse holds no values.
func dropItems(items []Item, start int) []Item {
	clear(items[start:])
	return items[:start]
}

func keyTypes(d *py.Dict) string {
	var names []string
	for k := range d.Keys() {
		t := py.TypeName(k)
		if !slices.Contains(names, t) {
			names = append(names, t)
		}
	}
	return strings.Join(names, ", ")
}

func numKeyText(k py.Value) string {
	switch x := k.(type) {
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int64:
		return strconv.FormatInt(x, 10)
	case *big.Int:
		return x.String()
	case float64:
		return string(AppendFloat(nil, x))
	}
	return "null"
}

// sortNumeric sorts idx by keys[idx[i]] as CPython's list.sort orders them
// with <. Numbers other than NaN are totally ordered, so any sort gives
// CPython's result; with a NaN the result depends on the algorithm, which is
// reproduced for lists of under 64 items (a binary insertion sort after the
// first run) and refused beyond.
func sortNumeric(idx []int, keys []py.Value) error {
	for _, k := range keys {
		if f, ok := k.(float64); ok && math.IsNaN(f) {
			if len(idx) >= 64 {
				return fmt.Errorf("%w: cannot reproduce Python's order of %d dict keys with a NaN among them", ErrType, len(idx))
			}
			lt := func(a, b int) bool { return numCmp(keys[a], keys[b]) == -1 }
			smallSort(idx, lt)
			return nil
		}
	}
	slices.SortFunc(idx, func(a, b int) int { return numCmp(keys[a], keys[b]) })
	return nil
}

// smallSort is CPython's list.sort for fewer than 64 items: the longest
// run at the start (a strictly descending run is reversed), then a binary
// insertion sort of the rest.
func smallSort(a []int, lt func(x, y int) bool) {
	n := len(a)
	if n < 2 {
		return
	}
	run := 2
	if lt(a[1], a[0]) {
		for run < n && lt(a[run], a[run-1]) {
			run++
		}
		slices.Reverse(a[:run])
	} else {
		for run < n && !lt(a[run], a[run-1]) {
			run++
		}
	}
	for start := run; start < n; start++ {
		pivot := a[start]
		l, r := 0, start
		for l < r {
			p := l + (r-l)>>1
			if lt(pivot, a[p]) {
				r = p
			} else {
				l = p + 1
			}
		}
		copy(a[l+1:start+1], a[l:start])
		a[l] = pivot
	}
}

// numCmp compares two Python numbers (bool, int, float) exactly: -1, 0 or
// 1, and 2 when they are unordered (a NaN).
func numCmp(a, b py.Value) int {
	fa, aIsF := a.(float64)
	fb, bIsF := b.(float64)
	switch {
	case aIsF && bIsF:
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		case fa == fb:
			return 0
		}
		return 2
	case aIsF:
		return -intFloatCmp(b, fa)
	case bIsF:
		return intFloatCmp(a, fb)
	}
	ia, ba := intOf(a)
	ib, bb := intOf(b)
	if ba == nil && bb == nil {
		switch {
		case ia < ib:
			return -1
		case ia > ib:
			return 1
		}
		return 0
	}
	if ba == nil {
		ba = big.NewInt(ia)
	}
	if bb == nil {
		bb = big.NewInt(ib)
	}
	return ba.Cmp(bb)
}

func intOf(v py.Value) (int64, *big.Int) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case int64:
		return x, nil
	case *big.Int:
		return 0, x
	}
	return 0, nil
}

// intFloatCmp compares an int with a float exactly, as Python does.
func intFloatCmp(i py.Value, f float64) int {
	if math.IsNaN(f) {
		return 2
	}
	if math.IsInf(f, 0) {
		if f > 0 {
			return -1
		}
		return 1
	}
	n, b := intOf(i)
	if b == nil {
		b = big.NewInt(n)
	}
	bf := new(big.Float).SetInt(b)
	return bf.Cmp(new(big.Float).SetFloat64(f))
}
