"""Sif's exception hierarchy: every error a caller can meet, in one place.

    SifError                  base; carries a Swedish ``message``
    ├── BundleInvalid         a deployment bundle failed validation (``problems``)
    ├── ValidationFailed      submitted data broke a form or a rule (``errors`` per field path)
    ├── Conflict              the state moved on: task already completed, claimed by another,
    │                         stale version, case not running
    ├── NotAllowed            this user may not see or do this
    ├── NotFound              no such case, task, definition or user
    └── Incident              a script or service task failed; the case is in ``error``
        └── StepRefused       a step's outcome could not be saved (too large, cyclic …):
                              nothing of it was saved and the case is in ``error``

The web layer maps them to HTTP status in one place (422, 422, 409, 403, 404, 500-free 409).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a deployment bundle: where it is and what is wrong."""

    file: str
    line: int | None
    element_id: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        element = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}:{element} {self.message}"


@dataclass(frozen=True)
class FieldError:
    """One field of submitted data that is wrong; ``path`` is dotted (``plan.0.amount``)."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class SifError(Exception):
    """Base of every error Sif raises on purpose; ``message`` is Swedish and user-facing."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BundleInvalid(SifError):
    code = "bundle_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"Paketet innehåller {len(problems)} fel och driftsattes inte.")
        self.problems = problems


class ValidationFailed(SifError):
    code = "validation_failed"

    def __init__(
        self, errors: list[FieldError], message: str = "Uppgifterna är inte giltiga."
    ) -> None:
        super().__init__(message)
        self.errors = errors


class Conflict(SifError):
    code = "conflict"


class NotAllowed(SifError):
    code = "not_allowed"


class NotFound(SifError):
    code = "not_found"


class Incident(SifError):
    code = "incident"


class StepRefused(Incident):
    """What a step left behind cannot be stored; the step was undone and, for an existing case
    (``case_id`` set), the case marked as an incident saying why."""

    code = "step_refused"

    def __init__(self, case_id: int | None, element_id: str | None, message: str) -> None:
        super().__init__(message)
        self.case_id = case_id
        self.element_id = element_id
