// Package flaskwtf checks and makes the CSRF tokens of Flask-WTF 1.x, so
// that a form rendered by Flask can be posted to Go and the other way round.
//
// Flask-WTF keeps a raw token in the session (session["csrf_token"], 40 hex
// digits of SHA-1 over random bytes) and puts a signed form of it in forms:
// itsdangerous's URLSafeTimedSerializer(WTF_CSRF_SECRET_KEY or SECRET_KEY,
// salt="wtf-csrf-token").dumps(raw), that is the JSON string, base64url,
// a timestamp and an HMAC-SHA1 signature with the django-concat key
// derivation. A posted token is valid when its signature verifies, it is
// no older than WTF_CSRF_TIME_LIMIT (3600 s), and it carries the raw token
// of the session.
//
// A CSRF works on the session of package chimw's middleware:
//
//	csrf, _ := flaskwtf.New(flaskwtf.Options{SecretKey: []byte("...")})
//	r.Use(sessions.Handler)
//	r.With(csrf.Protect).Post("/transfer", handler) // CSRFProtect for this route
//	token, err := csrf.Token(r)                      // generate_csrf(), for a form
package flaskwtf

import (
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flaskbridge/flaskbridge"
	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/py"
)

// Flask-WTF's defaults.
const (
	DefaultFieldName = "csrf_token"
	DefaultTimeLimit = 3600 * time.Second
	// Salt is the salt Flask-WTF signs tokens with.
	Salt = "wtf-csrf-token"
)

// DefaultHeaders are WTF_CSRF_HEADERS' default: the request headers a
// token may come in.
var DefaultHeaders = []string{"X-CSRFToken", "X-CSRF-Token"}

// DefaultMethods are WTF_CSRF_METHODS' default: the methods Protect
// checks.
var DefaultMethods = []string{"POST", "PUT", "PATCH", "DELETE"}

// The reasons a token is refused, for errors.Is; Reason gives the message
// Flask-WTF's CSRFError carries for each.
var (
	ErrMissing        = errors.New("flaskwtf: the CSRF token is missing")
	ErrSessionMissing = errors.New("flaskwtf: the CSRF session token is missing")
	ErrExpired        = errors.New("flaskwtf: the CSRF token has expired")
	ErrInvalid        = errors.New("flaskwtf: the CSRF token is invalid")
	ErrMismatch       = errors.New("flaskwtf: the CSRF tokens do not match")
	ErrNoReferrer     = errors.New("flaskwtf: the referrer header is missing")
	ErrBadReferrer    = errors.New("flaskwtf: the referrer does not match the host")
	// ErrConfig reports options that cannot be used.
	ErrConfig = errors.New("flaskwtf: bad configuration")
)

// reasons are Flask-WTF's messages.
var reasons = [...]struct {
	err error
	msg string
}{
	{ErrMissing, "The CSRF token is missing."},
	{ErrSessionMissing, "The CSRF session token is missing."},
	{ErrExpired, "The CSRF token has expired."},
	{ErrInvalid, "The CSRF token is invalid."},
	{ErrMismatch, "The CSRF tokens do not match."},
	{ErrNoReferrer, "The referrer header is missing."},
	{ErrBadReferrer, "The referrer does not match the host."},
}

