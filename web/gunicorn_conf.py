"""gunicorn's settings for ``sif web`` (``-c python:web.gunicorn_conf``): its master process
logs as Sif does, in ``SIF_LOG_FORMAT`` at ``SIF_LOG_LEVEL``."""

from __future__ import annotations

from engine import Settings
from engine.logs import logging_config

_settings = Settings.from_env()
logconfig_dict = logging_config(_settings.log_format, _settings.log_level)
