package flasksession

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/flaskbridge/flaskbridge/py"
)

// CompatKey is the config key (and environment variable) that names the
// Flask-Session version the Python side runs ("0.4.1", "0.8"), from which
// the loaders set Options.Compat. It is not a Flask key; Flask ignores it.
const CompatKey = "FLASKBRIDGE_SESSION_COMPAT"

// configKeys are the keys the loaders read, with their kinds.
var configKeys = map[string]byte{
	CompatKey:                      's',
	"SESSION_TYPE":                 's',
	"SESSION_PERMANENT":            'b',
	"SESSION_USE_SIGNER":           'b',
	"SESSION_KEY_PREFIX":           's',
	"SESSION_ID_LENGTH":            'i',
	"SESSION_SERIALIZATION_FORMAT": 's',
	"PERMANENT_SESSION_LIFETIME":   'd',
	"SESSION_REFRESH_EACH_REQUEST": 'b',
	"SECRET_KEY":                   's',
	"SESSION_COOKIE_NAME":          's',
	"SESSION_COOKIE_DOMAIN":        's',
	"SESSION_COOKIE_PATH":          's',
	"APPLICATION_ROOT":             's',
	"SESSION_COOKIE_HTTPONLY":      'b',
	"SESSION_COOKIE_SECURE":        'b',
	"SESSION_COOKIE_SAMESITE":      's',
}

// ConfigKeys returns the config keys the loaders read, sorted.
func ConfigKeys() []string {
	keys := make([]string, 0, len(configKeys))
	for k := range configKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// OptionsFromConfig returns the Options a Flask config sets, given as the
// values a JSON or TOML dump of app.config holds: str, bool, int or float,
// null (Python None, which leaves a key at its default or, for the cookie
// domain and SameSite, unset). A bytes SECRET_KEY may be given as its repr
// (b'\x8f...'), as json.dumps(..., default=str) writes it. PERMANENT_SESSION_LIFETIME may be a number
// of seconds, str(timedelta) ("31 days, 0:00:00") or a Go duration
// ("744h"). Keys the Manager does not use (SESSION_REDIS, ...) are ignored.
func OptionsFromConfig(cfg map[string]any) (Options, error) {
	var o Options
	for key, kind := range configKeys {
		v, ok := cfg[key]
		if !ok || v == nil {
			continue
		}
		if err := o.set(key, kind, v); err != nil {
			return Options{}, err
		}
	}
	return o, nil
}

func (o *Options) set(key string, kind byte, v any) error {
	bad := func() error {
		return fmt.Errorf("%w: %s = %v (%T)", ErrConfig, key, v, v)
	}
	var (
		s string
		b bool
		i int
		d time.Duration
	)
	switch kind {
	case 's':
		switch x := v.(type) {
		case string:
			s = x
		case bool:
			if x {
				return bad()
			}
			return nil // SESSION_COOKIE_DOMAIN = False: none
		default:
			return bad()
		}
	case 'b':
		x, ok := v.(bool)
		if !ok {
			if n, isNum := number(v); isNum && (n == 0 || n == 1) {
				x, ok = n == 1, true
			}
		}
		if !ok {
			return bad()
		}
		b = x
	case 'i':
		n, ok := number(v)
		if !ok || n != math.Trunc(n) || n < 0 || n > 1<<20 {
			return bad()
		}
		i = int(n)
	case 'd':
		var err error
		if d, err = parseLifetime(v); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrConfig, key, err)
		}
	}
	switch key {
	case CompatKey:
		c, err := ParseCompat(s)
		if err != nil {
			return err
		}
		o.Compat = c
	case "SESSION_TYPE":
		o.Type = s
	case "SESSION_PERMANENT":
		o.Permanent = Bool(b)
	case "SESSION_USE_SIGNER":
		o.UseSigner = b
	case "SESSION_KEY_PREFIX":
		o.KeyPrefix = String(s)
	case "SESSION_ID_LENGTH":
		o.IDLength = i
	case "SESSION_SERIALIZATION_FORMAT":
		o.SerializationFormat = Format(s)
	case "PERMANENT_SESSION_LIFETIME":
		o.PermanentSessionLifetime = d
	case "SESSION_REFRESH_EACH_REQUEST":
		o.RefreshEachRequest = Bool(b)
	case "SECRET_KEY":
		if k, ok := bytesRepr(s); ok {
			s = k
		}
		o.SecretKey = s
	case "SESSION_COOKIE_NAME":
		o.CookieName = s
	case "SESSION_COOKIE_DOMAIN":
		o.CookieDomain = s
	case "SESSION_COOKIE_PATH":
		o.CookiePath = s
	case "APPLICATION_ROOT":
		o.ApplicationRoot = s
	case "SESSION_COOKIE_HTTPONLY":
		o.CookieHTTPOnly = Bool(b)
	case "SESSION_COOKIE_SECURE":
		o.CookieSecure = b
	case "SESSION_COOKIE_SAMESITE":
		o.CookieSameSite = s
	}
	return nil
}

