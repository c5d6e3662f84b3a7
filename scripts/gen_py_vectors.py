"""Generates testdata/py/vectors.json.gz: what CPython 3.11 prints and
evaluates, for the unit tests of the Go value model (package py), which
then run without Python.

    .venv/flask31/bin/python scripts/gen_py_vectors.py

Sections:
  literals  {src, repr, canon}: Python source as a person writes it, and
            repr() of what eval() makes of it (canon: the same with set
            items sorted, see pyops.pyvalues.canon).
  random    repr() of random values of every type (seeded).
  errors    {src, error}: sources CPython refuses to evaluate.
  strings   {cps, repr}: str made of the code points, around every edge of
            the printable table and at random.
  bytes     {hex, repr, bytearray}: repr() of bytes and of bytearray.
  floats    {bits, repr}: repr() of the float with these IEEE-754 bits.
  pool      value sources; equal: for each pair i, j the character
            '1' (a == b), '0' (a != b) or 'x' (== raises); hashable: one
            character per value; dict: canon() of the dict that maps every
            hashable pool value, in order, to its index.
  random_order  for each value of random, pyvalues.ordered_repr(): how it
            prints once its sets are built again from the printed order
            ("" when that is the same text).

It also writes testdata/py/setorder.json.gz, for the order in which CPython
iterates a set whose items hash the same in every process:
  hashes    {src, hash}: hash() of values of every such type, checked to be
            the same under other str hash seeds.
  unstable  sources of values whose hash differs from process to process
            (salted, or the object's address).
  cases     {src, repr, pickles}: sets (and frozensets) built by adding
            random items one by one, repr() of the result, a source that
            CPython evaluates the same way (set([...]), or a display that
            the compiler does not fold into a constant frozenset), and
            pickles of the set at protocols 0 to 5 listing the items in
            that order (base64, null for protocols left out of the
            largest cases).
"""

import collections
import datetime
import decimal
import gzip
import importlib.metadata
import io
import json
import math
import os
import pickle
import random
import struct
import subprocess
import sys
import unicodedata
import uuid
import warnings

import markupsafe

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pyops import core, pyvalues  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "testdata", "py", "vectors.json.gz")
SETORDER_OUT = os.path.join(ROOT, "testdata", "py", "setorder.json.gz")

# The names the Go parser knows beyond core's namespace.
NAMESPACE = dict(
    core.NAMESPACE,
    list=list,
    tuple=tuple,
    dict=dict,
    float=float,
    bytes=bytes,
    decimal=decimal,
    uuid=uuid,
    markupsafe=markupsafe,
    collections=collections,
)


def evaluate(src):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return eval(src, dict(NAMESPACE))  # sources of this file only


