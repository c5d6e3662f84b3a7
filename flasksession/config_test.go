package flasksession_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
)

// pyConfig is what the fsession.load_config op reads back from a Flask app.
type pyConfig struct {
	Permanent  *bool   `json:"SESSION_PERMANENT"`
	UseSigner  *bool   `json:"SESSION_USE_SIGNER"`
	KeyPrefix  *string `json:"SESSION_KEY_PREFIX"`
	IDLength   *int    `json:"SESSION_ID_LENGTH"`
	Format     *string `json:"SESSION_SERIALIZATION_FORMAT"`
	Lifetime   float64 `json:"PERMANENT_SESSION_LIFETIME"`
	Refresh    bool    `json:"SESSION_REFRESH_EACH_REQUEST"`
	SecretKey  any     `json:"SECRET_KEY"`
	CookieName string  `json:"SESSION_COOKIE_NAME"`
	Domain     *string `json:"SESSION_COOKIE_DOMAIN"`
	HTTPOnly   bool    `json:"SESSION_COOKIE_HTTPONLY"`
	Secure     bool    `json:"SESSION_COOKIE_SECURE"`
	SameSite   *string `json:"SESSION_COOKIE_SAMESITE"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// compare checks the Options Go loaded against what Flask loaded.
func compare(t *testing.T, o flasksession.Options, p pyConfig) {
	t.Helper()
	b := func(q *bool, def bool) bool {
		if q == nil {
			return def
		}
		return *q
	}
	lifetime := o.PermanentSessionLifetime
	if lifetime == 0 {
		lifetime = flasksession.DefaultLifetime
	}
	if lifetime != time.Duration(p.Lifetime*float64(time.Second)) {
		t.Errorf("lifetime: Go %v, Flask %vs", lifetime, p.Lifetime)
	}
	if b(o.RefreshEachRequest, true) != p.Refresh || b(o.CookieHTTPOnly, true) != p.HTTPOnly || o.CookieSecure != p.Secure {
		t.Errorf("cookie flags: Go %+v, Flask %+v", o, p)
	}
	if p.Permanent != nil && b(o.Permanent, true) != *p.Permanent {
		t.Errorf("permanent: Go %v, Flask %v", o.Permanent, *p.Permanent)
	}
	if p.UseSigner != nil && o.UseSigner != *p.UseSigner {
		t.Errorf("use signer: Go %v, Flask %v", o.UseSigner, *p.UseSigner)
	}
	if p.KeyPrefix != nil && (o.KeyPrefix == nil || *o.KeyPrefix != *p.KeyPrefix) {
		t.Errorf("key prefix: Go %v, Flask %q", o.KeyPrefix, *p.KeyPrefix)
	}
	if p.IDLength != nil && o.IDLength != *p.IDLength {
		t.Errorf("id length: Go %d, Flask %d", o.IDLength, *p.IDLength)
	}
	if str(p.Format) != string(o.SerializationFormat) || str(p.Domain) != o.CookieDomain || str(p.SameSite) != o.CookieSameSite {
		t.Errorf("Go %+v, Flask %+v", o, p)
	}
	if s, _ := p.SecretKey.(string); s != o.SecretKey {
		t.Errorf("secret key: Go %q, Flask %v", o.SecretKey, p.SecretKey)
	}
	if p.CookieName != "session" && p.CookieName != o.CookieName {
		t.Errorf("cookie name: Go %q, Flask %q", o.CookieName, p.CookieName)
	}
}

func TestOptionsFromTOMLLikeFlask(t *testing.T) {
	h := pyharness.Start(t, "fs08")
	text := `
SECRET_KEY = "s3cret ✓"
SESSION_TYPE = "redis"
SESSION_PERMANENT = false
SESSION_USE_SIGNER = true
SESSION_KEY_PREFIX = ""
SESSION_ID_LENGTH = 24
SESSION_SERIALIZATION_FORMAT = "json"
PERMANENT_SESSION_LIFETIME = 7200
SESSION_REFRESH_EACH_REQUEST = false
SESSION_COOKIE_NAME = "sid"
SESSION_COOKIE_DOMAIN = "example.org"
SESSION_COOKIE_SECURE = true
SESSION_COOKIE_HTTPONLY = false
SESSION_COOKIE_SAMESITE = "Strict"
FLASKBRIDGE_SESSION_COMPAT = "0.8.0"
`
	o, err := flasksession.OptionsFromTOML([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	var p pyConfig
	h.MustCall(t, "fsession.load_config", map[string]any{"kind": "toml", "text": text}, &p)
	compare(t, o, p)
	if o.Type != "redis" || o.Compat != flasksession.Compat08 || o.KeyPrefix == nil || *o.KeyPrefix != "" {
		t.Errorf("%+v", o)
	}
	if _, err := flasksession.New(newMem(), o); err != nil {
		t.Fatal(err)
	}
}

func TestOptionsFromJSONDump(t *testing.T) {
	h := pyharness.Start(t, "fs06")
	var dump string
	h.MustCall(t, "fsession.dump_config", map[string]any{"config": map[string]any{
		"PERMANENT_SESSION_LIFETIME": 26*3600 + 5, "SESSION_USE_SIGNER": true, "SECRET_KEY": "k",
		"SESSION_COOKIE_SAMESITE": "Lax", "SESSION_ID_LENGTH": 16,
	}}, &dump)
	o, err := flasksession.OptionsFromJSON([]byte(dump))
	if err != nil {
		t.Fatal(err)
	}
	// The dump holds str(timedelta), which Flask cannot load back; Flask
	// loads the same config with the lifetime in seconds.
	var m map[string]any
	json.Unmarshal([]byte(dump), &m)
	m["PERMANENT_SESSION_LIFETIME"] = 26*3600 + 5
	text, _ := json.Marshal(m)
	var p pyConfig
	h.MustCall(t, "fsession.load_config", map[string]any{"kind": "json", "text": string(text)}, &p)
	compare(t, o, p)
}

// TestBytesSecretKeyFromJSONDump: a bytes SECRET_KEY (os.urandom) dumped
// with default=str signs session ids as Flask-Session does with the bytes.
func TestBytesSecretKeyFromJSONDump(t *testing.T) {
	h := pyharness.Start(t, "fs08")
	const keyHex = "8f00ff27225c6e41"
	var dump string
	h.MustCall(t, "fsession.dump_config", map[string]any{"config": map[string]any{"SECRET_KEY_HEX": keyHex}}, &dump)
	o, err := flasksession.OptionsFromJSON([]byte(dump))
	if err != nil {
		t.Fatal(err)
	}
	var want string
	h.MustCall(t, "fsession.sign", map[string]any{"secret_key": "", "secret_key_hex": keyHex, "sid": "abc"}, &want)
	got, err := flasksession.SignID(o.SecretKey, "abc")
	if err != nil || got != want {
		t.Fatalf("dump %s: Go signs %q, Python %q (%v)", dump, got, want, err)
	}
}

func TestOptionsFromEnvLikeFlask(t *testing.T) {
	h := pyharness.Start(t, "fs08")
	env := map[string]string{
		"FLASK_SECRET_KEY":                   "from env",
		"FLASK_SESSION_PERMANENT":            "false",
		"FLASK_SESSION_USE_SIGNER":           "true",
		"FLASK_PERMANENT_SESSION_LIFETIME":   "600",
		"FLASK_SESSION_ID_LENGTH":            "40",
		"FLASK_SESSION_KEY_PREFIX":           "app:",
		"FLASK_SESSION_COOKIE_SECURE":        "true",
		"FLASK_SESSION_REFRESH_EACH_REQUEST": "false",
	}
	o, err := flasksession.OptionsFromEnv("FLASK_", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	text, _ := json.Marshal(env)
	var p pyConfig
	h.MustCall(t, "fsession.load_config", map[string]any{"kind": "env", "text": string(text)}, &p)
	compare(t, o, p)
}

func TestOptionsErrors(t *testing.T) {
	for _, text := range []string{
		`{"SESSION_PERMANENT": "maybe"}`,
		`{"SESSION_ID_LENGTH": 1.5}`,
		`{"PERMANENT_SESSION_LIFETIME": "forever"}`,
		`{"PERMANENT_SESSION_LIFETIME": -1}`,
		`{"FLASKBRIDGE_SESSION_COMPAT": "0.9"}`,
		`[1]`,
	} {
		if _, err := flasksession.OptionsFromJSON([]byte(text)); !errors.Is(err, flasksession.ErrConfig) {
			t.Errorf("%s: %v", text, err)
		}
	}
	for text, want := range map[string]time.Duration{
		`{"PERMANENT_SESSION_LIFETIME": "31 days, 0:00:00"}`: 31 * 24 * time.Hour,
		`{"PERMANENT_SESSION_LIFETIME": "1:02:03.5"}`:        time.Hour + 2*time.Minute + 3500*time.Millisecond,
		`{"PERMANENT_SESSION_LIFETIME": "90m"}`:              90 * time.Minute,
		`{"PERMANENT_SESSION_LIFETIME": 86400.0}`:            24 * time.Hour,
	} {
		o, err := flasksession.OptionsFromJSON([]byte(text))
		if err != nil || o.PermanentSessionLifetime != want {
			t.Errorf("%s: %v %v", text, o.PermanentSessionLifetime, err)
		}
	}
	for v, want := range map[string]flasksession.Compat{"0.3.2": flasksession.Compat05, "0.5": flasksession.Compat05, "0.6.0": flasksession.Compat06, "v0.7.0": flasksession.Compat08} {
		if c, err := flasksession.ParseCompat(v); err != nil || c != want {
			t.Errorf("ParseCompat(%q) = %v %v", v, c, err)
		}
	}
}
