package main

// The areas of the report: which benchmark rows they show and which
// comparisons they make, with the targets of the library.

var payloads = []string{"login", "cart", "history"}

func reportAreas() []area {
	return []area{
		{
			Title: "Flask session cookie",
			Intro: "Open is verify + decode: flaskcookie's `Codec.Decode` against Flask's " +
				"`get_signing_serializer(app).loads(cookie, max_age=...)` inside an app context (what " +
				"`open_session` calls). Save is `Codec.EncodeAt` against `.dumps(session)`. The floors are " +
				"what any Go reader of the same cookie must do with the standard library " +
				"(internal/perf): HMAC-SHA1 over the signed message with the derived key cached, " +
				"base64url decoding, and compress/zlib inflation (Flask compresses all three cookies: " +
				"each shrinks by more than a byte); encoding/json's Unmarshal into an `any` of the " +
				"same JSON is a reference for the JSON step (it knows nothing of Flask's tags).",
			Payloads: payloads,
			Rows: []row{
				{"perf/CookieOpen/{p}", "open: flaskcookie Codec.Decode"},
				{"py/cookie/open/{p}", "open: Flask 3.1 loads"},
				{"perf/Floor/{p}", "floor: HMAC + base64 + zlib"},
				{"perf/HMAC/{p}", "  HMAC-SHA1 verify"},
				{"perf/Base64/{p}", "  base64url decode"},
				{"perf/Inflate/{p}", "  compress/zlib inflate"},
				{"perf/JSON/{p}", "encoding/json Unmarshal (reference)"},
				{"perf/FloorJSON/{p}", "floor + encoding/json (reference)"},
				{"perf/CookieSave/{p}", "save: flaskcookie Codec.EncodeAt"},
				{"py/cookie/save/{p}", "save: Flask 3.1 dumps"},
			},
			Cmps: []cmp{
				{Name: "open vs Flask 3.1", Ours: "perf/CookieOpen/{p}", Other: "py/cookie/open/{p}", Way: otherOverOurs,
					PerPayload: map[string]float64{"login": 6, "cart": 6, "history": 4},
					Goal:       "cookie open ≥ 6× Flask (login, cart), ≥ 4× (history)"},
				{Name: "open vs stdlib floor", Ours: "perf/CookieOpen/{p}", Other: "perf/Floor/{p}", Way: oursOverOther, Target: 1.5,
					Goal: "cookie open within 1.5× of the stdlib floor"},
				{Name: "open vs floor + encoding/json", Ours: "perf/CookieOpen/{p}", Other: "perf/FloorJSON/{p}", Way: oursOverOther},
				{Name: "save vs Flask 3.1", Ours: "perf/CookieSave/{p}", Other: "py/cookie/save/{p}", Way: otherOverOurs, Target: 6,
					Goal: "cookie save ≥ 6× Flask"},
			},
		},
		{
			Title: "Pickle",
			Intro: "pickle's `Unmarshal` and `Marshal` against CPython's C pickle (`pickle.loads`, " +
				"`pickle.dumps(value, 4)` of what it loaded: the payload's own bytes again), and the " +
				"other Go pickle libraries: gopickle (decodes only) and og-rek (default decoder " +
				"settings, encoder at protocol 4, encoding what it decoded).",
			Payloads: payloads,
			Rows: []row{
				{"perf/PickleDecode/{p}", "decode: pickle.Unmarshal"},
				{"py/pickle/decode/{p}", "decode: CPython pickle.loads"},
				{"perf/GopickleDecode/{p}", "decode: gopickle Loads"},
				{"perf/OgrekDecode/{p}", "decode: og-rek Decode"},
				{"perf/PickleEncode/{p}", "encode: pickle.Marshal"},
				{"py/pickle/encode/{p}", "encode: CPython pickle.dumps"},
				{"perf/OgrekEncode/{p}", "encode: og-rek Encode"},
			},
			Cmps: []cmp{
				{Name: "decode vs CPython", Ours: "perf/PickleDecode/{p}", Other: "py/pickle/decode/{p}", Way: otherOverOurs, Target: 0.8,
					Goal: "pickle decode ≥ 0.8× CPython's C pickle"},
				{Name: "encode vs CPython", Ours: "perf/PickleEncode/{p}", Other: "py/pickle/encode/{p}", Way: otherOverOurs, Target: 0.8,
					Goal: "pickle encode ≥ 0.8× CPython's C pickle"},
				{Name: "decode vs gopickle", Ours: "perf/PickleDecode/{p}", Other: "perf/GopickleDecode/{p}", Way: otherOverOurs, Target: 4,
					Goal: "pickle ≥ 4× gopickle"},
				{Name: "decode vs og-rek", Ours: "perf/PickleDecode/{p}", Other: "perf/OgrekDecode/{p}", Way: otherOverOurs, Target: 4,
					Goal: "pickle ≥ 4× og-rek"},
				{Name: "encode vs og-rek", Ours: "perf/PickleEncode/{p}", Other: "perf/OgrekEncode/{p}", Way: otherOverOurs, Target: 4,
					Goal: "pickle ≥ 4× og-rek"},
			},
		},
		{
			Title: "msgpack (Flask-Session 0.8's serializer)",
			Intro: "msgspec's `MarshalMsgpack` and `UnmarshalMsgpack` against the Python msgspec " +
				"(`msgspec.msgpack.Encoder().encode`, `Decoder().decode`), and " +
				"vmihailenco/msgpack/v5 on the same session as Go maps " +
				"and slices, as a reference: it does not keep the dict order, so it does not write " +
				"msgspec's bytes.",
			Payloads: payloads,
			Rows: []row{
				{"perf/MsgpackEncode/{p}", "encode: msgspec.MarshalMsgpack"},
				{"py/msgpack/encode/{p}", "encode: Python msgspec"},
				{"perf/VmihailencoEncode/{p}", "encode: vmihailenco/msgpack"},
				{"perf/MsgpackDecode/{p}", "decode: msgspec.UnmarshalMsgpack"},
				{"py/msgpack/decode/{p}", "decode: Python msgspec"},
				{"perf/VmihailencoDecode/{p}", "decode: vmihailenco/msgpack"},
			},
			Cmps: []cmp{
				{Name: "encode vs Python msgspec", Ours: "perf/MsgpackEncode/{p}", Other: "py/msgpack/encode/{p}", Way: oursOverOther, Target: 1.5,
					Goal: "msgpack within 1.5× of msgspec, both ways"},
				{Name: "decode vs Python msgspec", Ours: "perf/MsgpackDecode/{p}", Other: "py/msgpack/decode/{p}", Way: oursOverOther, Target: 1.5,
					Goal: "msgpack within 1.5× of msgspec, both ways"},
				{Name: "encode vs vmihailenco/msgpack", Ours: "perf/MsgpackEncode/{p}", Other: "perf/VmihailencoEncode/{p}", Way: otherOverOurs},
				{Name: "decode vs vmihailenco/msgpack", Ours: "perf/MsgpackDecode/{p}", Other: "perf/VmihailencoDecode/{p}", Way: otherOverOurs},
			},
		},
		{
			Title: "Middleware with Redis sessions, per request",
			Intro: "One request through an httptest recorder with a logged-in session cookie, the " +
				"session in the test Redis (127.0.0.1:16379): chimw with flasksession's Redis store " +
				"(Flask-Session 0.8's defaults) against alexedwards/scs with its go-redis store. read: the " +
				"handler reads one key; write: it reads a counter and writes it back, so the session is saved " +
				"to Redis. The two libraries are compared doing the same work, in two settings of the session's " +
				"expiry. Expiry refreshed on every request: Flask-Session's default for permanent sessions " +
				"(SESSION_REFRESH_EACH_REQUEST), where a read extends the expiry in a second round trip " +
				"(EXPIRE), and scs with an IdleTimeout, which saves the whole session again (SET). Fixed " +
				"expiry: SESSION_REFRESH_EACH_REQUEST off, and scs without an IdleTimeout (its default), " +
				"where a read is one GET on both sides. Two references have no target: our default against " +
				"scs's default, which is two round trips against one, and flasksession.Options.RefreshOnLoad, " +
				"which extends the expiry in the load's own round trip (GETEX). The handler alone, without " +
				"middleware, is the baseline. The CPU time is the benchmark process's: middleware, Redis " +
				"client and handler, the per-request overhead, without the Redis server's work; the " +
				"wall-clock time includes the round trips to Redis. These run with GOMAXPROCS = the number " +
				"of cores.",
			Rows: []row{
				{"perf/HTTPChimw/read", "read, expiry refreshed: chimw + redisstore"},
				{"perf/HTTPSCSIdleTimeout/read", "read, expiry refreshed: scs + goredisstore, IdleTimeout"},
				{"perf/HTTPChimwRefreshOnLoad/read", "read, expiry refreshed: chimw + redisstore, RefreshOnLoad"},
				{"perf/HTTPChimwFixedExpiry/read", "read, fixed expiry: chimw + redisstore"},
				{"perf/HTTPSCS/read", "read, fixed expiry: scs + goredisstore"},
				{"perf/HTTPChimw/write", "read + write: chimw + redisstore"},
				{"perf/HTTPSCS/write", "read + write: scs + goredisstore"},
				{"perf/HTTPSCSIdleTimeout/write", "read + write: scs + goredisstore, IdleTimeout"},
				{"perf/HTTPBaseline", "no middleware"},
			},
			Cmps: []cmp{
				{Name: "read, expiry refreshed, vs scs with IdleTimeout", Ours: "perf/HTTPChimw/read", Other: "perf/HTTPSCSIdleTimeout/read", Way: oursOverOther, Target: 1.2,
					Goal: "middleware per request with Redis within 1.2× of scs"},
				{Name: "read, fixed expiry, vs scs", Ours: "perf/HTTPChimwFixedExpiry/read", Other: "perf/HTTPSCS/read", Way: oursOverOther, Target: 1.2,
					Goal: "middleware per request with Redis within 1.2× of scs"},
				{Name: "read + write vs scs", Ours: "perf/HTTPChimw/write", Other: "perf/HTTPSCS/write", Way: oursOverOther, Target: 1.2,
					Goal: "middleware per request with Redis within 1.2× of scs"},
				{Name: "read + write vs scs with IdleTimeout", Ours: "perf/HTTPChimw/write", Other: "perf/HTTPSCSIdleTimeout/write", Way: oursOverOther, Target: 1.2,
					Goal: "middleware per request with Redis within 1.2× of scs"},
				{Name: "read, expiry refreshed, vs scs with a fixed expiry (two round trips against one)", Ours: "perf/HTTPChimw/read", Other: "perf/HTTPSCS/read", Way: oursOverOther},
				{Name: "read with RefreshOnLoad vs scs with IdleTimeout", Ours: "perf/HTTPChimwRefreshOnLoad/read", Other: "perf/HTTPSCSIdleTimeout/read", Way: oursOverOther},
			},
		},
	}
}
