"""Who may open the administrators' pages: ``admin`` acts, ``auditor`` reads everything an
administrator reads and acts on nothing. Every such page and action is behind one of these."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask_babel import gettext

from engine import NotAllowed
from web.auth import login_required
from web.context import me

F = TypeVar("F", bound=Callable[..., Any])

ADMIN = "admin"
AUDITOR = "auditor"
OVERSEERS = (ADMIN, AUDITOR)


def may_oversee() -> bool:
    """Whether the signed-in person may read the administrators' pages."""
    return me().has_role(*OVERSEERS)


def may_administer() -> bool:
    """Whether the signed-in person may act on cases, users and the fund as an administrator."""
    return me().has_role(ADMIN)


def overseer_required(view: F) -> F:
    """The page is for administrators and auditors (read-only for auditors)."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not may_oversee():
            raise NotAllowed(gettext("Sidan är bara för administratörer och revisorer."))
        return view(*args, **kwargs)

    return login_required(cast(F, checked))


def admin_required(view: F) -> F:
    """The action is for administrators only (an auditor is refused, and nothing changes)."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not may_administer():
            raise NotAllowed(gettext("Bara en administratör får göra det här."))
        return view(*args, **kwargs)

    return login_required(cast(F, checked))


PROCESS_OWNER = "process_owner"


def may_model() -> bool:
    """Whether the signed-in person may read, change and deploy the processes."""
    return me().has_role(PROCESS_OWNER)


def process_owner_required(view: F) -> F:
    """The page or action is for process owners only (every other role is refused)."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not may_model():
            raise NotAllowed(gettext("Sidan är bara för processägare."))
        return view(*args, **kwargs)

    return login_required(cast(F, checked))
