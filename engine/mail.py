"""Mailing stored notifications through the configured SMTP server, outside any case's
transaction, from any number of scheduler processes.

A sender claims rows by a conditional ``UPDATE`` (the state and attempt count it read must
still hold), so two senders never mail the same row; a claim counts as an attempt and lasts a
lease, after which a crashed sender's rows are claimed again. A refused or failed send marks
the row ``failed`` and tries again later, ``MAX_ATTEMPTS`` times in all. Times here are real
time: mail leaves the building whatever the simulation clock says.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Connection, and_, bindparam, or_, select, update

from engine.runtime import Runtime
from engine.schema import notifications, users
from engine.settings import Settings

log = logging.getLogger("sif.mail")

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=2)  # doubled after every failure: 2, 4, 8, 16 minutes
TIMEOUT = 20.0  # seconds for the SMTP server to answer


@dataclass(frozen=True)
class MailResult:
    sent: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Claimed:
    id: int
    to: str
    subject: str
    body: str
    attempts: int


_TRYABLE = and_(
    notifications.c.mail_state.in_(("pending", "failed", "sending")),
    notifications.c.mail_attempts < MAX_ATTEMPTS,
    or_(notifications.c.mail_retry_at.is_(None), notifications.c.mail_retry_at <= bindparam("now")),
)
_CANDIDATES = (
    select(
        notifications.c.id, notifications.c.mail_attempts, notifications.c.subject,
        notifications.c.body, users.c.email, users.c.active,
    )
    .join(users, users.c.name == notifications.c.recipient)
    .where(_TRYABLE)
    .order_by(notifications.c.id)
    .limit(bindparam("batch"))
)  # fmt: skip
_CLAIM = (
    update(notifications)
    .where(
        notifications.c.id == bindparam("row_id"),
        notifications.c.mail_attempts == bindparam("seen"),
        _TRYABLE,
    )
    .values(
        mail_state="sending",
        mail_attempts=notifications.c.mail_attempts + 1,
        mail_retry_at=bindparam("until"),
    )
)


def claim_mail(rt: Runtime, batch: int = 50, now: datetime | None = None) -> list[_Claimed]:
    """Claim up to ``batch`` notifications to mail; a row whose recipient has no address (or
    has been deactivated) since it was written needs none."""
    now = now or datetime.now(UTC)
    claimed: list[_Claimed] = []
    with rt.db.transaction() as conn:
        for row in conn.execute(_CANDIDATES, {"now": now, "batch": batch}).all():
            if not row.email or not row.active:  # no address now, or no longer one of us
                _set(conn, row.id, mail_state="not_needed", mail_retry_at=None)
                continue
            won = conn.execute(
                _CLAIM, {"row_id": row.id, "seen": row.mail_attempts, "now": now,
                         "until": now + LEASE},
            ).rowcount  # fmt: skip
            if won == 1:
                claimed.append(
                    _Claimed(row.id, row.email, row.subject, row.body, row.mail_attempts + 1)
                )
    return claimed


def send_pending(rt: Runtime, batch: int = 50, now: datetime | None = None) -> MailResult:
    """Mail what is due, batch after batch; never raises (a failure is the row's state)."""
    settings = rt.settings
    if not settings.smtp_host:
        return MailResult()
    sent = failed = 0
    while True:
        try:
            claimed = claim_mail(rt, batch, now)
        except Exception:
            log.exception("notifications could not be claimed for mailing")
            return MailResult(sent, failed)
        if not claimed:
            return MailResult(sent, failed)
        outcomes = _send_all(settings, claimed)
        _record(rt, claimed, outcomes, now or datetime.now(UTC))
        sent += sum(outcomes)
        failed += len(outcomes) - sum(outcomes)


def _send_all(settings: Settings, claimed: list[_Claimed]) -> list[bool]:
    """Send each claimed message over one connection; which ones the server accepted."""
    outcomes: list[bool] = []
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            for item in claimed:
                outcomes.append(_send_one(smtp, settings, item))
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP server %s:%s: %s", settings.smtp_host, settings.smtp_port, exc)
    # What was not sent when the connection failed has failed with it.
    return outcomes + [False] * (len(claimed) - len(outcomes))


def _send_one(smtp: smtplib.SMTP, settings: Settings, claimed: _Claimed) -> bool:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = claimed.to
    message["Subject"] = claimed.subject
    message.set_content(claimed.body)
    try:
        smtp.send_message(message)
    except smtplib.SMTPServerDisconnected:
        raise  # the connection is gone: the rest fail with it
    except smtplib.SMTPException as exc:
        log.warning("notification %s to %s refused: %s", claimed.id, claimed.to, exc)
        return False
    return True


def _record(rt: Runtime, claimed: list[_Claimed], outcomes: list[bool], now: datetime) -> None:
    with rt.db.transaction() as conn:
        for item, ok in zip(claimed, outcomes, strict=True):
            if ok:
                _set(conn, item.id, mail_state="sent", mailed_at=now, mail_retry_at=None)
            else:
                retry = FIRST_RETRY * 2 ** (item.attempts - 1)
                last = item.attempts >= MAX_ATTEMPTS
                _set(
                    conn, item.id, mail_state="failed", mail_retry_at=None if last else now + retry
                )


def _set(conn: Connection, row_id: int, **values: object) -> None:
    conn.execute(update(notifications).where(notifications.c.id == row_id).values(**values))
