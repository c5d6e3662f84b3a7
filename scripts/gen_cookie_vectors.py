"""Generates testdata/cookie/<venv>.json.gz: golden Flask session cookies and
tagged JSON written by the real Flask stack of each venv (flask20, flask23,
flask30, flask31), for flaskcookie's unit tests.

    .venv/flask31/bin/python scripts/gen_cookie_vectors.py          # all venvs
    .venv/flask31/bin/python scripts/gen_cookie_vectors.py flask23  # one

The driver runs this file with --emit under each venv's interpreter, which
prints the vectors as JSON. Contents:

  versions  Flask, Werkzeug, itsdangerous versions
  keys      the secret keys, {"text": str} or {"hex": bytes in hex}
  values    one entry a value: name; repr (the Python value); json
            (TaggedJSONSerializer.dumps in an app context) or error (the
            exception it raises); loaded_repr / loaded_json (the value
            loads(json) gives, and its dumps again); cookies: for some keys,
            the cookie dumps() writes at TIMESTAMP, and what loads() of it
            gives at TIMESTAMP
  loads     hand-written tagged JSON texts (values Flask does not write but
            accepts), with what loads() makes of them or the error
  cookies   cookies checked under various keys, fallbacks, clocks and
            lifetimes, with the dict Flask loads or the exception class

and testdata/cookie/zlib.json.gz: zlib.compress(data) at the default level
(CPython's zlib, the same in every venv) for data of various sizes and
kinds; the data is what each stream inflates to.
"""

import base64
import collections
import datetime
import decimal
import gzip
import hashlib
import json
import os
import subprocess
import sys
import uuid
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
VENVS = ["flask20", "flask23", "flask30", "flask31"]
TIMESTAMP = 1715949296  # 2024-05-17 12:34:56 UTC
LIFETIME = 31 * 24 * 3600

KEYS = [
    {"text": "dev"},
    {"text": "a"},
    {"text": "correct horse battery staple"},
    {"text": "cl\u00e9 secr\u00e8te \u2603 \U0001f511"},
    {"text": "\x00nul\x00"},
    {"text": "k" * 64},
    {"text": "long key " * 40},
    {"hex": "5f3c1a9e8b7d6c2f4e1a0b9c8d7e6f50"},
    {"hex": "00" * 8 + "ff" * 8 + "7f80"},
    {"hex": bytes(range(256)).hex() * 4},
    {"hex": hashlib.sha512(b"x").hexdigest()},
    {"hex": "e9"},
]


def key_of(k):
    return bytes.fromhex(k["hex"]) if "hex" in k else k["text"]


