"""Flask-Session ops: a real Flask app with Flask-Session, configured per call,
against the same servers and directories the Go stores use.

A call names its Flask config (`config`: the Flask config keys as JSON, with
PERMANENT_SESSION_LIFETIME in seconds) and its store (`store`, a dict):

    {"type": "redis", "addr": "127.0.0.1:16379"}
    {"type": "redis", "sentinel": ["127.0.0.1:16381"], "master": "flaskbridge"}
    {"type": "redis", "cluster": ["127.0.0.1:16391", ...]}
    {"type": "filesystem", "dir": "/path"}
    {"type": "memcached", "servers": ["127.0.0.1:11311"], "client": "memcache" | "pylibmc" | "pymemcache"}
    {"type": "sqlalchemy", "uri": "postgresql://...", "table": "sessions", "schema": None,
     "sequence": None, "create": True}

Values travel as repr() text (read with pyops.core.literal), bytes as base64.
"""

import json
import pickle
import struct
import time
import warnings

import flask
import flask_session

from pyops import op
from pyops.core import b64, literal, same, unb64

warnings.simplefilter("ignore")

VERSION = tuple(int(p) for p in flask_session.__version__.split(".")[:2])

_clients = {}
_apps = {}
_plan = {}


def _hostport(addr):
    host, port = addr.rsplit(":", 1)
    return host, int(port)


def redis_client(store):
    """The redis-py client a store spec names, made once per spec."""
    key = json.dumps(store, sort_keys=True)
    if key in _clients:
        return _clients[key]
    import redis

    db = store.get("db", 0)
    if "cluster" in store:
        from redis.cluster import ClusterNode, RedisCluster

        nodes = [ClusterNode(*_hostport(a)) for a in store["cluster"]]
        client = RedisCluster(startup_nodes=nodes)
    elif "sentinel" in store:
        from redis.sentinel import Sentinel

        sentinel = Sentinel([_hostport(a) for a in store["sentinel"]])
        client = sentinel.master_for(store["master"], db=db)
    else:
        host, port = _hostport(store["addr"])
        client = redis.Redis(host=host, port=port, db=db)
    _clients[key] = client
    return client


def memcached_client(store):
    """The memcached client a store spec names: pylibmc's Client (the one
    Flask-Session picks first), python-memcached's memcache.Client (its
    choice without pylibmc) or pymemcache's Client (waiting for replies, so
    that a write is done when the request ends)."""
    key = json.dumps(store, sort_keys=True)
    if key in _clients:
        return _clients[key]
    servers = store["servers"]
    if store.get("client", "memcache") == "pymemcache":
        from pymemcache.client.base import Client

        client = Client(_hostport(servers[0]), default_noreply=False)
    elif store.get("client") == "pylibmc":
        import pylibmc

        client = pylibmc.Client(servers)
    else:
        import memcache

        client = memcache.Client(servers)
    _clients[key] = client
    return client


