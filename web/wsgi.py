"""The WSGI entry point for gunicorn: ``gunicorn 'web.wsgi:app'`` (configured by ``SIF_*``).

Timers are fired by separate ``sif scheduler`` processes in production, not by web workers.
"""

from __future__ import annotations

from engine import Settings
from engine.logs import configure as configure_logs
from web.app import create_app

settings = Settings.from_env()
configure_logs(settings.log_format, settings.log_level)
app = create_app(settings)
