"""SpiffWorkflow's script environment, replaced by Sif's guarded evaluator.

SpiffWorkflow's default environment calls Python's ``exec``/``eval`` on BPMN text. This one
hands every script, condition, timer expression and DMN cell to ``engine.scripting.guard``.
An environment is made for one engine step and owns that step's ``StepBudget``: all snippets
the step evaluates share one time and allocation allowance. Service tasks call handlers
registered by name in a ``ServiceRegistry``.
"""

from __future__ import annotations

import json
from collections import ChainMap
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from sqlalchemy import Connection

from engine.errors import SifError
from engine.scripting import guard
from engine.services import ServiceCall, ServiceRegistry


class GuardedEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Evaluates BPMN content with the guard; never with ``exec``. One per engine step."""

    def __init__(
        self,
        functions: Mapping[str, Callable[..., object]],
        services: ServiceRegistry,
        connection: Connection | None = None,
        case_id: int | None = None,
        step: guard.StepBudget | None = None,
    ) -> None:
        super().__init__({})
        self.functions = functions
        self.services = services
        self.connection = connection
        self.case_id = case_id
        self.step = step if step is not None else guard.StepBudget()
        self.actor = "system"  # who caused the running step; set by the step before it runs
        self.now: datetime | None = None

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> object:
        names: Mapping[str, object] = ChainMap(context, external_context or {})
        return guard.evaluate(expression, names, self.functions, step=self.step)

    def execute(
        self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> bool:
        extra = external_context or {}
        callables = {k: v for k, v in extra.items() if callable(v)}
        values = {k: v for k, v in extra.items() if not callable(v) and k not in context}
        context.update(values)  # visible to the script, removed afterwards as SpiffWorkflow does
        try:
            guard.execute(script, context, {**self.functions, **callables}, step=self.step)
        finally:
            for key in values:
                context.pop(key, None)
        return True

    def call_service(
        self,
        context: dict[str, Any],
        operation_name: str = "",
        operation_params: dict[str, Any] | None = None,
        **_: Any,
    ) -> str:
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        call = ServiceCall(
            operation_name, params, context, self.connection, self.case_id, self.actor, self.now
        )
        return json.dumps(self.services.call(call))


class ServiceFailed(Exception):
    """A service task's handler failed; ``message`` says why (Swedish where Sif wrote it)."""

    def __init__(self, operation: str, message: str) -> None:
        super().__init__(message)
        self.message = f"Tjänsten {operation}: {message}"


class GuardedScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """SpiffWorkflow's engine with service errors kept intact (its own handler loses them)."""

    def validate(self, expression: str) -> None:
        """Parse-check an expression (SpiffWorkflow's DMN engine asks) through the guard:
        bounded in length and nesting, and safe in threads (``ast.parse`` is not)."""
        problem = guard.syntax_problem(expression, "eval")
        if problem is not None:
            raise SyntaxError(problem.message)

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        operation = str(kwargs.get("operation_name", ""))
        try:
            return self.environment.call_service(task.data, **kwargs)
        except SifError as err:
            raise ServiceFailed(operation, err.message) from err
        except Exception as err:  # any handler failure becomes the case's incident
            raise ServiceFailed(operation, f"{type(err).__name__}: {err}") from err


def script_engine(
    functions: Mapping[str, Callable[..., object]],
    services: ServiceRegistry,
    connection: Connection | None = None,
    case_id: int | None = None,
) -> PythonScriptEngine:
    """A SpiffWorkflow script engine that evaluates through the guard, bound to one step."""
    environment = GuardedEnvironment(functions, services, connection, case_id)
    return GuardedScriptEngine(environment=environment)