def make_app(config, store):
    """A Flask app with Flask-Session over the store, made once per config."""
    key = json.dumps([config, store], sort_keys=True)
    if key in _apps:
        return _apps[key]
    app = flask.Flask("fsession")
    cfg = dict(config)
    cfg.setdefault("SECRET_KEY", "flaskbridge test secret")
    if "PERMANENT_SESSION_LIFETIME" in cfg:
        import datetime

        cfg["PERMANENT_SESSION_LIFETIME"] = datetime.timedelta(seconds=cfg["PERMANENT_SESSION_LIFETIME"])
    kind = store["type"]
    cfg["SESSION_TYPE"] = kind
    cluster = None
    if kind == "redis":
        client = redis_client(store)
        if "cluster" in store and VERSION >= (0, 7):
            # 0.7+ refuses a client that is not a redis.Redis (RedisCluster
            # is not one) and falls back to Redis() on localhost:6379; the
            # cluster client is put in place after init, as apps do.
            cluster = client
        else:
            cfg["SESSION_REDIS"] = client
    elif kind == "filesystem":
        cfg["SESSION_FILE_DIR"] = store["dir"]
        if "threshold" in store:
            cfg["SESSION_FILE_THRESHOLD"] = store["threshold"]
    elif kind == "memcached":
        cfg["SESSION_MEMCACHED"] = memcached_client(store)
    elif kind == "sqlalchemy":
        from flask_sqlalchemy import SQLAlchemy

        cfg["SQLALCHEMY_DATABASE_URI"] = store["uri"]
        cfg["SQLALCHEMY_TRACK_MODIFICATIONS"] = False
        cfg["SESSION_SQLALCHEMY_TABLE"] = store.get("table", "sessions")
        for k in ("schema", "sequence"):
            if store.get(k):
                cfg["SESSION_SQLALCHEMY_" + k.upper()] = store[k]
        app.config.update(cfg)
        cfg["SESSION_SQLALCHEMY"] = SQLAlchemy(app)
    else:
        raise ValueError("unknown store type %r" % kind)
    app.config.update(cfg)
    flask_session.Session(app)
    if kind == "sqlalchemy" and store.get("create") and VERSION < (0, 6):
        # 0.3-0.5 leave the table to the app (db.create_all()); 0.6 and
        # later create it when Session(app) runs.
        with app.app_context():
            cfg["SESSION_SQLALCHEMY"].create_all()
    if cluster is not None:
        app.session_interface.client = cluster

    @app.route("/")
    def view():
        s = flask.session
        plan = _plan
        before = {"sid": s.sid, "repr": repr(dict(s)), "bool": bool(s)}
        if plan.get("clear"):
            s.clear()
        for k in plan.get("delete") or []:
            s.pop(k, None)
        if plan.get("set"):
            for k, v in literal(plan["set"]).items():
                s[k] = v
        if plan.get("permanent") is not None:
            s.permanent = plan["permanent"]
        if plan.get("modified"):
            s.modified = True
        if plan.get("regenerate"):
            app.session_interface.regenerate(s)
        after = {"sid": s.sid, "repr": repr(dict(s)), "modified": bool(s.modified)}
        if plan.get("expect") is not None:
            after["same"] = same(dict(s), literal(plan["expect"]))
        return flask.jsonify(before=before, after=after)

    _apps[key] = app
    return app


def _request(config, store, cookie, plan):
    global _plan
    app = make_app(config, store)
    _plan = plan
    try:
        client = app.test_client(use_cookies=False)
        name = app.config.get("SESSION_COOKIE_NAME", "session")
        headers = {"Cookie": "%s=%s" % (name, cookie)} if cookie is not None else {}
        resp = client.get("/", headers=headers)
    finally:
        _plan = {}
    if resp.status_code != 200:
        raise RuntimeError("request failed: %s %s" % (resp.status, resp.get_data(as_text=True)[:2000]))
    out = json.loads(resp.get_data(as_text=True))
    out["set_cookie"] = resp.headers.getlist("Set-Cookie")
    out["vary"] = resp.headers.get("Vary", "")
    return out


@op
def request(config, store, cookie=None, set=None, delete=None, clear=False, permanent=None,
            modified=False, regenerate=False, expect=None):
    """One request through Flask-Session: opens the session from `cookie`,
    applies the changes (set: repr text of a dict to merge in; delete: keys;
    clear; permanent; modified; regenerate, 0.7+), saves it. Returns the
    session before and after the changes (sid, repr), whether it equals
    `expect` (repr text), and the Set-Cookie headers of the response."""
    plan = {"set": set, "delete": delete, "clear": clear, "permanent": permanent,
            "modified": modified, "regenerate": regenerate, "expect": expect}
    return _request(config, store, cookie, plan)


@op
def same_repr(a, b):
    """Whether two repr texts read back into values that Python finds the
    same (== and repr)."""
    return {"same": same(literal(a), literal(b))}


@op
def version():
    import cachelib

    out = {"flask_session": flask_session.__version__, "pickle_highest": pickle.HIGHEST_PROTOCOL}
    out["cachelib"] = getattr(cachelib, "__version__", "")
    try:
        import msgspec

        out["msgspec"] = msgspec.__version__
    except ImportError:
        pass
    return out


@op
def sign(secret_key, sid, secret_key_hex=None):
    """itsdangerous Signer(secret_key, salt="flask-session",
    key_derivation="hmac").sign(sid), as Flask-Session signs a sid; a bytes
    key is given as hex."""
    from itsdangerous import Signer

    if secret_key_hex is not None:
        secret_key = bytes.fromhex(secret_key_hex)
    return Signer(secret_key, salt="flask-session", key_derivation="hmac").sign(sid.encode()).decode()


