"""Command-line tool ops: the real Python stack on the other side of
compat_test/cli_test.go, which runs the flaskbridge binary.

Keys travel as {"text": str} or {"hex": "..."}; values as repr text
(pyops.core.literal); bytes as base64. Flask, markupsafe and msgspec are
imported only by the ops that need them, so that the pickle ops run under
a bare CPython of any version.
"""

import base64
import collections
import datetime
import decimal
import math
import os
import pickle
import random
import subprocess
import sys
import uuid

from pyops import op
from pyops.core import b64, literal, same, unb64

try:
    from markupsafe import Markup
except ImportError:  # a bare interpreter
    Markup = None


def _key(k):
    if "hex" in k:
        return bytes.fromhex(k["hex"])
    return k["text"]


# Random values.

_ALPHABET = "abcxyz019 _-./'\"\\\t\n\x00\x7f\xe9\u20ac\u2028\U0001f600<>&"


def _rand_str(rng, n=None):
    if n is None:
        n = rng.choice([0, 1, 2, 5, 12, 40])
    return "".join(rng.choice(_ALPHABET) for _ in range(n))


def _rand_int(rng):
    return rng.choice([0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -2**31, 2**63 - 1, -2**63, 2**64, -(2**100) + 7,
                       rng.randint(-10**6, 10**6), rng.randint(-2**70, 2**70)])


def _rand_float(rng, specials=True):
    choices = [0.0, -0.0, 1.5, 1e16, 1e-05, 0.0001, 123456789.0, 5e-324, 1.7976931348623157e308,
               rng.uniform(-1e6, 1e6), rng.random()]
    if specials:
        choices += [math.inf, -math.inf]
    return rng.choice(choices)


def _rand_datetime(rng, aware=True):
    d = datetime.datetime(rng.randint(1970, 2100), rng.randint(1, 12), rng.randint(1, 28),
                          rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                          rng.choice([0, 0, 1, 999999, rng.randint(0, 999999)]))
    if aware:
        tz = rng.choice([datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=2)),
                         datetime.timezone(datetime.timedelta(hours=-5, minutes=-30))])
        d = d.replace(tzinfo=tz)
    return d


def _cookie_scalar(rng):
    kind = rng.randrange(12)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return _rand_int(rng)
    if kind == 3:
        return _rand_float(rng)
    if kind in (4, 5):
        return _rand_str(rng)
    if kind == 6:
        return bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 3, 17])))
    if kind == 7 and Markup is not None:
        return Markup(_rand_str(rng))
    if kind == 8:
        return uuid.UUID(int=rng.getrandbits(128))
    if kind == 9:
        return _rand_datetime(rng, aware=rng.random() < 0.7)
    if kind == 10:
        return datetime.date(rng.randint(1990, 2030), rng.randint(1, 12), rng.randint(1, 28))
    return decimal.Decimal(rng.choice(["1.10", "-0", "1E+3", "3.14159", "NaN"]))


def _cookie_value(rng, depth):
    if depth <= 0 or rng.random() < 0.55:
        return _cookie_scalar(rng)
    kind = rng.randrange(4)
    n = rng.choice([0, 1, 2, 3, 6])
    if kind == 0:
        return [_cookie_value(rng, depth - 1) for _ in range(n)]
    if kind == 1:
        return tuple(_cookie_value(rng, depth - 1) for _ in range(n))
    if kind == 2:
        # a one-key dict whose key is a tag, to exercise the " di" escape
        if rng.random() < 0.3:
            return {rng.choice([" t", " b", " m", " u", " d", " di"]): _cookie_value(rng, depth - 1)}
        return {_rand_str(rng): _cookie_value(rng, depth - 1) for _ in range(n)}
    return {"_user_id": str(rng.randint(1, 10**6)), "_fresh": rng.choice([True, False])}


def _cookie_session(rng):
    s = {}
    if rng.random() < 0.5:
        s["_user_id"] = str(rng.randint(1, 10**6))
        s["_fresh"] = True
        s["_id"] = "%0128x" % rng.getrandbits(512)
    if rng.random() < 0.3:
        s["_flashes"] = [("message", _rand_str(rng))]
    for _ in range(rng.choice([0, 1, 3, 8])):
        s[_rand_str(rng) or "k"] = _cookie_value(rng, 3)
    if rng.random() < 0.25:
        # long and repetitive: compressed
        s["history"] = ["/page/%d" % rng.randint(0, 20) for _ in range(rng.randint(20, 200))]
    return s