// bytesRepr reads a bytes SECRET_KEY as json.dumps(config, default=str)
// writes it: the repr text b'...'.
func bytesRepr(s string) (string, bool) {
	if len(s) < 3 || s[0] != 'b' || (s[1] != '\'' && s[1] != '"') || s[len(s)-1] != s[1] {
		return "", false
	}
	v, err := py.ParseLiteral(s)
	if err != nil {
		return "", false
	}
	b, ok := v.(py.Bytes)
	return string(b), ok
}

// number returns v as a float64 when it is a JSON or TOML number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// timedeltaRE matches str(timedelta): "[D day[s], ]H:MM:SS[.ffffff]".
var timedeltaRE = regexp.MustCompile(`^(?:(-?\d+) days?, )?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?$`)

// parseLifetime reads PERMANENT_SESSION_LIFETIME: seconds, str(timedelta)
// or a Go duration.
func parseLifetime(v any) (time.Duration, error) {
	if n, ok := number(v); ok {
		if n <= 0 || n > float64(math.MaxInt64/int64(time.Second)) || math.IsNaN(n) {
			return 0, fmt.Errorf("lifetime %v seconds", n)
		}
		return time.Duration(n * float64(time.Second)), nil
	}
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("lifetime %v (%T)", v, v)
	}
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return parseLifetime(n)
	}
	if m := timedeltaRE.FindStringSubmatch(s); m != nil {
		days, _ := strconv.ParseInt(m[1], 10, 64)
		h, _ := strconv.ParseInt(m[2], 10, 64)
		mi, _ := strconv.ParseInt(m[3], 10, 64)
		sec, _ := strconv.ParseInt(m[4], 10, 64)
		total := ((days*24+h)*60+mi)*60 + sec
		if days > 999999999 || total <= 0 {
			return 0, fmt.Errorf("lifetime %q", s)
		}
		d := time.Duration(total) * time.Second
		if m[5] != "" {
			us, _ := strconv.ParseInt((m[5] + "00000")[:6], 10, 64)
			d += time.Duration(us) * time.Microsecond
		}
		return d, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("lifetime %q: want seconds, str(timedelta) or a Go duration", s)
	}
	return d, nil
}

// OptionsFromJSON reads Options from a JSON object of Flask config keys,
// such as json.dumps({k: v for k, v in app.config.items() if ...},
// default=str) writes.
func OptionsFromJSON(data []byte) (Options, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var cfg map[string]any
	if err := dec.Decode(&cfg); err != nil {
		return Options{}, fmt.Errorf("%w: JSON config: %w", ErrConfig, err)
	}
	return OptionsFromConfig(cfg)
}

// OptionsFromTOML reads Options from a TOML document of Flask config keys,
// as Flask's app.config.from_file("config.toml", load=tomllib.load) reads
// it.
func OptionsFromTOML(data []byte) (Options, error) {
	var cfg map[string]any
	if err := toml.Unmarshal(data, &cfg); err != nil {
		return Options{}, fmt.Errorf("%w: TOML config: %w", ErrConfig, err)
	}
	return OptionsFromConfig(cfg)
}

// OptionsFromEnv reads Options from environment variables named
// prefix + key (SESSION_TYPE, or FLASK_SESSION_TYPE with prefix "FLASK_"
// as Flask's app.config.from_prefixed_env reads them). Values are parsed
// as JSON where the key wants a bool or a number, as from_prefixed_env
// does, and "yes"/"no"/"on"/"off" are also read as bools; str keys take the
// text as it is. lookup is os.LookupEnv, or a stand-in in tests.
func OptionsFromEnv(prefix string, lookup func(string) (string, bool)) (Options, error) {
	cfg := make(map[string]any)
	for key, kind := range configKeys {
		text, ok := lookup(prefix + key)
		if !ok {
			continue
		}
		var v any = text
		switch kind {
		case 'b':
			switch strings.ToLower(strings.TrimSpace(text)) {
			case "true", "1", "yes", "on":
				v = true
			case "false", "0", "no", "off", "":
				v = false
			}
		case 'i', 'd':
			var n json.Number
			if err := json.Unmarshal([]byte(text), &n); err == nil {
				v = n
			}
		}
		cfg[key] = v
	}
	return OptionsFromConfig(cfg)
}
