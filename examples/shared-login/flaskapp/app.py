"""The Flask app of the shared-login example: the app being moved to Go.

It still has every route, the ones the Go front now serves included
(/profile, /hello, POST /notes, /logout), so that sending all traffic back
to it is a rollback that logs no one out. Its config is the file named by
SHARED_LOGIN_CONFIG (default: ../config.toml) and the FLASK_* environment
variables, the same the Go front reads.

Run it with Werkzeug or gunicorn:

    flask --app examples/shared-login/flaskapp/app.py run --port 5000
    gunicorn --chdir examples/shared-login/flaskapp --bind 127.0.0.1:5000 app:app
"""

import hmac
import os
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import flask
import flask_login
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import BooleanField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

HERE = Path(__file__).resolve().parent
DEFAULT_CONFIG = HERE.parent / "config.toml"

# The example's accounts: id -> (display name, password). The Go front knows
# the same ids and names (sharedlogin.Users).
USERS = {
    "alice": ("Alice Liddell", "wonderland"),
    "bob": ("Bob the Builder", "canwefixit"),
}

NOTES_KEY = "notes"
MAX_NOTES = 10
MAX_NOTE_LEN = 200


class User(flask_login.UserMixin):
    def __init__(self, uid):
        self.id = uid
        self.name = USERS[uid][0]


class LoginForm(FlaskForm):
    username = StringField("User", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Remember me")


class NoteForm(FlaskForm):
    text = TextAreaField("Note", validators=[DataRequired(), Length(max=MAX_NOTE_LEN)])


def load_config(app, config_path=None):
    """Reads the shared config into app.config and sets up the session store
    it names; returns the store kind ("cookie", "filesystem" or "redis")."""
    path = Path(config_path or os.environ.get("SHARED_LOGIN_CONFIG") or DEFAULT_CONFIG).resolve()
    app.config.from_file(str(path), load=tomllib.load, text=False)
    app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_SHARED_LOGIN_STORE, ...
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set (export FLASK_SECRET_KEY, the same for both apps)")
    store = str(app.config.get("SHARED_LOGIN_STORE") or "cookie")
    if store == "cookie":
        return "cookie"
    if store.startswith(("redis://", "rediss://")):
        import redis

        app.config["SESSION_TYPE"] = "redis"
        app.config["SESSION_REDIS"] = redis.Redis.from_url(store)
        return "redis"
    if "://" in store:
        raise RuntimeError("SHARED_LOGIN_STORE = %r: want cookie, a directory, or a redis:// URL" % store)
    from cachelib.file import FileSystemCache

    directory = Path(store)
    if not directory.is_absolute():
        directory = path.parent / directory
    app.config["SESSION_TYPE"] = "cachelib"
    app.config["SESSION_CACHELIB"] = FileSystemCache(str(directory), threshold=500, mode=0o600)
    return "filesystem"


def safe_next(target):
    """A "next" URL to redirect to after login: a path on this site only."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def create_app(config_path=None):
    app = flask.Flask(__name__)
    store = load_config(app, config_path)
    if store != "cookie":
        import flask_session

        flask_session.Session(app)
    CSRFProtect(app)
    login_manager = flask_login.LoginManager(app)
    login_manager.login_view = "login"
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(uid):
        return User(uid) if uid in USERS else None

    @app.context_processor
    def globals_():
        return {"store": store, "served_by": "flask"}

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return flask.render_template("error.html", title="Bad Request", error=e.description), 400

    def notes():
        return [n for n in flask.session.get(NOTES_KEY, []) if isinstance(n, str)]

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/")
    def home():
        return flask.render_template("home.html", title="Home", notes=notes())

    @app.route("/login", methods=["GET", "POST"])
    def login():
        form = LoginForm()
        if form.validate_on_submit():
            uid = form.username.data.strip()
            user = USERS.get(uid)
            if user and hmac.compare_digest(user[1].encode(), form.password.data.encode()):
                flask_login.login_user(User(uid), remember=form.remember.data)
                flask.flash("Welcome, %s! (logged in by Flask)" % user[0], "success")
                return flask.redirect(safe_next(flask.request.args.get("next")) or flask.url_for("profile"))
            flask.flash("Wrong user name or password.", "error")
        return flask.render_template("login.html", title="Log in", form=form)

    @app.get("/notes/new")
    @flask_login.login_required
    def new_note():
        # The form posts to /notes, a route the Go front serves.
        return flask.render_template("note_form.html", title="New note", form=NoteForm())

    # The routes below moved to Go. They stay here for a rollback: with the
    # Go front proxying every route (or gone), they serve the same sessions.

    @app.get("/profile")
    @flask_login.login_required
    def profile():
        return flask.render_template("profile.html", title="Profile", notes=notes())

    @app.post("/hello")
    @flask_login.login_required
    def hello():
        flask.flash("Hello from Flask, %s!" % flask_login.current_user.name, "info")
        return flask.redirect(flask.url_for("home"))

    @app.post("/notes")
    @flask_login.login_required
    def create_note():
        form = NoteForm()
        text = (form.text.data or "").strip()
        if not text or len(text) > MAX_NOTE_LEN:
            flask.flash("A note has 1 to %d characters." % MAX_NOTE_LEN, "error")
            return flask.redirect(flask.url_for("new_note"))
        flask.session[NOTES_KEY] = (notes() + [text])[-MAX_NOTES:]
        flask.flash("Note saved by Flask: " + text, "success")
        return flask.redirect(flask.url_for("home"))

    @app.post("/logout")
    def logout():
        flask_login.logout_user()
        flask.flash("You are logged out (by Flask).", "info")
        return flask.redirect(flask.url_for("home"))

    return app


app = create_app()
