package sharedlogin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/flaskbridge/flaskbridge/flasksession"
)

// ConfigEnv names the environment variable that holds the path of the
// config file both apps read.
const ConfigEnv = "SHARED_LOGIN_CONFIG"

// EnvPrefix is the prefix of the environment variables that override the
// config file, as Flask's app.config.from_prefixed_env() reads them:
// FLASK_SECRET_KEY sets SECRET_KEY.
const EnvPrefix = "FLASK_"

// StoreKey is the config key that picks where the sessions live: "cookie"
// (Flask's signed cookie session, the default), a directory (Flask-Session
// over cachelib's FileSystemCache; relative to the config file's
// directory), or a redis:// or rediss:// URL (Flask-Session over Redis).
// It is this example's key, not Flask's; Flask ignores it.
const StoreKey = "SHARED_LOGIN_STORE"

// RefreshOnLoadKey is the config key that sets the Go front's
// flasksession.Options.RefreshOnLoad (Redis sessions: one round trip per
// request that only reads the session instead of two). It is this
// example's key; Flask ignores it.
const RefreshOnLoadKey = "SHARED_LOGIN_REFRESH_ON_LOAD"

// ErrConfig reports a config that cannot be used.
var ErrConfig = errors.New("sharedlogin: bad configuration")

// StoreKind is the kind of session store a Config names.
type StoreKind int

// The store kinds.
const (
	StoreCookie     StoreKind = iota // Flask's signed cookie session
	StoreFilesystem                  // Flask-Session, cachelib's FileSystemCache
	StoreRedis                       // Flask-Session, Redis
)

// String returns the kind's name as the pages show it.
func (k StoreKind) String() string {
	switch k {
	case StoreCookie:
		return "cookie"
	case StoreFilesystem:
		return "filesystem"
	case StoreRedis:
		return "redis"
	}
	return fmt.Sprintf("StoreKind(%d)", int(k))
}

// Config is what both apps share (read from one config file and the
// environment) and what only the Go front needs (the Flask app's URL).
type Config struct {
	// Session holds the Flask and Flask-Session keys the library reads:
	// SECRET_KEY, SESSION_COOKIE_*, PERMANENT_SESSION_LIFETIME,
	// SESSION_PERMANENT, SESSION_KEY_PREFIX, SESSION_USE_SIGNER, ...
	Session flasksession.Options
	// SecretKeyFallbacks is SECRET_KEY_FALLBACKS (Flask 3.1): older keys
	// that still verify session cookies while a new key is rolled out.
	SecretKeyFallbacks []string
	// Store is SHARED_LOGIN_STORE as given; StoreKind and StoreTarget are
	// what it names (the directory made absolute).
	Store       string
	StoreKind   StoreKind
	StoreTarget string
	// SessionProtection is Flask-Login's SESSION_PROTECTION.
	SessionProtection string
	// RememberCookieDuration is REMEMBER_COOKIE_DURATION (zero: Flask-Login's
	// default, 365 days).
	RememberCookieDuration time.Duration
	// RememberCookieSameSite and RememberCookieSecure are
	// REMEMBER_COOKIE_SAMESITE and REMEMBER_COOKIE_SECURE.
	RememberCookieSameSite string
	RememberCookieSecure   bool
	// CSRFTimeLimit is WTF_CSRF_TIME_LIMIT (zero: 3600 s; negative: none).
	CSRFTimeLimit time.Duration

	// FlaskURL is the Flask app the front proxies to, such as
	// "http://127.0.0.1:5000". Not read from the config file.
	FlaskURL string
	// FlaskOnly proxies every route to Flask, the Go routes included: the
	// rollback switch. Not read from the config file.
	FlaskOnly bool
}

// LoadConfig reads the config as the Flask app reads it: the TOML file at
// path (app.config.from_file(path, load=tomllib.load)), then every
// environment variable of environ (os.Environ()) that starts with FLASK_,
// its value parsed as JSON when it is JSON and kept as text otherwise
// (app.config.from_prefixed_env()). A relative store directory is taken
// from the config file's directory (symbolic links followed), as the Flask
// app takes it. An empty
// path reads the environment only.
func LoadConfig(path string, environ []string) (*Config, error) {
	raw := map[string]any{}
	dir := "."
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		if err := toml.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, path, err)
		}
		// The Flask app takes the directory of Path(path).resolve(): the
		// file's, symbolic links followed.
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		if dir, err = filepath.Abs(filepath.Dir(real)); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	overlayEnv(raw, environ)
	return configFrom(raw, dir)
}

// overlayEnv is Flask's from_prefixed_env for keys without "__".
func overlayEnv(raw map[string]any, environ []string) {
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, EnvPrefix) {
			continue
		}
		k = strings.TrimPrefix(k, EnvPrefix)
		if k == "" || strings.Contains(k, "__") {
			continue // nested keys set dict items in Flask; none is read here
		}
		raw[k] = jsonOrText(v)
	}
}

// jsonOrText is json.loads(text), or text itself when that fails. (Python
// also reads NaN and Infinity, which no key here takes.)
func jsonOrText(text string) any {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return text
	}
	if _, err := dec.Token(); err != io.EOF {
		return text // extra data
	}
	return v
}

