"""Signing in and out: argon2id passwords, a lock-out kept in the database, Flask-Login
sessions with strict cookies, CSRF on every form (Flask-WTF)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_login import LoginManager, login_user, logout_user
from flask_login import login_required as _login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

import engine
from engine import NotAllowed, NotFound
from web.auth.users import SignedIn
from web.context import runtime

F = TypeVar("F", bound=Callable[..., Any])
bp = Blueprint("auth", __name__)


def login_required(view: F) -> F:
    """Flask-Login's ``login_required``, typed: the page or action needs a signed-in person."""
    return cast(F, _login_required(view))


login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _("Logga in för att fortsätta.")
login_manager.localize_callback = str  # translated when flashed; the session keeps plain text
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


class SignInForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_("Användarnamn"), validators=[DataRequired(_("Ange ditt användarnamn.")),
                                                      Length(max=80)])  # fmt: skip
    password = PasswordField(_("Lösenord"), validators=[DataRequired(_("Ange ditt lösenord.")),
                                                        Length(max=200)])  # fmt: skip


def load_signed_in(name: str) -> SignedIn | None:
    try:
        user = engine.get_user(runtime(), name)
    except NotFound:
        return None
    return SignedIn(user) if user.active else None


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path on this site, never another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("inbox.inbox")


@bp.route("/logga-in", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = SignInForm()
    error = ""
    if form.validate_on_submit():
        try:
            user = engine.authenticate(runtime(), form.name.data, form.password.data)
        except NotAllowed as refused:
            error = refused.message
        else:
            login_user(SignedIn(user))
            return redirect(safe_next(request.args.get("next")))
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logga-ut", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    logout_user()
    flash(gettext("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_signed_in)
    login_manager.init_app(app)
    app.register_blueprint(bp)
