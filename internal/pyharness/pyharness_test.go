package pyharness

import "testing"

func TestPing(t *testing.T) {
	h := Start(t, "flask31")
	var got struct {
		Python   string            `json:"python"`
		Packages map[string]string `json:"packages"`
	}
	h.MustCall(t, "core.ping", nil, &got)
	if got.Packages["flask"] != "3.1.3" {
		t.Fatalf("flask31 venv has flask %q", got.Packages["flask"])
	}
	var r struct {
		Repr string `json:"repr"`
	}
	h.MustCall(t, "core.eval_repr", map[string]any{"repr_text": "(1,)"}, &r)
	if r.Repr != "(1,)" {
		t.Fatalf("got %q", r.Repr)
	}
	if err := h.Call("core.eval_repr", map[string]any{"repr_text": "("}, nil); err == nil {
		t.Fatal("want a Python error")
	}
}
