"""Flask session cookie ops: the real Flask/itsdangerous stack on the other
side of flaskcookie's tests.

Keys travel as {"text": str} (a str key) or {"hex": "..."} (a bytes key).
Values travel as repr text (pyops.core.literal). Every op works inside an
app context, where Flask's tagged JSON sorts keys and writes ASCII only.
"""

import base64
import hashlib
import zlib

import flask
import itsdangerous
from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from itsdangerous import BadPayload, BadSignature, SignatureExpired
from itsdangerous.timed import TimestampSigner

from pyops import op
from pyops.core import NAMESPACE, same

# The literal namespace of core, and the builtins the tests' session
# expressions use ('ab' * 64, list(range(300))).
_NAMESPACE = dict(NAMESPACE, range=range, list=list)


def literal(text):
    return eval(text, _NAMESPACE)  # test input of our own, never user data


def _key(k):
    if k is None:
        return None
    if "hex" in k:
        return bytes.fromhex(k["hex"])
    return k["text"]


def _app(key, fallbacks=None, lifetime=None):
    app = Flask("flaskbridge_cookie_ops")
    app.secret_key = _key(key)
    if fallbacks:
        app.config["SECRET_KEY_FALLBACKS"] = [_key(k) for k in fallbacks]
    if lifetime is not None:
        app.config["PERMANENT_SESSION_LIFETIME"] = lifetime
    # Flask's session_interface is one instance shared by every app (a class
    # attribute); give each app its own so that a salt set for one call does
    # not leak into the next.
    app.session_interface = type(app.session_interface)()
    return app


def _fixed_signer(ts):
    class FixedClock(TimestampSigner):
        def get_timestamp(self):
            return ts

    return FixedClock


def _serializer(app, ts):
    s = app.session_interface.get_signing_serializer(app)
    if s is None:
        raise ValueError("no secret key")
    if ts is not None:
        s.signer = _fixed_signer(ts)
    return s


@op
def versions():
    try:
        from importlib.metadata import version

        return {"flask": version("flask"), "itsdangerous": version("itsdangerous"), "werkzeug": version("werkzeug")}
    except Exception:  # pragma: no cover
        return {}


@op
def dumps(repr_text, key, timestamp, fallbacks=None, salt=None):
    """The cookie Flask writes for the session dict at timestamp."""
    app = _app(key, fallbacks)
    if salt is not None:
        app.session_interface.salt = salt
    value = literal(repr_text)
    with app.app_context():
        s = _serializer(app, timestamp)
        return {"cookie": s.dumps(value), "json": app.session_interface.serializer.dumps(value)}


@op
def dumps_many(items):
    out = []
    for it in items:
        try:
            out.append(dumps(**it))
        except Exception as exc:
            out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


def _loads(cookie, key, now, fallbacks=None, lifetime=None, salt=None):
    """What Flask's open_session sees: the dict, or the exception class that
    itsdangerous raised (Flask turns a BadSignature into an empty session
    and lets anything else fail the request)."""
    app = _app(key, fallbacks, lifetime)
    if salt is not None:
        app.session_interface.salt = salt
    with app.app_context():
        s = _serializer(app, now)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data = s.loads(cookie, max_age=max_age)
        except SignatureExpired as exc:
            return None, "SignatureExpired", str(exc)
        except BadPayload as exc:
            return None, "BadPayload", str(exc)
        except BadSignature as exc:
            return None, "BadSignature", str(exc)
        except Exception as exc:
            return None, type(exc).__name__, str(exc)
        try:
            session = app.session_interface.session_class(data)
        except Exception as exc:
            return None, type(exc).__name__, str(exc)
        return dict(session), None, None


@op
def loads(cookie, key, now, fallbacks=None, lifetime=None, salt=None, dump=True):
    """The session Flask loads from cookie (repr), and unless dump is false
    the tagged JSON Flask writes for it."""
    value, err, msg = _loads(cookie, key, now, fallbacks, lifetime, salt)
    if err:
        return {"error": err, "message": msg}
    if not dump:
        return {"repr": repr(value)}
    app = _app(key)
    with app.app_context():
        return {"repr": repr(value), "json": app.session_interface.serializer.dumps(value)}


@op
def check(cookie, key, now, want_repr, fallbacks=None, lifetime=None):
    """Loads a cookie the Go side wrote and compares the session with the
    value of want_repr as Flask itself would load it from its own cookie."""
    got, err, msg = _loads(cookie, key, now, fallbacks, lifetime)
    if err:
        return {"error": err, "message": msg}
    app = _app(key, fallbacks)
    with app.app_context():
        ser = app.session_interface.serializer
        want = ser.loads(ser.dumps(literal(want_repr)))
        return {"same": same(got, want), "repr": repr(got), "want": repr(want), "json": ser.dumps(got)}


@op
def check_many(items):
    out = []
    for it in items:
        try:
            out.append(check(**it))
        except Exception as exc:
            out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


