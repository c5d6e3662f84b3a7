"""A long-lived Python process the Go tests talk to, one JSON object a line.

Request:  {"id": 1, "op": "core.eval", ...arguments}
Response: {"id": 1, "ok": true, "result": {...}}
     or:  {"id": 1, "ok": false, "error": "TypeError: ..."}

An op "area.name" lives in scripts/pyops/<area>.py as a function decorated
with @op; modules are imported on first use, so a venv only needs the
packages of the areas it serves. Python values travel as repr() text (read
back with pyops.core.literal) and bytes as base64 strings.
"""

import importlib
import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pyops import REGISTRY  # noqa: E402


def resolve(name):
    if name not in REGISTRY:
        area = name.split(".", 1)[0]
        importlib.import_module("pyops." + area)
    return REGISTRY[name]


def main():
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        rid = req.pop("id", None)
        name = req.pop("op")
        try:
            result = resolve(name)(**req)
            resp = {"id": rid, "ok": True, "result": result}
        except Exception as exc:  # reported to the Go side, which decides
            resp = {
                "id": rid,
                "ok": False,
                "error": "%s: %s" % (type(exc).__name__, exc),
                "trace": traceback.format_exc(limit=4),
            }
        out.write(json.dumps(resp) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
