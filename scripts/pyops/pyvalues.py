"""py ops: CPython's repr(), literal evaluation and == on the other side of
the tests of the Go value model (package py)."""

import collections
import datetime
import decimal
import pickle
import random
import struct
import uuid

from pyops import op
from pyops.core import Markup, literal, unb64

OrderedDict = collections.OrderedDict


def canon(v):
    """repr(v) with the items of every set sorted by their canonical text:
    a form that does not depend on a set's hash order, for comparing with
    the Go side's order-keeping sets."""
    t = type(v)
    if t is list:
        return "[" + ", ".join(canon(x) for x in v) + "]"
    if t is tuple:
        if len(v) == 1:
            return "(" + canon(v[0]) + ",)"
        return "(" + ", ".join(canon(x) for x in v) + ")"
    if t is dict:
        return "{" + ", ".join(canon(k) + ": " + canon(x) for k, x in v.items()) + "}"
    if t is OrderedDict:
        if not v:
            return "OrderedDict()"
        return "OrderedDict([" + ", ".join("(" + canon(k) + ", " + canon(x) + ")" for k, x in v.items()) + "])"
    if t is set or t is frozenset:
        name = "set" if t is set else "frozenset"
        if not v:
            return name + "()"
        body = "{" + ", ".join(sorted(canon(x) for x in v)) + "}"
        return body if t is set else "frozenset(" + body + ")"
    return repr(v)


def stable_hash(v):
    """Whether hash(v) is the same in every process: numbers (not NaN),
    the empty str and bytes, timedelta, timezone, datetime and time aware
    with a datetime.timezone, UUID, and tuples and frozensets of these.
    Non-empty str and bytes are salted per process; None, NaN and most
    objects hash by address; naive datetimes, dates and times hash their
    bytes, salted."""
    t = type(v)
    if t is bool or t is int or t is datetime.timedelta or t is datetime.timezone or t is uuid.UUID:
        return True
    if t is float:
        return v == v
    if t is decimal.Decimal:
        return not v.is_nan()
    if t is str or t is bytes or t is Markup:
        return len(v) == 0
    if t is tuple or t is frozenset:
        return all(stable_hash(x) for x in v)
    if t is datetime.datetime or t is datetime.time:
        return type(v.tzinfo) is datetime.timezone
    return False


def ordered_repr(v):
    """repr(v) as it reads when every set in v has been built again by
    adding its items one by one in the order v iterates them (what
    pickle.loads does with a pickled set), provided all its items hash the
    same in every process; other sets keep v's order."""
    t = type(v)
    if t is list:
        return "[" + ", ".join(ordered_repr(x) for x in v) + "]"
    if t is tuple:
        if len(v) == 1:
            return "(" + ordered_repr(v[0]) + ",)"
        return "(" + ", ".join(ordered_repr(x) for x in v) + ")"
    if t is dict:
        return "{" + ", ".join(ordered_repr(k) + ": " + ordered_repr(x) for k, x in v.items()) + "}"
    if t is OrderedDict:
        if not v:
            return "OrderedDict()"
        return "OrderedDict([" + ", ".join(
            "(" + ordered_repr(k) + ", " + ordered_repr(x) + ")" for k, x in v.items()) + "])"
    if t is set or t is frozenset:
        name = "set" if t is set else "frozenset"
        if not v:
            return name + "()"
        items = list(v)
        if all(stable_hash(x) for x in items):
            # set(list) adds the items one by one and keeps the objects.
            items = list(set(items))
        body = "{" + ", ".join(ordered_repr(x) for x in items) + "}"
        return body if t is set else "frozenset(" + body + ")"
    return repr(v)


def _error(exc):
    return "%s: %s" % (type(exc).__name__, exc)


@op
def roundtrip(texts):
    """Evaluates each text; gives repr() and canon() of the value."""
    out = []
    for text in texts:
        try:
            v = literal(text)
            out.append({"repr": repr(v), "canon": canon(v)})
        except Exception as exc:  # reported to the Go side
            out.append({"error": _error(exc)})
    return out


@op
def str_reprs(codepoints):
    """repr() of the str made of each list of code points."""
    return ["".join(map(chr, cps)).__repr__() for cps in codepoints]