@op
def random_sessions(seed, count):
    """count random sessions of the values Flask's cookie holds, as repr."""
    rng = random.Random(seed)
    return [repr(_cookie_session(rng)) for _ in range(count)]


# Flask's cookie.

_APPS = {}


def _app(key, fallbacks, lifetime, salt):
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    cache_key = repr((key, fallbacks, lifetime, salt))
    app = _APPS.get(cache_key)
    if app is None:
        app = Flask("flaskbridge_cli_ops")
        app.secret_key = _key(key)
        if fallbacks:
            app.config["SECRET_KEY_FALLBACKS"] = [_key(k) for k in fallbacks]
        if lifetime is not None:
            app.config["PERMANENT_SESSION_LIFETIME"] = lifetime
        # An interface of its own: Flask's is a class attribute, shared by
        # every app, and the salt is set on it.
        app.session_interface = SecureCookieSessionInterface()
        if salt is not None:
            app.session_interface.salt = salt
        _APPS[cache_key] = app
    return app


def _serializer(app, ts):
    from itsdangerous.timed import TimestampSigner

    class FixedClock(TimestampSigner):
        def get_timestamp(self):
            return ts

    s = app.session_interface.get_signing_serializer(app)
    s.signer = FixedClock
    return s


def _tamper(cookie, how, rng):
    if not how:
        return cookie
    payload, ts, sig = cookie.rsplit(".", 2)
    if how == "signature":
        return cookie[:-1] + ("A" if cookie[-1] != "A" else "B")
    if how == "payload":
        i = rng.randrange(len(payload))
        c = "a" if payload[i] != "a" else "b"
        return payload[:i] + c + payload[i + 1:] + "." + ts + "." + sig
    if how == "timestamp":
        return payload + "." + ts[:-1] + ("A" if ts[-1] != "A" else "B") + "." + sig
    if how == "truncate":
        return cookie[: rng.randrange(len(cookie))]
    if how == "swap":
        return sig + "." + ts + "." + payload
    raise ValueError(how)


def _load(app, cookie, now):
    """What open_session does: (session dict, None) or (None, (error, message))."""
    from itsdangerous import BadPayload, BadSignature, SignatureExpired

    with app.app_context():
        s = _serializer(app, now)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data = s.loads(cookie, max_age=max_age)
            return dict(app.session_interface.session_class(data)), None
        except SignatureExpired as exc:
            return None, ("SignatureExpired", str(exc))
        except BadPayload as exc:
            return None, ("BadPayload", str(exc))
        except BadSignature as exc:
            return None, ("BadSignature", str(exc))
        except Exception as exc:
            return None, (type(exc).__name__, str(exc))


@op
def cookies(cases):
    """Flask signs each case's session (repr_text) with sign_key at
    timestamp, the cookie is tampered with as asked, and Flask loads it with
    key, fallbacks and lifetime at now: the session as repr, Flask's tagged
    JSON and app.json.dumps of it, or the exception."""
    import flask

    out = []
    rng = random.Random(1)
    for c in cases:
        salt = c.get("salt")
        signer = _app(c["sign_key"], None, None, salt)
        value = literal(c["repr_text"])
        try:
            with signer.app_context():
                cookie = _serializer(signer, c["timestamp"]).dumps(value)
        except Exception as exc:  # a session Flask cannot write
            out.append({"sign_error": "%s: %s" % (type(exc).__name__, exc)})
            continue
        cookie = _tamper(cookie, c.get("tamper"), rng)
        app = _app(c["key"], c.get("fallbacks"), c.get("lifetime"), salt)
        got, err = _load(app, cookie, c["now"])
        res = {"cookie": cookie}
        if err:
            res["error"], res["message"] = err
        else:
            with app.app_context():
                res["repr"] = repr(got)
                res["tagged"] = app.session_interface.serializer.dumps(got)
                try:
                    res["json"] = flask.json.dumps(got)
                except Exception as exc:
                    res["json_error"] = "%s: %s" % (type(exc).__name__, exc)
        out.append(res)
    return out


@op
def check_cookies(items):
    """For each cookie the Go side wrote for literal(repr_text): Flask loads
    it to the session it loads from its own cookie for that dict (same()),
    and Flask's own cookie for the dict at the same time, for a byte
    comparison."""
    out = []
    for it in items:
        app = _app(it["key"], None, None, it.get("salt"))
        try:
            value = literal(it["repr_text"])
            with app.app_context():
                ser = app.session_interface.serializer
                want = ser.loads(ser.dumps(value))
                flask_cookie = _serializer(app, it["timestamp"]).dumps(value)
                tagged = ser.dumps(value)
        except Exception as exc:
            out.append({"flask_error": "%s: %s" % (type(exc).__name__, exc)})
            continue
        got, err = _load(app, it["cookie"], it["timestamp"])
        if err:
            out.append({"error": "%s: %s" % err, "flask_cookie": flask_cookie})
            continue
        out.append({"same": same(got, want), "repr": repr(got), "want": repr(want), "flask_cookie": flask_cookie, "tagged": tagged})
    return out