def values():
    from markupsafe import Markup

    out = []

    def add(name, v):
        out.append((name, v))

    utc = datetime.timezone.utc
    add("empty", {})
    add("login", {
        "_permanent": True, "_user_id": "42", "_fresh": True,
        "_id": hashlib.sha512(b"127.0.0.1|Mozilla/5.0").hexdigest(),
        "csrf_token": hashlib.sha1(b"csrf").hexdigest(),
    })
    add("flashes", {"_flashes": [("message", "Welcome back"), ("error", Markup("<b>Bad</b> input")), ("info", "caf\u00e9")]})
    add("none_bools", {"n": None, "t": True, "f": False})
    add("ints", {"v": [0, 1, -1, 255, 2 ** 31, 2 ** 53 + 1, 2 ** 63 - 1, -2 ** 63, 2 ** 63, -2 ** 63 - 1, 2 ** 64, 10 ** 40, -10 ** 100]})
    add("int_4300_digits", {"v": 10 ** 4299})
    add("int_4301_digits", {"v": 10 ** 4300})
    add("floats", {"v": [0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3, 2 / 3, 1e16, 1e15, 123456789012345678.0, 1234567890123456.0,
                         1e-5, 1e-4, 0.0001234, 1e-7, 1e22, 1e23, 5e-324, 2.2250738585072014e-308,
                         1.7976931348623157e308, 9007199254740993.0, 0.30000000000000004, 100.0, 1e100, -1e-100]})
    add("float_specials", {"v": [float("inf"), float("-inf"), float("nan")]})
    add("strings", {"v": ["", "ascii", "caf\u00e9", "\u20ac", "\U0001f600", "\u2028\u2029", "\uffff", "\U0010ffff",
                          "\x00\x01\x1f", "\x7f\x80\x9f", "\"quote\" \\back/slash", "\b\f\n\r\t",
                          "<script>&amp;</script>", "\ufb00", "\ufeffbom", "tab\tend"]})
    add("surrogates", {"v": ["\ud800", "\udbff", "\udc00", "\udfff", "a\ud800b", "\udc00\ud800", "\ud83d\ude00", "\ud83d", "x\udfffy\ud800"]})
    add("bytes", {"v": [b"", b"\x00", b"\xff\xfe", bytes(range(256)), b"hello world", b"ab", b"abc"]})
    add("tuples", {"v": [(), (1,), (1, "a", (2, (3,))), ((),), ([1], {"a": (2,)})]})
    add("lists", {"v": [[], [[]], [1, [2, [3, [4]]]], [(1, 2), {"a": (3,)}]]})
    add("markup", {"v": [Markup(""), Markup("<b>bold</b>"), Markup("caf\u00e9 \U0001f600"), Markup(" t")]})
    add("uuids", {"v": [uuid.UUID(int=0), uuid.UUID(int=2 ** 128 - 1), uuid.UUID("12345678-1234-5678-1234-567812345678")]})
    add("datetimes", {"v": [
        datetime.datetime(2024, 5, 17, 12, 34, 56),
        datetime.datetime(2024, 5, 17, 12, 34, 56, 789012),
        datetime.datetime(2024, 5, 17, 12, 34, 56, tzinfo=utc),
        datetime.datetime(2024, 5, 17, 12, 34, 56, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        datetime.datetime(2024, 1, 1, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5, minutes=-30))),
        datetime.datetime(2024, 12, 31, 23, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-2))),
        datetime.datetime(2000, 2, 29, 0, 0, 0, 999999, tzinfo=datetime.timezone(datetime.timedelta(seconds=1, microseconds=500000))),
        datetime.datetime(1970, 1, 1),
        datetime.datetime(1969, 12, 31, 23, 59, 59),
        datetime.datetime(2068, 6, 1), datetime.datetime(1999, 6, 1), datetime.datetime(1000, 6, 1),
        datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
        datetime.datetime(2024, 11, 3, 1, 30, fold=1),
    ]})
    add("datetime_year1", {"v": datetime.datetime(1, 1, 1)})
    add("datetime_year99", {"v": datetime.datetime(99, 7, 4, 9, 8, 7)})
    add("datetime_overflow", {"v": datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))})
    add("dates", {"v": [datetime.date(2024, 5, 17), datetime.date(1, 1, 1), datetime.date(9999, 12, 31)]})
    add("decimals", {"v": [decimal.Decimal("1.10"), decimal.Decimal("-0"), decimal.Decimal("1E+2"), decimal.Decimal("NaN"),
                           decimal.Decimal("-Infinity"), decimal.Decimal("0.000001"), decimal.Decimal("1e-7")]})
    add("ordered_dict", {"v": collections.OrderedDict([("b", 1), ("a", 2)])})
    # The " di" escape: one-key dicts whose key is a tag.
    for tag in [" di", " t", " b", " m", " u", " d"]:
        add("escape_" + tag.strip(), {"v": {tag: 1}})
    add("escape_nested", {"v": {" t": {" di": {" b": b"x"}}}})
    add("escape_value_tagged", {"v": {" u": (1, b"2", {" d": "x"})}})
    add("escape_markup_key", {"v": {Markup(" t"): 5}})
    add("escape_top", {" t": 1})
    add("not_escaped_two_keys", {"v": {" t": 1, " b": 2}})
    add("not_a_tag", {"v": {" x": 1, "t": 2, " T": 3}})
    add("str_keys_order", {"b": 1, "a": 2, "B": 3, "\u00e9": 4, "\U0001f600": 5, "\uffff": 6, "\ud800": 7,
                           "aa": 8, "": 9, "\udfff": 10, "\ue000": 11, "\x7f": 12, "_": 13, "~": 14})
    add("int_keys", {"v": {2: "b", 1: "a", 10: "c", -5: "d", 2 ** 70: "big"}})
    add("mixed_numeric_keys", {"v": {True: "t", 2: "two", 1.5: "f", -0.5: "g", False: "z"}})
    add("float_keys", {"v": {1.0e16: "a", 0.1: "b", float("inf"): "c", float("-inf"): "d"}})
    add("nan_key", {"v": {float("nan"): 1, 3: 2, 1: 3}})
    add("none_key", {"v": {None: 1}})
    add("mixed_key_error", {"v": {1: "a", "b": 2}})
    add("none_mixed_key_error", {"v": {None: 1, "b": 2}})
    add("tuple_key_error", {"v": {(1, 2): "x"}})
    add("set_error", {"v": {1, 2}})
    add("frozenset_error", {"v": frozenset()})
    add("bytearray_error", {"v": bytearray(b"x")})
    add("time_error", {"v": datetime.time(1, 2)})
    add("timedelta_error", {"v": datetime.timedelta(days=1)})
    add("deep", {"v": [[[[[[[[[[[[[[[[[[[[(1,)]]]]]]]]]]]]]]]]]]]]})
    add("compressible", {"data": "x" * 1000, "more": list(range(200))})
    add("cart", {
        "_permanent": True, "_user_id": "42",
        "cart": [{"sku": "SKU-%05d" % (1000 + i), "name": "Item number %d" % i, "qty": 1 + i % 3, "price": 4.99 + i}
                 for i in range(20)],
        "coupon": ("SPRING", 10),
        "token": hashlib.sha256(b"token").digest(),
        "updated_at": datetime.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=utc),
        "cart_id": uuid.UUID("5f0c2a8e-9d4b-4c1e-8f3a-2b7d6e1c9a04"),
    })
    add("history", {"_permanent": True, "_user_id": "42",
                    "history": ["/products/%d?page=%d" % (i * 7919 % 10007, i % 9) for i in range(500)]})
    add("borderline_%d" % 0, {"k": "abcd" * 6})
    for n in range(1, 40):
        # Sizes where compression starts to pay, and where it does not.
        add("borderline_%d" % n, {"k": ("ab" * n) + "".join(chr(97 + (i * 7) % 26) for i in range(n))})
    return out


