package flaskbridge

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/py"
)

func TestFlagsFollowFlask(t *testing.T) {
	s := SessionOf(py.DictOf("user", "ada", "n", int64(3)))
	if s.IsNew() || s.Modified() || s.Accessed() {
		t.Fatal("a loaded session starts clean")
	}
	if s.Len() != 2 || s.Accessed() {
		t.Fatal("Len is not an access")
	}
	if v, ok := s.Get("user"); !ok || v != "ada" {
		t.Fatalf("Get = %v, %v", v, ok)
	}
	if !s.Accessed() || s.Modified() {
		t.Fatal("Get marks accessed only")
	}
	if s.Delete("missing") || s.Modified() {
		t.Fatal("deleting a missing key changes nothing")
	}
	if _, ok := s.Pop("missing"); ok || s.Modified() {
		t.Fatal("popping a missing key changes nothing")
	}
	if v, ok := s.Pop("n"); !ok || v != int64(3) || !s.Modified() {
		t.Fatalf("Pop = %v, %v, modified %v", v, ok, s.Modified())
	}
	s.ResetFlags()
	if s.Modified() || s.Accessed() {
		t.Fatal("ResetFlags")
	}
	s.Clear()
	if !s.Modified() || s.Len() != 0 {
		t.Fatal("Clear marks modified")
	}
	if !NewSession().IsNew() {
		t.Fatal("NewSession is new")
	}
}

func TestPermanent(t *testing.T) {
	s := NewSession()
	if s.Permanent() {
		t.Fatal("not permanent by default")
	}
	s.SetPermanent(true)
	if !s.Permanent() || !s.Modified() {
		t.Fatal("SetPermanent")
	}
	if v, _ := s.Get(PermanentKey); v != true {
		t.Fatalf("_permanent = %v", v)
	}
	// Python's bool() of whatever the other side stored.
	for v, want := range map[py.Value]bool{int64(1): true, int64(0): false, "": false, "x": true, nil: false} {
		s := SessionOf(py.DictOf(PermanentKey, v))
		if s.Permanent() != want {
			t.Errorf("_permanent=%v: Permanent() = %v", py.Repr(v), !want)
		}
	}
	// bool(Decimal(...)): zeros of any sign and exponent are false, NaN and
	// infinities true.
	for text, want := range map[string]bool{"0": false, "-0.00": false, "0E+5": false, "0.1": true, "NaN": true, "-Infinity": true} {
		d, err := py.ParseDecimal(text)
		if err != nil {
			t.Fatal(err)
		}
		if got := SessionOf(py.DictOf(PermanentKey, d)).Permanent(); got != want {
			t.Errorf("_permanent=Decimal(%q): Permanent() = %v", text, got)
		}
	}
}

func TestSetConvertsGoValues(t *testing.T) {
	s := NewSession()
	when := time.Date(2024, 5, 17, 12, 34, 56, 0, time.UTC)
	for k, v := range map[string]any{"i": 5, "tags": []string{"a", "b"}, "when": when, "raw": []byte{1}} {
		if err := s.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Int("i"); err != nil || n != 5 {
		t.Fatalf("Int = %v, %v", n, err)
	}
	if got, err := s.Time("when"); err != nil || !got.Equal(when) {
		t.Fatalf("Time = %v, %v", got, err)
	}
	if b, err := s.Bytes("raw"); err != nil || len(b) != 1 {
		t.Fatalf("Bytes = %v, %v", b, err)
	}
	if got := py.Repr(mustGet(t, s, "tags")); got != "['a', 'b']" {
		t.Fatalf("tags = %s", got)
	}
	if err := s.Set("bad", make(chan int)); err == nil {
		t.Fatal("a channel has no Python value")
	}
}

func mustGet(t *testing.T, s *Session, k string) py.Value {
	t.Helper()
	v, ok := s.Get(k)
	if !ok {
		t.Fatalf("no %q", k)
	}
	return v
}

func TestTypedGetterErrors(t *testing.T) {
	s := SessionOf(py.DictOf("flag", true, "name", py.Markup("<b>"), "f", int64(2)))
	if _, err := s.Int("flag"); !errors.Is(err, ErrType) {
		t.Fatalf("Int(bool) err = %v", err)
	}
	if _, err := s.String("nope"); !errors.Is(err, ErrNoKey) {
		t.Fatalf("missing key err = %v", err)
	}
	if v, err := s.String("name"); err != nil || v != "<b>" {
		t.Fatalf("String(Markup) = %q, %v", v, err)
	}
	if f, err := s.Float("f"); err != nil || f != 2 {
		t.Fatalf("Float(int) = %v, %v", f, err)
	}
	if b, err := s.Bool("flag"); err != nil || !b {
		t.Fatalf("Bool = %v, %v", b, err)
	}
}

func TestDecode(t *testing.T) {
	s := SessionOf(py.DictOf("_user_id", "42", "_fresh", true, "cart", py.NewList(int64(1), int64(2))))
	var out struct {
		UserID string  `py:"_user_id"`
		Fresh  bool    `py:"_fresh"`
		Cart   []int   `py:"cart"`
		Other  *string `py:"other"`
	}
	if err := s.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.UserID != "42" || !out.Fresh || len(out.Cart) != 2 || out.Other != nil {
		t.Fatalf("%+v", out)
	}
	if !s.Accessed() {
		t.Fatal("Decode is an access")
	}
}

func TestConcurrentUse(t *testing.T) {
	s := NewSession()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				_ = s.Set("k", i*j)
				s.Get("k")
				s.Keys()
			}
		}()
	}
	wg.Wait()
	if s.Len() != 1 {
		t.Fatal(s.Len())
	}
}
