"""The WSGI entry point for gunicorn: ``gunicorn 'web.wsgi:app'`` (configured by ``SIF_*``).

Timers are fired by separate ``sif scheduler`` processes in production, not by web workers.
"""

from __future__ import annotations

from web.app import create_app

app = create_app()
