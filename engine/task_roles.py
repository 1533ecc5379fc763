"""Who is offered a user task when it is created: its lane's or candidate groups' roles, or —
when the task declares the property ``rolesExpression`` — the roles that expression gives on
the task's data at that moment (e.g. ``decider_roles(profile['exemption_decided_by'])``: the
rule profile frozen on the case decides who decides). Like Camunda's expressions in
``candidateGroups``, but evaluated by Sif's script guard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from engine.lint_roles import ROLE_ID
from engine.scripting import guard


class RolesFailed(Exception):
    """The expression gave no usable roles; ``message`` says why, in Swedish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def offered_roles(
    expression: str,
    data: Mapping[str, object],
    functions: Mapping[str, Callable[..., object]] | None = None,
) -> tuple[str, ...]:
    """The role ids ``expression`` gives: one id, or a list of them; ``RolesFailed`` when it
    fails or gives anything else."""
    try:
        value = guard.evaluate(expression, data, functions)
    except guard.ScriptError as exc:
        raise RolesFailed(f"Rollerna kunde inte beräknas: {exc.message}") from None
    roles = (value,) if isinstance(value, str) else value
    if not isinstance(roles, list | tuple) or not roles:
        raise RolesFailed(f"Uttrycket gav inga roller utan {value!r}.")
    if not all(isinstance(role, str) and ROLE_ID.match(role) for role in roles):
        raise RolesFailed(f"Uttrycket gav inga giltiga roll-id: {value!r}.")
    return tuple(dict.fromkeys(roles))
