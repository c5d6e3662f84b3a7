// Package flasksession opens and saves Flask-Session's server-side
// sessions, so that a Go service and a Flask app share them: the same
// cookie, the same store entry, the same bytes.
//
// A Manager follows one Flask-Session line (Options.Compat):
//
//	line      session id                       value                      empty when          unknown id
//	0.3–0.5   str(uuid4())                     pickle                     no keys             kept
//	0.6       token_urlsafe(SESSION_ID_LENGTH)  pickle                     no keys but         kept
//	                                                                       "_permanent"
//	0.7–0.8   token_urlsafe(SESSION_ID_LENGTH)  msgspec msgpack or JSON    as 0.6              replaced
//	                                           (pickle still read)
//
// With SESSION_USE_SIGNER the cookie holds the id signed by itsdangerous's
// Signer with the salt "flask-session" (see SignID), and a cookie whose
// signature does not verify starts a new session.
//
// The store is written as the line writes it (0.3–0.5 on every request,
// 0.6 when Flask's should_set_cookie holds, 0.7+ when the session was
// modified or SESSION_REFRESH_EACH_REQUEST is set) with one difference:
// where Python would write the unchanged value back only to push its
// expiry, the Manager asks the store to extend the expiry (Toucher), so a
// Go request that only read a session never overwrites what a Python
// request wrote meanwhile, nor brings back an entry a logout removed
// meanwhile (Outcome.Gone: nothing stored, no cookie). With
// Options.RefreshOnLoad and Redis, the expiry is extended in the load's own
// round trip instead (one round trip per request that only reads, not
// two), at the price of not seeing such a logout (the entry stays removed,
// but the cookie is sent). An emptied session
// is deleted from the store and its cookie removed. Regenerate gives a
// session a new id after a login.
//
// Two requests of one user that change the session at the same time each
// write the whole session, Python's and Go's alike, so the later one drops
// what the earlier one changed. Options.MergeWrites (Go only) writes with
// compare-and-swap instead and, when the entry changed since it was read,
// applies the request's own changes to it key by key; docs/reliability.md
// measures both.
//
// Reading never turns a failure into an empty session: a store that fails
// gives ErrStore, a value that cannot be read ErrCorrupt, a value over
// Options.MaxValueSize ErrTooLarge (with one of the two). (Flask-Session 0.3
// to 0.6 start an empty session when a value does not unpickle, and write
// it over the stored one at the end of the request.)
//
// Stores are small packages: flasksession/redisstore (standalone Redis,
// Sentinel and Redis Cluster), flasksession/filestore (cachelib's
// FileSystemCache directory), flasksession/memcachedstore and
// flasksession/sqlstore (Flask-Session's SQLAlchemy table on PostgreSQL,
// MySQL/MariaDB and SQLite). There is no MongoDB store. Options can be loaded from the Flask config
// itself (OptionsFromJSON, OptionsFromTOML, OptionsFromEnv) so one config
// serves both sides.
//
// msgspec, and so Flask-Session 0.7+, refuses markupsafe.Markup values (a
// flashed Markup message makes the Python side fail to save the session).
// The Manager does the same by default (ErrSerialize); Options.MarkupAsStr
// writes them as plain str instead.
package flasksession
