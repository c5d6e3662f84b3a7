// Command flaskbridge reads and writes the sessions of a Flask app from the
// command line: it verifies and decodes Flask's signed session cookie, signs
// a session as Flask does, and converts a session between the formats
// Flask and Flask-Session store it in (Python literal, Flask's tagged JSON,
// JSON, pickle, msgspec's MessagePack and JSON), and reads, writes, lists
// and migrates Flask-Session's server-side sessions in the store a URL
// names (Redis, memcached, a cachelib directory, a SQL table).
//
// Usage:
//
//	flaskbridge cookie decode [--secret-key K | --secret-key-hex HEX] [--fallback-key K]...
//	    [--salt S] [--max-age SECONDS] [--now UNIX] [--format repr|json|tagged] COOKIE
//	flaskbridge cookie encode (--secret-key K | --secret-key-hex HEX) [--salt S]
//	    [--timestamp UNIX] [--from repr|tagged|json] < SESSION
//	flaskbridge convert --from FORMAT --to FORMAT [--hex | --base64] [--strict] < IN > OUT
//	flaskbridge session get --store URL [--key-prefix P] [--secret-key K]
//	    [--format repr|json|tagged] [--now UNIX] COOKIE_OR_SID
//	flaskbridge session set --store URL [--key-prefix P] [--secret-key K]
//	    [--compat 0.5|0.6|0.8] [--serializer pickle|msgpack|json] [--ttl SECONDS] [SID] < SESSION
//	flaskbridge session delete --store URL [--key-prefix P] [--secret-key K] COOKIE_OR_SID...
//	flaskbridge session list --store URL [--key-prefix P] [--pattern GLOB] [--count]
//	flaskbridge session migrate --store URL [--key-prefix P] --to msgpack|json|pickle [--dry-run]
//	flaskbridge --version
//
// Every command prints its flags and examples with --help. The exit status is
// 0 on success, 1 when the input is invalid (a bad signature, an expired
// cookie, malformed data) and 2 when the command line is wrong; a failure
// prints one line on stderr.
//
// Nothing in the input is ever executed: a pickle that would call a function
// decodes to an inert object, or is refused with convert --strict.
//
// The commands live in a table (commands in main.go), a group of commands
// in a file of its own (cookie.go, convert.go, session.go).
package main