LITERALS = r"""
'a' 'b'
'a' "b" '''c''' \"\"\"d\"\"\"
r'\n'
R'\''
rb'\x00'
Br'\\'
bR"a\"b"
u'x'
U'x'
b'a' B'b'
'\a\b\f\n\r\t\v\0\7\77\777\x41\u0041\U0001F600\\\'\"'
'\q\z\8\9'
b'\u1234\U00012345\N{DASH}'
b'\777\400\1'
'\ud800'
'\ud83d\ude00'
'\udcff'
'\U0010ffff'
'\uFFFF\uFEFF\u200b\u2028\xad\x85\xa0'
'a\
b'
'é😀\xe9'
"it's"
'say "hi"'
'both \' and "'
b"it's"
b'both \' and "'
''
""
''''''
0
-0
00
0_0
1_000_000
0x_FF
0XfF
0o17
0O_7
0b1010
0B_1
-9223372036854775808
9223372036854775807
9223372036854775808
-9223372036854775809
0xffffffffffffffffffffffffffffffffffffffff
123456789012345678901234567890123456789012345678901234567890
+5
--5
-+-5
- 5
-True
+False
1.
.5
1e5
1E+5
1e-5
1_0.0_1e1_0
01.5
00.0
1e400
-1e400
1e-400
0.0
-0.0
inf
-inf
nan
+inf
-nan
float('inf')
float('-Infinity')
float('nan')
float(' 1_0.5 ')
float('1e5')
float('.5')
float('5.')
float(7)
float(True)
float(12345678901234567890123)
float()
9007199254740993.0
2.5e-324
4.9406564584124654e-324
1.7976931348623157e308
1.7976931348623159e308
0.1
0.3333333333333333
123456789.0
1e16
1e15
9999999999999998.0
0.0001
0.00001
[]
[1,]
[1, [2, [3]]]
()
(1)
(1,)
((1,),)
(1, 2,)
{}
{1}
{1,}
{1: 2,}
{1, 1.0, True}
{1.0, 1, True}
{True, 1}
{1: 'a', 1.0: 'b', True: 'c'}
{True: 'a', 1: 'b'}
{'a': 1, 'b': 2, 'a': 3}
{0: 'x', -0.0: 'y', False: 'z'}
{-0.0: 'y', 0: 'x'}
{(1, 2): [3], frozenset({1}): None}
{Markup('a'): 1, 'a': 2}
{'a': 1, Markup('a'): 2}
{Decimal('1.0'): 'd', 1: 'i'}
{1.5: 'f', Decimal('1.5'): 'd'}
{0.1: 'f', Decimal('0.1'): 'd'}
{b'a': 1, bytes(b'a'): 2}
{datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone.utc): 1, datetime.datetime(2024, 1, 1, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))): 2}
{datetime.datetime(2024, 1, 1, 12, 0): 1, datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone.utc): 2}
{datetime.timezone.utc: 1, datetime.timezone(datetime.timedelta(0), 'UTC'): 2}
{(1,): 1, (1.0,): 2, (True,): 3}
{frozenset({1, 2}): 1, frozenset({2, 1}): 2, frozenset({2.0, True}): 3}
{1, 2, 3}
{3, 1, 2}
{'a'}
{True, 0.5, 'x', b'y', (1,)}
set()
set([3, 1, 2])
set((1,))
set('ab')
set(b'ab')
set({1: 2})
frozenset()
frozenset([1])
frozenset({frozenset()})
list((1, 2))
list('a\U0001f600b')
list({1: 2})
list()
tuple([1])
tuple('ab')
tuple()
dict(a=1, b=2)
dict([(1, 2)], c=3)
dict({1: 2})
dict(['ab', (3, 4)])
dict()
OrderedDict()
OrderedDict([('b', 1), ('a', 2)])
OrderedDict({'a': 1})
OrderedDict(a=1)
OrderedDict([('a', 1), ('a', 2), ('b', OrderedDict())])
collections.OrderedDict([(1, 2)])
bytearray()
bytearray(b'x')
bytearray(b"'")
bytearray(b'"')
bytearray(b'\'"')
bytearray([0, 255])
bytearray(bytearray(b'a'))
bytes([1, 2])
bytes()
bytes(b'a')
Decimal('1.50')
Decimal(' 1_000.5 ')
Decimal('1_')
Decimal('1__0')
Decimal('_1')
Decimal('NaN1_0')
Decimal('1_.5e_1')
Decimal('in_f')
Decimal('\t1\x1c')
Decimal('-0')
Decimal('0.00')
Decimal('1E+10')
Decimal('1e-7')
Decimal('123456789012345678901234567890.123456789')
Decimal('sNaN12')
Decimal('-nan')
Decimal('NaN007')
Decimal('Inf')
Decimal('-infinity')
Decimal('.5')
Decimal('5.')
Decimal('1e-1000000')
Decimal('-1E+999999999999999999')
Decimal(5)
Decimal(-12345678901234567890123)
Decimal(0.1)
Decimal(-0.0)
Decimal(1e20)
Decimal(5e-324)
Decimal(float('inf'))
Decimal(-inf)
Decimal(nan)
Decimal(-nan)
Decimal()
Decimal(True)
Decimal(Decimal('7.0'))
decimal.Decimal('1')
UUID('12345678123456781234567812345678')
UUID('{12345678-1234-5678-1234-567812345678}')
UUID('urn:uuid:12345678-1234-5678-1234-567812345678')
UUID('12345678-1234-5678-1234-56781234567A')
UUID(int=0)
UUID(int=340282366920938463463374607431768211455)
UUID(bytes=b'0123456789abcdef')
UUID(hex='12345678123456781234567812345678')
uuid.UUID(int=5)
Markup('<b>x</b>')
Markup("it's")
Markup('')
Markup()
markupsafe.Markup('a')
Markup(Markup('a'))
[Markup('a'), 'a']
datetime.datetime(2024, 1, 2)
datetime.datetime(2024, 1, 2, 3, 4, 5, 6)
datetime.datetime(2024, 1, 2, 0, 0, 0, 1)
datetime.datetime(2024, 1, 2, 3, 4, 5, 0)
datetime.datetime(2024, 1, 2, 3, 4, 0, 0)
datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)
datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC)
datetime.datetime(2024, 1, 2, 3, 4, 5, 6, datetime.timezone.utc, fold=1)
datetime.datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=datetime.timezone(datetime.timedelta(hours=-5), 'EST'))
datetime.datetime(year=2024, month=2, day=29)
datetime.datetime(2024, 1, 2, fold=1)
datetime.datetime(2024, 1, 2, tzinfo=None)
datetime.datetime(1, 1, 1)
datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)
datetime.datetime(True, True, True)
datetime.date(2024, 2, 29)
datetime.date(year=1, month=1, day=1)
datetime.date(9999, 12, 31)
datetime.time()
datetime.time(1)
datetime.time(0, 0, 1)
datetime.time(0, 0, 0, 1)
datetime.time(12, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)), fold=1)
datetime.time(fold=1)
datetime.time(hour=23, minute=59, second=59, microsecond=999999)
datetime.time(1, 2, 3, 4, datetime.timezone.utc)
datetime.timedelta()
datetime.timedelta(0)
datetime.timedelta(1)
datetime.timedelta(-1)
datetime.timedelta(seconds=-1)
datetime.timedelta(microseconds=-1)
datetime.timedelta(weeks=1, days=1, hours=1, minutes=1, seconds=1, milliseconds=1, microseconds=1)
datetime.timedelta(1, 2, 3, 4, 5, 6, 7)
datetime.timedelta(hours=1.5)
datetime.timedelta(hours=-1.5)
datetime.timedelta(microseconds=0.5)
datetime.timedelta(microseconds=1.5)
datetime.timedelta(microseconds=2.5)
datetime.timedelta(microseconds=-0.5)
datetime.timedelta(microseconds=-1.5)
datetime.timedelta(seconds=0.1, milliseconds=0.1, microseconds=0.1)
datetime.timedelta(seconds=0.0000005)
datetime.timedelta(seconds=0.0000015)
datetime.timedelta(days=0.1, weeks=-0.3)
datetime.timedelta(days=1e-6, seconds=1e-6, minutes=1e-6)
datetime.timedelta(minutes=0.3333333333333333)
datetime.timedelta(seconds=86399.9999995)
datetime.timedelta(milliseconds=-0.0005)
datetime.timedelta(days=999999999, hours=23, minutes=59, seconds=59, microseconds=999999)
datetime.timedelta(days=-999999999)
datetime.timedelta(days=1e8, hours=1.75, seconds=-0.25)
datetime.timedelta(seconds=12345678901234)
datetime.timedelta(True)
-datetime.timedelta(hours=1)
-datetime.timedelta(days=999999999)
+datetime.timedelta(1)
datetime.timezone.utc
datetime.UTC
datetime.timezone(datetime.timedelta(0))
datetime.timezone(datetime.timedelta(0), 'UTC')
datetime.timezone(datetime.timedelta(0), '')
datetime.timezone(datetime.timedelta(hours=2))
datetime.timezone(datetime.timedelta(hours=-8), 'PST')
datetime.timezone(offset=datetime.timedelta(minutes=90), name='x')
datetime.timezone(datetime.timedelta(microseconds=1))
datetime.timezone(-datetime.timedelta(microseconds=1))
datetime.timezone(datetime.timedelta(hours=23, minutes=59, seconds=59, microseconds=999999))
datetime.timezone(datetime.timedelta(hours=-23, minutes=-59))
True
False
None
1, 2
1,
'a', [1], {2: 3},
# a comment
[1, # one
 2]  # two
[
1,
2
]
(
'a'
'b'
)
  [ 1 , 2 ]  
	{'tab':	1}
[1,\
2]
{'_permanent': True, '_user_id': '42', '_fresh': True, '_id': 'ab', 'csrf_token': 'c', '_flashes': [('message', 'Saved!'), ('error', Markup('<b>bad</b>'))]}
"""

