"""Ops of scripts/pyhelper.py, one module an area."""

REGISTRY = {}


def op(fn):
    """Registers fn as the op "<module>.<function name>"."""
    area = fn.__module__.rsplit(".", 1)[-1]
    REGISTRY[area + "." + fn.__name__] = fn
    return fn