@op
def resign(cookie, key, now, new_key, timestamp):
    """Loads a cookie (Go wrote it) and signs the loaded session again with
    new_key at timestamp, as a Flask request that touched the session
    would."""
    got, err, msg = _loads(cookie, key, now)
    if err:
        return {"error": err, "message": msg}
    app = _app(new_key)
    with app.app_context():
        s = _serializer(app, timestamp)
        cookie = s.dumps(got)
    again, err, msg = _loads(cookie, new_key, timestamp)
    if err:
        return {"error": err, "message": msg}
    # repr: the session as the next request loads it from the new cookie.
    return {"cookie": cookie, "repr": repr(again), "first_repr": repr(got)}


@op
def resign_many(items):
    out = []
    for it in items:
        try:
            out.append(resign(**it))
        except Exception as exc:
            out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


@op
def tagged_dumps(repr_text):
    """TaggedJSONSerializer.dumps in an app context."""
    app = _app({"text": "k"})
    with app.app_context():
        return {"json": app.session_interface.serializer.dumps(literal(repr_text))}


@op
def tagged_dumps_many(reprs):
    app = _app({"text": "k"})
    out = []
    with app.app_context():
        ser = app.session_interface.serializer
        for r in reprs:
            try:
                out.append({"json": ser.dumps(literal(r))})
            except Exception as exc:
                out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


@op
def tagged_loads(json_text):
    """TaggedJSONSerializer.loads, and the value dumped again."""
    app = _app({"text": "k"})
    with app.app_context():
        ser = app.session_interface.serializer
        v = ser.loads(json_text)
        return {"repr": repr(v), "json": ser.dumps(v)}


@op
def tagged_loads_many(texts):
    app = _app({"text": "k"})
    out = []
    with app.app_context():
        ser = app.session_interface.serializer
        for text in texts:
            try:
                v = ser.loads(text)
                try:
                    again = ser.dumps(v)
                except Exception as exc:
                    again = None
                out.append({"repr": repr(v), "json": again})
            except Exception as exc:
                out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


@op
def tagged_same(json_text, repr_text):
    """Whether loading json_text with Flask's serializer gives the value of
    repr_text (compared by repr and ==)."""
    app = _app({"text": "k"})
    with app.app_context():
        v = app.session_interface.serializer.loads(json_text)
        return {"same": same(v, literal(repr_text)), "repr": repr(v)}


@op
def plain_dumps(repr_text):
    """app.json.dumps (Flask's default JSON provider)."""
    app = _app({"text": "k"})
    with app.app_context():
        return {"json": flask.json.dumps(literal(repr_text))}


@op
def zlib_compress(data):
    return {"data": base64.b64encode(zlib.compress(base64.b64decode(data))).decode()}


@op
def zlib_compress_many(items):
    return [base64.b64encode(zlib.compress(base64.b64decode(d))).decode() for d in items]


@op
def float_reprs(hexes):
    """repr() of floats given as IEEE-754 bit patterns in hex."""
    import struct

    return [repr(struct.unpack(">d", bytes.fromhex(h))[0]) for h in hexes]


@op
def sign(value, key, salt=None, key_derivation=None, digest=None, timestamp=None, keys=None):
    """itsdangerous Signer / TimestampSigner output, for the signer tests."""
    kw = {}
    if key_derivation:
        kw["key_derivation"] = key_derivation
    if digest:
        kw["digest_method"] = getattr(hashlib, digest)
    secret = [_key(k) for k in keys] if keys else _key(key)
    if timestamp is None:
        s = itsdangerous.Signer(secret, salt=salt, **kw)
    else:
        s = _fixed_signer(timestamp)(secret, salt=salt, **kw)
    return {"signed": s.sign(base64.b64decode(value)).decode("latin-1")}


@op
def expand(repr_text):
    """repr() of a session expression ('ab' * 64 and the like)."""
    return {"repr": repr(literal(repr_text))}


@op
def base64_decode_many(items, kind):
    """itsdangerous's base64_decode (kind "url") or base64.b64decode (kind
    "std", the " b" tag) of each text (given as latin-1 str): the bytes in
    base64, or the exception."""
    from itsdangerous.encoding import base64_decode

    out = []
    for text in items:
        try:
            if kind == "url":
                got = base64_decode(text.encode("latin-1"))
            else:
                got = base64.b64decode(text)
            out.append({"data": base64.b64encode(got).decode()})
        except Exception as exc:
            out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


@op
def decompress_many(items):
    """zlib.decompress of each base64 input: the output in base64, or the
    exception."""
    out = []
    for data in items:
        try:
            out.append({"data": base64.b64encode(zlib.decompress(base64.b64decode(data))).decode()})
        except Exception as exc:
            out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


@op
def plain_dumps_many(reprs):
    """app.json.dumps (Flask's default JSON provider) of each value."""
    app = _app({"text": "k"})
    out = []
    with app.app_context():
        for r in reprs:
            try:
                out.append({"json": flask.json.dumps(literal(r))})
            except Exception as exc:
                out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out
