"""The demo organisation's people (DOMAIN §9.1) and the fund (§9.2). Invented names."""

from __future__ import annotations

from datetime import date

# username: (display name, roles). Roles are the process's lanes.
DEMO_USERS: dict[str, tuple[str, list[str]]] = {
    "anna.berg": ("Anna Berg", ["city_director", "council"]),
    "johan.lund": ("Johan Lund", ["finance_director", "council"]),
    "maria.ek": ("Maria Ek", ["admin_head", "council"]),
    "per.sjo": ("Per Sjö", ["admin_head", "council"]),
    "lina.nord": ("Lina Nord", ["coordinator"]),
    "erik.holm": ("Erik Holm", ["central_economist"]),
    "sara.ahl": ("Sara Ahl", ["economist"]),
    "karin.strom": ("Karin Ström", ["scientific_reviewer", "external_evaluator"]),
    "amira.haddad": ("Amira Haddad", ["project_leader", "applicant"]),
    "jonas.lind": ("Jonas Lind", ["project_leader", "applicant"]),
    "elif.demir": ("Elif Demir", ["project_leader", "applicant"]),
    "nora.falk": ("Nora Falk", ["applicant", "project_leader"]),
    "olle.vik": ("Olle Vik", ["board_secretary", "committee"]),
    "tove.ahlin": ("Tove Ahlin", ["ops_head", "steering_group"]),
    "admin": ("Fondadministratör", ["admin"]),
    "greta.sund": ("Greta Sund", ["auditor"]),
    "helena.rask": ("Helena Rask", ["process_owner"]),
}


def demo_email(name: str) -> str:
    """A demo person's address: example.org is reserved, so no mail reaches anyone real."""
    return f"{name}@example.org"


FUND_CODE = "SIF-DEMO"
FUND_NAME = "Social investeringsfond (demo)"
FUND_PROFILE = "sodertalje_2015"
FUND_ESTABLISHED = date(2013, 6, 1)
FUND_CAPITAL_TKR = 24000
