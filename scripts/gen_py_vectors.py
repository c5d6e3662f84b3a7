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
"""

import collections
import datetime
import decimal
import gzip
import importlib.metadata
import json
import math
import os
import random
import struct
import sys
import unicodedata
import uuid
import warnings

import markupsafe

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pyops import core, pyvalues  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "testdata", "py", "vectors.json.gz")

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


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Set and dict-of-str orders follow str hashes: fix them, so that
        # the file only changes when its content does.
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    if sys.version_info[:2] != (3, 11):
        sys.exit("gen_py_vectors: run under Python 3.11 (this is %s)" % sys.version.split()[0])
    r = random.Random(20240501)
    pool, equal, hashable, pool_dict = pool_vectors()
    doc = {
        "python": sys.version.split()[0],
        "unicode": unicodedata.unidata_version,
        "markupsafe": importlib.metadata.version("markupsafe"),
        "literals": literal_vectors(),
        "random": [repr(pyvalues.random_value(r, 3)) for _ in range(1500)],
        "errors": error_vectors(),
        "strings": string_vectors(r),
        "bytes": bytes_vectors(r),
        "floats": float_vectors(r),
        "pool": pool,
        "equal": equal,
        "hashable": hashable,
        "dict": pool_dict,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    data = json.dumps(doc, indent=0, ensure_ascii=True, sort_keys=True).encode("ascii")
    with open(OUT, "wb") as f:
        f.write(gzip.compress(data, mtime=0))
    print("gen_py_vectors: %d literals, %d errors, %d strings, %d floats -> %s (%d bytes)" % (
        len(doc["literals"]), len(doc["errors"]), len(doc["strings"]), len(doc["floats"]),
        os.path.normpath(OUT), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
