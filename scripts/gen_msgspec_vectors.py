"""Writes the golden vectors of the Go msgspec package: what the real msgspec
writes and reads, as Flask-Session 0.7+ calls it, to
testdata/msgspec/vectors-<msgspec version>.json.gz.

    .venv/msgspec0186/bin/python scripts/gen_msgspec_vectors.py
    .venv/msgspec022/bin/python scripts/gen_msgspec_vectors.py

encode: {repr, msgpack | msgpack_error, json | json_error} for hand-picked
        values of every type a session can hold and for random ones (seeded).
decode: {format, data, repr | error}: what an untyped decoder gives for
        hand-made inputs (edge cases and malformed ones) and for the encoded
        values above.
payloads: the msgpack and JSON bytes of testdata/payloads/*.repr.
Bytes are base64.
"""

import collections
import datetime as dt
import decimal
import gzip
import json
import os
import struct
import sys
import uuid

import msgspec
from markupsafe import Markup

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from pyops import msgspecops  # noqa: E402
from pyops.core import b64, literal  # noqa: E402

ROOT = os.path.join(HERE, "..")
UTC = dt.timezone.utc
D = decimal.Decimal


def tz(**kw):
    return dt.timezone(dt.timedelta(**kw))


CASES = [
    None, True, False,
    0, 1, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**100,
    -1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**63, -2**63 - 1, 10**4299, -(10**4299),
    0.0, -0.0, 1.0, 1.5, -2.25, 0.1, 1e16, 1e15, 123456789012345678.0, 1e-4, 1e-5, 1e-6, 1e22, 1e21, 5e-324,
    1.7976931348623157e308, 2.2250738585072014e-308, float("inf"), float("-inf"), float("nan"), 1 / 3, 100.0,
    "", "a", "x" * 31, "x" * 32, "x" * 255, "x" * 256, "x" * 65535, "x" * 65536,
    "caf\u00e9 \u20ac \U0001f600", "\x00\x01\x08\t\n\x0b\x0c\r\x1f \x7f\"\\/", "\u2028\u2029", "<script>&</script>",
    "\ud800", "a\udfffb",
    b"", b"\x00\xff", b"x" * 255, b"x" * 256, b"x" * 65536, bytearray(b"ab"), bytearray(),
    [], [1, [2, [3]]], list(range(15)), list(range(16)), [None] * 65535, [None] * 65536, (), (1, "a", None), ((),),
    set(), {1}, {1, 2, 3}, frozenset({5, 6}), frozenset(),
    {}, {"a": 1}, {str(i): i for i in range(15)}, {str(i): i for i in range(16)},
    {1: "int key", 2.5: "float key", None: "none", True: "bool", (1, 2): "tuple", b"k": "bytes"},
    {(1, (2, 3)): 1}, {frozenset({1}): 1}, {Markup("<b>"): "markup key"},
    {dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC): 1, dt.date(2020, 1, 2): 2, dt.time(1, 2): 3,
     dt.timedelta(days=1): 4, uuid.UUID(int=7): 5, D("1.5"): 6},
    {-(2**70): "big", 2**64 - 1: "u64", float("nan"): "nan", float("inf"): "inf", float("-inf"): "-inf", -0.0: "z"},
    collections.OrderedDict([("b", 1), ("a", 2)]),
    {"_permanent": True, "_flashes": [("message", Markup("<b>hi</b>"))]},
    Markup("x"), [Markup("y")],
    dt.datetime(2020, 1, 2, 3, 4, 5), dt.datetime(2020, 1, 2, 3, 4, 5, 6), dt.datetime(1, 1, 1),
    dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
    dt.datetime(1970, 1, 1, tzinfo=UTC), dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
    dt.datetime(2020, 1, 2, 3, 4, 5, 250000, tzinfo=UTC), dt.datetime(2106, 2, 7, 6, 28, 15, tzinfo=UTC),
    dt.datetime(2106, 2, 7, 6, 28, 16, tzinfo=UTC), dt.datetime(2514, 5, 30, 1, 53, 3, 999999, tzinfo=UTC),
    dt.datetime(2514, 5, 30, 1, 53, 4, tzinfo=UTC), dt.datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
    dt.datetime(1, 1, 1, tzinfo=UTC), dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=tz(hours=2)), dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=tz(hours=-5, minutes=-30)),
    dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=tz(seconds=29)), dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=tz(seconds=31)),
    dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=tz(seconds=-31)), dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=tz(hours=23, minutes=59, seconds=59)),
    dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=tz(microseconds=1)), dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=tz(microseconds=-1)),
    dt.datetime(2020, 1, 2, tzinfo=dt.timezone(dt.timedelta(0), "UTC")), dt.datetime(2020, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=1), "CET")),
    dt.datetime(1, 1, 1, tzinfo=tz(hours=1)), dt.datetime(1, 1, 1, tzinfo=tz(hours=-1)),
    dt.datetime(9999, 12, 31, 23, tzinfo=tz(hours=-1)), dt.datetime(9999, 12, 31, 23, tzinfo=tz(hours=-2)),
    dt.date(2020, 1, 2), dt.date(1, 1, 1), dt.date(9999, 12, 31),
    dt.time(0, 0), dt.time(1, 2, 3, 4), dt.time(23, 59, 59, 999999), dt.time(1, 2, tzinfo=UTC),
    dt.time(1, 2, tzinfo=tz(hours=5, minutes=45)), dt.time(1, 2, tzinfo=tz(hours=-3)), dt.time(1, 2, 3, 500, tzinfo=tz(seconds=90)),
    dt.timedelta(0), dt.timedelta(days=1), dt.timedelta(days=-1), dt.timedelta(seconds=1), dt.timedelta(microseconds=1),
    dt.timedelta(microseconds=-1), dt.timedelta(microseconds=10), dt.timedelta(days=2, seconds=3, microseconds=400000),
    dt.timedelta(days=-2, seconds=3, microseconds=400000), dt.timedelta.max, dt.timedelta.min, dt.timedelta(seconds=-86400),
    uuid.UUID("5f0c2a8e-9d4b-4c1e-8f3a-2b7d6e1c9a04"), uuid.UUID(int=0),
    D("0"), D("-0"), D("1.10"), D("1E+3"), D("1e-7"), D("0.000001"), D("123456789.123456789"), D("NaN"), D("-sNaN"),
    D("Infinity"), D("-Infinity"), D("NaN123"),
]


