package main

// The example's flows in a real browser: headless Chromium, driven with
// chromedp, clicks through the pages of the Flask app and the Go front
// for each session kind, and keeps a screenshot of every step under
// artifacts/browser/<kind>/.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flaskbridge/flaskbridge/internal/pyharness"
)

// RequireBrowserEnv makes a missing Chromium fail the browser test
// instead of skipping it; `make test` sets it.
const RequireBrowserEnv = "FLASKBRIDGE_REQUIRE_BROWSER"

// chromiumEnv names a Chrome or Chromium binary to use instead of the one
// on PATH.
const chromiumEnv = "FLASKBRIDGE_CHROMIUM"

func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(chromiumEnv); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "the browser test needs Chromium: run `make deps` (it installs Debian's chromium), " +
		"or set " + chromiumEnv + " to a Chrome binary, then go test"
	if os.Getenv(RequireBrowserEnv) == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// startBrowser starts headless Chromium for the test and its subtests.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1000, 760),
		chromedp.UserDataDir(t.TempDir()),
	)
	out := new(lockedBuffer)
	opts = append(opts, chromedp.CombinedOutput(out))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		if t.Failed() {
			t.Logf("Chromium's output:\n%s", out.String())
		}
	})
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("starting Chromium: %v\n%s", err, out.String())
	}
	return browserCtx
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// tab is one browser context (its own cookies) with one page.
type tab struct {
	t    *testing.T
	ctx  context.Context
	dir  string // where the screenshots go
	step int
}

// pageState reads what the page shows, as parsePage does for the HTTP test.
const pageState = `(() => {
	const q = (s) => document.querySelector(s);
	const nav = performance.getEntriesByType("navigation")[0];
	return {
		status: nav && nav.responseStatus ? nav.responseStatus : 0,
		path: location.pathname + location.search,
		servedBy: q("footer") ? q("footer").dataset.servedBy : "",
		user: q("#user") ? q("#user").dataset.user : "?",
		fresh: document.body.innerText.includes("fresh login"),
		flashes: Array.from(document.querySelectorAll("#flashes li")).map(li => li.dataset.category + ": " + li.textContent),
		notes: Array.from(document.querySelectorAll("ol#notes li")).map(li => li.textContent),
		error: q("#error") ? q("#error").textContent : "",
	};
})()`

type jsState struct {
	Status   int      `json:"status"`
	Path     string   `json:"path"`
	ServedBy string   `json:"servedBy"`
	User     string   `json:"user"`
	Fresh    bool     `json:"fresh"`
	Flashes  []string `json:"flashes"`
	Notes    []string `json:"notes"`
	Error    string   `json:"error"`
}

// do runs actions, waits for the element waitFor, takes a screenshot
// named name, and returns what the page shows.
func (b *tab) do(name, waitFor string, actions ...chromedp.Action[chromedp.Void]) page {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	fail := func(err error) {
		b.t.Helper()
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("%s: %v (at %s)", name, err, loc)
	}
	if err := chromedp.Do(ctx, append(actions, chromedp.WaitVisible(chromedp.CSS(waitFor)))...); err != nil {
		fail(err)
	}
	st, err := chromedp.Run(ctx, chromedp.Evaluate[jsState](pageState))
	if err != nil {
		fail(err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		fail(err)
	}
	b.step++
	file := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", b.step, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Error(err)
	}
	return page{status: st.Status, path: st.Path, servedBy: st.ServedBy, user: st.User, fresh: st.Fresh,
		flashes: st.Flashes, notes: st.Notes, errText: st.Error}
}

// eval runs JavaScript for its effect.
func eval(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](expr)(ctx, t)
		return err
	})
}

