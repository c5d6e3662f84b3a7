"""Writes the benchmark payloads, three Flask sessions, to testdata/payloads:
<name>.repr (CPython's repr of the session) and <name>.pickle (what
Flask-Session stores: pickle.dumps(dict(session)), protocol 4).

    .venv/flask31/bin/python scripts/gen_payloads.py

login:   a Flask-Login session.
cart:    a 20-item shopping cart with a tuple, bytes, an aware datetime and
         a UUID.
history: a session with a 500-entry history list.
"""

import datetime
import hashlib
import os
import pickle
import uuid

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "payloads")


def login():
    return {
        "_permanent": True,
        "_user_id": "42",
        "_fresh": True,
        "_id": hashlib.sha512(b"127.0.0.1|Mozilla/5.0").hexdigest(),
        "csrf_token": hashlib.sha1(b"csrf").hexdigest(),
    }


def cart():
    items = []
    for i in range(20):
        items.append({"sku": "SKU-%05d" % (1000 + i), "name": "Item number %d" % i, "qty": 1 + i % 3, "price": 4.99 + i})
    return {
        "_permanent": True,
        "_user_id": "42",
        "cart": items,
        "coupon": ("SPRING", 10),
        "token": hashlib.sha256(b"token").digest(),
        "updated_at": datetime.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=datetime.timezone.utc),
        "cart_id": uuid.UUID("5f0c2a8e-9d4b-4c1e-8f3a-2b7d6e1c9a04"),
    }


def history():
    return {
        "_permanent": True,
        "_user_id": "42",
        "history": ["/products/%d?page=%d" % (i * 7919 % 10007, i % 9) for i in range(500)],
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, make in (("login", login), ("cart", cart), ("history", history)):
        value = make()
        with open(os.path.join(OUT, name + ".repr"), "w") as f:
            f.write(repr(value) + "\n")
        with open(os.path.join(OUT, name + ".pickle"), "wb") as f:
            f.write(pickle.dumps(value, 4))


if __name__ == "__main__":
    main()
