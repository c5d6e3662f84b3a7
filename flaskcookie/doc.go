// Package flaskcookie reads and writes Flask's default session cookie, byte
// for byte as Flask 2.x and 3.x write it (and Flask 1.x with
// Options.Flask1, or Options.Werkzeug0 when it runs Werkzeug before 1.0), so
// that a Go service and a Flask app share their users' sessions.
//
// It holds three layers, each usable on its own:
//
//   - Signer and TimestampSigner, Go versions of itsdangerous's signers
//     (any salt, the key derivations hmac, concat, django-concat and none,
//     any hash, key rotation, max age and future timestamps as itsdangerous
//     2.x checks them, and the 1.x age check and 0.x epoch as options).
//   - Flask's tagged JSON (flask/json/tag.py): MarshalTagged and
//     UnmarshalTagged write and read the JSON text of a session exactly as
//     Flask does inside an app context, with the tags for tuples, bytes,
//     Markup, UUIDs and datetimes and the " di" escape; MarshalJSON and
//     UnmarshalJSON are Flask's plain app.json.dumps and loads.
//   - Codec, the cookie of SecureCookieSessionInterface: signing with
//     SECRET_KEY, verifying with SECRET_KEY_FALLBACKS too, the
//     "cookie-session" salt, PERMANENT_SESSION_LIFETIME as the maximum age,
//     zlib compression when it pays, and limits Python does not have.
//
// Values are those of package py: a session is a *py.Dict.
//
// # Byte for byte
//
// For the same session and time, Codec writes the cookie Flask writes,
// compressed or not: the JSON text follows CPython's json module (sorted
// keys, ASCII escapes, Python's float repr), and the compressor writes the
// very bytes of zlib's default level, which also makes the choice to
// compress (when it saves more than one byte) the same as Flask's.
//
// # Errors as Flask sees them
//
// Flask opens an empty session for a cookie that fails verification
// (ErrBadSignature, ErrExpired, ErrFutureTimestamp), but fails the request
// for a cookie whose signature verifies and whose payload it cannot read
// (ErrMalformed: itsdangerous raises BadPayload). Codec.Load follows Flask;
// Codec.Decode reports each case.
//
// # Limits
//
// Python has no limit on what a cookie inflates to; a 40 KB cookie can hold
// a 30 MB payload. A Codec refuses cookies over 64 KiB, payloads that
// inflate past 1 MiB and JSON nested deeper than 500 levels, by default
// (see Options), and the decoders never panic on any input.
package flaskcookie