// Options configure a CSRF. Each field names the Flask-WTF config key it
// mirrors, and its zero value means that key's default.
type Options struct {
	// SecretKey is WTF_CSRF_SECRET_KEY, or SECRET_KEY when that is not
	// set: a str key as its UTF-8 bytes, a bytes key as it is. Required.
	SecretKey []byte
	// FieldName is WTF_CSRF_FIELD_NAME (default "csrf_token"): the form
	// field and the session key.
	FieldName string
	// TimeLimit is WTF_CSRF_TIME_LIMIT (default 3600 s, whole seconds); a
	// negative value is Python's None: no limit.
	TimeLimit time.Duration
	// Headers is WTF_CSRF_HEADERS (default X-CSRFToken, X-CSRF-Token).
	Headers []string
	// Methods is WTF_CSRF_METHODS (default POST, PUT, PATCH, DELETE).
	Methods []string
	// NoSSLStrict turns WTF_CSRF_SSL_STRICT off: by default, a request
	// over HTTPS must carry a Referer of the same origin as its Host.
	NoSSLStrict bool
	// IsSecure tells whether a request came over HTTPS (Flask's
	// request.is_secure); nil means r.TLS != nil. Behind a proxy that
	// ends TLS, tell it as werkzeug's ProxyFix would.
	IsSecure func(r *http.Request) bool
	// ErrorHandler answers a request Protect refuses; err wraps one of
	// the Err* reasons. Nil answers 400 Bad Request with the reason, as
	// Flask-WTF's CSRFError does.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// CSRF checks and makes Flask-WTF CSRF tokens. It is safe for concurrent
// use.
type CSRF struct {
	signer   *flaskcookie.TimestampSigner
	field    string
	limit    time.Duration
	headers  []string
	methods  []string
	strict   bool
	isSecure func(r *http.Request) bool
	onError  func(w http.ResponseWriter, r *http.Request, err error)
	now      func() time.Time
}

// New returns a CSRF for o.
func New(o Options) (*CSRF, error) {
	if len(o.SecretKey) == 0 {
		return nil, fmt.Errorf("%w: a secret key is required to use CSRF", ErrConfig)
	}
	c := &CSRF{
		field: o.FieldName, limit: o.TimeLimit, headers: o.Headers, methods: o.Methods,
		strict: !o.NoSSLStrict, isSecure: o.IsSecure, onError: o.ErrorHandler, now: o.Now,
	}
	if c.field == "" {
		c.field = DefaultFieldName
	}
	switch {
	case c.limit == 0:
		c.limit = DefaultTimeLimit
	case c.limit < 0:
		c.limit = flaskcookie.NoMaxAge
	}
	if c.headers == nil {
		c.headers = DefaultHeaders
	}
	if c.methods == nil {
		c.methods = DefaultMethods
	}
	if c.isSecure == nil {
		c.isSecure = func(r *http.Request) bool { return r.TLS != nil }
	}
	if c.onError == nil {
		c.onError = func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, "Bad Request: "+reason(err), http.StatusBadRequest)
		}
	}
	if c.now == nil {
		c.now = time.Now
	}
	var err error
	c.signer, err = flaskcookie.NewTimestampSigner(flaskcookie.TimestampSignerOptions{
		SignerOptions: flaskcookie.SignerOptions{SecretKeys: [][]byte{o.SecretKey}, Salt: []byte(Salt)},
		Now:           c.now,
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// reason is the Flask-WTF message of a refusal.
func reason(err error) string {
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.msg
		}
	}
	return err.Error()
}

// Reason returns the message Flask-WTF gives for a refusal ("The CSRF token
// is missing.", "The CSRF tokens do not match.", ...), or err's text for
// another error.
func Reason(err error) string { return reason(err) }

// FieldName returns WTF_CSRF_FIELD_NAME.
func (c *CSRF) FieldName() string { return c.field }

// NewRaw returns a new raw token, as Flask-WTF makes them:
// hashlib.sha1(os.urandom(64)).hexdigest().
func NewRaw() string {
	var b [64]byte
	_, _ = rand.Read(b[:])
	sum := sha1.Sum(b[:])
	return hex.EncodeToString(sum[:])
}