@op
def unsign(secret_key, cookie):
    from itsdangerous import BadSignature, Signer

    try:
        return {"ok": True, "sid": Signer(secret_key, salt="flask-session", key_derivation="hmac").unsign(cookie).decode()}
    except BadSignature as e:
        return {"ok": False, "error": str(e)}


@op
def dumps(format, repr_text, protocol=None):
    """The bytes Flask-Session stores for a session dict: pickle.dumps (0.3
    to 0.6; protocol as given), or 0.7+'s msgspec encoders."""
    value = literal(repr_text)
    if format == "pickle":
        return b64(pickle.dumps(value) if protocol is None else pickle.dumps(value, protocol))
    import msgspec

    enc = msgspec.msgpack.Encoder() if format == "msgpack" else msgspec.json.Encoder()
    return b64(enc.encode(value))


@op
def loads(data, expect=None):
    """Reads stored bytes as the Flask-Session of this venv does: 0.7+ tries
    msgpack, JSON, then pickle; older versions pickle.loads."""
    raw = unb64(data)
    if VERSION >= (0, 7):
        from flask_session.base import MsgSpecSerializer

        value = MsgSpecSerializer(flask.Flask("x"), "msgpack").decode(raw)
    else:
        value = pickle.loads(raw)
    out = {"repr": repr(value)}
    if expect is not None:
        out["same"] = same(value, literal(expect))
    return out


@op
def redis_get(store, key):
    """The raw value and TTL (PTTL, ms) of a key, through redis-py."""
    c = redis_client(store)
    v = c.get(key)
    return {"found": v is not None, "data": b64(v) if v is not None else "", "pttl": c.pttl(key)}


@op
def redis_set(store, key, data, ex=None):
    c = redis_client(store)
    c.set(key, unb64(data), ex=ex)
    return True


@op
def memcached_get(store, key):
    """The value of key through the store's Python client, as it returns
    it (bytes, or whatever it decoded from the flags)."""
    v = memcached_client(store).get(key)
    out = {"found": v is not None, "type": type(v).__name__}
    if isinstance(v, bytes):
        out["data"] = b64(v)
    return out


@op
def memcached_set(store, key, data, time=0, min_compress_len=0, text=False):
    """client.set(key, value, time) through the store's Python client; the
    value is the bytes given, or with `text` those bytes as a str (which
    python-memcached flags as text); min_compress_len is python-memcached's
    (compressed values are flagged 8)."""
    value = unb64(data)
    if text:
        value = value.decode("utf-8")
    client = memcached_client(store)
    if min_compress_len:
        return bool(client.set(key, value, time, min_compress_len=min_compress_len))
    return bool(client.set(key, value, time))


@op
def sql_record(config, store, key):
    """The row of key as the app's Flask-Session model reads it: data
    (base64) and expiry (repr of the datetime SQLAlchemy returns)."""
    app = make_app(config, store)
    with app.app_context():
        model = app.session_interface.sql_session_model
        rec = model.query.filter_by(session_id=key).first()
        if rec is None:
            return {"found": False}
        return {"found": True, "data": b64(bytes(rec.data)) if rec.data is not None else None,
                "expiry": repr(rec.expiry)}


@op
def sql_cleanup(config, store):
    """Flask-Session 0.7+'s _delete_expired_sessions (what `flask
    session_cleanup` and SESSION_CLEANUP_N_REQUESTS run)."""
    app = make_app(config, store)
    with app.app_context():
        app.session_interface._delete_expired_sessions()
    return True


@op
def sql_dispose(config, store):
    """Closes the app's database connections (before a table is dropped)."""
    app = make_app(config, store)
    with app.app_context():
        db = app.config["SESSION_SQLALCHEMY"]
        db.session.remove()
        db.engine.dispose()
    return True


_caches = {}


def _cache(dir, threshold=500):
    """One FileSystemCache per directory and threshold, made once as an app
    makes it at startup (making one recounts the directory)."""
    from cachelib.file import FileSystemCache

    if (dir, threshold) not in _caches:
        _caches[(dir, threshold)] = FileSystemCache(dir, threshold=threshold)
    return _caches[(dir, threshold)]


