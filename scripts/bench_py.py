"""The Python side of `make bench` (scripts/bench.sh): times the Python
counterparts of the Go benchmarks on the payloads of testdata/payloads and
appends the samples, as JSON lines, to a file that internal/perf's
perfreport reads.

    .venv/flask31/bin/python scripts/bench_py.py --suite cookie --suite pickle --out run/py.jsonl
    .venv/msgspec022/bin/python scripts/bench_py.py --suite msgspec --out run/py.jsonl

Suites:
  cookie   Flask's session cookie serializer (SecureCookieSessionInterface.
           get_signing_serializer) inside an app context: loads(cookie,
           max_age=PERMANENT_SESSION_LIFETIME), as open_session calls it, and
           dumps(session), as save_session does; the clock is stopped at the
           timestamp the Go side signs with (internal/perf: SecretKey,
           Timestamp), so both write the same cookie.
  pickle   CPython's C pickle: pickle.loads(data) of <name>.pickle and
           pickle.dumps(value, 4) of what it loaded.
  msgspec  msgspec.msgpack.Encoder().encode(session) and
           Decoder().decode(data).

Each call of this script takes --repeat samples of each operation; a sample
is one timeit run of `number` calls, `number` chosen (as timeit's autorange
does) so that a run lasts at least --min-time seconds, and records both the
wall-clock time (timeit's perf_counter) and the CPU time of the process
(time.process_time) per call: on a shared machine, a process that waits
for a core is slowed in wall-clock time but not in CPU time. scripts/bench.sh
calls it once per round, between rounds of the Go benchmarks, so that both
sides see the same load on the machine. The garbage collector stays on
(timeit turns it off by default): Go's figures include its collector too.

Besides the samples, a "meta" line records the versions and what each
encoder wrote, which perfreport compares with the Go side's bytes.
"""

import argparse
import base64
import gc
import json
import os
import pickle
import sys
import time
import timeit
from importlib.metadata import PackageNotFoundError, version

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

from pyops.core import literal  # noqa: E402

NAMES = ("login", "cart", "history")
KEY = b"bench secret key"  # internal/perf.SecretKey
TS = 1715949296  # internal/perf.Timestamp


def payload(name, ext):
    mode = "rb" if ext == "pickle" else "r"
    with open(os.path.join(ROOT, "testdata", "payloads", name + "." + ext), mode) as f:
        return f.read()


def cookie_suite():
    import flask
    from itsdangerous.timed import TimestampSigner

    class StoppedClock(TimestampSigner):
        def get_timestamp(self):
            return TS

    app = flask.Flask("bench")
    app.secret_key = KEY
    ctx = app.app_context()
    ctx.push()  # the tagged JSON serializer needs the app, as in a request
    s = app.session_interface.get_signing_serializer(app)
    s.signer = StoppedClock
    max_age = int(app.permanent_session_lifetime.total_seconds())
    ops, out = [], {}
    for name in NAMES:
        value = literal(payload(name, "repr"))
        cookie = s.dumps(value)
        out["cookie/" + name] = cookie
        ops.append(("cookie", "open", name, lambda c=cookie: s.loads(c, max_age=max_age)))
        ops.append(("cookie", "save", name, lambda v=value: s.dumps(v)))
    return ops, out, ("flask", "werkzeug", "itsdangerous")


def pickle_suite():
    import _pickle

    if pickle.loads is not _pickle.loads or pickle.dumps is not _pickle.dumps:
        raise SystemExit("bench_py: pickle is not CPython's C implementation")
    ops, out = [], {}
    for name in NAMES:
        data = payload(name, "pickle")
        value = pickle.loads(data)
        out["pickle/" + name] = base64.b64encode(pickle.dumps(value, 4)).decode()
        ops.append(("pickle", "decode", name, lambda d=data: pickle.loads(d)))
        ops.append(("pickle", "encode", name, lambda v=value: pickle.dumps(v, 4)))
    return ops, out, ()


def msgspec_suite():
    import msgspec

    enc, dec = msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder()
    ops, out = [], {}
    for name in NAMES:
        value = literal(payload(name, "repr"))
        data = enc.encode(value)
        out["msgpack/" + name] = base64.b64encode(data).decode()
        ops.append(("msgpack", "encode", name, lambda v=value: enc.encode(v)))
        ops.append(("msgpack", "decode", name, lambda d=data: dec.decode(d)))
    return ops, out, ("msgspec",)


SUITES = {"cookie": cookie_suite, "pickle": pickle_suite, "msgspec": msgspec_suite}


def calibrate(timer, min_time):
    """The number of calls whose run lasts at least min_time seconds."""
    number = 1
    while True:
        t = timer.timeit(number)
        if t >= min_time:
            return number
        # grow towards min_time with some margin, at most 10x a step
        number = max(number + 1, int(number * min(10.0, 1.2 * min_time / max(t, 1e-9))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", action="append", choices=sorted(SUITES), required=True)
    ap.add_argument("--repeat", type=int, default=1, help="samples of each operation (default 1)")
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds a sample lasts at least")
    ap.add_argument("--round", type=int, default=0, help="round number, recorded with each sample")
    ap.add_argument("--out", required=True, help="JSON lines file to append to")
    args = ap.parse_args()

    lines = []
    for suite in args.suite:
        ops, out, pkgs = SUITES[suite]()
        versions = {}
        for p in pkgs:
            try:
                versions[p] = version(p)
            except PackageNotFoundError:
                versions[p] = "?"
        lines.append({
            "kind": "meta", "suite": suite, "python": sys.version.split()[0],
            "implementation": sys.implementation.name, "executable": sys.executable,
            "packages": versions, "outputs": out,
        })
        for group, op, name, fn in ops:
            timer = timeit.Timer(fn, setup=gc.enable, timer=time.perf_counter)
            number = calibrate(timer, args.min_time)
            for _ in range(args.repeat):
                cpu0 = time.process_time()
                wall = timer.timeit(number)
                cpu = time.process_time() - cpu0
                lines.append({
                    "kind": "sample", "group": group, "op": op, "payload": name,
                    "round": args.round, "number": number,
                    "ns": wall / number * 1e9, "cpu_ns": cpu / number * 1e9,
                })
    with open(args.out, "a") as f:
        for line in lines:
            f.write(json.dumps(line, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
