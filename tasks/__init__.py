"""The fund's own logic: ledger, rule profiles, repayment plans, calendars, and the service
tasks and form rules the fund process names. ``install`` plugs them into a runtime.
"""

from engine import Runtime
from tasks.calendar import CALENDAR_FUNCTIONS
from tasks.fund_rules import register_rules
from tasks.fund_services import register_services
from tasks.store import MIGRATIONS


def install(rt: Runtime) -> Runtime:
    """Register the fund's service tasks, form rules and script functions on ``rt``."""
    register_services(rt.services)
    register_rules(rt.services)
    rt.functions.update(CALENDAR_FUNCTIONS)
    return rt


__all__ = ["MIGRATIONS", "install"]
