"""The fund's own logic: ledger, rule profiles, repayment plans, calendars, and the service
tasks and form rules the fund process names. ``install`` plugs them into a runtime.
"""

from engine import Runtime
from tasks.calendar import CALENDAR_FUNCTIONS
from tasks.deciders import DECIDER_FUNCTIONS
from tasks.fund_rules import register_rules
from tasks.fund_services import register_services
from tasks.notify import register_notifications
from tasks.store import MIGRATIONS

#: What administrators filter cases by: the rule profile (frozen at the grant, the fund's until
#: then), the lead board and the project code.
CASE_TAGS = {
    "profile": ("profile.key", "fund_profile.key"),
    "board": ("lead_board",),
    "project": ("project",),
}


def install(rt: Runtime) -> Runtime:
    """Register the fund's service tasks, form rules, script functions and the reminder and
    escalation services (``notify.remind``, ``notify.escalate``) on ``rt``."""
    register_services(rt.services)
    register_notifications(rt)
    register_rules(rt.services)
    rt.functions.update(CALENDAR_FUNCTIONS)
    rt.functions.update(DECIDER_FUNCTIONS)
    rt.case_tags.update(CASE_TAGS)
    return rt


__all__ = ["MIGRATIONS", "install"]