@op
def printable_runs():
    """The runs [lo, hi] of code points above U+007F that str.isprintable()
    accepts, and the Unicode version."""
    import unicodedata

    runs, start = [], None
    for cp in range(0x80, 0x110000):
        p = chr(cp).isprintable()
        if p and start is None:
            start = cp
        elif not p and start is not None:
            runs.append([start, cp - 1])
            start = None
    if start is not None:
        runs.append([start, 0x10FFFF])
    return {"runs": runs, "unicode": unicodedata.unidata_version}


@op
def compare(pairs):
    """a == b for each pair of texts, and whether each side is hashable;
    eq is None when == raises (a signalling NaN)."""
    out = []
    for a_text, b_text in pairs:
        a, b = literal(a_text), literal(b_text)
        try:
            eq = bool(a == b)
        except Exception:
            eq = None
        out.append({"eq": eq, "hash_a": _hashable(a), "hash_b": _hashable(b)})
    return out


def _hashable(v):
    try:
        hash(v)
        return True
    except TypeError:
        return False


@op
def build(texts):
    """For each text, a list of (key, value) pairs: the dict built by
    assigning them in order (repr), and the set of the keys (canon, len)."""
    out = []
    for text in texts:
        pairs = literal(text)
        d = {}
        for k, v in pairs:
            d[k] = v
        s = set(k for k, _ in pairs)
        out.append({"dict": repr(d), "set": canon(s), "set_len": len(s)})
    return out


@op
def random_values(seed, n, depth=3):
    """repr() and ordered_repr() of n random values of every type the Go
    model has."""
    r = random.Random(seed)
    out = []
    for _ in range(n):
        v = random_value(r, depth)
        out.append({"repr": repr(v), "order": ordered_repr(v)})
    return out


@op
def pickle_reprs(pickles):
    """repr() of what pickle.loads makes of each base64 pickle."""
    return [repr(pickle.loads(unb64(p))) for p in pickles]  # pickles made by the tests


# Random values. ------------------------------------------------------------

EDGE_INTS = [0, 1, -1, 7, 255, 256, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 2 ** 53 + 1, 2 ** 63 - 1,
             -(2 ** 63), 2 ** 63, -(2 ** 63) - 1, 2 ** 64, -(2 ** 64), 10 ** 30, -(10 ** 40)]
EDGE_FLOATS = [0.0, -0.0, 1.0, -1.5, 0.1, 1e16, 1e15, 9999999999999998.0, 1e-05, 0.0001, 0.00011,
               123456789.0, 1.5e300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
               float("inf"), float("-inf"), float("nan"), 2.0 ** 63, 1e22, 1e23, 0.3]


def random_float(r):
    c = r.random()
    if c < 0.3:
        return r.choice(EDGE_FLOATS)
    if c < 0.6:
        return struct.unpack("<d", struct.pack("<Q", r.getrandbits(64)))[0]
    if c < 0.8:
        return round(r.uniform(-1e6, 1e6), r.randrange(0, 8))
    return r.uniform(-1, 1) * 10.0 ** r.randrange(-30, 30)


def random_int(r):
    c = r.random()
    if c < 0.4:
        return r.choice(EDGE_INTS)
    if c < 0.8:
        return r.randrange(-1000, 1000)
    return r.getrandbits(r.randrange(1, 300)) * r.choice([1, -1])


def random_char(r):
    c = r.random()
    if c < 0.35:
        return chr(r.randrange(0x20, 0x7F))
    if c < 0.45:
        return r.choice("'\"\\\t\n\r\x00\x7f")
    if c < 0.55:
        return chr(r.randrange(0, 0x20))
    if c < 0.65:
        return chr(r.randrange(0x7F, 0x100))
    if c < 0.75:
        return chr(r.randrange(0x100, 0x10000))
    if c < 0.82:
        return chr(r.randrange(0xD800, 0xE000))
    if c < 0.9:
        return chr(r.choice([0x200B, 0x2028, 0xFEFF, 0xFFFF, 0xFFFD, 0xAD, 0x85, 0xA0, 0x1F600, 0xE0001,
                             0x10FFFF, 0x3000, 0x1680, 0x061C, 0x0378]))
    return chr(r.randrange(0x10000, 0x110000))


def random_str(r):
    n = r.choice([0, 1, 2, 3, 5, 8, 20])
    return "".join(random_char(r) for _ in range(n))


def random_bytes(r):
    n = r.choice([0, 1, 2, 5, 16])
    if r.random() < 0.3:
        return bytes(r.choice(b"'\"\\\t\n\r\x00\x7f\x80\xffab") for _ in range(n))
    return bytes(r.getrandbits(8) for _ in range(n))