def _struct_header():
    import cachelib.file

    return hasattr(cachelib.file, "struct")


@op
def cachelib_set(dir, key, repr_text, timeout=300, threshold=500):
    """FileSystemCache(dir, threshold).set(key, literal(repr_text), timeout)."""
    return bool(_cache(dir, threshold).set(key, literal(repr_text), timeout))


@op
def cachelib_get(dir, key, expect=None, threshold=500):
    v = _cache(dir, threshold).get(key)
    out = {"found": v is not None, "repr": repr(v)}
    if expect is not None:
        out["same"] = same(v, literal(expect))
    return out


@op
def cachelib_file(dir, key):
    """The file name FileSystemCache uses for key, its raw bytes and the
    expiry its header holds, as this cachelib reads it."""
    import io
    import os

    c = _cache(dir)
    name = c._get_filename(key)
    if not os.path.exists(name):
        return {"name": os.path.basename(name), "found": False}
    with open(name, "rb") as f:
        raw = f.read()
    if _struct_header():
        expiry = struct.unpack("I", raw[:4])[0]
    else:
        expiry = pickle.load(io.BytesIO(raw))
    return {"name": os.path.basename(name), "found": True, "data": b64(raw), "expiry": expiry,
            "mode": os.stat(name).st_mode & 0o777}


@op
def cachelib_count(dir):
    """The count FileSystemCache keeps in its management file, read without
    making a cache (which would recount)."""
    import io
    import os

    from cachelib.file import FileSystemCache

    name = FileSystemCache._get_filename(_cache(dir), FileSystemCache._fs_count_file)
    if not os.path.exists(name):
        return None
    with open(name, "rb") as f:
        raw = f.read()
    if _struct_header():
        return pickle.loads(raw[4:])
    buf = io.BytesIO(raw)
    pickle.load(buf)
    return pickle.load(buf)


@op
def now():
    return time.time()


_CONFIG_KEYS = [
    "SESSION_TYPE", "SESSION_PERMANENT", "SESSION_USE_SIGNER", "SESSION_KEY_PREFIX",
    "SESSION_ID_LENGTH", "SESSION_SERIALIZATION_FORMAT", "PERMANENT_SESSION_LIFETIME",
    "SESSION_REFRESH_EACH_REQUEST", "SECRET_KEY", "SESSION_COOKIE_NAME", "SESSION_COOKIE_DOMAIN",
    "SESSION_COOKIE_PATH", "APPLICATION_ROOT", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_SAMESITE",
]


@op
def load_config(kind, text, prefix="FLASK"):
    """Loads a config into a Flask app as Flask does (toml: from_file with
    tomllib; json: from_file with json.load; env: from_prefixed_env with
    the variables given as a JSON object), then reads the session keys back
    with PERMANENT_SESSION_LIFETIME as the seconds the app uses."""
    import io
    import os

    app = flask.Flask("config")
    if kind == "toml":
        import tomllib

        app.config.from_mapping(tomllib.load(io.BytesIO(text.encode())))
    elif kind == "json":
        app.config.from_mapping(json.loads(text))
    elif kind == "env":
        saved = dict(os.environ)
        try:
            os.environ.update(json.loads(text))
            app.config.from_prefixed_env(prefix)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    out = {}
    for k in _CONFIG_KEYS:
        if k in app.config:
            out[k] = app.config[k]
    out["PERMANENT_SESSION_LIFETIME"] = app.permanent_session_lifetime.total_seconds()
    return out


@op
def dump_config(config):
    """A Flask app's config with the given keys, dumped as an app would:
    json.dumps(dict(app.config), default=str). SECRET_KEY_HEX sets a bytes
    SECRET_KEY."""
    import datetime

    app = flask.Flask("config")
    cfg = dict(config)
    if "SECRET_KEY_HEX" in cfg:
        cfg["SECRET_KEY"] = bytes.fromhex(cfg.pop("SECRET_KEY_HEX"))
    if "PERMANENT_SESSION_LIFETIME" in cfg:
        cfg["PERMANENT_SESSION_LIFETIME"] = datetime.timedelta(seconds=cfg["PERMANENT_SESSION_LIFETIME"])
    app.config.update(cfg)
    return json.dumps({k: v for k, v in app.config.items() if k in _CONFIG_KEYS}, default=str)