# Tagged JSON texts Flask never writes but reads, and texts it refuses.
LOADS = [
    '{" t":"abc"}', '{" t":{"a":1,"b":2}}', '{" t":{" b":"AAE="}}', '{" t":5}', '{" t":null}',
    '{" di":{"abc":1}}', '{" di":{"a":1}}', '{" di":{"\\u00e9\\u00e9x":1}}', '{" di":{}}', '{" di":5}', '{" di":[1]}',
    '{" di":{"a__":1,"b__":2}}', '{" di":{" di":{"x__":1}}}', '{" di":"ab"}',
    '{" b":"aGVsbG8="}', '{" b":"aGVsbG8"}', '{" b":"aGVs bG8="}', '{" b":"aGVsbG8=junk"}', '{" b":"a"}', '{" b":"ab=c"}',
    '{" b":"-_-_"}', '{" b":5}', '{" b":"\\u00e9"}', '{" b":{" b":"YUdWc2JHOD0="}}', '{" b":""}', '{" b":"===="}',
    '{" m":"x"}', '{" m":5}', '{" m":null}', '{" m":true}', '{" m":1.5}', '{" m":{" u":"12345678123456781234567812345678"}}',
    '{" m":{" d":"Fri, 17 May 2024 12:34:56 GMT"}}',
    '{" u":"12345678123456781234567812345678"}', '{" u":"12345678-1234-5678-1234-567812345678"}',
    '{" u":"{12345678-1234-5678-1234-567812345678}"}', '{" u":"urn:uuid:12345678-1234-5678-1234-567812345678"}',
    '{" u":"ABCDEF78123456781234567812345678"}', '{" u":"1234"}', '{" u":5}', '{" u":"0x345678123456781234567812345678"}',
    '{" u":"+0000000000000000000000000000001"}', '{" u":"-0000000000000000000000000000000"}',
    '{" u":"1_23456781234567812345678123456"}', '{" u":"1234567812345678123456781234567g"}',
    '{" d":"Fri, 17 May 2024 12:34:56 GMT"}', '{" d":"Fri, 17 May 2024 12:34:56 +0200"}',
    '{" d":"Fri, 17 May 2024 12:34:56 -0000"}', '{" d":"Fri, 17 May 2024 12:34:56"}', '{" d":"17 May 2024 12:34 EST"}',
    '{" d":"Friday, 17-May-24 12:34:56 GMT"}', '{" d":"Fri May 17 12:34:56 2024"}', '{" d":"garbage"}', '{" d":""}',
    '{" d":null}', '{" d":0}', '{" d":5}', '{" d":[]}', '{" d":[1]}', '{" d":{" b":"eA=="}}', '{" d":"Fri, 30 Feb 2024 12:34:56 GMT"}',
    '{" d":"Fri, 17 May 0001 12:34:56 GMT"}', '{" d":"Fri, 17 May 69 12:34:56 GMT"}', '{" d":"Fri, 17 May 2024 24:00:00 GMT"}',
    '{" d":"Fri, 17 May 2024 12:34:56 +2400"}', '{" d":"Fri, 17 May 2024 12:34:56 +2359"}', '{" d":"Fri, 17 May 2024 12.34.56 GMT"}',
    '{" d":"Fri, 17 May 99999999999 12:34:56 GMT"}', '{" d":"Fri, 17 May 2024 12:34:56 +99999999999999"}',
    '{" d":"17 may 2024 1:2:3 pdt"}', '{" d":"Fri,17 May 2024 12:34:56 GMT"}', '{" d":"May 17 2024 12:34:56 GMT"}',
    '{" x":1}', '{" t":[1],"x":2}', '{" t":[1]," t":[2]}', '{"a":1,"a":2,"b":3,"a":4}',
    '[1,2', '{"a":1,}', '[1,]', 'NaN', '-Infinity', '[Infinity,-Infinity,NaN]', '1e400', '-1e-400', '-0', '-0.0',
    '1E5', '1e+5', '0.5e-3', '00', '01', '1.', '.5', '1e', '-', '"\\ud800"', '"\\ud800\\udc00"', '"\\udc00\\ud800"',
    '"\\ud800\\u0041"', '"\\uD83D\\uDE00"', '"\\x41"', '"\\u12"', '"a\tb"', '"\x7f"', ' {"a" : [ 1 , 2 ] } ',
    '\ufeff{}', '{"a":"\u00e9"}', 'true', 'nul', '"unterminated', '{"a" 1}', '{1:2}', "{'a':1}", '"\\/"',
    '[' * 100 + ']' * 100, '1' * 4300, '1' * 4301, '-' + '1' * 4300, '123456789012345678901234567890',
]


