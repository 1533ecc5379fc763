"""``/api/v1/cases``: start, list and read cases, their audit trail, and the administrator's
retry / suspend / resume / terminate. Who may do what: ``web.api.access``."""

from __future__ import annotations

import engine
from engine import FieldError, NotAllowed, NotFound, ValidationFailed
from web.api import access
from web.api.auth import caller
from web.api.schemas import (
    AdminReason,
    CaseDetail,
    CaseList,
    CaseOut,
    CaseQuery,
    EventList,
    EventOut,
    EventQuery,
    StartCase,
    TimerOut,
)
from web.api.spec import endpoint
from web.context import runtime

CASE = "/cases/<int(max=2147483647):case_id>"


@endpoint("/cases", "POST", ok={201: CaseOut}, errors=(403,), tag="Ärenden", body="json")
def start_case(json: StartCase) -> tuple[CaseOut, int]:
    """Starta ett ärende av den senaste versionen av en process."""
    rt, user = runtime(), caller()
    try:
        allowed = access.may_start(rt, user, json.process_key)
    except NotFound as missing:
        raise ValidationFailed([FieldError("process_key", missing.message)]) from None
    if not allowed:
        raise NotAllowed("Du har ingen roll i den här processen och kan inte starta den.")
    case = engine.start_case(rt, json.process_key, user.name, json.data)
    return CaseOut.of(case), 201


@endpoint("/cases", ok={200: CaseList}, errors=(422,), tag="Ärenden")
def list_cases(query: CaseQuery) -> CaseList:
    """Ärenden jag får läsa, senast ändrade först, filtrerade och sidindelade."""
    page = access.readable_cases(runtime(), caller(), query)
    return CaseList(
        items=[CaseOut.of(c) for c in page.cases], total=page.total, page=page.page,
        page_size=page.page_size,
    )  # fmt: skip


@endpoint(CASE, ok={200: CaseDetail}, errors=(404,), tag="Ärenden")
def get_case(case_id: int) -> CaseDetail:
    """Ett ärende med etapp, öppna uppgifter, väntande timrar och processversion."""
    rt = runtime()
    case = access.readable_case(rt, caller(), case_id)
    timers = [TimerOut.of(t) for t in engine.list_timers(rt, "waiting", case_id=case.id)]
    return CaseDetail(**CaseOut.of(case).model_dump(), waiting_timers=timers)


@endpoint(f"{CASE}/events", ok={200: EventList}, errors=(404, 422), tag="Ärenden")
def case_events(case_id: int, query: EventQuery) -> EventList:
    """Ärendets händelselogg i den ordning det hände."""
    rt = runtime()
    access.readable_case(rt, caller(), case_id)
    events = engine.case_events(rt, case_id, limit=None)
    start = (query.page - 1) * query.page_size
    items = [EventOut.of(e) for e in events[start : start + query.page_size]]
    return EventList(items=items, total=len(events), page=query.page, page_size=query.page_size)


@endpoint(f"{CASE}/retry", "POST", ok={200: CaseOut}, errors=(403, 404, 409), tag="Ärenden")
def retry_case(case_id: int) -> CaseOut:
    """Administration: kör om steget som fallerade (ärendet har status error)."""
    rt, user = runtime(), caller()
    access.administered_case(rt, user, case_id)
    return CaseOut.of(engine.retry_case(rt, case_id, user.name))


@endpoint(
    f"{CASE}/<any(suspend, resume, terminate):action>", "POST", ok={200: CaseOut},
    errors=(403, 404, 409), tag="Ärenden", body="json",
)  # fmt: skip
def administer_case(case_id: int, action: str, json: AdminReason) -> CaseOut:
    """Administration: pausa, återuppta eller avbryt ärendet, med ett skäl som loggas."""
    rt, user = runtime(), caller()
    access.administered_case(rt, user, case_id)
    return CaseOut.of(engine.set_case_status(rt, case_id, user.name, action, json.reason))
