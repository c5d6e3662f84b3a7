package sharedlogin

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfig(t *testing.T) {
	path := writeConfig(t, `
SHARED_LOGIN_STORE = "sessions"
SECRET_KEY = "from the file"
SESSION_COOKIE_NAME = "sid"
SESSION_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 600
SESSION_PROTECTION = "strong"
REMEMBER_COOKIE_DURATION = 7200
REMEMBER_COOKIE_SAMESITE = "Strict"
WTF_CSRF_TIME_LIMIT = 60
`)
	c, err := LoadConfig(path, []string{
		"FLASK_SECRET_KEY=from the environment",
		`FLASK_SECRET_KEY_FALLBACKS=["old", "older"]`,
		"FLASK_SESSION_COOKIE_SECURE=true",
		"FLASK_REMEMBER_COOKIE_SECURE=true",
		"FLASK_SHARED_LOGIN_REFRESH_ON_LOAD=true",
		"FLASK_NESTED__KEY=ignored",
		"OTHER_SESSION_COOKIE_NAME=not ours",
	})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"SECRET_KEY", c.Session.SecretKey, "from the environment"},
		{"SECRET_KEY_FALLBACKS", c.SecretKeyFallbacks, []string{"old", "older"}},
		{"SESSION_COOKIE_NAME", c.Session.CookieName, "sid"},
		{"SESSION_COOKIE_SAMESITE", c.Session.CookieSameSite, "Lax"},
		{"SESSION_COOKIE_SECURE", c.Session.CookieSecure, true},
		{"PERMANENT_SESSION_LIFETIME", c.Session.PermanentSessionLifetime, 600 * time.Second},
		{"SESSION_PROTECTION", c.SessionProtection, "strong"},
		{"REMEMBER_COOKIE_DURATION", c.RememberCookieDuration, 2 * time.Hour},
		{"REMEMBER_COOKIE_SAMESITE", c.RememberCookieSameSite, "Strict"},
		{"REMEMBER_COOKIE_SECURE", c.RememberCookieSecure, true},
		{RefreshOnLoadKey, c.Session.RefreshOnLoad, true},
		{"WTF_CSRF_TIME_LIMIT", c.CSRFTimeLimit, time.Minute},
		{"store kind", c.StoreKind, StoreFilesystem},
		{"store directory", c.StoreTarget, filepath.Join(dir, "sessions")},
		{"Environ", c.Environ(), []string{"FLASK_SHARED_LOGIN_STORE=sessions"}},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
}

// The repository's config.toml loads, with the secret key from the
// environment.
func TestLoadConfigExample(t *testing.T) {
	c, err := LoadConfig("../config.toml", []string{"FLASK_SECRET_KEY=k"})
	if err != nil {
		t.Fatal(err)
	}
	if c.StoreKind != StoreFilesystem || filepath.Base(c.StoreTarget) != ".sessions" {
		t.Errorf("store %v %q", c.StoreKind, c.StoreTarget)
	}
	if !c.Session.RefreshOnLoad {
		t.Errorf("%s is off; the example turns it on", RefreshOnLoadKey)
	}
}

// Values of FLASK_* variables are JSON when they parse as JSON, text
// otherwise, as in Flask's from_prefixed_env.
func TestEnvValues(t *testing.T) {
	for _, c := range []struct {
		text string
		want any
	}{
		{"plain text", "plain text"},
		{`"quoted"`, "quoted"},
		{"true", true},
		{"[]", []any{}},
		{"12 34", "12 34"},
		{"12}", "12}"},
		{"redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"},
	} {
		if got := jsonOrText(c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %#v, want %#v", c.text, got, c.want)
		}
	}
	for _, s := range []string{"cookie", "/tmp/dir", "123", "true", `"x"`} {
		if got := jsonOrText(envText(s)); got != s {
			t.Errorf("envText(%q) reads back as %#v", s, got)
		}
	}
}

func TestStores(t *testing.T) {
	for _, c := range []struct {
		store  string
		kind   StoreKind
		target string
	}{
		{"", StoreCookie, ""},
		{"cookie", StoreCookie, ""},
		{"redis://127.0.0.1:16379/0", StoreRedis, "redis://127.0.0.1:16379/0"},
		{"rediss://h:6380", StoreRedis, "rediss://h:6380"},
		{"/abs/dir", StoreFilesystem, "/abs/dir"},
		{"rel", StoreFilesystem, "/base/rel"},
	} {
		var cfg Config
		if err := cfg.SetStore(c.store, "/base"); err != nil {
			t.Errorf("%q: %v", c.store, err)
			continue
		}
		if cfg.StoreKind != c.kind || cfg.StoreTarget != c.target {
			t.Errorf("%q: %v %q, want %v %q", c.store, cfg.StoreKind, cfg.StoreTarget, c.kind, c.target)
		}
	}
}

func TestLoadConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name, file string
		env        []string
	}{
		{"no secret key", ``, nil},
		{"bad TOML", `SECRET_KEY = `, nil},
		{"number as key", ``, []string{"FLASK_SECRET_KEY=123"}},
		{"fallbacks not a list", `SECRET_KEY = "k"` + "\nSECRET_KEY_FALLBACKS = \"old\"", nil},
		{"fallback not a string", `SECRET_KEY = "k"` + "\nSECRET_KEY_FALLBACKS = [1]", nil},
		{"store not a string", `SECRET_KEY = "k"` + "\nSHARED_LOGIN_STORE = 1", nil},
		{"unknown store URL", `SECRET_KEY = "k"` + "\nSHARED_LOGIN_STORE = \"memcached://x\"", nil},
		{"duration", `SECRET_KEY = "k"` + "\nREMEMBER_COOKIE_DURATION = \"long\"", nil},
		{"negative duration", `SECRET_KEY = "k"` + "\nWTF_CSRF_TIME_LIMIT = -1", nil},
		{"secure not a bool", `SECRET_KEY = "k"` + "\nREMEMBER_COOKIE_SECURE = \"yes\"", nil},
		{"refresh on load not a bool", `SECRET_KEY = "k"`, []string{"FLASK_SHARED_LOGIN_REFRESH_ON_LOAD=1"}},
		{"lifetime", `SECRET_KEY = "k"` + "\nPERMANENT_SESSION_LIFETIME = \"forever\"", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadConfig(writeConfig(t, c.file), c.env)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("%v is not ErrConfig", err)
			}
		})
	}
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "missing.toml"), nil); !errors.Is(err, ErrConfig) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestLoadConfigSymlink: a config file reached through a symbolic link
// takes a relative store directory from the directory of the file it
// points to, as the Flask app's Path(path).resolve() does.
func TestLoadConfigSymlink(t *testing.T) {
	real := writeConfig(t, `SHARED_LOGIN_STORE = "sessions"`)
	link := filepath.Join(t.TempDir(), "config.toml")
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	c, err := LoadConfig(link, []string{"FLASK_SECRET_KEY=k"})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(real))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "sessions"); c.StoreTarget != want {
		t.Errorf("store directory %q, want %q", c.StoreTarget, want)
	}
}