# Pickles.


class Point:
    """An application class: pickled as NEWOBJ + BUILD of its __dict__."""

    def __init__(self, x, y):
        self.x, self.y = x, y


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a, self.b = a, b


def _pickle_scalar(rng):
    kind = rng.randrange(15)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return _rand_int(rng)
    if kind == 3:
        return rng.choice([_rand_float(rng), math.nan])
    if kind in (4, 5):
        return _rand_str(rng, rng.choice([0, 1, 2, 5, 40, 300]))
    if kind == 6:
        return bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 2, 7, 300])))
    if kind == 7:
        return bytearray(rng.randrange(256) for _ in range(rng.choice([0, 3])))
    if kind == 8:
        return uuid.UUID(int=rng.getrandbits(128))
    if kind == 9:
        d = _rand_datetime(rng, aware=rng.random() < 0.5)
        return d.replace(fold=1) if rng.random() < 0.2 else d
    if kind == 10:
        return datetime.date(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28))
    if kind == 11:
        return datetime.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), rng.choice([0, 5]),
                             tzinfo=rng.choice([None, datetime.timezone.utc]))
    if kind == 12:
        return datetime.timedelta(days=rng.randint(-1000, 1000), seconds=rng.randint(0, 86399),
                                  microseconds=rng.randint(0, 999999))
    if kind == 13:
        return decimal.Decimal(rng.choice(["1.10", "-0", "1E+3", "3.14159", "NaN", "-Infinity", "1e-7"]))
    if Markup is not None:
        return Markup(_rand_str(rng))
    return _rand_str(rng)


def _pickle_value(rng, depth, pool):
    if pool and rng.random() < 0.08:
        return rng.choice(pool)  # a shared reference
    if depth <= 0 or rng.random() < 0.5:
        v = _pickle_scalar(rng)
    else:
        kind = rng.randrange(7)
        n = rng.choice([0, 1, 2, 3, 5])
        if kind == 0:
            v = [_pickle_value(rng, depth - 1, pool) for _ in range(n)]
        elif kind == 1:
            v = tuple(_pickle_value(rng, depth - 1, pool) for _ in range(n))
        elif kind == 2:
            v = {_rand_str(rng): _pickle_value(rng, depth - 1, pool) for _ in range(n)}
        elif kind == 3:
            v = {rng.choice([1, 2.5, None, ("t", 1), True, b"k", -7]): _pickle_value(rng, depth - 1, pool) for _ in range(n)}
        elif kind == 4:
            v = collections.OrderedDict((_rand_str(rng), _pickle_value(rng, depth - 1, pool)) for _ in range(n))
        elif kind == 5:
            v = _stable_set(set, (rng.randint(-50, 50) for _ in range(n)))
        else:
            v = _stable_set(frozenset, (rng.randint(0, 9) for _ in range(n)))
    if rng.random() < 0.3:
        pool.append(v)
    return v


def _stable_set(cls, items):
    """A set whose iteration order survives a pickle round trip: loading
    adds the items in the order they were pickled, which can give another
    hash-table order (and repr) than the original set's. The Go side keeps
    the pickled order, so the test sets are the ones whose order is kept."""
    s = cls(items)
    for _ in range(10):
        again = cls(list(s))
        if list(again) == list(s):
            return s
        s = again
    return cls(sorted(s)[:1])


def _pickle_session(rng):
    pool = []
    s = {"_user_id": str(rng.randint(1, 10**6)), "_permanent": rng.choice([True, False])}
    for _ in range(rng.choice([1, 3, 8])):
        s[_rand_str(rng) or "k"] = _pickle_value(rng, 3, pool)
    if rng.random() < 0.1:
        s["big"] = list(range(rng.choice([999, 1000, 1001, 2500])))
    if rng.random() < 0.05:
        s["huge"] = "x" * 70000
    return s


def _opaque_values():
    import fractions
    import types

    return [
        Point(1, "a"),
        [Point(2, None), Slotted(1, [2])],
        {"p": Point(3, (4,)), "c": complex(1, -2)},
        collections.deque([1, 2]),
        collections.Counter("abca"),
        fractions.Fraction(1, 3),
        types.SimpleNamespace(a=1, b=[2]),
        range(1, 10, 2),
    ]