// TestBrowser plays the flows in Chromium for each session kind: log in on
// the Flask page and see the user on the Go page, flash on Go and see it
// on Flask, post a CSRF-protected form Flask rendered to Go (accepted, and
// refused with a tampered token), log out on Go and see Flask logged out.
func TestBrowser(t *testing.T) {
	browser := startBrowser(t)
	root, err := pyharness.Root()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	t.Cleanup(func() { t.Logf("browser flows took %v", time.Since(start).Round(time.Millisecond)) })
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			s := startStack(t, k, storeEnv(t, k))
			dir := filepath.Join(root, "artifacts", "browser", k.name)
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
			t.Cleanup(cancel)
			if err := chromedp.Do(ctx); err != nil { // opens the tab; no timeout on this first call
				t.Fatal(err)
			}
			b := &tab{t: t, ctx: ctx, dir: dir}
			base := s.front.URL

			// Go's login_required sends the browser to Flask's login page.
			p := b.do("login-page", "#login-form", chromedp.Navigate(base+"/profile"))
			expect(t, "profile before login", p, "flask", "/login?next=%2Fprofile", "?", "info: Please log in to access this page.")

			// Logged in by Flask, seen by Go (with Flask's message).
			p = b.do("profile-go", "body.served-by-go #hello",
				chromedp.SendKeys(chromedp.CSS("#username"), "alice"),
				chromedp.SendKeys(chromedp.CSS("#password"), "wonderland"),
				chromedp.Click(chromedp.CSS("#login-submit")),
			)
			expect(t, "login", p, "go", "/profile", "alice", "success: Welcome, Alice Liddell! (logged in by Flask)")
			if !p.fresh {
				t.Error("the Go profile does not say the login is fresh")
			}

			// Flashed on Go, shown by Flask.
			p = b.do("hello-flask", "#notes", chromedp.Click(chromedp.CSS("#hello")))
			expect(t, "hello", p, "flask", "/", "alice", "info: Hello from Go, Alice Liddell!")

			// A form rendered by Flask, posted to Go.
			p = b.do("note-form-flask", "#note-form", chromedp.Navigate(base+"/notes/new"))
			expect(t, "note form", p, "flask", "/notes/new", "?")
			note := "Buy milk & eggs <3"
			p = b.do("note-saved-by-go", "#notes",
				chromedp.SendKeys(chromedp.CSS("#text"), note),
				chromedp.Click(chromedp.CSS("#note-submit")),
			)
			expect(t, "note", p, "flask", "/", "alice", "success: Note saved by Go: "+note)
			if strings.Join(p.notes, "|") != note {
				t.Errorf("notes: %q", p.notes)
			}

			// The same form with a tampered token: Go refuses it.
			b.do("note-form-again", "#note-form", chromedp.Navigate(base+"/notes/new"))
			p = b.do("tampered-token-refused", "body.served-by-go #error",
				eval(`document.querySelector("#note-form [name=csrf_token]").value += "x"`),
				chromedp.SendKeys(chromedp.CSS("#text"), "forged"),
				chromedp.Click(chromedp.CSS("#note-submit")),
			)
			if p.status != 400 || p.errText != "The CSRF token is invalid." || p.path != "/notes" {
				t.Errorf("tampered token: %d %s %q", p.status, p.path, p.errText)
			}
			p = b.do("home-after-forgery", "#notes", chromedp.Navigate(base+"/"))
			expect(t, "home after the forged post", p, "flask", "/", "alice")
			if strings.Join(p.notes, "|") != note {
				t.Errorf("notes after the forged post: %q", p.notes)
			}

			// Logged out on Go (the button of Flask's page), seen by Flask.
			p = b.do("logged-out-flask", "#login-link", chromedp.Click(chromedp.CSS("#logout")))
			expect(t, "logout", p, "flask", "/", "", "info: You are logged out (by Go).")
			p = b.do("profile-after-logout", "#login-form", chromedp.Navigate(base+"/profile"))
			expect(t, "profile after logout", p, "flask", "/login?next=%2Fprofile", "?", "info: Please log in to access this page.")
		})
	}
}