ERRORS = r"""

[
[1
[1,,]
(,)
{1:}
{:1}
{1: 2, 3}
{1, 2: 3}
'abc
'a
b'
'''abc
b'é'
'a' b'b'
b'a' 'b'
'\x4'
'\xg0'
'\u12'
'\U0011ffff'
'\U1234567'
'\N{DASH'
01
007
1__0
1_
0x
0b2
0o8
0x_
0x1_
1e
1e+
1.e
1._5
1_.5
[1] [2]
1 2
{[1]: 2}
{[1]}
{{1}}
{{}: 1}
{bytearray(b'a'): 1}
{(1, [2]): 3}
{frozenset(): 1, set(): 2}
set([[1]])
frozenset([{}])
set(1)
set(1, 2)
list(1)
tuple(None)
dict(1)
dict([1])
dict([(1, 2, 3)])
OrderedDict([1, 2])
bytes([256])
bytearray([-1])
datetime.date(2023, 2, 29)
datetime.date(0, 1, 1)
datetime.date(10000, 1, 1)
datetime.date(2024, 1)
datetime.date(2024, 1, 1, 1)
datetime.datetime(2024, 13, 1)
datetime.datetime(2024, 1, 32)
datetime.datetime(2024, 1, 1, 24)
datetime.datetime(2024, 1, 1, 0, 60)
datetime.datetime(2024, 1, 1, 0, 0, 60)
datetime.datetime(2024, 1, 1, fold=2)
datetime.datetime(2024, 1, 1, 0, 0, 0, 1000000)
datetime.datetime(2024, 1, 1, 0, 0, 0, -1)
datetime.datetime(2024, 1)
datetime.datetime(2024.0, 1, 1)
datetime.datetime('2024', 1, 1)
datetime.datetime(2024, 1, 1, tzinfo=1)
datetime.datetime(2024, 1, 1, year=2024)
datetime.datetime(2024, 1, 1, 0, 0, 0, 0, None, 0)
datetime.datetime(2024, 1, 1, zone=None)
datetime.datetime(99999999999999999999, 1, 1)
datetime.time(24)
datetime.time(fold=-1)
datetime.time(1, 2, 3, 4, 5)
datetime.timedelta(days=1000000000)
datetime.timedelta(days=-1000000000)
datetime.timedelta(days=999999999, hours=24)
datetime.timedelta(seconds='1')
datetime.timedelta(seconds=float('inf'))
datetime.timedelta(seconds=nan)
datetime.timedelta(foo=1)
datetime.timedelta(1, 2, 3, 4, 5, 6, 7, 8)
-datetime.timedelta(days=999999999, hours=23, minutes=59, seconds=59, microseconds=999999)
datetime.timezone(datetime.timedelta(hours=24))
datetime.timezone(datetime.timedelta(hours=-24))
datetime.timezone(5)
datetime.timezone(datetime.timedelta(0), 5)
datetime.timezone()
datetime.timezone(datetime.timedelta(0), 'a', 'b')
Decimal('abc')
Decimal('1.5.5')
Decimal('')
Decimal([1])
UUID('xyz')
UUID('1234567812345678123456781234567')
UUID(int=-1)
UUID(int=340282366920938463463374607431768211456)
UUID(bytes=b'short')
UUID()
UUID('12345678123456781234567812345678', int=5)
float('abc')
float('1__0')
float('_1')
float('1_')
float('0x10')
float('')
float([])
float(1, 2)
-'a'
-b'a'
-None
+[1]
-(1,)
-{}
foo
datetime.foo(1)
datetime.timezone.foo
x.y
Ellipsis
print(1)
__import__('os')
[1 for x in y]
a=1
[*a]
{**a}
f(*a)
f(**a)
'a'\
'unterminated \
"""


