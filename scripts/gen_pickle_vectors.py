# -*- coding: utf-8 -*-
"""Generates testdata/pickle/vectors.json.gz: golden pickles written by real
CPython interpreters (2.7, 3.8-3.13 from pyenv, and the Flask venvs for
markupsafe.Markup), every protocol each can write, with what CPython 3.11
makes of them.

    .venv/flask31/bin/python scripts/gen_pickle_vectors.py

Each vector: python (the writer), name, protocol, pickle (base64), repr
(CPython 3.11's repr of pickle.loads(pickle)), redump (base64 of
pickle.dumps(pickle.loads(pickle), protocol) by CPython 3.11, when it
differs from pickle), encoding (for Python 2 str data). The writer runs
this same file with --emit and prints one JSON object a line. Vectors named
hostile_* are pickles that run a command when CPython loads them; they are
written by CPython here and never loaded, so they have no repr; neither
have unloadable_* ones, whose class exists only in the writer.
"""

from __future__ import print_function

import base64
import glob
import json
import os
import pickle
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "testdata", "pickle", "vectors.json.gz")
PY3 = sys.version_info[0] >= 3


def values():
    """(name, value, big) for this interpreter; big ones are written by
    fewer interpreters to keep the file small."""
    import collections
    import datetime
    import decimal
    import uuid

    out = []

    def add(name, v, big=False):
        out.append((name, v, big))

    if PY3:
        text = str
        long_ = int
    else:
        text = unicode  # noqa: F821
        long_ = long  # noqa: F821

    add("none", None)
    add("bools", [True, False])
    ints = [0, 1, 255, 256, 65535, 65536, -1, -255, -256, -65536, 2 ** 31 - 1, -2 ** 31, 2 ** 31,
            -2 ** 31 - 1, 2 ** 63 - 1, -2 ** 63, 2 ** 63, 2 ** 64, -2 ** 64, 10 ** 40, -10 ** 40,
            -2 ** 39, 2 ** 2030, -2 ** 2030]
    add("ints", [long_(i) if abs(i) > 2 ** 62 else i for i in ints])
    add("bigint_long4", 2 ** 2100 + 12345)
    add("floats", [0.0, -0.0, 1.5, 1e16, 1e-5, 1e-4, 123456789.0, 1e300, 0.1, 1.0 / 3, 2.5e-300,
                   float("inf"), float("-inf"), 1234567890123456.0, 12345678901234567.0])
    add("nan", float("nan"))
    add("strs", [text(""), text("a"), u"\xe9", u"\u0101", text("hello"), u"\u65e5\u672c\u8a9e",
                 u"\U0001f600", u"a\nb\\c\r\x00\x1a\x7f", text("x" * 255), text("y" * 256)])
    add("str_70k", text("z" * 70000), big=True)
    add("str_shared", (lambda s: [s, s, text("shared!")])(text("shared!") + text("")))
    if PY3:
        add("lone_surrogate", "a\udc80b\ud800")
        add("bytes", [b"", b"a", b"\x00\xff", b"x" * 300, b"ab"])
        add("bytes_70k", b"\x01" * 70000, big=True)
        add("bytes_shared", (lambda b: [b, b, b"a", b"a", b""])(bytes(bytearray(b"shared"))))
        add("str_bytes_mix", [b"a", "a", "\xe9", b"\xe9"])
    add("bytearray", [bytearray(b""), bytearray(b"a"), bytearray(b"abc")])
    add("tuples", [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), ((1,), (2, (3,)))])
    add("tuple_shared", (lambda t: [t, t, (t,)])((1, text("two"))))
    add("lists", [[], [1], [1, 2], [[[]]]])
    add("list_1000", list(range(1000)), big=True)
    add("list_1001", list(range(1001)), big=True)
    add("list_2500", list(range(2500)), big=True)
    add("dicts", [{}, {text("a"): 1}, {text("a"): 1, text("b"): [2], 3: None, (1, 2): text("t")}])
    add("dict_1000", dict((i, i) for i in range(1000)), big=True)
    add("dict_1001", dict((i, -i) for i in range(1001)), big=True)
    add("dict_2000", dict((i, i) for i in range(2000)), big=True)
    add("sets", [set(), set([1]), set([1, 2, 3]), frozenset(), frozenset([4, 5])])
    add("set_1000", set(range(1000)), big=True)
    add("frozenset_1001", frozenset(range(1001)), big=True)
    l = [1]
    add("list_shared", [l, l, {text("k"): l}])
    rec = [1]
    rec.append(rec)
    add("list_recursive", rec)
    d = {text("a"): 1}
    d[text("self")] = d
    add("dict_recursive", d)
    inner = []
    t = (inner, 1)
    inner.append(t)
    add("tuple_recursive", t)
    add("datetime_naive", datetime.datetime(2024, 2, 29, 13, 45, 7, 123456))
    add("date", datetime.date(1999, 12, 31))
    add("time", datetime.time(23, 59, 58, 999999))
    add("timedeltas", [datetime.timedelta(0), datetime.timedelta(1, 2, 3), datetime.timedelta(-1),
                       datetime.timedelta(microseconds=-1), datetime.timedelta(999999999)])
    add("dates_shared", (lambda x: [x, x])(datetime.date(2020, 1, 1)))
    add("decimals", [decimal.Decimal("1.5"), decimal.Decimal("-0"), decimal.Decimal("NaN"),
                     decimal.Decimal("1E+10"), decimal.Decimal("Infinity"), decimal.Decimal("0.000001")])
    add("decimal_shared", (lambda x: [x, x, decimal.Decimal("2")])(decimal.Decimal("2")))
    add("uuids", [uuid.UUID(int=0), uuid.UUID("12345678-1234-5678-1234-567812345678"),
                  uuid.UUID(int=2 ** 128 - 1), uuid.UUID(int=5)])
    add("uuid_shared", (lambda u: [u, u])(uuid.UUID(int=2 ** 127 + 3)))
    add("ordereddict", collections.OrderedDict([(text("b"), 1), (text("a"), [2])]))
    add("ordereddict_empty", collections.OrderedDict())
    add("ordereddict_1001", collections.OrderedDict((i, i) for i in range(1001)), big=True)
    add("globals", [collections.OrderedDict, decimal.Decimal, len])
    add("complex", complex(1, 2))
    add("counter", collections.Counter({text("x"): 2}))
    add("deque", collections.deque([1, 2]))
    add("range", [range(1, 10, 2)] if PY3 else [xrange(1, 10, 2)])  # noqa: F821
    if PY3:
        import argparse
        import fractions
        import types
        add("namespace", argparse.Namespace(a=1, b=[text("x")]))
        add("simplenamespace", types.SimpleNamespace(a=1))
        add("fraction", fractions.Fraction(1, 3))
        utc = datetime.timezone.utc
        add("datetime_utc", datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=utc))
        add("datetime_offsets", [
            datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))),
            datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=-8), "PST")),
            datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(0), "UTC")),
        ])
        add("datetime_fold", datetime.datetime(2024, 11, 3, 1, 30, fold=1))
        add("time_tz_fold", datetime.time(1, 30, fold=1, tzinfo=utc))
        add("utc_shared", [datetime.datetime(2024, 1, 1, tzinfo=utc), datetime.time(1, tzinfo=utc), utc])
        tz = datetime.timezone(datetime.timedelta(hours=2))
        add("tz_shared", [datetime.datetime(2024, 1, 1, tzinfo=tz), datetime.datetime(2024, 1, 2, tzinfo=tz)])
        add("timezones", [utc, datetime.timezone(datetime.timedelta(minutes=-90)), datetime.timezone(datetime.timedelta(seconds=1, microseconds=5), "odd")])
        if sys.version_info >= (3, 7):
            add("uuid_safe", [uuid.UUID(int=7, is_safe=uuid.SafeUUID.safe), uuid.UUID(int=8, is_safe=uuid.SafeUUID.unsafe)])
        add("str_set", set([text("alpha"), text("beta")]))
    else:
        old = OldStyle()
        old.a, old.b = 1, [u"x"]
        add("unloadable_old_style", [old, old])
        add("py2_str", ["ascii str", "caf\xc3\xa9"])
        add("py2_unicode", [u"caf\xe9", u"\u20ac"])
        add("datetime_py2", datetime.datetime(2024, 1, 2, 3, 4, 5, 6))
    try:
        from markupsafe import Markup
    except ImportError:
        Markup = None
    if Markup is not None:
        add("markup", [Markup(u"<b>x</b>"), Markup(u"y"), Markup(u""), u"y"])
        m = Markup(u"<i>shared</i>")
        add("markup_shared", [m, m])
    add("flask_login_session", {text("_permanent"): True, text("_user_id"): text("42"), text("_fresh"): True,
                                text("_id"): text("f" * 128), text("csrf_token"): text("0123456789abcdef" * 2 + "01234567")})
    add("flashes", {text("_flashes"): [(text("message"), text("Saved!")), (text("error"), text("Oops"))]})
    return out


