"""msgspec ops: the real msgspec (as Flask-Session 0.7+ uses it) on the other
side of the Go msgspec package's tests.

Values travel as repr() text (read with pyops.core.literal) and bytes as
base64. The encoders are msgspec.msgpack.Encoder() and msgspec.json.Encoder(),
the decoders untyped msgspec.msgpack.Decoder() and msgspec.json.Decoder(),
exactly what flask_session.base.MsgSpecSerializer builds.
"""

import collections
import datetime
import decimal
import math
import random
import struct
import uuid

import msgspec

from pyops import op
from pyops.core import b64, literal, same, unb64

MP_ENC = msgspec.msgpack.Encoder()
MP_DEC = msgspec.msgpack.Decoder()
JS_ENC = msgspec.json.Encoder()
JS_DEC = msgspec.json.Decoder()

FORMATS = {"msgpack": (MP_ENC, MP_DEC), "json": (JS_ENC, JS_DEC)}


def _err(exc):
    return "%s: %s" % (type(exc).__name__, exc)


def _encode(fmt, value):
    """(data, None) or (None, error text)."""
    try:
        return FORMATS[fmt][0].encode(value), None
    except Exception as exc:  # the Go side must fail too
        return None, _err(exc)


def _decode(fmt, data):
    try:
        return FORMATS[fmt][1].decode(data), None
    except Exception as exc:
        return None, _err(exc)


def _canon(expected, decoded):
    """decoded with every list that stands for a set of expected put in a
    fixed order, so that a set written in another order compares equal."""
    if isinstance(expected, (set, frozenset)) and isinstance(decoded, list):
        return sorted(decoded, key=repr)
    if isinstance(expected, (list, tuple)) and isinstance(decoded, (list, tuple)):
        if len(expected) != len(decoded):
            return decoded
        out = [_canon(e, d) for e, d in zip(expected, decoded)]
        return tuple(out) if isinstance(decoded, tuple) else out
    if isinstance(expected, dict) and isinstance(decoded, dict) and len(expected) == len(decoded):
        return {dk: _canon(ev, dv) for (ek, ev), (dk, dv) in zip(expected.items(), decoded.items())}
    return decoded


def _has_set(v):
    if isinstance(v, (set, frozenset)):
        return len(v) > 1 or any(_has_set(x) for x in v)
    if isinstance(v, (list, tuple)):
        return any(_has_set(x) for x in v)
    if isinstance(v, dict):
        return any(_has_set(k) or _has_set(x) for k, x in v.items())
    return False


def _check_one(fmt, expected, go_data, go_error):
    """Compares what Go wrote (or its error) with what msgspec writes for the
    expected value."""
    want, want_err = _encode(fmt, expected)
    res = {"want_error": want_err}
    if want_err is not None:
        res["ok"] = go_error is not None
        res["why"] = "" if res["ok"] else "msgspec fails (%s), Go wrote bytes" % want_err
        return res
    res["want"] = b64(want)
    if go_error is not None:
        res["ok"] = False
        res["why"] = "Go failed (%s), msgspec wrote bytes" % go_error
        return res
    res["identical"] = want == go_data
    got, got_err = _decode(fmt, go_data)
    if got_err is not None:
        res["ok"] = False
        res["why"] = "msgspec cannot decode the Go output: " + got_err
        return res
    ref, _ = _decode(fmt, want)
    res["got_repr"] = repr(got)
    res["want_repr"] = repr(ref)
    if res["identical"]:
        res["ok"] = same(got, ref)
    elif _has_set(expected):
        # CPython iterates a set in hash order: compare as multisets.
        res["ok"] = same(_canon(expected, got), _canon(expected, ref)) and len(want) == len(go_data)
    else:
        res["ok"] = False
    if not res["ok"]:
        res["why"] = "bytes differ"
    return res


@op
def check_many(items):
    """For each {repr_text, msgpack, msgpack_error, json, json_error} that
    the Go side encoded: what msgspec writes for literal(repr_text), and
    whether Go matched it (same bytes, or both failing)."""
    out = []
    for it in items:
        try:
            expected = literal(it["repr_text"])
        except Exception as exc:
            out.append({"error": "literal: " + _err(exc)})
            continue
        entry = {}
        for fmt in ("msgpack", "json"):
            data = it.get(fmt)
            entry[fmt] = _check_one(fmt, expected, unb64(data) if data is not None else None, it.get(fmt + "_error"))
        out.append(entry)
    return out


@op
def decode_many(items):
    """For each {format, data}: repr(decoder.decode(data)) and the encoding of
    that value again, or the error msgspec raises."""
    out = []
    for it in items:
        fmt = it["format"]
        v, err = _decode(fmt, unb64(it["data"]))
        if err is not None:
            out.append({"error": err})
            continue
        again, err = _encode(fmt, v)
        out.append({"repr": repr(v), "reencoded": b64(again) if again is not None else None, "reencode_error": err})
    return out