def literal_vectors():
    out = []
    # Multi-line entries: a line that opens a bracket continues until the
    # brackets balance; the table writes them on consecutive lines.
    lines = LITERALS.strip("\n").split("\n")
    i = 0
    while i < len(lines):
        src = lines[i]
        i += 1
        if src.startswith("#"):
            src += "\n" + lines[i]
            i += 1
        while (balance(src) > 0 or src.endswith("\\")) and i < len(lines):
            src += "\n" + lines[i]
            i += 1
        src = src.replace('\\"\\"\\"', '"""')
        v = evaluate(src)
        out.append({"src": src, "repr": repr(v), "canon": pyvalues.canon(v)})
    return out


def balance(src):
    """Open brackets minus closed ones, outside strings and comments (a
    rough count, enough for the table above)."""
    depth, quote, k = 0, None, 0
    while k < len(src):
        c = src[k]
        if quote:
            if c == "\\":
                k += 1
            elif c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#":
            while k < len(src) and src[k] != "\n":
                k += 1
            continue
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        k += 1
    return depth


def error_vectors():
    out = []
    for src in ERRORS.split("\n")[1:-1]:
        try:
            evaluate(src)
        except Exception as exc:  # every one of them must fail
            out.append({"src": src, "error": "%s: %s" % (type(exc).__name__, exc)})
            continue
        sys.exit("gen_py_vectors: %r evaluates in Python; it is not an error" % src)
    return out


