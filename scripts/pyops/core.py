"""Values in and out: repr text <-> Python objects, and comparison."""

import base64
import collections
import datetime
import decimal
import math
import sys
import uuid

from pyops import op

try:  # Markup is only there in venvs that have markupsafe
    from markupsafe import Markup
except ImportError:  # pragma: no cover
    Markup = None

NAMESPACE = {
    "__builtins__": {},
    "datetime": datetime,
    "UUID": uuid.UUID,
    "Decimal": decimal.Decimal,
    "OrderedDict": collections.OrderedDict,
    "Markup": Markup,
    "set": set,
    "frozenset": frozenset,
    "bytearray": bytearray,
    "inf": math.inf,
    "nan": math.nan,
}


def literal(text):
    """Reads repr() text of the value model back into a Python object."""
    return eval(text, NAMESPACE)  # test input of our own, never user data


def b64(data):
    return base64.b64encode(data).decode("ascii")


def unb64(text):
    return base64.b64decode(text)


def same(a, b):
    """Python's == and repr() both agree (repr catches 1 vs 1.0 vs True,
    == catches what repr prints alike); NaN is equal to NaN here."""
    if repr(a) != repr(b):
        return False
    try:
        return a == b or "nan" in repr(a)
    except RecursionError:
        return False


@op
def ping():
    pkgs = {}
    try:
        from importlib.metadata import distributions

        for d in distributions():
            pkgs[d.metadata["Name"].lower()] = d.version
    except Exception:  # pragma: no cover
        pass
    return {"python": sys.version.split()[0], "packages": pkgs}


@op
def eval_repr(repr_text):
    """Evaluates our repr text; returns Python's repr of the result."""
    v = literal(repr_text)
    return {"repr": repr(v), "type": type(v).__module__ + "." + type(v).__qualname__}


@op
def eval_many(reprs):
    out = []
    for text in reprs:
        try:
            out.append({"ok": True, "repr": repr(literal(text))})
        except Exception as exc:
            out.append({"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)})
    return out


@op
def equal(a, b):
    va, vb = literal(a), literal(b)
    return {"eq": va == vb, "same": same(va, vb)}
