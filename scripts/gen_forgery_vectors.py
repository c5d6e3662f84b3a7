"""Generates testdata/forgery/<venv>.json.gz: valid tokens written by the
real Python stack, and itsdangerous's verdict on altered copies of them, for
the forgery tests of flaskcookie and flasksession.

    .venv/flask31/bin/python scripts/gen_forgery_vectors.py flask31
    .venv/fs03/bin/python scripts/gen_forgery_vectors.py fs03

(fs03 pins itsdangerous 1.1.0, flask31 itsdangerous 2.2.0.) Contents:

  versions  Flask, itsdangerous, Python versions
  now       the clock of every signature and check (TIMESTAMP)
  lifetime  PERMANENT_SESSION_LIFETIME in seconds (Flask's default)
  cookies   session cookies Flask's SecureCookieSessionInterface wrote at
            NOW: key (text), cookie, repr of the session
  sids      session ids signed as Flask-Session signs them (itsdangerous
            Signer(SECRET_KEY, salt="flask-session", key_derivation="hmac")):
            key, sid, cookie
  probes    altered copies of those tokens: kind ("cookie" or "sid"), of
            (the index of the original), how (the alteration), token, and
            ok: whether Flask loads the cookie (serializer.loads with
            max_age=lifetime at NOW) or the Signer unsigns the id; with ok,
            what it gives (repr of the session, or the sid)

The alterations are those where itsdangerous's lenient base64 decoding of
the signature could accept another text for the same signature bytes
(padding, the standard alphabet, the unused low bits of the last
character, characters outside the alphabet, which base64.b64decode skips),
and random bit flips, drops and insertions anywhere in the token.
"""

import gzip
import json
import os
import random
import sys
import uuid

TIMESTAMP = 1715949296  # 2024-05-17 12:34:56 UTC
KEYS = ["dev", "correct horse battery staple", "cl\u00e9 \u2603"]
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SKIPPED = ["!", "~", "*", " ", "\t", "%", "$", "\u00e9", "\x00", "\x7f"]


def sessions():
    import datetime

    return [
        {},
        {"_permanent": True, "_user_id": "42", "_fresh": True, "csrf_token": "0" * 40},
        {"cart": (1, 2), "when": datetime.datetime(2024, 5, 17, tzinfo=datetime.timezone.utc), "b": b"\x00\xff"},
        # Compressed: long and repetitive.
        {"_flashes": [("message", "Welcome back! " * 8)] * 4, "uid": uuid.UUID(int=7)},
    ]


def sids(rng):
    import base64

    out = []
    for _ in range(3):  # secrets.token_urlsafe(32), Flask-Session 0.6+
        out.append(base64.urlsafe_b64encode(bytes(rng.getrandbits(8) for _ in range(32))).rstrip(b"=").decode())
    for _ in range(2):  # str(uuid4()), Flask-Session 0.3 to 0.5
        out.append(str(uuid.UUID(int=rng.getrandbits(128), version=4)))
    return out


def alterations(token, rng):
    """Yields (how, altered token) pairs."""
    head, _, sig = token.rpartition(".")
    seen = {token}

    def out(how, t):
        if t not in seen:
            seen.add(t)
            yield how, t

    for n in range(1, 5):
        yield from out("pad %d" % n, token + "=" * n)
    for i, c in enumerate(sig):
        if c in "-_":
            std = {"-": "+", "_": "/"}[c]
            yield from out("standard alphabet at %d" % i, head + "." + sig[:i] + std + sig[i + 1:])
    for c in ALPHABET:
        yield from out("last character %r" % c, head + "." + sig[:-1] + c)
    for c in SKIPPED:
        for i in (0, len(sig) // 2, len(sig)):
            yield from out("insert %r at %d" % (c, i), head + "." + sig[:i] + c + sig[i:])
    for i in (1, 2, 3, len(sig) // 2, len(sig) - 2, len(sig) - 1):
        yield from out("insert '=' at %d" % i, head + "." + sig[:i] + "=" + sig[i:])
    for i in range(len(sig)):
        yield from out("drop signature %d" % i, head + "." + sig[:i] + sig[i + 1:])
    yield from out("no signature", head + ".")
    yield from out("signature twice", head + "." + sig + sig)
    for _ in range(40):
        b = bytearray(token.encode())
        kind = rng.randrange(3)
        i = rng.randrange(len(b))
        if kind == 0:
            b[i] ^= 1 << rng.randrange(7)
            how = "flip bit at %d" % i
        elif kind == 1:
            del b[i]
            how = "drop byte %d" % i
        else:
            b.insert(i, rng.randrange(32, 127))
            how = "insert byte at %d" % i
        yield from out(how, b.decode("ascii"))


def main(venv):
    import flask
    import itsdangerous
    from importlib.metadata import version
    from itsdangerous import BadSignature, Signer
    from itsdangerous.timed import TimestampSigner

    class FixedClock(TimestampSigner):
        def get_timestamp(self):
            return TIMESTAMP

    rng = random.Random(20240517)
    out = {
        "versions": {"flask": version("flask"), "itsdangerous": version("itsdangerous"),
                     "python": sys.version.split()[0]},
        "now": TIMESTAMP,
        "cookies": [],
        "sids": [],
        "probes": [],
    }

    def load(app, cookie):
        with app.app_context():
            s = app.session_interface.get_signing_serializer(app)
            s.signer = FixedClock
            max_age = int(app.permanent_session_lifetime.total_seconds())
            out["lifetime"] = max_age
            try:
                data = s.loads(cookie, max_age=max_age)
            except BadSignature:
                return None
            return repr(dict(app.session_interface.session_class(data)))

    apps = {}
    for key in KEYS:
        app = flask.Flask("gen_forgery_vectors")
        app.secret_key = key
        apps[key] = app
        for sess in sessions():
            with app.app_context():
                s = app.session_interface.get_signing_serializer(app)
                s.signer = FixedClock
                cookie = s.dumps(dict(sess))
            r = load(app, cookie)
            assert r is not None, cookie
            out["cookies"].append({"key": key, "cookie": cookie, "repr": r})
        for sid in sids(rng):
            cookie = Signer(key, salt="flask-session", key_derivation="hmac").sign(sid.encode()).decode()
            out["sids"].append({"key": key, "sid": sid, "cookie": cookie})

    for i, c in enumerate(out["cookies"]):
        for how, token in alterations(c["cookie"], rng):
            r = load(apps[c["key"]], token)
            p = {"kind": "cookie", "of": i, "how": how, "token": token, "ok": r is not None}
            if r is not None:
                p["repr"] = r
            out["probes"].append(p)
    for i, c in enumerate(out["sids"]):
        signer = Signer(c["key"], salt="flask-session", key_derivation="hmac")
        for how, token in alterations(c["cookie"], rng):
            p = {"kind": "sid", "of": i, "how": how, "token": token, "ok": False}
            try:
                p["sid"] = signer.unsign(token).decode()
                p["ok"] = True
            except BadSignature:
                pass
            out["probes"].append(p)

    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "forgery")
    os.makedirs(root, exist_ok=True)
    with gzip.GzipFile(os.path.join(root, venv + ".json.gz"), "wb", mtime=0) as f:
        f.write(json.dumps(out, indent=0, ensure_ascii=True, sort_keys=True).encode())
    ok = sum(p["ok"] for p in out["probes"])
    print("%s: %d cookies, %d sids, %d probes, %d accepted" % (venv, len(out["cookies"]), len(out["sids"]),
                                                                 len(out["probes"]), ok))


if __name__ == "__main__":
    main(sys.argv[1])
