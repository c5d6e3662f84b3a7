package flaskcookie

import "errors"

// The errors of this package, for errors.Is. Each comes wrapped with the
// detail (which part of the cookie, at what offset).
//
// In Flask, a cookie whose signature does not verify (ErrBadSignature), that
// is too old (ErrExpired) or signed in the future (ErrFutureTimestamp) gives
// an empty session: itsdangerous raises a BadSignature subclass, which
// open_session catches. A cookie whose signature verifies but whose payload
// cannot be read (ErrMalformed) makes itsdangerous raise BadPayload, which
// Flask does not catch: the request fails with a 500. ErrPayloadTooLarge is
// a limit of this package; Python has none.
var (
	// ErrBadSignature reports a value whose signature matches none of the
	// keys, that has no signature or no timestamp, or whose timestamp
	// cannot be read (itsdangerous's BadSignature and BadTimeSignature).
	ErrBadSignature = errors.New("flaskcookie: bad signature")
	// ErrExpired reports a signature older than the maximum age
	// (itsdangerous's SignatureExpired, "age > max_age"). A signature
	// exactly max_age seconds old is still valid.
	ErrExpired = errors.New("flaskcookie: signature expired")
	// ErrFutureTimestamp reports a signature whose timestamp is later than
	// now: itsdangerous 2.x raises SignatureExpired ("age < 0") for it.
	ErrFutureTimestamp = errors.New("flaskcookie: signature timestamp is in the future")
	// ErrMalformed reports a payload that cannot be read although its
	// signature verifies (itsdangerous's BadPayload): bad base64, bad zlib
	// data, bad JSON, a tag whose value does not fit it, or a timestamp
	// beyond what Python's datetime holds. It also reports a cookie that
	// is not even shaped like a signed value when no key is given.
	ErrMalformed = errors.New("flaskcookie: malformed payload")
	// ErrPayloadTooLarge reports a cookie longer than the configured limit
	// or a payload that inflates beyond it (a zlib bomb).
	ErrPayloadTooLarge = errors.New("flaskcookie: payload too large")
	// ErrNoSecretKey reports a codec without a secret key: Flask refuses
	// to sign or open sessions when SECRET_KEY is unset or empty.
	ErrNoSecretKey = errors.New("flaskcookie: no secret key")
	// ErrUnsupported reports a value the tagged JSON cannot hold, where
	// Flask raises TypeError (a set, a bytearray, a time, a dict key that
	// is not str, int, float, bool or None, ...), or an int too long for
	// Python to print.
	ErrUnsupported = errors.New("flaskcookie: value cannot be serialized")
)
