"""Who enters a body's decision in Sif (DOMAIN §2, §4): the rule profile names the deciding
body (``exemption_decided_by = "ks"``, ``plan_decided_by = "city_director"``); the decision task
is offered to the role that records that body's decisions, and only to it."""

from __future__ import annotations

from collections.abc import Callable

#: A deciding body → the roles that record its decisions. KS and KF decide at meetings whose
#: minutes the board secretary enters (S13); the city director and the others act themselves.
DECIDER_ROLES: dict[str, list[str]] = {
    "ks": ["board_secretary"],
    "kf": ["board_secretary"],
    "committee": ["committee"],
    "city_director": ["city_director"],
    "council": ["council"],
    "admin_head": ["admin_head"],
}


def decider_roles(body: object) -> list[str]:
    """The roles that record ``body``'s decisions; a body not listed is taken as a role id."""
    key = str(body)
    return list(DECIDER_ROLES.get(key, [key]))


DECIDER_FUNCTIONS: dict[str, Callable[..., object]] = {"decider_roles": decider_roles}