def encode_cases():
    out = []
    for v in CASES:
        out.append(entry(v))
    for fmt, seed in (("msgpack", 1), ("json", 2)):
        for it in msgspecops.random_values(seed, 200, fmt, long_strings=False):
            out.append(entry(literal(it["repr"])))
    return out


def entry(v):
    e = {"repr": repr(v)}
    for fmt in ("msgpack", "json"):
        data, err = msgspecops._encode(fmt, v)
        if err is None:
            e[fmt] = b64(data)
        else:
            e[fmt + "_error"] = err
    return e


def mp(*parts):
    return b"".join(p if isinstance(p, bytes) else bytes([p]) for p in parts)


# Hand-made inputs for the decoders: forms msgspec never writes but reads,
# and malformed data.
MSGPACK_INPUTS = [
    b"", b"\xc0", b"\xc1", b"\xc0\xc0", b"\x7f", b"\xe0", b"\xcc\x01", b"\xcd\x00\x01", b"\xce\x00\x00\x00\x01",
    b"\xcf\x00\x00\x00\x00\x00\x00\x00\x01", b"\xcf\xff\xff\xff\xff\xff\xff\xff\xff", b"\xcf\x80\x00\x00\x00\x00\x00\x00\x00",
    b"\xd0\x01", b"\xd1\xff\xff", b"\xd2\x80\x00\x00\x00", b"\xd3\x80\x00\x00\x00\x00\x00\x00\x00", b"\xd3\x00",
    b"\xca" + struct.pack(">f", 1.5), b"\xca" + struct.pack(">f", 0.1), b"\xca\x7f\xc0\x00\x00",
    b"\xcb\x7f\xf8\x00\x00\x00\x00\x00\x01", b"\xcb\x00",
    b"\xd9\x01a", b"\xda\x00\x01a", b"\xdb\x00\x00\x00\x01a", b"\xa2\xc3\xa9", b"\xa3\xed\xa0\x80", b"\xa2\xc3", b"\xa1\xff",
    b"\xa4\xf0\x9f\x98\x80", b"\xa5abc", b"\xc4\x02ab", b"\xc5\x00\x01a", b"\xc6\x00\x00\x00\x00", b"\xc4\x05ab",
    b"\x90", b"\x92\x01", b"\xdc\x00\x01\xc0", b"\xdd\x00\x00\x00\x01\xc0", b"\xdd\xff\xff\xff\xff\xc0",
    b"\x80", b"\x81\xa1a\x01", b"\x82\xa1a\x01\xa1a\x02", b"\x82\x01\xa1x\xc3\xa1y", b"\x82\xc3\xa1x\x01\xa1y",
    b"\x82\x01\x01\xcb\x3f\xf0\x00\x00\x00\x00\x00\x00\x02", b"\x81\x92\x01\x92\x02\x03\xc0", b"\x81\x80\x01",
    b"\x81\x91\x80\x01", b"\x81\xc4\x01k\x01", b"\x81\xd6\xff\x00\x00\x00\x00\x01", b"\x81\xd4\x05\x00\x01",
    b"\x81\xc0\x01", b"\x81\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00\x01", b"\xde\x00\x01\xa1a\x01", b"\xdf\x00\x00\x00\x01\xa1a\x01",
    b"\xdf\xff\xff\xff\xff", b"\x81\xa1a", b"\x81",
    b"\xd6\xff\x00\x00\x00\x00", b"\xd6\xff\xff\xff\xff\xff", b"\xd7\xff" + struct.pack(">Q", (999999999 << 34) | 5),
    b"\xd7\xff" + struct.pack(">Q", (1000000000 << 34) | 5), b"\xd7\xff" + struct.pack(">Q", (1499 << 34)),
    b"\xd7\xff" + struct.pack(">Q", (1500 << 34)), b"\xd7\xff" + struct.pack(">Q", (999999500 << 34) | 5),
    b"\xc7\x0c\xff" + struct.pack(">Iq", 0, -62135596800), b"\xc7\x0c\xff" + struct.pack(">Iq", 0, -62135596801),
    b"\xc7\x0c\xff" + struct.pack(">Iq", 999999999, 253402300799), b"\xc7\x0c\xff" + struct.pack(">Iq", 999999499, 253402300799),
    b"\xc7\x0c\xff" + struct.pack(">Iq", 0, 253402300800), b"\xc7\x0c\xff" + struct.pack(">Iq", 0, -1),
    b"\xd5\xff\x00\x00", b"\xc7\x00\xff", b"\xd8\xff" + b"\x00" * 16,
    b"\xd4\x05\x07", b"\xd5\x7f\x01\x02", b"\xd6\x80abcd", b"\xd7\x00abcdefgh", b"\xd8\x01" + b"p" * 16,
    b"\xc7\x03\x02abc", b"\xc7\x00\x02", b"\xc8\x00\x01\x03z", b"\xc9\x00\x00\x00\x01\x04z", b"\xc9\xff\xff\xff\xff\x04",
    b"\x91\xd4\x05\x07", b"\x81\xa1e\xd4\x05\x07",
    b"\x91" * 5 + b"\xc0", b"\x92\xc0", b"\xa1a\xc0",
]

