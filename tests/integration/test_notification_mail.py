"""Notifications mailed through a real SMTP server (aiosmtpd on a free local port) by the
scheduler's tick, after the timer sweep; a refusing or missing server is the row's state and a
later retry, never an exception out of the tick."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select

import engine
import tasks
from engine import Runtime, Scheduler, Settings
from engine.mail import MAX_ATTEMPTS, claim_mail
from engine.schema import notifications
from tests.conftest import make_runtime, read_scenario
from web.cli import main

START = engine.to_datetime("2016-01-01T09:00")


class Mailbox:
    """An SMTP server's handler: keeps what it accepts; refuses every message while told to."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "554 5.7.1 Meddelandet avvisas"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    server = Controller(box, hostname="127.0.0.1", port=port)
    server.start()
    yield box, port
    server.stop()


def runtime_mailing_to(db_url: str, port: int) -> Runtime:
    settings = Settings(
        database_url=db_url, clock="virtual",
        smtp_host="127.0.0.1", smtp_port=port, smtp_from="sif@kommun.se",
    )  # fmt: skip
    return tasks.install(Runtime.open(settings))


@pytest.fixture
def mrt(db_url: str, mailbox: tuple[Mailbox, int]) -> Iterator[Runtime]:
    rt = runtime_mailing_to(db_url, mailbox[1])
    engine.set_virtual_time(rt.db, START)
    engine.add_user(rt, "pia", ["project_leader"], "Pia Ek", email="pia@example.org")
    engine.add_user(rt, "per", ["project_leader"], "Per Ås")  # no address: read in Sif only
    engine.add_user(rt, "lina", ["coordinator"], "Lina Nord", email="lina@example.org")
    engine.deploy(rt, read_scenario("deadline_notices"), "lina")
    engine.start_case(rt, "deadline_notices", "lina")
    yield rt
    rt.close()


def mail_states(rt: Runtime) -> dict[str, tuple[str, int]]:
    with rt.db.reading() as conn:
        rows = conn.execute(
            select(
                notifications.c.recipient,
                notifications.c.mail_state,
                notifications.c.mail_attempts,
            )
        ).all()
    return {r.recipient: (r.mail_state, r.mail_attempts) for r in rows}


def tick_at(rt: Runtime, days: int) -> None:
    engine.set_virtual_time(rt.db, START + timedelta(days=days))
    Scheduler(rt).tick()


def test_the_tick_fires_the_reminder_and_mails_it_in_swedish(
    mrt: Runtime, mailbox: tuple[Mailbox, int]
) -> None:
    box, _ = mailbox
    tick_at(mrt, 21)
    [(to, message)] = box.messages
    assert to == ["pia@example.org"]
    assert message["To"] == "pia@example.org"
    assert message["From"] == "sif@kommun.se"
    assert message["Subject"].startswith("Påminnelse: ”Lämna lägesrapport” i ärende SIF-2016-")
    assert message["Subject"].endswith("ska vara klar senast 31 januari 2016")
    assert "Du hittar uppgiften i din inkorg i Sif." in message.get_content()
    assert mail_states(mrt) == {"pia": ("sent", 1), "per": ("not_needed", 0)}
    tick_at(mrt, 22)
    assert len(box.messages) == 1  # mailed once


def test_the_escalation_is_mailed_to_the_coordinator(
    mrt: Runtime, mailbox: tuple[Mailbox, int]
) -> None:
    box, _ = mailbox
    tick_at(mrt, 31)
    recipients = sorted(to[0] for to, _ in box.messages)
    assert recipients == ["lina@example.org", "pia@example.org"]
    [escalation] = [m for to, m in box.messages if to == ["lina@example.org"]]
    assert escalation["Subject"].startswith("Eskalering: ”Lämna lägesrapport”")


def test_a_refusing_server_fails_the_row_and_it_is_retried_later(
    mrt: Runtime, mailbox: tuple[Mailbox, int]
) -> None:
    box, _ = mailbox
    box.refuse = True
    tick_at(mrt, 21)  # no exception out of the tick
    assert mail_states(mrt)["pia"] == ("failed", 1)
    tick_at(mrt, 21)
    assert mail_states(mrt)["pia"] == ("failed", 1)  # not before its retry time
    box.refuse = False
    later = datetime.now(UTC) + timedelta(minutes=3)
    assert engine.send_pending(mrt, now=later) == engine.MailResult(sent=1, failed=0)
    assert mail_states(mrt)["pia"] == ("sent", 2)
    assert [to for to, _ in box.messages] == [["pia@example.org"]]