@op
def same_many(items):
    """For each {format, data, repr_text}: whether literal(repr_text), the
    value the Go decoder read, is what msgspec decodes from data."""
    out = []
    for it in items:
        v, err = _decode(it["format"], unb64(it["data"]))
        if err is not None:
            out.append({"ok": False, "why": err})
            continue
        try:
            got = literal(it["repr_text"])
        except Exception as exc:
            out.append({"ok": False, "why": "literal: " + _err(exc)})
            continue
        ok = same(got, v)
        out.append({"ok": ok, "why": "" if ok else "Go read %r, msgspec %r" % (got, v)})
    return out


@op
def serializer_roundtrip(data, format):
    """Flask-Session's own MsgSpecSerializer reads data (written by Go) and
    writes the session back: repr of the dict it read and its bytes."""
    from flask import Flask
    from flask_session.base import MsgSpecSerializer

    ser = MsgSpecSerializer(app=Flask(__name__), format=format)
    session = ser.decode(unb64(data))
    return {"repr": repr(session), "data": b64(ser.encode(session))}


@op
def serializer_encode(repr_text, format):
    """What Flask-Session's MsgSpecSerializer stores for the session dict."""
    from flask import Flask
    from flask_session.base import MsgSpecSerializer

    ser = MsgSpecSerializer(app=Flask(__name__), format=format)
    return {"data": b64(ser.encode(literal(repr_text)))}


# Random values, msgspec-encodable or nearly so, for the Python -> Go tests.

_UTC = datetime.timezone.utc


def _rand_int(r):
    k = r.randrange(9)
    if k == 0:
        return r.choice([0, 1, -1, 127, 128, -32, -33, 255, 256, -128, -129, 65535, 65536, -32768, -32769,
                         2**32 - 1, 2**32, -2**31, -2**31 - 1, 2**63 - 1, 2**63, 2**64 - 1, -2**63, 2**64, -2**63 - 1, 10**30])
    if k < 4:
        return r.randrange(-40, 300)
    bits = r.randrange(1, 65)
    v = r.getrandbits(bits)
    if r.random() < 0.5 and v < 2**63:
        v = -v
    return v


def _rand_float(r):
    k = r.randrange(8)
    if k == 0:
        return r.choice([0.0, -0.0, math.inf, -math.inf, math.nan, 1e16, 1e15, 1e-5, 1e-4, 1e-6, 5e-324,
                         1.7976931348623157e308, 2.2250738585072014e-308, 0.1, 123456789.0, 1e22, 1e21])
    if k < 3:
        return struct.unpack(">d", struct.pack(">Q", r.getrandbits(64)))[0]
    if k < 5:
        return round(r.uniform(-1000, 1000), r.randrange(0, 8))
    return r.uniform(-1, 1) * 10 ** r.randrange(-30, 30)


_ALPHABET = "abcxyzABC 019_-/\"\\\n\t\x00\x01\x1f\x7f\u00e9\u00ff\u0100\u20ac\u4e2d\U0001f600\U00010000\ufffd\u2028"


_LONG = [True]  # 64 KiB strings and 300-item containers too (off for the golden vectors)


def _rand_str(r, maxlen=12):
    k = r.randrange(40)
    if k == 0:
        n = r.choice([31, 32, 255, 256, 300, 65535, 65536]) if _LONG[0] and r.random() < 0.3 else r.choice([31, 32, 255, 256, 300])
        return "".join(r.choice("abc") for _ in range(n))
    n = r.randrange(maxlen)
    return "".join(r.choice(_ALPHABET) for _ in range(n))


def _rand_tz(r):
    k = r.randrange(5)
    if k == 0:
        return _UTC
    if k == 1:
        return datetime.timezone(datetime.timedelta(hours=r.randrange(-23, 24), minutes=r.choice([0, 30, 45])))
    if k == 2:
        return datetime.timezone(datetime.timedelta(seconds=r.randrange(-86399, 86400)))
    if k == 3:
        return datetime.timezone(datetime.timedelta(microseconds=r.randrange(-86399999999, 86400000000)))
    return datetime.timezone(datetime.timedelta(hours=r.randrange(-12, 13)), "Zone%d" % r.randrange(10))


def _rand_datetime(r, aware):
    k = r.randrange(6)
    if k == 0:
        base = r.choice([datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
                         datetime.datetime(1970, 1, 1), datetime.datetime(2106, 2, 7, 6, 28, 15),
                         datetime.datetime(2106, 2, 7, 6, 28, 16), datetime.datetime(2514, 5, 30, 1, 53, 3),
                         datetime.datetime(2514, 5, 30, 1, 53, 4), datetime.datetime(1969, 12, 31, 23, 59, 59)])
    else:
        base = datetime.datetime(1, 1, 1) + datetime.timedelta(seconds=r.randrange(0, 315537897600))
    if r.random() < 0.6:
        base = base.replace(microsecond=r.randrange(1000000))
    if not aware:
        return base
    tz = _rand_tz(r)
    return base.replace(tzinfo=tz)