JSON_INPUTS = [
    b"", b" ", b"null", b" null ", b"nul", b"nulL", b"true", b"false", b"tru", b"truex", b"0", b"-0", b"-0.0", b"01", b"-",
    b"1.", b".5", b"1e", b"1e+", b"1E-2", b"1e400", b"-1e400", b"1e-400", b"2.5e-324", b"123456789012345678901234567890",
    b"9223372036854775807", b"9223372036854775808", b"-9223372036854775808", b"-9223372036854775809",
    b"18446744073709551615", b"18446744073709551616", b"19446744073709551616", b"19446744073709551617",
    b"-19999999999999999999", b"19999999999999999999", b"20000000000000000000", b"10000000000000000000",
    b"1" * 4300, b"-" + b"1" * 4299, b"-" + b"1" * 4300, b"1" * 4301, b"0." + b"1" * 900,
    b"1" + b"0" * 400 + b".0e-400", b"NaN", b"Infinity", b"-Infinity", b"nan", b"+1", b"0x10", b"1.5e3", b"1e+2",
    b"12345678901234567890.5", b"0.1", b"3.141592653589793", b"1.7976931348623157e308", b"1.7976931348623159e308",
    b'""', b'"abc"', b'"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"', b'"\\u00e9\\u20AC"', b'"\\ud83d\\ude00"', b'"\\ud83d"', b'"\\ud83dx"',
    b'"\\ude00"', b'"\\ud83d\\u0041"', b'"\\u12"', b'"\\u12G4"', b'"\\x"', b'"a\nb"', b'"a\x00"', b'"\x7f"', b'"caf\xc3\xa9"',
    b'"\xed\xa0\x80"', b'"\xff"', b'"\xc3\xa9\\n\xc3"', b'"abc', b'"\\', b'"\\u',
    b"[]", b"[ ]", b"[1,2]", b" [ 1 , 2 ] ", b"[1,]", b"[,1]", b"[1 2]", b"[1", b"[", b"[[[]]]",
    b"{}", b'{"a":1}', b'{ "a" : 1 , "b" : [ ] }', b'{"a":1,"a":2}', b'{"a":1,}', b'{1:2}', b'{"a" 1}', b'{"a":}',
    b'{"a"', b'{"a":1', b"{", b'{"":0}', b'{"\\u0000":1}', b"[1]x", b"[1] ", b"\t\r\n[1]\n", b"\xef\xbb\xbf[]",
    b'{"a":{"b":{"c":[1,{"d":null}]}}}', b"[1e5,1E5,1e-5,-1.0,100]", b"[true,false,null]",
]