def string_vectors(r):
    cps = set(range(0, 0x300))
    runs = pyvalues.printable_runs()["runs"]
    for lo, hi in runs:
        cps.update(c for c in (lo - 1, lo, lo + 1, hi - 1, hi, hi + 1) if 0 <= c <= 0x10FFFF)
    cps.update(range(0xD7F0, 0xE010))
    cps.update(range(0xFFF0, 0x10010))
    cps.update(r.randrange(0x110000) for _ in range(3000))
    cps = sorted(cps)
    out = []
    for k in range(0, len(cps), 48):
        chunk = cps[k:k + 48]
        r.shuffle(chunk)
        out.append({"cps": chunk, "repr": repr("".join(map(chr, chunk)))})
    for _ in range(300):
        s = pyvalues.random_str(r)
        out.append({"cps": [ord(c) for c in s], "repr": repr(s)})
    return out


def bytes_vectors(r):
    datas = [bytes([b]) for b in range(256)]
    datas += [b"", b"'", b'"', b"'\"", b"it's", b'say "x"', b"\\", b"\\'", b"\x00\x7f\x80\xff"]
    datas += [pyvalues.random_bytes(r) for _ in range(300)]
    return [{"hex": d.hex(), "repr": repr(d), "bytearray": repr(bytearray(d))} for d in datas]


def float_vectors(r):
    fs = list(pyvalues.EDGE_FLOATS)
    for e in range(-324, 309):
        for m in ("1", "1.5", "9.999999999999999", "1.0000000000000002", "4.9406564584124654"):
            fs.append(float(m + "e" + str(e)))
    fs += [2.0 ** e for e in range(-1074, 1024, 7)]
    fs += [struct.unpack("<d", struct.pack("<Q", r.getrandbits(64)))[0] for _ in range(3000)]
    fs += [pyvalues.random_float(r) for _ in range(1000)]
    out = []
    for f in fs:
        bits = struct.unpack("<Q", struct.pack("<d", f))[0]
        out.append({"bits": "%016x" % bits, "repr": repr(f)})
    return out


POOL = r"""
None
True
False
0
1
-1
2
0.0
-0.0
1.0
1.5
0.1
0.5
nan
inf
-inf
9007199254740992
9007199254740993
9007199254740992.0
9223372036854775807
9223372036854775808
9223372036854775808.0
18446744073709551616
Decimal('0')
Decimal('-0')
Decimal('1')
Decimal('1.00')
Decimal('1.5')
Decimal('0.1')
Decimal('0.5')
Decimal('NaN')
Decimal('Infinity')
Decimal('9223372036854775808')
'a'
Markup('a')
''
Markup('')
'1'
b'a'
bytearray(b'a')
b''
bytearray()
()
(1,)
(1.0,)
(True,)
(1, 'a')
(Markup('a'),)
[1]
[1.0]
[]
[True]
{}
{1: 2}
{1.0: 2}
{True: 2.0}
OrderedDict()
OrderedDict([(1, 2)])
OrderedDict([(1, 2), (3, 4)])
OrderedDict([(3, 4), (1, 2)])
{1: 2, 3: 4}
{3: 4, 1: 2}
set()
frozenset()
{1}
frozenset({1})
frozenset({1.0})
{True}
{1, 2}
frozenset({2, 1})
frozenset({frozenset()})
datetime.datetime(2024, 1, 1, 12, 0)
datetime.datetime(2024, 1, 1, 12, 0, fold=1)
datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)
datetime.datetime(2024, 1, 1, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200)))
datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(0), 'UTC'))
datetime.datetime(2024, 1, 1, 12, 0, 0, 1, tzinfo=datetime.timezone.utc)
datetime.date(2024, 1, 1)
datetime.time(12, 0)
datetime.time(12, 0, tzinfo=datetime.timezone.utc)
datetime.time(14, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200)))
datetime.timedelta(0)
datetime.timedelta(days=1)
datetime.timedelta(seconds=86400)
datetime.timezone.utc
datetime.timezone(datetime.timedelta(0), 'UTC')
datetime.timezone(datetime.timedelta(seconds=7200))
datetime.timezone(datetime.timedelta(seconds=7200), 'CEST')
UUID('12345678-1234-5678-1234-567812345678')
UUID('00000000-0000-0000-0000-000000000001')
"""


def pool_vectors():
    pool = POOL.strip().split("\n")
    vals = [evaluate(s) for s in pool]
    equal = []
    for a in vals:
        row = []
        for b in vals:
            try:
                row.append("1" if a == b else "0")
            except Exception:
                row.append("x")
        equal.append("".join(row))
    hashable = "".join("1" if pyvalues._hashable(v) else "0" for v in vals)
    d = {}
    for i, v in enumerate(vals):
        if pyvalues._hashable(v) and not (isinstance(v, float) and math.isnan(v)):
            d[v] = i
    return pool, equal, hashable, pyvalues.canon(d)


