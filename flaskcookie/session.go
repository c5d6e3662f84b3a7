package flaskcookie

import (
	"errors"
	"time"

	"github.com/flaskbridge/flaskbridge"
)

// Load opens the session of a request from its cookie value, as Flask's
// open_session does:
//
//   - no cookie (""): a new, empty session and no error;
//   - a cookie Flask would ignore (ErrBadSignature, ErrExpired,
//     ErrFutureTimestamp): a new, empty session, and the error, so that the
//     caller can carry on as Flask does and still log why;
//   - a cookie whose payload cannot be read (ErrMalformed, where Flask
//     fails the request) or that is too large (ErrPayloadTooLarge): a nil
//     session and the error.
func (c *Codec) Load(cookie string) (*flaskbridge.Session, error) {
	if cookie == "" {
		return flaskbridge.NewSession(), nil
	}
	d, err := c.Decode(cookie)
	if err != nil {
		if errors.Is(err, ErrBadSignature) || errors.Is(err, ErrExpired) || errors.Is(err, ErrFutureTimestamp) {
			return flaskbridge.NewSession(), err
		}
		return nil, err
	}
	return flaskbridge.SessionOf(d), nil
}

// Save returns the cookie value for the session now. Whether to set the
// cookie at all, and with which attributes, is the caller's business (see
// Flask's save_session: an emptied session deletes the cookie).
func (c *Codec) Save(s *flaskbridge.Session) (string, error) {
	return c.SaveAt(s, c.now())
}

// SaveAt returns the cookie value for the session signed at time t.
func (c *Codec) SaveAt(s *flaskbridge.Session, t time.Time) (string, error) {
	return c.EncodeAt(s.Dict(), t)
}
