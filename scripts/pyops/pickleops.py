"""pickle ops: CPython's pickle on the other side of the Go codec's tests."""

import pickle

from pyops import op
from pyops.core import NAMESPACE, b64, unb64

# The literal namespace of core, and the few builtins the tests' value
# expressions use to build large values.
_NAMESPACE = dict(NAMESPACE, range=range, str=str, list=list)


def literal(text):
    return eval(text, _NAMESPACE)  # test input of our own, never user data


def same(a, b):
    """repr() and == agree; NaN (float or Decimal) counts as equal to
    itself."""
    ra, rb = repr(a), repr(b)
    if ra != rb:
        return False
    try:
        return a == b or "nan" in ra.lower()
    except RecursionError:
        return False


def _canonical(value, protocol):
    # What pickle.dumps writes for a value as pickle.loads gives it back:
    # the objects CPython shares (cached short str, interned names) are
    # then the same ones the Go encoder models.
    return pickle.dumps(pickle.loads(pickle.dumps(value, protocol)), protocol)


@op
def dumps(repr_text, protocol=4):
    """pickle.dumps(literal(repr_text), protocol), and the canonical form."""
    v = literal(repr_text)
    data = pickle.dumps(v, protocol)
    return {"pickle": b64(data), "canonical": b64(_canonical(v, protocol)), "repr": repr(pickle.loads(data))}


@op
def loads(data, encoding="ASCII"):
    """repr(pickle.loads(data))."""
    v = pickle.loads(unb64(data), encoding=encoding)
    return {"repr": repr(v), "type": type(v).__module__ + "." + type(v).__qualname__}


@op
def check(data, repr_text, protocol):
    """Loads a pickle the Go side wrote and compares it with the value of
    repr_text: same() and the bytes CPython writes for that value."""
    got = pickle.loads(unb64(data))
    # What CPython itself keeps at this protocol (fold needs protocol 4).
    want = pickle.loads(pickle.dumps(literal(repr_text), protocol))
    return {
        "same": same(got, want),
        "repr": repr(got),
        "canonical": b64(_canonical(want, protocol)),
        "redump": b64(pickle.dumps(got, protocol)),
    }


@op
def check_many(items):
    """check() for a list of {data, repr_text, protocol}."""
    out = []
    for it in items:
        try:
            out.append(check(it["data"], it["repr_text"], it["protocol"]))
        except Exception as exc:  # reported per item
            out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


@op
def dumps_many(items):
    """dumps() for a list of {repr_text, protocol}."""
    out = []
    for it in items:
        try:
            out.append(dumps(it["repr_text"], it["protocol"]))
        except Exception as exc:
            out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out
