"""Interop ops: a real Flask app with Flask-Login, Flask-WTF's CSRF protection
and flashed messages, on cookie sessions or Flask-Session, served over HTTP
on loopback; and the Flask-Login, Flask-WTF and Werkzeug functions whose
output the Go side must match, called directly.

An app is described by `config` (Flask config keys as JSON;
PERMANENT_SESSION_LIFETIME and REMEMBER_COOKIE_DURATION in seconds) and
`store` (None for Flask's cookie session, or {"type": "redis", "addr":
"127.0.0.1:16379"} / {"type": "filesystem", "dir": "..."} for Flask-Session).
Its routes answer JSON:

    GET  /whoami       current_user (id, authenticated), login_fresh(), login_remembered()
    POST /login        login_user(User(id), remember, duration, fresh); form: id, remember,
                       duration (seconds), fresh ("0" for False), permanent
    POST /logout       logout_user()
    POST /flash        flash(message, category); form: message, category, markup ("1": Markup)
    GET  /flashes      get_flashed_messages(with_categories=True, category_filter=filter...)
    GET  /csrf         generate_csrf() and session["csrf_token"]
    POST /protected    CSRFProtect.protect(); 400 with {"error": reason} when it fails
    GET  /session      repr(dict(session)); ?expect=<repr text> also says whether it is the same
"""

import datetime
import threading
import time
import warnings

import flask
import flask_login
import flask_wtf.csrf
import itsdangerous
import werkzeug.http
import werkzeug.serving
from markupsafe import Markup

from pyops import op
from pyops.core import literal, same

warnings.simplefilter("ignore")

_servers = {}


class User(flask_login.UserMixin):
    def __init__(self, uid):
        self.id = uid


def _config(config, store):
    cfg = dict(config)
    for k in ("PERMANENT_SESSION_LIFETIME", "REMEMBER_COOKIE_DURATION"):
        if k in cfg and isinstance(cfg[k], (int, float)):
            cfg[k] = datetime.timedelta(seconds=cfg[k])
    if "SECRET_KEY_HEX" in cfg:
        cfg["SECRET_KEY"] = bytes.fromhex(cfg.pop("SECRET_KEY_HEX"))
    if store is not None:
        kind = store["type"]
        cfg["SESSION_TYPE"] = kind
        if kind == "redis":
            import redis

            host, port = store["addr"].rsplit(":", 1)
            cfg["SESSION_REDIS"] = redis.Redis(host=host, port=int(port))
        elif kind == "filesystem":
            cfg["SESSION_FILE_DIR"] = store["dir"]
        else:
            raise ValueError("unknown store type %r" % kind)
    return cfg


