"""Real-browser tests: a live Sif server driven by Debian's Chromium through Playwright.

SQLite only. Each test module gets its own live server — the real app from ``create_app``
served by werkzeug's threaded WSGI server on 127.0.0.1 and a free port — on a fresh copy of a
database prepared once per session the way ``sif init`` prepares one: migrated, ``processes/``
and ``forms/`` deployed, plus the DOMAIN §9.1 people (password = the user name) and the demo
fund. The clock is virtual and stands still at ``NOW`` unless a test moves it, so dates on the
pages are the same on every run.

One Chromium runs for the whole session; every test gets a fresh browser context (no cookies)
and a ``page`` in it; ``tests.e2e.pages.sign_in(page, user)`` signs in through the real form.
The browser is Debian's ``chromium`` (``.ci/run`` installs it), never a downloaded one; when it
is missing the tests fail — they are never skipped. Run them alone with ``pytest -m e2e``.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    ViewportSize,
    sync_playwright,
)
from werkzeug.serving import BaseWSGIServer, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

import engine
from engine import Case, HumanTask, Runtime
from tasks.store import MIGRATIONS as TASK_MIGRATIONS
from tasks.store import create_fund, set_council_meetings
from tests.conftest import make_runtime
from web.app import create_app
from web.demo import people
from web.demo.cases import form as sample_form

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOW = "2026-03-02T09:00"
PROCESS = "social_investment_case"
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000
# Chromium logs every 4xx page as a console error; those are answers the tests ask for.
_CLIENT_ERROR = re.compile(r"status of 4\d\d")


@dataclass(frozen=True)
class LiveSif:
    """A running Sif: its address and the engine behind it (for what has no page yet)."""

    base_url: str
    rt: Runtime

    def start_case(self, by: str = "nora.falk") -> Case:
        """Start a fund case as ``by`` (there is no "start case" page yet)."""
        return engine.start_case(self.rt, PROCESS, by, {"fund": people.FUND_CODE})

    def submit_idea(self, case_id: int, by: str = "nora.falk", **changes: Any) -> None:
        """Complete the case's idea through the engine with the demo's sample idea, and the
        coordinator's intake: the test fund's council meets daily, so the screening is offered
        at once."""
        task = self.open_task(case_id, "submit_idea")
        engine.complete_task(self.rt, task.id, sample_form("idea", **changes), by)
        intake = self.open_task(case_id, "intake_idea")
        engine.complete_task(self.rt, intake.id, sample_form("intake"), "lina.nord")

    def open_task(self, case_id: int, element_id: str) -> HumanTask:
        """The case's open task at ``element_id``; fails the test if the case has none."""
        case = engine.get_case(self.rt, case_id, with_data=False)
        found = [t for t in case.open_tasks if t.element_id == element_id]
        offered = [t.element_id for t in case.open_tasks]
        assert found, f"{case.business_key} waits for {offered}, not {element_id}"
        return found[0]

    def case(self, case_id: int) -> Case:
        return engine.get_case(self.rt, case_id)


def _prepare(url: str) -> None:
    """What ``sif init`` does, plus the demo people and fund (no demo cases)."""
    rt = make_runtime(url, clock="virtual")
    try:
        engine.migrate(rt.db, [TASK_MIGRATIONS])
        engine.set_virtual_time(rt.db, engine.to_datetime(NOW))
        bundle = engine.read_bundle([ROOT / "processes", ROOT / "forms"])
        engine.deploy(rt, bundle, "system")
        for name, (display, roles) in people.DEMO_USERS.items():
            engine.add_user(rt, name, roles, display, password=name)
        with rt.db.transaction() as conn:
            create_fund(
                conn, people.FUND_CODE, people.FUND_NAME, people.FUND_PROFILE,
                people.FUND_ESTABLISHED, people.FUND_CAPITAL_TKR, "admin", rt.clock.now(conn),
            )  # fmt: skip
            # The test fund's council meets every day, so an idea taken in is screened at once
            # whatever day a test has moved the clock to.
            # (The demo's own calendar stays for the modules that replay the demo's cases.)
            first = engine.to_datetime(NOW).date() - timedelta(days=365)
            daily = [first + timedelta(days=n) for n in range(1100)]
            set_council_meetings(conn, people.FUND_CODE, people.COUNCIL_MEETINGS + daily)
    finally:
        rt.close()


@pytest.fixture(scope="session")
def prepared_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database with the processes, people and fund; copied per module."""
    path = tmp_path_factory.mktemp("e2e-template") / "sif.db"
    _prepare(f"sqlite:///{path}")
    return path


def _copy_database(template: Path, folder: Path) -> Path:
    for part in template.parent.glob(template.name + "*"):  # the file and any WAL beside it
        shutil.copy(part, folder / part.name)
    return folder / template.name


def _read_whole(app: WSGIApplication) -> WSGIApplication:
    """The app, each answer read whole and its iterable closed before the server writes it.

    werkzeug's development server closes an answer's iterable (a static file's open file)
    only after draining the request socket, and a browser that leaves a page mid-download
    (a favicon, a font) makes that drain raise first: the file is left to the garbage
    collector, whose ResourceWarning then fails whichever test runs. Read whole, nothing is
    left open, whenever the browser goes."""

    def answer(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        parts = app(environ, start_response)
        try:
            return [b"".join(parts)]
        finally:
            close = getattr(parts, "close", None)
            if close is not None:
                close()

    return answer


class _Server:
    """The app on a real WSGI server in a background thread."""

    def __init__(self, app: Flask) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, _read_whole(app), threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def sif(prepared_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSif]:
    """A live Sif on this module's own copy of the prepared database."""
    path = _copy_database(prepared_db, tmp_path_factory.mktemp("e2e"))
    rt = make_runtime(f"sqlite:///{path}", clock="virtual")
    app = create_app(rt.settings, rt)
    try:
        with _Server(app) as server:
            yield LiveSif(server.base_url, rt)
    finally:
        rt.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; one for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}: "
            "apt-get install chromium (.ci/run does this). They are never skipped.",
            pytrace=False,
        )
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser, sif: LiveSif) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) on the live server, Swedish, 1280 px wide.

    Afterwards the test fails if any page answered 5xx, threw a script error or logged one
    (a Content-Security-Policy refusal, say). A 4xx page is fine: tests ask for some."""
    ctx = browser.new_context(
        base_url=sif.base_url,
        viewport=VIEWPORT,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    ctx.on("page", lambda page: _watch(page, problems))
    yield ctx
    ctx.close()
    assert not problems, "\n".join(problems)


def _watch(page: Page, problems: list[str]) -> None:
    def on_response(response: Response) -> None:
        if response.status >= 500:
            problems.append(f"{response.status} from {response.url}")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not _CLIENT_ERROR.search(message.text):
            problems.append(f"console error on {page.url}: {message.text}")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error on {page.url}: {error}"))


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A tab in this test's own browser profile; ``pages.sign_in(page, user)`` signs in."""
    return context.new_page()
