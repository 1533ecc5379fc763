"""A user's administrative history in words: 'Gav rollen Samordnare', never a kind or a role
id."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext, ngettext

from engine import AdminEvent
from web.roles import role_name


def _roles(roles: Iterable[str]) -> str:
    return ", ".join(sorted(role_name(r) for r in roles))


def describe(event: AdminEvent) -> str:
    """What the change did, in the person's language."""
    detail = event.detail
    if event.kind == "user_added":
        roles = detail.get("roles") or []
        if not roles:
            return str(gettext("Lade till användaren, utan roller."))
        return str(ngettext("Lade till användaren med rollen %(roles)s.",
                        "Lade till användaren med rollerna %(roles)s.",
                        len(roles), roles=_roles(roles)))  # fmt: skip
    if event.kind == "roles_changed":
        parts = []
        if added := detail.get("added") or []:
            parts.append(ngettext("Gav rollen %(roles)s.", "Gav rollerna %(roles)s.",
                                  len(added), roles=_roles(added)))  # fmt: skip
        if removed := detail.get("removed") or []:
            parts.append(ngettext("Tog bort rollen %(roles)s.", "Tog bort rollerna %(roles)s.",
                                  len(removed), roles=_roles(removed)))  # fmt: skip
        return " ".join(parts)
    if event.kind == "email_changed":
        if email := detail.get("email"):
            return str(gettext("Satte e-postadressen %(email)s.", email=email))
        return str(gettext("Tog bort e-postadressen."))
    said = {
        "user_deactivated": gettext("Inaktiverade kontot."),
        "user_reactivated": gettext("Aktiverade kontot igen."),
        "password_reset": gettext("Satte ett nytt lösenord."),
    }.get(event.kind) or gettext("Ändrade kontot.")
    return str(said)
