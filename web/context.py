"""What a request handler needs from the app: the engine runtime and the signed-in person."""

from __future__ import annotations

from typing import cast

from flask import current_app
from flask_login import current_user

from engine import Runtime
from web.auth.users import SignedIn


def runtime() -> Runtime:
    """The engine runtime this app was created with (one per process)."""
    return cast(Runtime, current_app.extensions["sif"])


def me() -> SignedIn:
    """The signed-in person (views that call this are behind ``login_required``)."""
    return cast(SignedIn, current_user._get_current_object())