def random_order(v):
    """pyvalues.ordered_repr(v), or "" when it is repr(v)."""
    text = pyvalues.ordered_repr(v)
    return "" if text == repr(v) else text


# Set order. ---------------------------------------------------------------

HASH_MODULUS = 2 ** 61 - 1


class SetOf(set):
    """A set that pickles its items in the order given (duplicates too)."""

    def __init__(self, items):
        super().__init__(items)
        self.items = list(items)

    def __iter__(self):
        return iter(self.items)


class FrozenSetOf(frozenset):
    """A frozenset that pickles its items in the order given."""

    def __new__(cls, items):
        items = list(items)
        obj = super().__new__(cls, items)
        obj.items = items
        return obj

    def __iter__(self):
        return iter(self.items)


class OrderPickler(pickle._Pickler):
    """The pure-Python pickler, writing SetOf and FrozenSetOf as it writes
    set and frozenset (set(list) or EMPTY_SET + ADDITEMS, frozenset(list) or
    FROZENSET), in their own item order."""

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[SetOf] = pickle._Pickler.save_set
    dispatch[FrozenSetOf] = pickle._Pickler.save_frozenset


def order_dumps(v, protocol):
    f = io.BytesIO()
    OrderPickler(f, protocol).dump(v)
    return f.getvalue()


def build(v):
    """The plain value: each SetOf or FrozenSetOf built by adding its items
    one by one in its order."""
    t = type(v)
    if t is SetOf:
        out = set()
        for x in v.items:
            out.add(build(x))
        return out
    if t is FrozenSetOf:
        return frozenset([build(x) for x in v.items])
    if t is tuple:
        return tuple(build(x) for x in v)
    return v


def source(v):
    """Python source that CPython evaluates to build(v), adding the items of
    every set one by one in their order."""
    t = type(v)
    if t is SetOf or t is FrozenSetOf:
        items = ", ".join(source(x) for x in v.items)
        if t is FrozenSetOf:
            return "frozenset([" + items + "])"
        display = "{" + items + "}"
        if v.items and not folded(display):
            return display
        return "set([" + items + "])"
    if t is tuple:
        if len(v) == 1:
            return "(" + source(v[0]) + ",)"
        return "(" + ", ".join(source(x) for x in v) + ")"
    return repr(v)


def folded(display):
    """Whether the compiler makes the set display a constant frozenset merged
    into a new set (a display of three constants or more), which orders the
    items another way than adding them one by one."""
    code = compile(display, "<display>", "eval")
    return any(isinstance(c, frozenset) for c in code.co_consts)


def so_int(r):
    c = r.random()
    if c < 0.35:
        return r.randrange(-300, 300)
    if c < 0.5:
        return r.randrange(-40, 40) * r.choice([8, 16, 32, 64, 128, 1024, 2 ** 20, 2 ** 32])
    if c < 0.6:
        return r.choice([-1, -2, HASH_MODULUS, -HASH_MODULUS, HASH_MODULUS - 1, HASH_MODULUS + 1,
                         2 * HASH_MODULUS, 2 ** 61, 2 ** 63 - 1, -(2 ** 63), 2 ** 63, 2 ** 64 - 1, 2 ** 64,
                         -(2 ** 64), 2 ** 122 - 1])
    if c < 0.75:
        return r.getrandbits(r.randrange(1, 64)) * r.choice([1, -1])
    if c < 0.85:
        return r.randrange(-50, 50) * HASH_MODULUS + r.randrange(-3, 4)
    return r.getrandbits(r.randrange(64, 300)) * r.choice([1, -1])


SO_FLOATS = [0.0, -0.0, 0.5, -0.5, 1.5, float("inf"), float("-inf"), 5e-324, -5e-324, 1.7976931348623157e308,
             2.0 ** 61, 2.0 ** 60, 2.0 ** -61, 2.0 ** 64, -(2.0 ** 63), 1e16, 0.1, 2.2250738585072014e-308]


def so_float(r):
    c = r.random()
    if c < 0.2:
        return r.choice(SO_FLOATS)
    if c < 0.4:
        return r.randrange(-300, 300) / r.choice([1, 2, 4, 8, 1024, 3])
    if c < 0.6:
        while True:
            f = struct.unpack("<d", struct.pack("<Q", r.getrandbits(64)))[0]
            if f == f:
                return f
    if c < 0.8:
        return round(r.uniform(-1e6, 1e6), r.randrange(0, 8))
    return r.uniform(-1, 1) * 10.0 ** r.randrange(-30, 30)


