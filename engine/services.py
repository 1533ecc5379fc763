"""Service-task handlers, registered by operation name.

A handler takes the evaluated parameters and a read-only view of the task data and returns
JSON-able data, which SpiffWorkflow stores under the task's result variable. A handler that
raises makes the case an incident; it runs inside the case's transaction (``tasks`` posts
ledger rows through the connection given in ``ServiceCall``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from engine.errors import FieldError, NotFound


@dataclass(frozen=True)
class ServiceCall:
    """What a handler gets: its parameters, the task data, the case's transaction, who caused
    the step (the person who completed a task or sent a message; ``system`` for a timer) and
    when it ran (the step's clock time, not a business date)."""

    operation: str
    params: Mapping[str, Any]
    data: Mapping[str, Any]
    connection: Connection | None
    case_id: int | None
    actor: str = "system"
    now: datetime | None = None


Handler = Callable[[ServiceCall], object]


@dataclass(frozen=True)
class RuleCall:
    """A form rule's input: the submitted data, the task's data before it, the transaction."""

    rule: str
    data: Mapping[str, Any]
    case_data: Mapping[str, Any]
    connection: Connection | None
    case_id: int | None


# A domain rule on a form (e.g. "a grant may not exceed what the fund has"): field errors or [].
Rule = Callable[[RuleCall], list[FieldError]]


@dataclass
class ServiceRegistry:
    """Handlers by name, shared by every case; the transaction is passed per call."""

    handlers: dict[str, Handler] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)

    def register(self, name: str, handler: Handler) -> None:
        self.handlers[name] = handler

    def register_rule(self, name: str, rule: Rule) -> None:
        """A form rule, named on a user task with the property ``formRule`` (comma-separated)."""
        self.rules[name] = rule

    def rule_names(self) -> frozenset[str]:
        return frozenset(self.rules)

    def check(self, call: RuleCall) -> list[FieldError]:
        rule = self.rules.get(call.rule)
        if rule is None:
            raise NotFound(f"Formulärregeln {call.rule!r} finns inte.")
        return rule(call)

    def names(self) -> frozenset[str]:
        return frozenset(self.handlers)

    def call(self, call: ServiceCall) -> object:
        handler = self.handlers.get(call.operation)
        if handler is None:
            raise NotFound(f"Tjänsten {call.operation!r} finns inte.")
        return handler(call)
