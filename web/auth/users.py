"""The signed-in person as Flask-Login sees it: an engine user, looked up on every request, so
a deactivated account or a changed role takes effect at once."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import UserMixin

from engine import User
from web.roles import role_name


@dataclass(frozen=True)
class SignedIn(UserMixin):  # type: ignore[misc]
    user: User

    def get_id(self) -> str:
        return self.user.name

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def display_name(self) -> str:
        return self.user.display_name

    @property
    def roles(self) -> frozenset[str]:
        return self.user.roles

    @property
    def role_titles(self) -> list[str]:
        return sorted(role_name(r) for r in self.user.roles)

    def has_role(self, *roles: str) -> bool:
        return bool(self.user.roles & set(roles))