def decode_inputs():
    out = []
    for fmt, inputs in (("msgpack", MSGPACK_INPUTS), ("json", JSON_INPUTS)):
        for data in inputs:
            out.append(decode_entry(fmt, data))
    return out


def decode_entry(fmt, data):
    e = {"format": fmt, "data": b64(data)}
    try:
        v = msgspecops.FORMATS[fmt][1].decode(data)
    except Exception as exc:
        e["error"] = "%s: %s" % (type(exc).__name__, exc)
        return e
    e["repr"] = repr(_show_ext(v))
    return e


class _ExtRepr:
    """An Ext as the Go model prints the object pickle would keep for it."""

    def __init__(self, ext):
        self.text = "<reduce msgspec.msgpack.Ext(%d, %r)>" % (ext.code, bytes(ext.data))

    def __repr__(self):
        return self.text


def _show_ext(v):
    if isinstance(v, msgspec.msgpack.Ext):
        return _ExtRepr(v)
    if isinstance(v, list):
        return [_show_ext(x) for x in v]
    if isinstance(v, dict):
        return {k: _show_ext(x) for k, x in v.items()}
    return v


def payloads():
    out = {}
    for name in ("login", "cart", "history"):
        with open(os.path.join(ROOT, "testdata", "payloads", name + ".repr")) as f:
            v = literal(f.read())
        out[name] = {fmt: b64(msgspecops.FORMATS[fmt][0].encode(v)) for fmt in ("msgpack", "json")}
    return out


def main():
    enc = encode_cases()
    dec = decode_inputs()
    for e in enc:
        for fmt in ("msgpack", "json"):
            if fmt in e:
                d = decode_entry(fmt, msgspecops.unb64(e[fmt]))
                if "repr" in d:
                    dec.append(d)
    doc = {"msgspec": msgspec.__version__, "python": sys.version.split()[0], "encode": enc, "decode": dec,
           "payloads": payloads()}
    os.makedirs(os.path.join(ROOT, "testdata", "msgspec"), exist_ok=True)
    path = os.path.join(ROOT, "testdata", "msgspec", "vectors-%s.json.gz" % msgspec.__version__)
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(json.dumps(doc, indent=0, sort_keys=True).encode())
    print(path, len(enc), len(dec))


if __name__ == "__main__":
    main()
