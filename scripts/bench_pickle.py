"""Times CPython's pickle and this module's Go codec on the same payloads
(testdata/payloads: three Flask sessions), in one run, and prints the
ratios.

    .venv/flask31/bin/python scripts/bench_pickle.py [--rounds N]

CPython: pickle.loads(data) and pickle.dumps(pickle.loads(data), 4) with
timeit; Go: go test -bench (Unmarshal, Marshal, and
github.com/nlpodyssey/gopickle's Loads). Each round takes the best of 3
runs of about 0.2 s on both sides; the two sides alternate for N rounds,
so that both see the same load on the machine; medians of the rounds are
reported. Both the CPU time of the process (time.process_time, getrusage:
all threads, so Go's garbage collector counts) and the wall-clock time are
shown; on a shared machine the CPU time is the steadier figure.
"""

import argparse
import os
import pickle
import re
import statistics
import subprocess
import sys
import time
import timeit

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
NAMES = ("login", "cart", "history")


def cpython(count, timer_fn):
    """One round of CPython timings (count repeats each), in us."""
    out = {}
    for name in NAMES:
        with open(os.path.join(ROOT, "testdata", "payloads", name + ".pickle"), "rb") as f:
            data = f.read()
        value = pickle.loads(data)
        for op, fn in (("decode", lambda: pickle.loads(data)), ("encode", lambda: pickle.dumps(value, 4))):
            timer = timeit.Timer(fn, timer=timer_fn)
            number, _ = timer.autorange()
            number = max(1, number)
            runs = timer.repeat(repeat=count, number=number)
            out[(name, op)] = min(runs) / number * 1e6
    return out


BENCH = re.compile(r"^Benchmark(\w+)/(\w+)-\d+\s+\d+\s+([\d.]+) ns/op.*?([\d.]+) cpu-ns/op")


def golang(count):
    """One round of Go timings, in us."""
    cmd = ["go", "test", "-run", "^$", "-bench", "^Benchmark(Unmarshal|Marshal|GopickleLoads)$",
           "-count", str(count), "-benchtime", "200ms", "./pickle"]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    wall, cpu = {}, {}
    for line in res.stdout.splitlines():
        m = BENCH.match(line)
        if m:
            op = {"Unmarshal": "decode", "Marshal": "encode", "GopickleLoads": "gopickle"}[m.group(1)]
            wall.setdefault((m.group(2), op), []).append(float(m.group(3)) / 1000)
            cpu.setdefault((m.group(2), op), []).append(float(m.group(4)) / 1000)
    return {k: min(v) for k, v in wall.items()}, {k: min(v) for k, v in cpu.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    rounds = {"cpu": ([], []), "wall": ([], [])}
    for _ in range(args.rounds):
        rounds["cpu"][0].append(cpython(3, time.process_time))
        rounds["wall"][0].append(cpython(3, time.perf_counter))
        wall, cpu = golang(3)
        rounds["wall"][1].append(wall)
        rounds["cpu"][1].append(cpu)
    print("Python %s; medians of %d alternating rounds, each the best of 3 runs of ~0.2 s "
          "(timeit / go test -bench); speed = CPython time / Go time" % (sys.version.split()[0], args.rounds))
    for kind in ("cpu", "wall"):
        pyr, gor = rounds[kind]
        py = {k: statistics.median(r[k] for r in pyr) for k in pyr[0]}
        go = {k: statistics.median(r[k] for r in gor if k in r) for k in gor[0]}
        print()
        print("%s time" % ("CPU" if kind == "cpu" else "wall-clock"))
        print("%-8s %-6s %10s %10s %8s %12s %10s" % ("payload", "op", "CPython us", "Go us", "speed", "gopickle us", "vs gopickle"))
        for name in NAMES:
            for op in ("decode", "encode"):
                p, g = py[(name, op)], go.get((name, op))
                gp = go.get((name, "gopickle")) if op == "decode" else None
                print("%-8s %-6s %10.2f %10.2f %7.2fx %12s %10s" % (
                    name, op, p, g, p / g,
                    "%.2f" % gp if gp else "-", "%.1fx" % (gp / g) if gp else "-"))


if __name__ == "__main__":
    main()