// Sign returns the signed token for a raw token at time t:
// URLSafeTimedSerializer(key, salt="wtf-csrf-token").dumps(raw). For raw
// tokens as Flask-WTF makes them (40 hex digits, which zlib never
// shortens) it is itsdangerous's token byte for byte; other text that zlib
// would shorten is written uncompressed, which itsdangerous reads all the
// same.
func (c *CSRF) Sign(raw string, t time.Time) (string, error) {
	js := appendJSONString(make([]byte, 0, len(raw)+8), raw)
	payload := base64url(make([]byte, 0, 4*len(js)/3+48), js)
	out, err := c.signer.AppendSignAt(nil, payload, t)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// Verify checks a signed token's signature and age (at most TimeLimit, as
// itsdangerous counts it) and returns the raw token it carries. The errors
// are ErrExpired (too old, or signed in the future) and ErrInvalid (any
// other fault).
func (c *CSRF) Verify(token string) (string, error) {
	if len(token) > maxToken {
		return "", fmt.Errorf("%w (a token of %d bytes)", ErrInvalid, len(token))
	}
	payload, _, err := c.signer.Unsign([]byte(token), c.limit)
	if err != nil {
		if errors.Is(err, flaskcookie.ErrExpired) || errors.Is(err, flaskcookie.ErrFutureTimestamp) {
			return "", fmt.Errorf("%w (%w)", ErrExpired, err)
		}
		return "", fmt.Errorf("%w (%w)", ErrInvalid, err)
	}
	v, err := loadPayload(payload)
	if err != nil {
		return "", fmt.Errorf("%w (%w)", ErrInvalid, err)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w (the token holds %s, not str)", ErrInvalid, py.TypeName(v))
	}
	return s, nil
}

// Token returns a token for a form of r, as generate_csrf() does: the
// session's raw token (a new one is stored when the session has none, or
// holds something else than a str) signed now. Each call signs anew; all
// the tokens of a session are valid.
func (c *CSRF) Token(r *http.Request) (string, error) {
	s := chimw.Session(r)
	if s == nil {
		return "", chimw.ErrNoSession
	}
	raw, ok := rawOf(s, c.field)
	if !ok {
		raw = NewRaw()
		if err := s.Set(c.field, raw); err != nil {
			return "", err
		}
	}
	return c.Sign(raw, c.now())
}

func rawOf(s *flaskbridge.Session, field string) (string, bool) {
	v, ok := s.Get(field)
	if !ok {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case py.Markup:
		return string(x), true
	}
	return "", false
}

// Validate checks a token posted with r against r's session, as
// validate_csrf(token) does, and returns nil or an error wrapping one of
// ErrMissing, ErrSessionMissing, ErrExpired, ErrInvalid and ErrMismatch.
func (c *CSRF) Validate(r *http.Request, token string) error {
	if token == "" {
		return ErrMissing
	}
	s := chimw.Session(r)
	if s == nil {
		return chimw.ErrNoSession
	}
	if !s.Has(c.field) {
		return ErrSessionMissing
	}
	got, err := c.Verify(token)
	if err != nil {
		return err
	}
	raw, ok := rawOf(s, c.field)
	if !ok || subtle.ConstantTimeCompare([]byte(raw), []byte(got)) != 1 {
		return ErrMismatch
	}
	return nil
}

// TokenOf returns the token r carries, where CSRFProtect looks for it: the
// form field (or, for a form with a prefix, the first non-empty field whose
// name ends with the field name), then the headers in order. Reading the
// form parses a url-encoded or multipart body (r.ParseMultipartForm), which
// stays available to the handler in r.Form and r.MultipartForm.
func (c *CSRF) TokenOf(r *http.Request) string {
	form := c.postForm(r)
	if v := first(form[c.field]); v != "" {
		return v
	}
	keys := make([]string, 0, len(form))
	for k := range form {
		if strings.HasSuffix(k, c.field) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if v := first(form[k]); v != "" {
			return v
		}
	}
	for _, h := range c.headers {
		if v := r.Header.Get(h); v != "" {
			return v
		}
	}
	return ""
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// postForm is Flask's request.form: the fields of a url-encoded or
// multipart body, never the query string.
func (c *CSRF) postForm(r *http.Request) url.Values {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if r.MultipartForm == nil {
			_ = r.ParseMultipartForm(32 << 20)
		}
		if r.MultipartForm != nil {
			return r.MultipartForm.Value
		}
	case "application/x-www-form-urlencoded":
		_ = r.ParseForm()
		return r.PostForm
	}
	return nil
}

// Check is CSRFProtect.protect() for r: requests whose method is not in
// Methods pass; others must carry a valid token, and over HTTPS (unless
// NoSSLStrict) a Referer of the same origin as https://<Host>/.
func (c *CSRF) Check(r *http.Request) error {
	if !slices.Contains(c.methods, r.Method) {
		return nil
	}
	if err := c.Validate(r, c.TokenOf(r)); err != nil {
		return err
	}
	if c.strict && c.isSecure(r) {
		ref := r.Referer()
		if ref == "" {
			return ErrNoReferrer
		}
		if !sameOrigin(ref, "https://"+r.Host+"/") {
			return ErrBadReferrer
		}
	}
	return nil
}

// Protect is middleware that lets a request through to next only when
// Check passes, and answers it with the error handler otherwise, as
// CSRFProtect does for the routes it covers.
func (c *CSRF) Protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := c.Check(r); err != nil {
			c.onError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin is Flask-WTF's same_origin: urlparse's scheme, hostname
// (lowercased) and port (explicit only) all equal.
func sameOrigin(a, b string) bool {
	sa, ha, pa, okA := origin(a)
	sb, hb, pb, okB := origin(b)
	return okA && okB && sa == sb && ha == hb && pa == pb
}

func origin(s string) (scheme, host string, port int, ok bool) {
	u, err := url.Parse(s)
	if err != nil {
		return "", "", 0, false
	}
	port = -1
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return "", "", 0, false
		}
		port = n
	}
	return strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), port, true
}
