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
