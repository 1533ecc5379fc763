"""Every request gets an id (the proxy's ``X-Request-ID`` when sane, else a new one), echoed in
the answer, bound to every log line written while serving it, and one access line at the end:
method, path, status, milliseconds, and the case it worked on (engine.logs)."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from engine.logs import bind_request, unbind

log = logging.getLogger("sif.access")
QUIET = ("/healthz", "/readyz", "/metrics", "/static/")  # probes and assets: no access line


def _begin() -> None:
    g.request_id = bind_request(request.headers.get("X-Request-ID"))
    g.started = time.perf_counter()


def _end(answer: Response) -> Response:
    answer.headers["X-Request-ID"] = g.get("request_id", "")
    if not request.path.startswith(QUIET):
        took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info(
            "%s %s %s %.1f ms", request.method, request.path, answer.status_code, took,
            extra={"method": request.method, "path": request.path,
                   "status": answer.status_code, "ms": round(took, 1)},
        )  # fmt: skip
    return answer


def _forget(_: BaseException | None) -> None:
    unbind()  # a thread between requests logs for no request


def init_app(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_end)
    app.teardown_request(_forget)