class OldStyle:
    """An old-style class (Python 2): pickled with INST and OBJ."""


class _Call(object):
    """Pickles as a call of fn(*args): what a hostile pickle holds. Only
    written here, never loaded."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def hostile():
    import os
    import subprocess
    try:
        import builtins
    except ImportError:
        import __builtin__ as builtins
    return [
        ("hostile_os_system", _Call(os.system, ("echo pwned",))),
        ("hostile_eval", _Call(builtins.eval, ("__import__('os').system('echo pwned')",))),
        ("hostile_popen", [_Call(subprocess.Popen, (("echo", "pwned"),))]),
        ("hostile_getattr", _Call(getattr, (_Call(builtins.__import__, ("os",)), "system"))),
    ]


def emit():
    top = pickle.HIGHEST_PROTOCOL
    for name, v in hostile():
        for proto in range(top + 1):
            data = pickle.dumps(v, proto)
            print(json.dumps({"name": name, "protocol": proto, "pickle": base64.b64encode(data).decode("ascii")}))
    big_ok = os.environ.get("PICKLE_BIG") == "1"
    for name, v, big in values():
        if big and not big_ok:
            continue
        for proto in range(top + 1):
            data = pickle.dumps(v, proto)
            print(json.dumps({"name": name, "protocol": proto, "pickle": base64.b64encode(data).decode("ascii")}))


def interpreters():
    out = []
    for path in sorted(glob.glob("/root/.pyenv/versions/*/bin/python")):
        ver = path.split("/")[-3]
        if ver.startswith("2.7") or ver.split(".")[:2] in (["3", str(m)] for m in range(8, 14)):
            out.append((ver, path, ver.startswith("3.11")))
    for venv in ("flask31", "flask20"):
        path = os.path.join(ROOT, ".venv", venv, "bin", "python")
        if os.path.exists(path):
            out.append((venv, path, False))
    return out


def main():
    import datetime  # noqa: F401 (repr namespace)
    vectors = []
    for ver, path, big in interpreters():
        env = dict(os.environ, PYTHONHASHSEED="0", PICKLE_BIG="1" if big else "0")
        res = subprocess.run([path, os.path.abspath(__file__), "--emit"], env=env, capture_output=True, text=True, check=True)
        for line in res.stdout.splitlines():
            vec = json.loads(line)
            if ver.startswith("flask") and not vec["name"].startswith("markup"):
                continue
            data = base64.b64decode(vec["pickle"])
            if vec["name"].startswith(("hostile_", "unloadable_")):
                # Never loaded: it would run the command, or its class is
                # only in the writer.
                vectors.append({"python": ver, "name": vec["name"], "protocol": vec["protocol"], "pickle": vec["pickle"]})
                continue
            enc = "latin1" if ver.startswith("2.") else "ASCII"
            if ver.startswith("2.") and vec["name"] in ("py2_str", "datetime_py2"):
                enc = "latin1"
            loaded = pickle.loads(data, encoding=enc)
            redump = pickle.dumps(loaded, vec["protocol"])
            out = {"python": ver, "name": vec["name"], "protocol": vec["protocol"], "pickle": vec["pickle"], "repr": repr(loaded)}
            if enc != "ASCII":
                out["encoding"] = enc
            if redump != data:
                out["redump"] = base64.b64encode(redump).decode("ascii")
            vectors.append(out)
        print(ver, "ok", file=sys.stderr)
    import gzip
    text = json.dumps(vectors, indent=0, sort_keys=True) + "\n"
    with open(OUT, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
            f.write(text.encode("utf-8"))


if __name__ == "__main__":
    if "--emit" in sys.argv:
        emit()
    else:
        main()
