"""Structured logs: one JSON object per line with the request id and the case key, so the lines
of one request (on any web node) or one case (on any node) can be found together.

The request id and the case key live in context variables: the web binds the request id when a
request starts (``X-Request-ID`` from the proxy when it is a sane token, else a new one), and
the engine binds the case key whenever it works on a case (a step, a timer), so every line
logged while doing so carries it. ``configure`` installs the formatter on the root logger:
``SIF_LOG_FORMAT=json`` (production) or ``text`` (a terminal).
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_request_id: ContextVar[str] = ContextVar("sif_request_id", default="")
_case_key: ContextVar[str] = ContextVar("sif_case_key", default="")
_SANE_ID = re.compile(
    r"^[A-Za-z0-9._-]{1,64}$"
)  # what a proxy's id may be; anything else is replaced
#: Attributes every LogRecord has; anything else given in ``extra=`` is logged as a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def bind_request(asked: str | None = None) -> str:
    """Start a request's context: its id (``asked`` when sane, else a new one), no case yet."""
    request_id = asked if asked and _SANE_ID.match(asked) else uuid.uuid4().hex
    _request_id.set(request_id)
    _case_key.set("")
    return request_id


def bind_case(business_key: str) -> None:
    """From now on in this context, log lines name this case."""
    _case_key.set(business_key)


def unbind() -> None:
    """The request or the timer is done: later lines name neither."""
    _request_id.set("")
    _case_key.set("")


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", "case", …extra, "error"}``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if _request_id.get():
            line["request_id"] = _request_id.get()
        if _case_key.get():
            line["case"] = _case_key.get()
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A terminal's line: time, level, logger, message, then the request id and case."""

    def format(self, record: logging.LogRecord) -> str:
        said = super().format(record)
        where = " ".join(
            f"{name}={value}"
            for name, value in (("request", _request_id.get()), ("case", _case_key.get()))
            if value
        )
        return f"{said} [{where}]" if where else said


STDERR = "ext://sys.stderr"  # dictConfig's way of naming standard error


def logging_config(log_format: str = "text", level: str = "INFO") -> dict[str, Any]:
    """Sif's logging as ``logging.config.dictConfig`` takes it: every line to standard error
    in ``log_format`` (``json`` or ``text``). gunicorn's master process takes the same (``sif
    web``), so its own lines (starting, workers booting or dying) read like Sif's."""
    level = level.upper()
    formatter: dict[str, Any] = (
        {"()": JsonFormatter}
        if log_format == "json"
        else {"()": TextFormatter, "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    # Alembic says which dialect it uses each time the migrations are looked at (/readyz),
    # APScheduler that each tick ran: neither is news (sif.scheduler reports what fired);
    # gunicorn's access lines repeat Sif's own (web.requestlog), which carry the request id.
    quiet = logging.getLevelName(max(logging.WARNING, logging.getLevelName(level)))
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"sif": formatter},
        "handlers": {
            "sif": {"class": "logging.StreamHandler", "formatter": "sif", "stream": STDERR},
        },
        "root": {"level": level, "handlers": ["sif"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
            "alembic": {"level": quiet},
            "apscheduler": {"level": quiet},
        },
    }


def configure(log_format: str = "text", level: str = "INFO") -> None:
    """Send every log line to standard error in ``log_format`` (``json`` or ``text``)."""
    logging.config.dictConfig(logging_config(log_format, level))