@op
def pickles(seed, count, protocols):
    """Random sessions pickled at each protocol, and objects of classes the
    Go side keeps as data: for each, the pickle, repr(pickle.loads(pickle))
    and whether the value holds such objects (opaque)."""
    rng = random.Random(seed)
    out = []
    values = [(_pickle_session(rng), False) for _ in range(count)]
    values += [(v, True) for v in _opaque_values()]
    for v, opaque in values:
        for p in protocols:
            try:
                data = pickle.dumps(v, p)
            except TypeError:  # __slots__ without __getstate__ below protocol 2
                continue
            out.append({"pickle": b64(data), "protocol": p, "repr": repr(pickle.loads(data)), "opaque": opaque})
    return out


@op
def python_version():
    return {"version": sys.version.split()[0]}


class _Hostile:
    """Pickles as a call of func with args: REDUCE. It is callable so that
    it can itself stand for the function of another _Hostile (a call whose
    function is the result of a call)."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args

    def __call__(self, *args):  # pragma: no cover - never called
        raise AssertionError("not to be called")


@op
def hostile(path, protocols):
    """Pickles that would create the file path when loaded (os.system,
    subprocess, eval, exec, getattr chains), each inside a session, at each
    protocol. Python never loads them."""
    import builtins
    import importlib

    touch = "touch " + path
    payloads = {
        "os.system": _Hostile(os.system, (touch,)),
        "subprocess.call": _Hostile(subprocess.call, (["touch", path],)),
        "subprocess.Popen": _Hostile(subprocess.Popen, (["touch", path],)),
        "builtins.eval": _Hostile(builtins.eval, ("open(%r, 'w')" % path,)),
        "builtins.exec": _Hostile(builtins.exec, ("import os; os.system(%r)" % touch,)),
        # getattr(importlib.import_module('os'), 'system')('touch ...')
        "builtins.getattr": _Hostile(_Hostile(builtins.getattr, (_Hostile(importlib.import_module, ("os",)), "system")), (touch,)),
    }
    out = []
    for name, obj in payloads.items():
        for p in protocols:
            data = pickle.dumps({"_user_id": "1", "x": obj}, p)
            out.append({"name": name, "protocol": p, "pickle": b64(data)})
    return out


@op
def loads_reprs(items, encoding="ASCII"):
    """repr(pickle.loads(data)) of each base64 pickle."""
    out = []
    for data in items:
        try:
            out.append({"repr": repr(pickle.loads(unb64(data), encoding=encoding))})
        except Exception as exc:
            out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


# msgspec (Flask-Session 0.7+).


def _msgspec_value(rng, depth):
    if depth <= 0 or rng.random() < 0.5:
        kind = rng.randrange(9)
        if kind == 0:
            return None
        if kind == 1:
            return rng.choice([True, False])
        if kind == 2:
            return rng.choice([0, 1, -1, 127, 128, -32, -33, 255, 256, 2**31, -2**31 - 1, 2**63 - 1, -2**63, 2**64 - 1])
        if kind == 3:
            return _rand_float(rng, specials=False)
        if kind in (4, 5):
            return _rand_str(rng, rng.choice([0, 1, 31, 32, 300]))
        if kind == 6:
            return bytes(rng.randrange(256) for _ in range(rng.choice([0, 3, 300])))
        if kind == 7:
            return _rand_datetime(rng, aware=True).astimezone(datetime.timezone.utc)
        return _rand_str(rng)
    n = rng.choice([0, 1, 2, 5, 16])
    if rng.random() < 0.5:
        return [_msgspec_value(rng, depth - 1) for _ in range(n)]
    return {_rand_str(rng): _msgspec_value(rng, depth - 1) for _ in range(n)}


@op
def msgspec_values(seed, count):
    """Random values as msgspec writes them (msgpack and JSON), the repr of
    each as msgspec reads it back, and the pickle of the value (protocol 4),
    for a pickle to msgpack migration."""
    import msgspec

    rng = random.Random(seed)
    out = []
    for _ in range(count):
        v = {"_user_id": str(rng.randint(1, 999)), "data": _msgspec_value(rng, 3)}
        mp = msgspec.msgpack.encode(v)
        js = msgspec.json.encode(v)
        out.append({
            "value_repr": repr(v),
            "msgpack": b64(mp),
            "msgpack_repr": repr(msgspec.msgpack.decode(mp)),
            "json": b64(js),
            "json_repr": repr(msgspec.json.decode(js)),
            "pickle": b64(pickle.dumps(v, 4)),
        })
    return out
