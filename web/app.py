"""The web application: ``create_app(settings)`` is the one place pages, the API and tests hook in.

Each part registers itself with ``init_app``: sign-in (``web.auth``), the inbox and task pages
(``web.inbox``), my cases (``web.cases``), Swedish formats, error pages and security headers.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Flask, Response, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

import tasks
from engine import Runtime, Settings
from web import (
    admin,
    api,
    auth,
    cases,
    diagrams,
    errors,
    followup,
    formatting,
    fund,
    health,
    i18n,
    inbox,
    modeller,
    processes,
    requestlog,
    waiting,
)

LANGUAGES = ("sv", "en")
csrf = CSRFProtect()
_DEV_SECRET = Settings.secret_key


def create_app(settings: Settings | None = None, rt: Runtime | None = None) -> Flask:
    """A Sif web app on ``settings`` (default: the ``SIF_*`` environment). ``rt``: an engine
    runtime to share (tests); otherwise one is opened for this app."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret(settings),
        SESSION_COOKIE_NAME="sif_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=10),
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        BABEL_DEFAULT_LOCALE="sv",
        BABEL_DEFAULT_TIMEZONE="Europe/Stockholm",
    )
    app.extensions["sif"] = rt or tasks.install(Runtime.open(settings))
    requestlog.init_app(app)
    csrf.init_app(app)
    Babel(app, locale_selector=_locale)
    formatting.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    inbox.init_app(app)
    cases.init_app(app)
    admin.init_app(app)
    fund.init_app(app)
    diagrams.init_app(app)
    waiting.init_app(app)
    followup.init_app(app)
    processes.init_app(app)
    modeller.init_app(app)
    api.init_app(app)
    health.init_app(app)
    errors.init_app(app)
    app.after_request(_security_headers)
    app.jinja_env.globals["languages"] = LANGUAGES
    return app


def _secret(settings: Settings) -> str:
    """The configured secret; the development default is replaced by a random one per process
    (sessions then end with the process, which is what a development server should do)."""
    if settings.secret_key == _DEV_SECRET:
        return secrets.token_hex(32)
    return settings.secret_key


def _locale() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "sv"


_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if "text/html" in response.content_type:
        response.headers["Cache-Control"] = "no-store"
    return response