def so_decimal(r):
    c = r.random()
    if c < 0.15:
        return decimal.Decimal(r.choice(["Infinity", "-Infinity", "-0", "0E-10", "0E+3", "-0.00", "1E+999999999999999999",
                                         "1E-999999999999999999"]))
    if c < 0.35:
        return decimal.Decimal(r.randrange(-300, 300))
    if c < 0.5:
        return decimal.Decimal(r.randrange(-300, 300)) / r.choice([2, 4, 8, 10, 100])
    while True:
        d = pyvalues.random_decimal(r)
        if not d.is_nan():
            return d


# Without fold: pickles below protocol 4 lose it.
def so_aware_datetime(r):
    return pyvalues.random_datetime(r).replace(tzinfo=pyvalues.random_timezone(r), fold=0)


def so_aware_time(r):
    return pyvalues.random_time(r).replace(tzinfo=pyvalues.random_timezone(r), fold=0)


SO_SCALARS = {
    "int": [so_int],
    "float": [so_float],
    "number": [so_int, so_float, lambda r: r.choice([True, False]), so_decimal],
    "any": [
        so_int, so_float, so_decimal,
        lambda r: r.choice([True, False]),
        lambda r: r.choice(["", b"", markupsafe.Markup("")]),
        lambda r: pyvalues.random_timedelta(r, r.random() < 0.5),
        pyvalues.random_timezone,
        so_aware_datetime,
        so_aware_time,
        lambda r: uuid.UUID(int=r.getrandbits(128)),
    ],
}


def so_item(r, kind, depth):
    c = r.random()
    if kind == "any" and depth > 0 and c < 0.1:
        return tuple(so_item(r, kind, depth - 1) for _ in range(r.randrange(0, 4)))
    if kind == "any" and depth > 0 and c < 0.18:
        return FrozenSetOf(so_item(r, kind, depth - 1) for _ in range(r.randrange(0, 6)))
    return r.choice(SO_SCALARS[kind])(r)


def so_case(r, n, kind, frozen, protocols):
    items = [so_item(r, kind, 2) for _ in range(n)]
    v = (FrozenSetOf if frozen else SetOf)(items)
    want = repr(build(v))
    src = source(v)
    got = repr(evaluate(src))
    if got != want:
        sys.exit("gen_py_vectors: %s evaluates to %s, not %s" % (src, got, want))
    pickles = []
    for protocol in range(6):
        if protocol not in protocols:
            pickles.append(None)
            continue
        data = order_dumps(v, protocol)
        got = repr(pickle.loads(data))
        if got != want:
            sys.exit("gen_py_vectors: a protocol %d pickle of %s loads as %s" % (protocol, want, got))
        pickles.append(core.b64(data))
    return {"src": src, "repr": want, "pickles": pickles}


def so_hash_values(r):
    vals = [True, False, "", b"", markupsafe.Markup(""), (), frozenset(), -1, -2, 0.0, -0.0, float("inf"), float("-inf"),
            decimal.Decimal("Infinity"), decimal.Decimal("-Infinity"), datetime.timezone.utc,
            datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=23, minutes=59))),
            datetime.datetime(9999, 12, 31, 23, 59, 59, 999999,
                              tzinfo=datetime.timezone(-datetime.timedelta(hours=23, minutes=59))),
            datetime.time(0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
            datetime.time(23, 59, 59, 999999, tzinfo=datetime.timezone(-datetime.timedelta(hours=5))),
            uuid.UUID(int=0), uuid.UUID(int=2 ** 128 - 1), uuid.UUID(int=HASH_MODULUS),
            datetime.timedelta(-999999999), datetime.timedelta(999999999, 86399, 999999)]
    vals += pyvalues.EDGE_INTS + pyvalues.EDGE_FLOATS[:-5] + SO_FLOATS
    vals += [v for v in pyvalues.EDGE_FLOATS if v == v]
    for kind, n in (("int", 600), ("float", 600), ("number", 300), ("any", 1500)):
        vals += [so_item(r, kind, 3) for _ in range(n)]
    return [build(v) for v in vals]


