package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/internal/services"
)

// TestSmoke serves a few hundred requests from concurrent clients, as
// scripts/load.sh does at length, and reads /debug/stats.
func TestSmoke(t *testing.T) {
	rc := redis.NewClient(&redis.Options{Addr: services.Redis(t)})
	defer rc.Close()
	h, err := handler(rc, "loadsmoke:")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(path, cookie string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if cookie != "" {
			req.Header.Set("Cookie", "session="+cookie)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 512)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp, b.String()
	}
	if resp, _ := get("/hit", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/hit without a session: %d", resp.StatusCode)
	}
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := get("/login?user=u", "")
			var cookie string
			for _, k := range resp.Cookies() {
				if k.Name == "session" {
					cookie = k.Value
				}
			}
			for i := 1; i <= 25; i++ {
				if resp, body := get("/hit", cookie); resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != itoa(i) {
					t.Errorf("/hit %d: %d %q", i, resp.StatusCode, body)
					return
				}
				if resp, _ := get("/read", cookie); resp.StatusCode != http.StatusOK {
					t.Errorf("/read: %d", resp.StatusCode)
					return
				}
			}
			rc.Del(t.Context(), "loadsmoke:"+cookie)
		}()
	}
	wg.Wait()
	resp, body := get("/debug/stats", "")
	var st Stats
	if err := json.Unmarshal([]byte(body), &st); err != nil || resp.StatusCode != http.StatusOK || st.Goroutines == 0 || st.HeapAlloc == 0 {
		t.Fatalf("/debug/stats: %d %q %v", resp.StatusCode, body, err)
	}
	if st.RSS == 0 {
		t.Fatalf("/debug/stats: no RSS in %q", body)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