func configFrom(raw map[string]any, dir string) (*Config, error) {
	so, err := flasksession.OptionsFromConfig(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if so.SecretKey == "" {
		return nil, fmt.Errorf("%w: SECRET_KEY is not set (export %sSECRET_KEY, the same for both apps)", ErrConfig, EnvPrefix)
	}
	c := &Config{Session: so}
	if c.SecretKeyFallbacks, err = stringList(raw, "SECRET_KEY_FALLBACKS"); err != nil {
		return nil, err
	}
	if c.Store, err = str(raw, StoreKey); err != nil {
		return nil, err
	}
	if c.SessionProtection, err = str(raw, "SESSION_PROTECTION"); err != nil {
		return nil, err
	}
	if c.RememberCookieSameSite, err = str(raw, "REMEMBER_COOKIE_SAMESITE"); err != nil {
		return nil, err
	}
	if c.RememberCookieSecure, err = boolean(raw, "REMEMBER_COOKIE_SECURE"); err != nil {
		return nil, err
	}
	if c.Session.RefreshOnLoad, err = boolean(raw, RefreshOnLoadKey); err != nil {
		return nil, err
	}
	if c.RememberCookieDuration, err = seconds(raw, "REMEMBER_COOKIE_DURATION"); err != nil {
		return nil, err
	}
	if c.CSRFTimeLimit, err = seconds(raw, "WTF_CSRF_TIME_LIMIT"); err != nil {
		return nil, err
	}
	if v, ok := raw["WTF_CSRF_TIME_LIMIT"]; ok && v == nil {
		c.CSRFTimeLimit = -1 // None: no limit
	}
	if err := c.SetStore(c.Store, dir); err != nil {
		return nil, err
	}
	return c, nil
}

// SetStore sets Store, StoreKind and StoreTarget from a SHARED_LOGIN_STORE
// value, a relative directory taken from dir.
func (c *Config) SetStore(store, dir string) error {
	c.Store = store
	switch {
	case store == "" || store == "cookie":
		c.StoreKind, c.StoreTarget = StoreCookie, ""
	case strings.HasPrefix(store, "redis://") || strings.HasPrefix(store, "rediss://"):
		c.StoreKind, c.StoreTarget = StoreRedis, store
	case strings.Contains(store, "://"):
		return fmt.Errorf("%w: %s = %q: want cookie, a directory, or a redis:// URL", ErrConfig, StoreKey, store)
	default:
		d := store
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrConfig, StoreKey, err)
		}
		c.StoreKind, c.StoreTarget = StoreFilesystem, abs
	}
	return nil
}

func str(raw map[string]any, key string) (string, error) {
	v, ok := raw[key]
	if !ok || v == nil {
		return "", nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", fmt.Errorf("%w: %s = %v (%T), want a string", ErrConfig, key, v, v)
	}
	return s, nil
}

func boolean(raw map[string]any, key string) (bool, error) {
	v, ok := raw[key]
	if !ok || v == nil {
		return false, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, fmt.Errorf("%w: %s = %v (%T), want a bool", ErrConfig, key, v, v)
	}
	return b, nil
}

func stringList(raw map[string]any, key string) ([]string, error) {
	v, ok := raw[key]
	if !ok || v == nil {
		return nil, nil
	}
	items, isList := v.([]any)
	if !isList {
		return nil, fmt.Errorf("%w: %s = %v (%T), want a list of strings", ErrConfig, key, v, v)
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		s, isStr := it.(string)
		if !isStr {
			return nil, fmt.Errorf("%w: %s[%d] = %v (%T), want a string", ErrConfig, key, i, it, it)
		}
		out = append(out, s)
	}
	return out, nil
}

// seconds reads a number of seconds (an int, as Flask-Login and Flask-WTF
// take it).
func seconds(raw map[string]any, key string) (time.Duration, error) {
	v, ok := raw[key]
	if !ok || v == nil {
		return 0, nil
	}
	var f float64
	switch x := v.(type) {
	case int64:
		f = float64(x)
	case float64:
		f = x
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			return 0, fmt.Errorf("%w: %s = %v: %w", ErrConfig, key, v, err)
		}
	default:
		return 0, fmt.Errorf("%w: %s = %v (%T), want a number of seconds", ErrConfig, key, v, v)
	}
	if f <= 0 || math.IsNaN(f) || f > float64(math.MaxInt64/int64(time.Second)) {
		return 0, fmt.Errorf("%w: %s = %v seconds", ErrConfig, key, v)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// Environ returns the environment variables that give the Flask app the
// same settings as c where they differ from the config file: the store
// (FLASK_SHARED_LOGIN_STORE). The secret key is never put there: pass it
// to both apps the same way, FLASK_SECRET_KEY.
func (c *Config) Environ() []string {
	if c.Store == "" {
		return nil
	}
	return []string{EnvPrefix + StoreKey + "=" + envText(c.Store)}
}

// envText returns s as an env value that from_prefixed_env reads back as
// the string s: s itself, or s as a JSON string when s would parse as
// something else.
func envText(s string) string {
	if v, ok := jsonOrText(s).(string); ok && v == s {
		return s
	}
	b, _ := json.Marshal(s)
	return string(b)
}
