"""The runtime context every engine call takes: database, settings, clock, services, helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.clock import Clock, RealClock, clock_for
from engine.db import Database
from engine.scripting.functions import SCRIPT_FUNCTIONS
from engine.services import ServiceRegistry
from engine.settings import Settings


@dataclass
class Runtime:
    """What engine functions need; built once per process and shared by its threads."""

    db: Database
    settings: Settings
    clock: Clock = field(default_factory=RealClock)
    services: ServiceRegistry = field(default_factory=ServiceRegistry)
    functions: dict[str, Callable[..., object]] = field(
        default_factory=lambda: dict(SCRIPT_FUNCTIONS)
    )
    #: Case tags kept searchable in ``case_tags``: tag name → dotted paths into the case data,
    #: the first one with a value wins (e.g. ``"profile": ("profile.key", "fund_profile.key")``).
    case_tags: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        db = Database(settings.database_url)
        return cls(db=db, settings=settings, clock=clock_for(settings.clock, db))

    def close(self) -> None:
        self.db.dispose()