def test_retries_stop_after_the_last_attempt(mrt: Runtime, mailbox: tuple[Mailbox, int]) -> None:
    box, _ = mailbox
    box.refuse = True
    tick_at(mrt, 21)
    moment = datetime.now(UTC)
    for _ in range(MAX_ATTEMPTS + 2):
        moment += timedelta(days=1)
        engine.send_pending(mrt, now=moment)
    assert mail_states(mrt)["pia"] == ("failed", MAX_ATTEMPTS)
    assert box.messages == []


def test_no_server_listening_is_a_failed_send_not_an_error(db_url: str) -> None:
    rt = runtime_mailing_to(db_url, free_port())  # nothing listens there
    engine.set_virtual_time(rt.db, START)
    engine.add_user(rt, "pia", ["project_leader"], email="pia@example.org")
    engine.add_user(rt, "lina", ["coordinator"])
    engine.deploy(rt, read_scenario("deadline_notices"), "lina")
    engine.start_case(rt, "deadline_notices", "lina")
    tick_at(rt, 21)
    assert mail_states(rt) == {"pia": ("failed", 1)}
    rt.close()


def test_without_an_smtp_host_nothing_is_mailed(db_url: str) -> None:
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, START)
    engine.add_user(rt, "pia", ["project_leader"], email="pia@example.org")
    engine.deploy(rt, read_scenario("deadline_notices"), "pia")
    engine.start_case(rt, "deadline_notices", "pia")
    tick_at(rt, 21)
    assert mail_states(rt) == {"pia": ("not_needed", 0)}
    assert engine.send_pending(rt) == engine.MailResult(0, 0)
    rt.close()


def test_sif_timers_run_due_mails_with_the_smtp_settings_from_the_environment(
    db_url: str, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, START)
    engine.add_user(rt, "pia", ["project_leader"], email="pia@example.org")
    engine.deploy(rt, read_scenario("deadline_notices"), "pia")
    engine.start_case(rt, "deadline_notices", "pia")
    engine.set_virtual_time(rt.db, START + timedelta(days=21))  # the reminder is due
    rt.close()
    env = {
        "SIF_DATABASE_URL": db_url, "SIF_CLOCK": "virtual", "SIF_SMTP_HOST": "127.0.0.1",
        "SIF_SMTP_PORT": str(port), "SIF_SMTP_FROM": "sif@kommun.se",
    }  # fmt: skip
    result = CliRunner().invoke(main, ["timers", "run-due"], env=env)
    assert result.exit_code == 0, result.output
    assert "Skickade 1 avisering(ar) med e-post; 0 misslyckades." in result.stdout
    [(to, message)] = box.messages
    assert to == ["pia@example.org"] and message["From"] == "sif@kommun.se"


def test_two_senders_at_once_never_claim_the_same_notification(db_url: str) -> None:
    rt = runtime_mailing_to(db_url, free_port())
    engine.set_virtual_time(rt.db, START)
    names = [f"person{i}" for i in range(30)]
    for name in names:
        engine.add_user(rt, name, ["project_leader"], email=f"{name}@example.org")
    engine.deploy(rt, read_scenario("deadline_notices"), "person0")
    case = engine.start_case(rt, "deadline_notices", "person0")
    with rt.db.transaction() as conn:
        engine.add_notifications(
            conn, names, case_id=case.id, task_id=None, kind="info", subject="Hej",
            body="Hej!", now=START, mail=True,
        )  # fmt: skip
    start_line = threading.Barrier(2)
    claimed: list[list[int]] = [[], []]

    def sender(index: int) -> None:
        start_line.wait()
        while batch := claim_mail(rt, batch=4):
            claimed[index].extend(c.id for c in batch)

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = set(claimed[0]), set(claimed[1])
    assert not first & second
    assert len(first | second) == len(claimed[0]) + len(claimed[1]) == 30
    assert {state for state, _ in mail_states(rt).values()} == {"sending"}
    rt.close()


def test_nothing_is_mailed_to_someone_deactivated_meanwhile(
    mrt: Runtime, mailbox: tuple[Mailbox, int]
) -> None:
    box, _ = mailbox
    engine.add_user(mrt, "ada", ["admin"])
    engine.set_virtual_time(mrt.db, START + timedelta(days=21))
    assert engine.sweep(mrt, "s").fired == 1  # the reminder is written, not yet mailed
    assert mail_states(mrt)["pia"] == ("pending", 0)
    engine.deactivate_user(mrt, "ada", "pia")
    assert engine.send_pending(mrt) == engine.MailResult(0, 0)
    assert mail_states(mrt)["pia"] == ("not_needed", 0)
    assert box.messages == []