UNSTABLE = [
    "None", "nan", "-nan", "'a'", "b'a'", "Markup('a')", "Decimal('NaN')", "Decimal('-NaN123')",
    "datetime.datetime(2024, 1, 1, 0, 0)", "datetime.date(2024, 1, 1)", "datetime.time(1, 0)",
    "(1, 'a')", "(None,)", "((1, 2), ('',), (b'x',))", "frozenset({None})", "frozenset({1, 'x'})",
    "frozenset({(1, frozenset({2.5, nan}))})",
]

HASH_CHECK = """
import json, sys
sys.path.insert(0, sys.argv[1])
from pyops import core
print(json.dumps([hash(core.literal(s)) for s in json.load(sys.stdin)]))
"""


def setorder_vectors(r):
    vals = so_hash_values(r)
    srcs = [repr(v) for v in vals]
    hashes = [hash(v) for v in vals]
    for v, src in zip(vals, srcs):
        if not pyvalues.stable_hash(v) or hash(core.literal(src)) != hash(v):
            sys.exit("gen_py_vectors: %s is not a value of stable hash that reads back" % src)
    # The hashes are the same under other str hash seeds.
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", HASH_CHECK, os.path.dirname(os.path.abspath(__file__))],
                             input=json.dumps(srcs), capture_output=True, text=True, check=True,
                             env=dict(os.environ, PYTHONHASHSEED=seed))
        if json.loads(out.stdout) != hashes:
            sys.exit("gen_py_vectors: hashes change with PYTHONHASHSEED=%s" % seed)
    for src in UNSTABLE:
        if pyvalues.stable_hash(evaluate(src)):
            sys.exit("gen_py_vectors: %s has a stable hash" % src)
    # Small sets come pickled at every protocol; larger ones (the table
    # grows at 5, 20, 77, 308 and 1229 items) at one protocol that writes
    # set(list) and one that writes EMPTY_SET and ADDITEMS, in batches of
    # 1000.
    cases = []
    for kind in ("int", "float", "number", "any"):
        for _ in range(120):
            cases.append(so_case(r, r.randrange(1, 13), kind, r.random() < 0.2, range(6)))
        for _ in range(15):
            protocols = (r.randrange(4), r.randrange(4, 6))
            cases.append(so_case(r, r.randrange(13, 200), kind, r.random() < 0.2, protocols))
        big = 600 if kind == "any" else 1500
        for _ in range(2):
            protocols = (r.randrange(4), r.randrange(4, 6))
            cases.append(so_case(r, r.randrange(big // 2, big), kind, r.random() < 0.2, protocols))
    return {
        "python": sys.version.split()[0],
        "hashes": [{"src": s, "hash": h} for s, h in zip(srcs, hashes)],
        "unstable": UNSTABLE,
        "cases": cases,
    }


def write_gz(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = json.dumps(doc, indent=0, ensure_ascii=True, sort_keys=True).encode("ascii")
    with open(path, "wb") as f:
        f.write(gzip.compress(data, mtime=0))


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Set and dict-of-str orders follow str hashes: fix them, so that
        # the file only changes when its content does.
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    if sys.version_info[:2] != (3, 11):
        sys.exit("gen_py_vectors: run under Python 3.11 (this is %s)" % sys.version.split()[0])
    r = random.Random(20240501)
    pool, equal, hashable, pool_dict = pool_vectors()
    randoms = [pyvalues.random_value(r, 3) for _ in range(1500)]
    doc = {
        "python": sys.version.split()[0],
        "unicode": unicodedata.unidata_version,
        "markupsafe": importlib.metadata.version("markupsafe"),
        "literals": literal_vectors(),
        "random": [repr(v) for v in randoms],
        "random_order": [random_order(v) for v in randoms],
        "errors": error_vectors(),
        "strings": string_vectors(r),
        "bytes": bytes_vectors(r),
        "floats": float_vectors(r),
        "pool": pool,
        "equal": equal,
        "hashable": hashable,
        "dict": pool_dict,
    }
    write_gz(OUT, doc)
    print("gen_py_vectors: %d literals, %d errors, %d strings, %d floats -> %s (%d bytes)" % (
        len(doc["literals"]), len(doc["errors"]), len(doc["strings"]), len(doc["floats"]),
        os.path.normpath(OUT), os.path.getsize(OUT)))
    so = setorder_vectors(random.Random(20240611))
    write_gz(SETORDER_OUT, so)
    print("gen_py_vectors: %d hashes, %d set cases -> %s (%d bytes)" % (
        len(so["hashes"]), len(so["cases"]), os.path.normpath(SETORDER_OUT), os.path.getsize(SETORDER_OUT)))


if __name__ == "__main__":
    main()
