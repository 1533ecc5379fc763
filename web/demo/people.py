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

#: The preparation group's meetings (DOMAIN §9.1); after the last one the same pattern goes on.
COUNCIL_MEETINGS = [
    date.fromisoformat(day)
    for day in (
        "2015-02-18", "2015-04-15", "2015-09-16", "2015-11-18", "2016-02-17", "2016-04-13",
        "2016-09-14", "2016-11-16", "2017-02-15", "2017-04-19", "2017-09-13", "2017-11-15",
        "2018-02-14", "2018-04-18", "2018-09-12", "2018-11-14",
    )
]  # fmt: skip
