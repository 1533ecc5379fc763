"""Probes for load balancers and orchestrators, and figures for monitoring.

* ``/healthz``: the process is up (never touches the database) — restart it if this fails.
* ``/readyz``: the database answers and every migration is applied — send it traffic only
  then (503 with the reasons in Swedish otherwise).
* ``/metrics``: Prometheus text: the timer lag (how long the oldest due timer has waited to
  fire: alert when it grows past a few sweep intervals), due timers, and how long since the
  last scheduler swept.

None needs a sign-in; none says anything about a case or a person.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

import engine
from tasks.store import MIGRATIONS as TASK_MIGRATIONS
from web.context import runtime

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz() -> ResponseReturnValue:
    found = engine.readiness(runtime(), [TASK_MIGRATIONS])
    body = {
        "status": "ready" if found.ready else "not_ready",
        "database": found.database,
        "migrations_current": found.migrations_current,
        "pending_migrations": list(found.pending),
        "problems": list(found.problems),
    }
    return jsonify(body), 200 if found.ready else 503


@bp.route("/metrics")
def metrics() -> Response:
    rt = runtime()
    try:
        lag = engine.timer_lag(rt)
        beats = engine.list_scheduler_beats(rt)
    except SQLAlchemyError:  # the figures live in the database: say it is down, plainly
        down = "# HELP sif_database_up Whether the database answers.\n" \
               "# TYPE sif_database_up gauge\nsif_database_up 0\n"  # fmt: skip
        return Response(down, status=503, mimetype="text/plain; version=0.0.4")
    now = datetime.now(UTC)
    lines = [
        "# HELP sif_database_up Whether the database answers.",
        "# TYPE sif_database_up gauge",
        "sif_database_up 1",
        "# HELP sif_timer_lag_seconds How long the oldest due, unfired timer has waited.",
        "# TYPE sif_timer_lag_seconds gauge",
        f"sif_timer_lag_seconds {lag:.3f}",
        "# HELP sif_schedulers Scheduler processes heard from in the last week.",
        "# TYPE sif_schedulers gauge",
        f"sif_schedulers {len(beats)}",
    ]
    if beats:
        newest = max(b.beat_at for b in beats)
        lines += [
            "# HELP sif_scheduler_last_sweep_age_seconds Seconds since any scheduler swept.",
            "# TYPE sif_scheduler_last_sweep_age_seconds gauge",
            f"sif_scheduler_last_sweep_age_seconds {(now - newest).total_seconds():.3f}",
        ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
