"""A Flask 3.1 app with Flask-Session 0.8 over Redis, for the concurrency
tests of internal/reliability: each request reads the shared session and
writes one key of its own. It runs under gunicorn in the login31 venv:

    FLASKBRIDGE_APP_REDIS=redis://127.0.0.1:16379/0 FLASKBRIDGE_APP_SECRET=... \\
        .venv/login31/bin/gunicorn --chdir scripts -k gthread -w 2 --threads 4 \\
        -b 127.0.0.1:8000 reliability_app:app

Environment: FLASKBRIDGE_APP_REDIS (a redis:// URL), FLASKBRIDGE_APP_SECRET
(SECRET_KEY), FLASKBRIDGE_APP_PREFIX (SESSION_KEY_PREFIX, default
"session:"). Every other setting is Flask-Session's default: msgpack values,
permanent sessions, SESSION_REFRESH_EACH_REQUEST on (so every request
writes the whole session back).
"""

import os

import redis
from flask import Flask, jsonify, request, session
from flask_session import Session

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ["FLASKBRIDGE_APP_SECRET"],
    SESSION_TYPE="redis",
    SESSION_REDIS=redis.Redis.from_url(os.environ["FLASKBRIDGE_APP_REDIS"]),
    SESSION_KEY_PREFIX=os.environ.get("FLASKBRIDGE_APP_PREFIX", "session:"),
)
Session(app)


@app.post("/incr")
def incr():
    """Adds one to the session key named by ?key=."""
    key = request.args["key"]
    session[key] = session.get(key, 0) + 1
    return jsonify(n=session[key])


@app.get("/read")
def read():
    """Returns the session's keys and values."""
    return jsonify({k: v for k, v in session.items() if k != "_permanent"})


@app.get("/health")
def health():
    return "ok"