def zlib_streams():
    """zlib.compress output at the default level; the input is what each
    inflates to. Sizes around the 32 KiB window and the 16383-symbol block,
    compressible and not."""
    import random

    rng = random.Random(20240517)
    streams = []
    for n in [0, 1, 2, 3, 4, 5, 10, 100, 258, 259, 1000, 4096, 16383, 16384, 32768, 32769, 65535, 65536, 65537, 100000, 150000]:
        for kind in range(4):
            if kind == 0 and n <= 70000:
                data = bytes(rng.choice(b"abcdefgh{}[]:,0123456789 ") for _ in range(n))
            elif kind == 0:
                continue
            elif kind == 1:
                words = [b"_user_id", b"cart", b"\"sku\":", b"qty", b"history", b"/products/", b"1", b"42", b"true,", b"{", b"}"]
                data = b"".join(rng.choice(words) for _ in range(n // 4 + 1))[:n]
            elif kind == 2:
                data = (b"ab" * n)[:n] if n % 3 else bytes(n)
            elif n <= 5000:
                data = bytes(rng.getrandbits(8) for _ in range(n))
            else:
                continue
            streams.append(base64.b64encode(zlib.compress(data)).decode())
    return streams


def tagged(app):
    return app.session_interface.serializer


def emit():
    import flask
    import itsdangerous
    import werkzeug
    from importlib.metadata import version
    from itsdangerous.timed import TimestampSigner

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from pyops.core import literal  # noqa: F401 (keeps the literal namespace in sync)

    def fixed(ts):
        class FixedClock(TimestampSigner):
            def get_timestamp(self):
                return ts
        return FixedClock

    def make_app(key, fallbacks=None, lifetime=None):
        app = flask.Flask("gen_cookie_vectors")
        app.secret_key = key_of(key) if key is not None else None
        if fallbacks:
            app.config["SECRET_KEY_FALLBACKS"] = [key_of(k) for k in fallbacks]
        if lifetime is not None:
            app.config["PERMANENT_SESSION_LIFETIME"] = lifetime
        return app

    def serializer(app, ts):
        s = app.session_interface.get_signing_serializer(app)
        if s is not None:
            s.signer = fixed(ts)
        return s

    def load(cookie, key, now, fallbacks=None, lifetime=None):
        app = make_app(key, fallbacks, lifetime)
        with app.app_context():
            s = serializer(app, now)
            if s is None:
                return {"error": "NoSecretKey"}
            max_age = int(app.permanent_session_lifetime.total_seconds())
            try:
                data = s.loads(cookie, max_age=max_age)
                session = dict(app.session_interface.session_class(data))
            except itsdangerous.SignatureExpired as exc:
                return {"error": "SignatureExpired", "message": str(exc)}
            except itsdangerous.BadPayload as exc:
                return {"error": "BadPayload", "message": str(exc)}
            except itsdangerous.BadSignature as exc:
                return {"error": "BadSignature", "message": str(exc)}
            except Exception as exc:
                return {"error": type(exc).__name__, "message": str(exc)}
            return {"repr": repr(session), "json": tagged(app).dumps(session)}

    out = {
        "versions": {"flask": version("flask"), "werkzeug": version("werkzeug"), "itsdangerous": version("itsdangerous"),
                     "python": sys.version.split()[0]},
        "timestamp": TIMESTAMP,
        "lifetime": LIFETIME,
        "keys": KEYS,
        "values": [],
        "loads": [],
        "cookies": [],
    }
    app = make_app(KEYS[0])
    for i, (name, v) in enumerate(values()):
        ent = {"name": name}
        try:
            ent["repr"] = repr(v)
        except ValueError as exc:  # an int too long for repr()
            ent["repr_error"] = str(exc)
        with app.app_context():
            ser = tagged(app)
            try:
                ent["json"] = ser.dumps(v)
            except Exception as exc:
                ent["error"] = type(exc).__name__ + ": " + str(exc)
                out["values"].append(ent)
                continue
            try:
                lv = ser.loads(ent["json"])
                ent["loaded_repr"] = repr(lv)
                ent["loaded_json"] = ser.dumps(lv)
            except Exception as exc:
                ent["loaded_error"] = type(exc).__name__ + ": " + str(exc)
        if isinstance(v, dict) and "loaded_error" not in ent:
            # Two keys for every value; every key for a few.
            keys = range(len(KEYS)) if name in ("login", "cart", "escape_t", "strings") else (i % len(KEYS), (i * 5 + 3) % len(KEYS))
            ent["cookies"] = []
            for k in sorted(set(keys)):
                kapp = make_app(KEYS[k])
                with kapp.app_context():
                    cookie = serializer(kapp, TIMESTAMP).dumps(v)
                got = load(cookie, KEYS[k], TIMESTAMP)
                ent["cookies"].append(dict(key=k, cookie=cookie, **got))
        out["values"].append(ent)

    with app.app_context():
        ser = tagged(app)
        for text in LOADS:
            ent = {"json": text}
            try:
                lv = ser.loads(text)
                ent["repr"] = repr(lv)
                try:
                    ent["loaded_json"] = ser.dumps(lv)
                except Exception as exc:
                    ent["dump_error"] = type(exc).__name__ + ": " + str(exc)
            except Exception as exc:
                ent["error"] = type(exc).__name__ + ": " + str(exc)
            out["loads"].append(ent)

    # Cookies checked under keys, fallbacks, clocks and lifetimes.
    def add_cookie(name, cookie, key, now, fallbacks=None, lifetime=None):
        ent = {"name": name, "cookie": cookie, "key": key, "now": now}
        if fallbacks is not None:
            ent["fallbacks"] = fallbacks
        if lifetime is not None:
            ent["lifetime"] = lifetime
        ent.update(load(cookie, KEYS[key] if key is not None else None, now,
                        [KEYS[f] for f in fallbacks] if fallbacks else None, lifetime))
        out["cookies"].append(ent)

    session = {"_user_id": "42", "cart": (1, 2), "when": datetime.datetime(2024, 5, 17, tzinfo=datetime.timezone.utc)}
    kapp = make_app(KEYS[0])
    with kapp.app_context():
        s = serializer(kapp, TIMESTAMP)
        good = s.dumps(session)
        signer = s.make_signer()  # a TimestampSigner with the fixed clock

        def signed(payload):
            return signer.sign(payload).decode()

        plain = itsdangerous.Signer(key_of(KEYS[0]), salt="cookie-session", key_derivation="hmac")
    add_cookie("valid", good, 0, TIMESTAMP)
    add_cookie("valid_at_max_age", good, 0, TIMESTAMP + LIFETIME)
    add_cookie("expired_by_one_second", good, 0, TIMESTAMP + LIFETIME + 1)
    add_cookie("future_by_one_second", good, 0, TIMESTAMP - 1)
    add_cookie("far_future", good, 0, 0)
    add_cookie("lifetime_60_ok", good, 0, TIMESTAMP + 60, lifetime=60)
    add_cookie("lifetime_60_expired", good, 0, TIMESTAMP + 61, lifetime=60)
    add_cookie("lifetime_0_same_second", good, 0, TIMESTAMP, lifetime=0)
    add_cookie("lifetime_0_next_second", good, 0, TIMESTAMP + 1, lifetime=0)
    add_cookie("wrong_key", good, 1, TIMESTAMP)
    add_cookie("empty_key", good, None, TIMESTAMP)
    payload, ts, sig = good.rsplit(".", 2)
    add_cookie("tampered_payload", payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + ts + "." + sig, 0, TIMESTAMP)
    add_cookie("tampered_timestamp", payload + "." + ts[:-1] + ("A" if ts[-1] != "A" else "B") + "." + sig, 0, TIMESTAMP)
    add_cookie("tampered_signature", payload + "." + ts + "." + sig[:-1] + ("A" if sig[-1] != "A" else "B"), 0, TIMESTAMP)
    add_cookie("signature_padded", good + "=", 0, TIMESTAMP)
    add_cookie("signature_with_junk", payload + "." + ts + "." + sig[:5] + "!*" + sig[5:] + "=", 0, TIMESTAMP)
    add_cookie("signature_with_newline", good[:-3] + "\n" + good[-3:], 0, TIMESTAMP)
    add_cookie("signature_std_alphabet", payload + "." + ts + "." + sig.replace("-", "+").replace("_", "/"), 0, TIMESTAMP)
    add_cookie("truncated", good[:-1], 0, TIMESTAMP)
    add_cookie("no_dot", "abcdef", 0, TIMESTAMP)
    add_cookie("empty", "", 0, TIMESTAMP)
    add_cookie("one_dot_no_timestamp", plain.sign(payload.encode()).decode(), 0, TIMESTAMP)
    add_cookie("timestamp_9_bytes", plain.sign((payload + "." + base64.urlsafe_b64encode(b"\x01" * 9).decode().rstrip("=")).encode()).decode(), 0, TIMESTAMP)
    add_cookie("timestamp_bad_base64", plain.sign((payload + ".a").encode()).decode(), 0, TIMESTAMP)
    add_cookie("timestamp_padded", plain.sign((payload + "." + ts + "==").encode()).decode(), 0, TIMESTAMP)
    add_cookie("timestamp_with_junk", plain.sign((payload + "." + ts[:2] + "!" + ts[2:]).encode()).decode(), 0, TIMESTAMP)
    add_cookie("timestamp_empty", plain.sign((payload + ".").encode()).decode(), 0, 0)
    add_cookie("timestamp_year_10000", plain.sign((payload + "." + base64.urlsafe_b64encode((253402300800).to_bytes(5, "big")).decode().rstrip("=")).encode()).decode(), 0, TIMESTAMP)
    add_cookie("timestamp_max_u64", plain.sign((payload + "." + base64.urlsafe_b64encode(b"\xff" * 8).decode().rstrip("=")).encode()).decode(), 0, TIMESTAMP)

    def b64(b):
        return base64.urlsafe_b64encode(b).decode().rstrip("=")

    add_cookie("payload_bad_base64", signed("abc!"), 0, TIMESTAMP)
    add_cookie("payload_base64_len1", signed("abcde"), 0, TIMESTAMP)
    add_cookie("payload_bad_zlib", signed("." + b64(b"not zlib")), 0, TIMESTAMP)
    add_cookie("payload_zlib_truncated", signed("." + b64(zlib.compress(b'{"a":1}')[:-3])), 0, TIMESTAMP)
    add_cookie("payload_zlib_trailing", signed("." + b64(zlib.compress(b'{"a":1}') + b"junk")), 0, TIMESTAMP)
    add_cookie("payload_zlib_level9", signed("." + b64(zlib.compress(b'{"a":"' + b"z" * 100 + b'"}', 9))), 0, TIMESTAMP)
    add_cookie("payload_raw_deflate", signed("." + b64(zlib.compress(b'{"a":1}')[2:-4])), 0, TIMESTAMP)
    add_cookie("payload_uncompressed_zlib_prefix", signed(b64(zlib.compress(b'{"a":1}'))), 0, TIMESTAMP)
    add_cookie("payload_bad_json", signed(b64(b'{"a":')), 0, TIMESTAMP)
    add_cookie("payload_bad_utf8", signed(b64(b'{"a":"\xff"}')), 0, TIMESTAMP)
    add_cookie("payload_latin1_in_json", signed(b64('{"a":"\u00e9"}'.encode())), 0, TIMESTAMP)
    add_cookie("payload_bad_tag", signed(b64(b'{"a":{" di":5}}')), 0, TIMESTAMP)
    add_cookie("payload_bad_date_is_none", signed(b64(b'{"a":{" d":"nope"}}')), 0, TIMESTAMP)
    add_cookie("payload_list_of_pairs", signed(b64(b'[["a",1],["b",{" t":[2]}],"cd",{" t":["e",3]}]')), 0, TIMESTAMP)
    add_cookie("payload_null", signed(b64(b"null")), 0, TIMESTAMP)
    add_cookie("payload_number", signed(b64(b"5")), 0, TIMESTAMP)
    add_cookie("payload_empty_string", signed(b64(b'""')), 0, TIMESTAMP)
    add_cookie("payload_string", signed(b64(b'"ab"')), 0, TIMESTAMP)
    add_cookie("payload_false", signed(b64(b"false")), 0, TIMESTAMP)
    add_cookie("payload_empty_list", signed(b64(b"[]")), 0, TIMESTAMP)
    add_cookie("payload_unhashable_key", signed(b64(b'[[[1],2]]')), 0, TIMESTAMP)
    add_cookie("payload_duplicate_keys", signed(b64(b'{"a":1,"b":2,"a":3}')), 0, TIMESTAMP)
    add_cookie("payload_with_junk_chars", signed(b64(b'{"a":1}')[:3] + "*" + b64(b'{"a":1}')[3:]), 0, TIMESTAMP)
    add_cookie("payload_dot_only", signed("."), 0, TIMESTAMP)
    add_cookie("payload_empty", signed(""), 0, TIMESTAMP)
    bomb = zlib.compress(b"[" + b"0," * 600000 + b"0]", 9)
    add_cookie("payload_zlib_bomb_1mb", signed("." + b64(bomb)), 0, TIMESTAMP)


    if hasattr(flask.Flask, "default_config") and "SECRET_KEY_FALLBACKS" in flask.Flask.default_config:
        # Key rotation: SECRET_KEY signs; SECRET_KEY and the fallbacks verify.
        fapp = make_app(KEYS[2], [KEYS[0], KEYS[1]])
        with fapp.app_context():
            rotated = serializer(fapp, TIMESTAMP).dumps(session)
        add_cookie("fallbacks_signed_with_secret_key", rotated, 2, TIMESTAMP, fallbacks=[0, 1])
        add_cookie("fallbacks_secret_key_alone", rotated, 2, TIMESTAMP)
        add_cookie("fallbacks_old_key_alone", rotated, 0, TIMESTAMP)
        add_cookie("fallbacks_old_cookie_first", good, 2, TIMESTAMP, fallbacks=[0, 1])
        add_cookie("fallbacks_old_cookie_last", good, 2, TIMESTAMP, fallbacks=[1, 0])
        add_cookie("fallbacks_old_cookie_expired", good, 2, TIMESTAMP + LIFETIME + 1, fallbacks=[0])
        add_cookie("fallbacks_unknown_key", good, 2, TIMESTAMP, fallbacks=[3, 4])
    return out


def main():
    if "--emit" in sys.argv:
        json.dump(emit(), sys.stdout)
        return
    names = [a for a in sys.argv[1:] if not a.startswith("-")] or VENVS
    os.makedirs(os.path.join(ROOT, "testdata", "cookie"), exist_ok=True)
    with gzip.GzipFile(os.path.join(ROOT, "testdata", "cookie", "zlib.json.gz"), "wb", mtime=0) as f:
        f.write(json.dumps({"zlib_version": zlib.ZLIB_RUNTIME_VERSION, "streams": zlib_streams()}, indent=1).encode())
    for name in names:
        py = os.path.join(ROOT, ".venv", name, "bin", "python")
        data = subprocess.check_output([py, "-X", "utf8", os.path.abspath(__file__), "--emit"],
                                       env=dict(os.environ, PYTHONHASHSEED="0"))
        vectors = json.loads(data)
        path = os.path.join(ROOT, "testdata", "cookie", name + ".json.gz")
        with gzip.GzipFile(path, "wb", mtime=0) as f:
            f.write(json.dumps(vectors, indent=1, sort_keys=True).encode())
        print(name, vectors["versions"], len(vectors["values"]), "values", len(vectors["cookies"]), "cookies")


if __name__ == "__main__":
    main()