def _rand_scalar(r):
    k = r.randrange(18)
    if k == 0:
        return None
    if k == 1:
        return r.random() < 0.5
    if k in (2, 3):
        return _rand_int(r)
    if k in (4, 5):
        return _rand_float(r)
    if k in (6, 7, 8):
        return _rand_str(r)
    if k == 9:
        return bytes(r.getrandbits(8) for _ in range(r.choice([0, 1, 2, 3, 5, 40, 255, 256, 300])))
    if k == 10:
        return _rand_datetime(r, aware=r.random() < 0.6)
    if k == 11:
        return datetime.date(r.randrange(1, 10000), r.randrange(1, 13), r.randrange(1, 29))
    if k == 12:
        t = datetime.time(r.randrange(24), r.randrange(60), r.randrange(60), r.choice([0, r.randrange(1000000)]))
        if r.random() < 0.4:
            t = t.replace(tzinfo=_rand_tz(r))
        return t
    if k == 13:
        return datetime.timedelta(microseconds=r.randrange(-86400 * 10**6 * 1000, 86400 * 10**6 * 1000)) if r.random() < 0.8 \
            else r.choice([datetime.timedelta(0), datetime.timedelta(-1), datetime.timedelta(microseconds=-1),
                           datetime.timedelta.max, datetime.timedelta.min, datetime.timedelta(days=3, seconds=5)])
    if k == 14:
        return uuid.UUID(int=r.getrandbits(128))
    if k == 15:
        return r.choice([decimal.Decimal("1.10"), decimal.Decimal("-0"), decimal.Decimal("1E+3"), decimal.Decimal("NaN"),
                         decimal.Decimal("-Infinity"), decimal.Decimal("0.000001"), decimal.Decimal("1e-7"),
                         decimal.Decimal(r.randrange(-10**30, 10**30)).scaleb(r.randrange(-40, 10))])
    if k == 16:
        return bytearray(r.getrandbits(8) for _ in range(r.randrange(5)))
    return _rand_int(r) if r.random() < 0.5 else _rand_str(r)


def _rand_key(r, fmt):
    k = r.randrange(10)
    if k < 6:
        return _rand_str(r, 8)
    if k == 6:
        return _rand_int(r)
    if k == 7:
        return _rand_float(r)
    if fmt == "json":
        return r.choice([datetime.date(2020, 1, 2), uuid.UUID(int=r.getrandbits(128)), b"k\x00", decimal.Decimal("2.5"),
                         datetime.datetime(2020, 5, 6, 7, 8, 9, tzinfo=_UTC), datetime.timedelta(seconds=90)])
    return r.choice([None, True, False, (1, "a"), (), frozenset(), b"k\x00", datetime.datetime(2020, 5, 6, tzinfo=_UTC),
                     (1, (2, b"x"))])


def _rand_value(r, fmt, depth=0):
    if depth > 3 or r.random() < 0.45:
        return _rand_scalar(r)
    k = r.randrange(6)
    n = r.choice([0, 1, 2, 3, 5, 15, 16, 17]) if depth > 0 or r.random() < 0.9 else r.choice([70, 300] if _LONG[0] else [20])
    if depth > 1:
        n = min(n, 3)
    if k == 0:
        return [_rand_value(r, fmt, depth + 1) for _ in range(n)]
    if k == 1:
        return tuple(_rand_value(r, fmt, depth + 1) for _ in range(n))
    if k == 2:
        # Small ints: CPython's set order is then their numeric order.
        s = sorted(set(r.randrange(0, 40) for _ in range(n)))
        return frozenset(s) if r.random() < 0.3 else set(s)
    d = collections.OrderedDict() if k == 3 and r.random() < 0.3 else {}
    for _ in range(n):
        d[_rand_key(r, fmt)] = _rand_value(r, fmt, depth + 1)
    return d


@op
def random_values(seed, count, format, long_strings=True):
    """count random values (for format: its keys) with repr and what
    msgspec writes for each, or the error it raises; "again" is what it
    writes for the value it decodes from that (keys that decode equal, such
    as () and frozenset(), are then merged)."""
    _LONG[0] = long_strings
    r = random.Random(seed)
    out = []
    for _ in range(count):
        v = _rand_value(r, format)
        data, err = _encode(format, v)
        e = {"repr": repr(v), "data": None, "error": err}
        if data is not None:
            e["data"] = b64(data)
            e["again"] = b64(_encode(format, _decode(format, data)[0])[0])
        out.append(e)
    return out


@op
def time_payloads(payloads, number=2000, repeat=7):
    """Median seconds per call of msgspec's encode and decode for each
    {name, repr_text}, with timeit."""
    import statistics
    import timeit

    out = {}
    for p in payloads:
        v = literal(p["repr_text"])
        res = {}
        for fmt, (enc, dec) in FORMATS.items():
            data = enc.encode(v)
            e = timeit.repeat(lambda: enc.encode(v), number=number, repeat=repeat)
            d = timeit.repeat(lambda: dec.decode(data), number=number, repeat=repeat)
            res[fmt] = {"encode": statistics.median(e) / number, "decode": statistics.median(d) / number, "size": len(data)}
        out[p["name"]] = res
    return out


@op
def version():
    return {"msgspec": msgspec.__version__}
