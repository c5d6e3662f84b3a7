package py

import "testing"

func TestDictUseBuffer(t *testing.T) {
	buf := make([]DictEntry, 0, 4)
	d := &Dict{}
	d.UseBuffer(buf[:0:2])
	d.Set("a", 1)
	d.Set("b", 2)
	if &d.entries[0] != &buf[:1][0] {
		t.Error("the entries are not in the buffer")
	}
	d.Set("c", 3) // outgrows the buffer
	d.Set("a", 4)
	if d.Len() != 3 || buf[:3][2].Key != nil {
		t.Errorf("dict %v wrote past its buffer: %v", Repr(d), buf[:3])
	}
	if v, _ := d.Get("a"); v != 4 {
		t.Errorf("got %v", v)
	}
	defer func() {
		if recover() == nil {
			t.Error("UseBuffer on a non-empty dict did not panic")
		}
	}()
	d.UseBuffer(nil)
}

// TestDictUseBufferFilled checks that the entries in a buffer become the
// dict's, indexed when there are many.
func TestDictUseBufferFilled(t *testing.T) {
	for _, n := range []int{1, dictIndexMin - 1, dictIndexMin, 3 * dictIndexMin} {
		buf := make([]DictEntry, n, n+1)
		for i := range buf {
			buf[i] = DictEntry{Key: string(rune('a' + i)), Value: int64(i)}
		}
		d := &Dict{}
		d.UseBuffer(buf)
		if d.Len() != n {
			t.Fatalf("%d entries: Len %d", n, d.Len())
		}
		for i := range n {
			if v, ok := d.Get(string(rune('a' + i))); !ok || v != int64(i) {
				t.Fatalf("%d entries: key %d: %v %v", n, i, v, ok)
			}
		}
		d.Set("a", "again")
		d.Set("new", true)
		if d.Len() != n+1 {
			t.Fatalf("%d entries: Len %d after setting a and new", n, d.Len())
		}
		if v, _ := d.Get("a"); v != "again" {
			t.Fatalf("%d entries: a is %v", n, v)
		}
	}
}
