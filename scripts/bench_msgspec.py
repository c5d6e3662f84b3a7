"""Times the Go msgspec package against the real msgspec on the benchmark
sessions of testdata/payloads (login, cart, history), in one run: rounds that
alternate `go test -bench` and timeit, the median of each side reported, so
that a busy machine slows both alike.

    .venv/msgspec022/bin/python scripts/bench_msgspec.py [--rounds 7]
    .venv/msgspec0186/bin/python scripts/bench_msgspec.py --vm

The Go side runs with GOMAXPROCS=1 unless --procs says otherwise: msgspec
runs on one core, and so does the Go code timed, its garbage collector
included. --vm also times github.com/vmihailenco/msgpack/v5 on the same
sessions (the benchmarks of internal/perf, a module of its own, so that the
library does not depend on it; `make bench` reports them too).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import timeit

import msgspec

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

from pyops.core import literal  # noqa: E402

PAYLOADS = ("login", "cart", "history")
# Go benchmark name -> (format, operation) of msgspec.
GO_BENCHES = {
    "MarshalMsgpack": ("msgpack", "encode"),
    "UnmarshalMsgpack": ("msgpack", "decode"),
    "EncodeJSON": ("json", "encode"),
    "DecodeJSON": ("json", "decode"),
}
LINE = re.compile(r"^Benchmark(\w+)/(\w+)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op")


def go_round(binary, cwd, pattern, benchtime, procs):
    env = dict(os.environ)
    if procs:
        env["GOMAXPROCS"] = str(procs)
    out = subprocess.run(
        [binary, "-test.run", "^$", "-test.bench", pattern, "-test.benchtime", benchtime, "-test.count", "1"],
        cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            res[(m.group(1), m.group(2))] = float(m.group(3))
    return res


def py_round(values, number):
    res = {}
    for name, v in values.items():
        for fmt, enc, dec in (("msgpack", msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder()),
                              ("json", msgspec.json.Encoder(), msgspec.json.Decoder())):
            data = enc.encode(v)
            n = number[name]
            e = statistics.median(timeit.repeat(lambda: enc.encode(v), number=n, repeat=5)) / n
            d = statistics.median(timeit.repeat(lambda: dec.decode(data), number=n, repeat=5)) / n
            res[(fmt, "encode", name)] = e * 1e9
            res[(fmt, "decode", name)] = d * 1e9
    return res


def build(pkg_dir, out):
    subprocess.run(["go", "test", "-c", "-o", out, "."], cwd=pkg_dir, check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--benchtime", default="200ms")
    ap.add_argument("--vm", action="store_true", help="also time vmihailenco/msgpack/v5")
    ap.add_argument("--procs", type=int, default=1,
                    help="GOMAXPROCS of the Go side (default 1: msgspec runs on one core too; 0: Go's default)")
    args = ap.parse_args()

    values = {}
    for name in PAYLOADS:
        with open(os.path.join(ROOT, "testdata", "payloads", name + ".repr")) as f:
            values[name] = literal(f.read())
    number = {"login": 20000, "cart": 2000, "history": 1000}

    tmp = tempfile.mkdtemp()
    ours = os.path.join(tmp, "msgspec.test")
    build(os.path.join(ROOT, "msgspec"), ours)
    vm = None
    if args.vm:
        vm = os.path.join(tmp, "perf.test")
        build(os.path.join(ROOT, "internal", "perf"), vm)

    go, py, other = {}, {}, {}
    for _ in range(args.rounds):
        for k, ns in go_round(ours, os.path.join(ROOT, "msgspec"), "^Benchmark(%s)$" % "|".join(GO_BENCHES), args.benchtime, args.procs).items():
            go.setdefault(k, []).append(ns)
        for k, ns in py_round(values, number).items():
            py.setdefault(k, []).append(ns)
        if vm:
            for k, ns in go_round(vm, os.path.join(ROOT, "internal", "perf"), "^BenchmarkVmihailenco", args.benchtime, args.procs).items():
                other.setdefault(k, []).append(ns)

    print("msgspec %s, Python %s, Go GOMAXPROCS=%s, %d rounds, medians in ns/op" % (
        msgspec.__version__, sys.version.split()[0], args.procs or "default", args.rounds))
    print("%-8s %-8s %-7s %10s %10s %7s" % ("payload", "format", "op", "Go", "msgspec", "ratio"))
    for bench, (fmt, op) in GO_BENCHES.items():
        for name in PAYLOADS:
            g = statistics.median(go[(bench, name)])
            p = statistics.median(py[(fmt, op, name)])
            print("%-8s %-8s %-7s %10.0f %10.0f %7.2f" % (name, fmt, op, g, p, g / p))
    if other:
        print()
        print("vmihailenco/msgpack, medians in ns/op (internal/perf)")
        for (bench, name), xs in sorted(other.items()):
            print("%-28s %-8s %10.0f" % (bench, name, statistics.median(xs)))


if __name__ == "__main__":
    main()
