"""Writes cachelib FileSystemCache files for testdata/filestore/.

Run once under each Flask-Session venv (each pins a different cachelib; the
cachelib 0.4.1 files come from an earlier pin of the fs03 venv):

    for v in fs03 fs04 fs05 fs06 fs08; do
        .venv/$v/bin/python scripts/gen_filestore_vectors.py testdata/filestore
    done

For every case it stores a session dict with FileSystemCache.set at a fixed
clock, so the expiry in the header is known, and copies the file to
OUTDIR/cachelib-<version>-<case>.bin. OUTDIR/cachelib-<version>.json lists
the cases: key, file name cachelib chose, expiry, and the value's repr.
"""

import datetime
import json
import os
import shutil
import sys
import tempfile
import uuid

import cachelib
import cachelib.file

NOW = 1_700_000_000

CASES = [
    ("never", 0, {"_permanent": True, "user_id": 42}),
    ("hour", 3600, {"_permanent": True, "name": "Zoë", "raw": b"\x00\xff", "items": [1, (2, 3)]}),
    ("month", 31 * 86400, {"when": datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc),
                           "id": uuid.UUID("12345678-1234-5678-1234-567812345678")}),
    # An expiry past 2**31 (2065): protocol 1 writes it as LONG text.
    ("y2065", 3_000_000_000 - NOW, {"big": 2**70}),
    ("small", 200 - NOW, {}),
]


def main(outdir):
    version = cachelib.__version__
    cachelib.file.time = lambda: float(NOW)  # a fixed clock for the header
    os.makedirs(outdir, exist_ok=True)
    index = []
    with tempfile.TemporaryDirectory() as d:
        cache = cachelib.file.FileSystemCache(d, threshold=0)
        for name, timeout, value in CASES:
            key = "session:" + name
            cache.set(key, value, timeout)
            src = cache._get_filename(key)
            shutil.copyfile(src, os.path.join(outdir, "cachelib-%s-%s.bin" % (version, name)))
            expiry = 0 if timeout == 0 else NOW + timeout
            index.append({"case": name, "key": key, "file": os.path.basename(src), "expiry": expiry, "repr": repr(value)})
    with open(os.path.join(outdir, "cachelib-%s.json" % version), "w") as f:
        json.dump(index, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