def make_app(config, store=None):
    app = flask.Flask("interop")
    app.config.update(_config(config, store))
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    if store is not None:
        import flask_session

        flask_session.Session(app)
    login = flask_login.LoginManager(app)
    csrf = flask_wtf.csrf.CSRFProtect(app)

    @login.user_loader
    def load_user(uid):
        return User(uid)

    @app.errorhandler(flask_wtf.csrf.CSRFError)
    def csrf_error(e):
        return flask.jsonify(error=e.description), 400

    @app.get("/whoami")
    def whoami():
        u = flask_login.current_user
        return flask.jsonify(
            authenticated=bool(u.is_authenticated),
            id=u.get_id() if u.is_authenticated else None,
            fresh=bool(flask_login.login_fresh()),
            remembered=bool(flask_login.login_remembered()),
        )

    @app.post("/login")
    def login_view():
        f = flask.request.form
        duration = f.get("duration")
        if duration:
            duration = datetime.timedelta(seconds=float(duration))
        else:
            duration = None
        if f.get("permanent"):
            flask.session.permanent = f["permanent"] == "1"
        ok = flask_login.login_user(
            User(f["id"]), remember=f.get("remember") == "1", duration=duration, fresh=f.get("fresh") != "0"
        )
        return flask.jsonify(ok=ok)

    @app.post("/logout")
    def logout_view():
        return flask.jsonify(ok=flask_login.logout_user())

    @app.post("/flash")
    def flash_view():
        f = flask.request.form
        msg = f["message"]
        if f.get("markup") == "1":
            msg = Markup(msg)
        if "category" in f:
            flask.flash(msg, f["category"])
        else:
            flask.flash(msg)
        return flask.jsonify(ok=True)

    @app.get("/flashes")
    def flashes_view():
        flt = flask.request.args.getlist("filter")
        got = flask.get_flashed_messages(with_categories=True, category_filter=flt)
        return flask.jsonify(flashes=[[c, str(m), isinstance(m, Markup)] for c, m in got])

    @app.get("/csrf")
    def csrf_view():
        token = flask_wtf.csrf.generate_csrf()
        return flask.jsonify(token=token, raw=flask.session[app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")])

    @app.route("/protected", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def protected():
        csrf.protect()
        return flask.jsonify(ok=True)

    @app.get("/session")
    def session_view():
        d = dict(flask.session)
        out = {"repr": repr(d)}
        expect = flask.request.args.get("expect")
        if expect is not None:
            out["same"] = same(d, literal(expect))
        return flask.jsonify(out)

    return app


@op
def serve(config, store=None):
    """Starts the app on 127.0.0.1 on a free port, in a thread of the helper;
    returns the port."""
    app = make_app(config, store)
    srv = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    _servers[srv.server_port] = srv
    return {"port": srv.server_port}


@op
def stop(port):
    srv = _servers.pop(port, None)
    if srv is not None:
        srv.shutdown()
        srv.server_close()
    return {}


def _ctx_app(secret_key=None, secret_key_hex=None, config=None):
    app = flask.Flask("interop_ctx")
    if secret_key_hex is not None:
        app.config["SECRET_KEY"] = bytes.fromhex(secret_key_hex)
    elif secret_key is not None:
        app.config["SECRET_KEY"] = secret_key
    if config:
        app.config.update(config)
    return app


@op
def identifier(remote_addr=None, headers=None):
    """Flask-Login's session identifier (_create_identifier) for a request
    from remote_addr with the given headers (a list of [name, value],
    values as Latin-1 text as WSGI hands them over)."""
    app = _ctx_app("x")
    environ = {}
    if remote_addr is not None:
        environ["REMOTE_ADDR"] = remote_addr
    hdrs = [(k, v) for k, v in headers or []]
    with app.test_request_context("/", headers=hdrs, environ_base=environ):
        if remote_addr is None:
            flask.request.environ.pop("REMOTE_ADDR", None)
        base = "%s|%s" % (flask_login.utils._get_remote_addr(), _ua())
        return {"id": flask_login.utils._create_identifier(), "base": base}


def _ua():
    ua = flask.request.headers.get("User-Agent")
    return ua.encode("utf-8") if ua is not None else None


@op
def remember_encode(payload, secret_key=None, secret_key_hex=None):
    """flask_login.utils.encode_cookie(payload) with the app's SECRET_KEY."""
    with _ctx_app(secret_key, secret_key_hex).app_context():
        return {"cookie": flask_login.utils.encode_cookie(payload)}


@op
def remember_decode(cookie, secret_key=None, secret_key_hex=None):
    with _ctx_app(secret_key, secret_key_hex).app_context():
        return {"payload": flask_login.utils.decode_cookie(cookie)}


@op
def dump_cookie(key, value="", max_age=None, expires=None, path="/", domain=None, secure=False,
                httponly=False, samesite=None, partitioned=False):
    """werkzeug.http.dump_cookie; expires as a Unix time."""
    return {"header": werkzeug.http.dump_cookie(
        key, value, max_age=max_age, expires=expires, path=path, domain=domain, secure=secure,
        httponly=httponly, samesite=samesite, partitioned=partitioned)}


@op
def parse_cookie(header_latin1):
    """werkzeug.http.parse_cookie of a Cookie header given as Latin-1 text;
    the values come back as text; a header that is not UTF-8 gives an error,
    as it fails the request in Werkzeug."""
    try:
        pairs = werkzeug.http.parse_cookie(header_latin1).items(multi=True)
        return {"pairs": [[k, v] for k, v in pairs], "error": ""}
    except UnicodeDecodeError as e:
        return {"pairs": [], "error": str(e)}


def _csrf_key(secret_key, secret_key_hex):
    return bytes.fromhex(secret_key_hex) if secret_key_hex is not None else secret_key


class _Clock:
    """Pins itsdangerous's clock (TimestampSigner.get_timestamp) to `now`."""

    def __init__(self, now):
        self.now = now

    def __enter__(self):
        self.saved = itsdangerous.TimestampSigner.get_timestamp
        if self.now is not None:
            now = int(self.now)
            itsdangerous.TimestampSigner.get_timestamp = lambda self_: now
        return self

    def __exit__(self, *exc):
        itsdangerous.TimestampSigner.get_timestamp = self.saved


@op
def csrf_token(raw, secret_key=None, secret_key_hex=None, now=None):
    """The signed token generate_csrf makes for the raw session token at Unix
    time `now`: URLSafeTimedSerializer(key, salt="wtf-csrf-token").dumps(raw)."""
    with _Clock(now):
        s = itsdangerous.URLSafeTimedSerializer(_csrf_key(secret_key, secret_key_hex), salt="wtf-csrf-token")
        return {"token": s.dumps(raw)}


@op
def csrf_generate(session=None, secret_key=None, secret_key_hex=None, config=None, now=None):
    """flask_wtf.csrf.generate_csrf() in a request whose session holds
    `session` (repr text); returns the token and the session after it."""
    app = _ctx_app(secret_key, secret_key_hex, config)
    with _Clock(now), app.test_request_context("/"):
        if session:
            flask.session.update(literal(session))
        token = flask_wtf.csrf.generate_csrf()
        return {"token": token, "session": repr(dict(flask.session))}


@op
def csrf_validate(token, session=None, secret_key=None, secret_key_hex=None, config=None, now=None,
                  time_limit=None):
    """flask_wtf.csrf.validate_csrf(token) in a request whose session holds
    `session` (repr text) at Unix time `now`; returns ok or the reason."""
    from wtforms import ValidationError

    app = _ctx_app(secret_key, secret_key_hex, config)
    with _Clock(now), app.test_request_context("/"):
        if session:
            flask.session.update(literal(session))
        try:
            flask_wtf.csrf.validate_csrf(token, time_limit=time_limit)
        except ValidationError as e:
            return {"ok": False, "error": e.args[0]}
        return {"ok": True, "error": ""}


@op
def csrf_protect(method="POST", form=None, headers=None, session=None, secret_key=None, config=None,
                 url="http://localhost/", now=None):
    """CSRFProtect.protect() on one request (form: list of [name, value];
    headers: list of [name, value]); returns ok or the reason."""
    app = _ctx_app(secret_key, None, config)
    csrf = flask_wtf.csrf.CSRFProtect(app)
    from werkzeug.datastructures import MultiDict

    data = None
    if form is not None:
        data = MultiDict([(k, v) for k, v in form])
    with _Clock(now), app.test_request_context(url, method=method, data=data,
                                               headers=[(k, v) for k, v in headers or []]):
        if session:
            flask.session.update(literal(session))
        try:
            csrf.protect()
        except flask_wtf.csrf.CSRFError as e:
            return {"ok": False, "error": e.description}
        return {"ok": True, "error": ""}


@op
def versions():
    import importlib.metadata as md

    return {p: md.version(p) for p in ("flask", "flask-login", "flask-wtf", "flask-session", "werkzeug",
                                       "itsdangerous")}
