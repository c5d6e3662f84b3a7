package forgeryvec_test

import (
	"fmt"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/forgeryvec"
)

func TestLoad(t *testing.T) {
	for _, venv := range forgeryvec.Venvs() {
		v, err := forgeryvec.Load(venv)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Cookies) == 0 || len(v.Sids) == 0 || len(v.Probes) == 0 || v.Now == 0 {
			t.Errorf("%s: %d cookies, %d sids, %d probes, now %d", venv, len(v.Cookies), len(v.Sids), len(v.Probes), v.Now)
		}
		for i, p := range v.Probes {
			n := len(v.Cookies)
			if p.Kind == "sid" {
				n = len(v.Sids)
			}
			if p.Of < 0 || p.Of >= n {
				t.Fatalf("%s: probe %d of %s %d, out of %d", venv, i, p.Kind, p.Of, n)
			}
		}
	}
	if _, err := forgeryvec.Load("no-such-venv"); err == nil {
		t.Error("Load of a missing file: no error")
	}
}

func ExampleLoad() {
	v, err := forgeryvec.Load("flask31")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Versions["itsdangerous"])
	// Output: 2.2.0
}
