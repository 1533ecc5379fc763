"""Configuration: one frozen ``Settings`` read once from ``SIF_*`` variables and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///instance/sif.db"
CLOCKS = ("real", "virtual")
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class Settings:
    """Everything Sif reads from its environment. Nothing else reads ``os.environ``."""

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = "dev-only-secret-change-me"  # noqa: S105 - development default only
    clock: str = "real"
    max_file_bytes: int = 5 * 1024 * 1024
    max_bundle_bytes: int = 20 * 1024 * 1024
    #: Largest case data one step may leave behind, measured as it will be written (all task
    #: data, shared references counted each time); over it the step is an incident.
    max_case_data_bytes: int = 8 * 1024 * 1024
    #: Most instances one multi-instance activity may create (loopCardinality or collection).
    max_loop_cardinality: int = 1000
    #: Send the session cookie only over HTTPS (set it behind TLS in production).
    secure_cookies: bool = False
    #: Largest request body the web accepts (a bundle upload is the largest).
    max_request_bytes: int = 25 * 1024 * 1024
    #: The SMTP server notifications are mailed through; empty: no mail, Sif's inbox only.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "sif@localhost"
    smtp_user: str = ""  # sign in to the server when set
    smtp_password: str = ""
    smtp_starttls: bool = False  # upgrade the connection with STARTTLS before signing in
    log_format: str = "text"  # json: one object per line (production), text: a terminal's
    log_level: str = "INFO"
    prune_finished: bool = True  # finished subprocesses leave the stored task tree

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls(
            database_url=env.get("SIF_DATABASE_URL", DEFAULT_DATABASE_URL),
            secret_key=env.get("SIF_SECRET_KEY", cls.secret_key),
            clock=env.get("SIF_CLOCK", "real"),
            max_file_bytes=_int(env, "SIF_MAX_FILE_BYTES", cls.max_file_bytes),
            max_bundle_bytes=_int(env, "SIF_MAX_BUNDLE_BYTES", cls.max_bundle_bytes),
            max_case_data_bytes=_int(env, "SIF_MAX_CASE_DATA_BYTES", cls.max_case_data_bytes),
            max_loop_cardinality=_int(env, "SIF_MAX_LOOP_CARDINALITY", cls.max_loop_cardinality),
            secure_cookies=_flag(env.get("SIF_SECURE_COOKIES", "")),
            max_request_bytes=_int(env, "SIF_MAX_REQUEST_BYTES", cls.max_request_bytes),
            smtp_host=env.get("SIF_SMTP_HOST", "").strip(),
            smtp_port=_int(env, "SIF_SMTP_PORT", cls.smtp_port),
            smtp_from=env.get("SIF_SMTP_FROM", cls.smtp_from),
            smtp_user=env.get("SIF_SMTP_USER", ""),
            smtp_password=env.get("SIF_SMTP_PASSWORD", ""),
            smtp_starttls=_flag(env.get("SIF_SMTP_STARTTLS", "")),
            log_format=env.get("SIF_LOG_FORMAT", cls.log_format).strip().lower(),
            log_level=env.get("SIF_LOG_LEVEL", cls.log_level).strip().upper(),
            prune_finished=not _flag(env.get("SIF_KEEP_FINISHED_SUBPROCESSES", "")),
        )
        for name, value, allowed in (
            ("SIF_CLOCK", settings.clock, CLOCKS),
            ("SIF_LOG_FORMAT", settings.log_format, LOG_FORMATS),
            ("SIF_LOG_LEVEL", settings.log_level, LOG_LEVELS),
        ):
            if value not in allowed:
                raise SettingsInvalid(f"{name} ska vara {' eller '.join(allowed)}, inte {value!r}.")
        return settings


class SettingsInvalid(ValueError):
    """A ``SIF_*`` variable Sif cannot use; the message names it (in Swedish)."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name)
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        raise SettingsInvalid(f"{name} ska vara ett heltal, inte {text!r}.") from None


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes")
