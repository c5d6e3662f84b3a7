"""Ops for the tests of `flaskbridge session`: random sessions that the
Flask-Session of this venv can store, and what a format's round trip (or a
migration) makes of a session, computed by the real pickle and msgspec.

The sessions go into a real Flask app through fsession.request; these ops
only make and judge values."""

import pickle
import random

import flask_session

from pyops import op
from pyops.core import b64, literal, same, unb64
from pyops.pyvalues import random_str, random_value

VERSION = tuple(int(p) for p in flask_session.__version__.split(".")[:2])


def _codec(fmt):
    """(encode, decode) of a stored format, as Flask-Session uses it."""
    if fmt == "pickle":
        return pickle.dumps, pickle.loads
    import msgspec

    if fmt == "msgpack":
        return msgspec.msgpack.Encoder().encode, msgspec.msgpack.Decoder().decode
    return msgspec.json.Encoder().encode, msgspec.json.Decoder().decode


def _comparable(v):
    """Whether a value can be compared by core.same after a trip through
    repr text: no Decimal NaN (never equal to itself, and sNaN raises on
    ==), and the repr reads back."""
    text = repr(v)
    if "NaN" in text:
        return False
    try:
        back = literal(text)
    except Exception:
        return False
    try:
        return same(back, v)
    except Exception:
        return False


def _storable(fmt, v):
    """Whether this venv's Flask-Session can store v in fmt, and what it
    reads back compares with itself."""
    enc, dec = _codec(fmt)
    try:
        back = dec(enc(v))
    except Exception:
        return False
    return _comparable(v) and _comparable(back)


def _session(rng, fmt):
    s = {}
    if rng.random() < 0.7:
        s["_permanent"] = True
    if rng.random() < 0.5:
        s["_user_id"] = str(rng.randint(1, 10 ** 6))
        s["_fresh"] = rng.choice([True, False])
        s["_id"] = "%0128x" % rng.getrandbits(512)
    if rng.random() < 0.3:
        s["_flashes"] = [("message", "Saved " + random_str(rng))]
    if rng.random() < 0.3:
        s["csrf_token"] = "%040x" % rng.getrandbits(160)
    for _ in range(rng.choice([1, 2, 4, 8])):
        k = random_str(rng) or "k"
        v = random_value(rng, 3)
        if _storable(fmt, {k: v}):
            s[k] = v
    s["visits"] = rng.randint(1, 10 ** 6)  # never only "_permanent", which 0.6+ count as empty
    if rng.random() < 0.1:
        s["history"] = ["/page/%d" % rng.randint(0, 20) for _ in range(rng.randint(50, 400))]
    if not _storable(fmt, s):
        s = {k: v for k, v in s.items() if k in ("_permanent", "_user_id", "_fresh", "_id", "visits")}
    return s


@op
def random_sessions(seed, count, format):
    """count random session dicts that this venv's Flask-Session can store
    in format (pickle, msgpack or json), as repr text: every type of the
    value model for pickle, what msgspec takes for the others."""
    rng = random.Random(seed)
    return [repr(_session(rng, format)) for _ in range(count)]


@op
def roundtrip(format, repr_text):
    """repr of the session after Flask-Session stores it in format and reads
    it back (msgspec turns tuples and sets into lists, and so on), or the
    error that storing it raises."""
    enc, dec = _codec(format)
    try:
        return {"repr": repr(dec(enc(literal(repr_text))))}
    except Exception as exc:
        return {"error": "%s: %s" % (type(exc).__name__, exc)}


@op
def same_as(a, b):
    """core.same of two repr texts."""
    return same(literal(a), literal(b))


@op
def migrated(items, to):
    """For each stored value (base64), what a migration to `to` must leave:
    the repr of decode(encode(value)) where value is what this venv's
    Flask-Session loads from the bytes, or the error encoding raises."""
    if VERSION >= (0, 7):
        import flask
        from flask_session.base import MsgSpecSerializer

        load = MsgSpecSerializer(flask.Flask("x"), "msgpack").decode
    else:
        load = pickle.loads
    enc, dec = _codec(to)
    out = []
    for data in items:
        try:
            v = load(unb64(data))
        except Exception as exc:
            out.append({"load_error": "%s: %s" % (type(exc).__name__, exc)})
            continue
        try:
            out.append({"repr": repr(dec(enc(v)))})
        except Exception as exc:
            out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


@op
def loads_all(items):
    """repr of what this venv's Flask-Session loads from each stored value
    (base64): 0.7+ tries msgpack, JSON, then pickle; older lines unpickle."""
    if VERSION >= (0, 7):
        import flask
        from flask_session.base import MsgSpecSerializer

        load = MsgSpecSerializer(flask.Flask("x"), "msgpack").decode
    else:
        load = pickle.loads
    out = []
    for data in items:
        try:
            out.append({"repr": repr(load(unb64(data)))})
        except Exception as exc:
            out.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return out


@op
def pickled(repr_texts, protocol=None):
    """pickle.dumps of each literal, as Flask-Session 0.3 to 0.6 store it."""
    out = []
    for t in repr_texts:
        v = literal(t)
        out.append(b64(pickle.dumps(v) if protocol is None else pickle.dumps(v, protocol)))
    return out



@op
def flask_json(repr_texts):
    """What Flask prints for each session: app.json.dumps (json) and the
    session cookie's TaggedJSONSerializer (tagged), or the error each
    raises. Flask older than 2.2 has no app.json: skip."""
    import flask
    from flask.json.tag import TaggedJSONSerializer

    app = flask.Flask("fscli")
    if not hasattr(app, "json"):
        return None
    tagged = TaggedJSONSerializer()
    out = []
    with app.app_context():
        for t in repr_texts:
            v = literal(t)
            item = {}
            try:
                item["json"] = app.json.dumps(v)
            except Exception as exc:
                item["json_error"] = "%s: %s" % (type(exc).__name__, exc)
            try:
                item["tagged"] = tagged.dumps(v)
            except Exception as exc:
                item["tagged_error"] = "%s: %s" % (type(exc).__name__, exc)
            out.append(item)
    return out