def random_decimal(r):
    c = r.random()
    if c < 0.15:
        return decimal.Decimal(r.choice(["NaN", "-NaN", "sNaN", "NaN123", "-sNaN7", "Infinity", "-Infinity",
                                         "-0", "0E-10", "0E+3", "-0.00"]))
    coeff = str(r.getrandbits(r.randrange(1, 120)))
    exp = r.choice([0, 0, -2, 2, r.randrange(-40, 40), r.randrange(-10 ** 6, 10 ** 6)])
    return decimal.Decimal((r.choice([0, 1]), tuple(map(int, coeff)), exp))


def random_timedelta(r, small=False):
    if small:
        us = r.randrange(-86399 * 10 ** 6, 86400 * 10 ** 6)
        return datetime.timedelta(microseconds=us)
    return datetime.timedelta(days=r.randrange(-999999999, 1000000000) if r.random() < 0.3 else r.randrange(-800, 800),
                              seconds=r.choice([0, r.randrange(86400)]),
                              microseconds=r.choice([0, r.randrange(10 ** 6)]))


def random_timezone(r):
    c = r.random()
    if c < 0.3:
        return datetime.timezone.utc
    off = datetime.timedelta(minutes=r.randrange(-1439, 1440))
    if r.random() < 0.2:
        off = random_timedelta(r, small=True)
    if r.random() < 0.4:
        return datetime.timezone(off, random_str(r))
    return datetime.timezone(off)


def random_tz(r):
    return None if r.random() < 0.5 else random_timezone(r)


def random_datetime(r):
    return datetime.datetime(r.randrange(1, 10000), r.randrange(1, 13), r.randrange(1, 29),
                             r.choice([0, r.randrange(24)]), r.choice([0, r.randrange(60)]),
                             r.choice([0, r.randrange(60)]), r.choice([0, 0, r.randrange(10 ** 6)]),
                             tzinfo=random_tz(r), fold=r.choice([0, 0, 1]))


def random_time(r):
    return datetime.time(r.randrange(24), r.choice([0, r.randrange(60)]), r.choice([0, r.randrange(60)]),
                         r.choice([0, 0, r.randrange(10 ** 6)]), tzinfo=random_tz(r), fold=r.choice([0, 0, 1]))


SCALARS = [
    lambda r: None,
    lambda r: r.choice([True, False]),
    random_int,
    random_float,
    random_str,
    random_bytes,
    lambda r: bytearray(random_bytes(r)),
    random_decimal,
    lambda r: uuid.UUID(int=r.getrandbits(128)),
    lambda r: Markup(random_str(r)),
    random_datetime,
    lambda r: datetime.date(r.randrange(1, 10000), r.randrange(1, 13), r.randrange(1, 29)),
    random_time,
    random_timedelta,
    random_timezone,
]


def random_key(r, depth, in_set=False):
    """A random hashable value. Set items (in_set) leave out the values
    whose hash is their address (None, NaN), so that a set prints in the
    same order in every run."""
    while True:
        c = r.random()
        if depth > 0 and c < 0.1:
            return tuple(random_key(r, depth - 1, in_set) for _ in range(r.randrange(0, 3)))
        if depth > 0 and c < 0.15:
            return frozenset(random_key(r, depth - 1, True) for _ in range(r.randrange(0, 3)))
        v = r.choice(SCALARS)(r)
        if isinstance(v, bytearray):
            continue
        if isinstance(v, decimal.Decimal) and (v.is_snan() or in_set and v.is_nan()):
            continue
        if in_set and (v is None or isinstance(v, float) and v != v):
            continue
        return v


def random_value(r, depth):
    if depth <= 0 or r.random() < 0.45:
        return r.choice(SCALARS)(r)
    n = r.choice([0, 1, 2, 3, 4])
    kind = r.randrange(6)
    if kind == 0:
        return [random_value(r, depth - 1) for _ in range(n)]
    if kind == 1:
        return tuple(random_value(r, depth - 1) for _ in range(n))
    if kind == 2:
        return {random_key(r, depth - 1): random_value(r, depth - 1) for _ in range(n)}
    if kind == 3:
        return OrderedDict((random_key(r, depth - 1), random_value(r, depth - 1)) for _ in range(n))
    if kind == 4:
        return set(random_key(r, depth - 1, True) for _ in range(n))
    return frozenset(random_key(r, depth - 1, True) for _ in range(n))
