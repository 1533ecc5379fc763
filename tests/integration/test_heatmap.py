"""Where cases wait: open tasks per step, with exact counts, medians and oldest waits — over a
process's cases, over a chosen set of them, and never counting another process's tasks at an
element of the same id."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

import engine
from engine import NotFound, Runtime, WaitingMap
from engine.schema import cases
from tests.conftest import make_runtime, read_scenario

T0 = engine.to_datetime("2016-01-04T09:00")


@pytest.fixture
def vrt(db_url: str) -> Iterator[Runtime]:
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, T0)
    engine.add_user(rt, "clara", ["clerk"])
    engine.add_user(rt, "max", ["manager"])
    engine.deploy(rt, read_scenario("camunda_style"), "admin")
    # The same drawing under another process key: its "register" is another process's step.
    copy = read_scenario("camunda_style")
    xml = copy["camunda_style.bpmn"].decode()
    for attribute in ("id", "processRef"):
        xml = xml.replace(f'{attribute}="camunda_style"', f'{attribute}="camunda_copy"')
    engine.deploy(rt, {**copy, "camunda_style.bpmn": xml.encode()}, "admin")
    yield rt
    rt.close()


def at(rt: Runtime, days: float) -> None:
    engine.set_virtual_time(rt.db, T0 + timedelta(days=days))


def start(rt: Runtime, process: str = "camunda_style") -> engine.Case:
    return engine.start_case(rt, process, "clara")


def numbers(waits: WaitingMap) -> list[tuple[str, int, float, float]]:
    return [
        (e.element_id, e.open_tasks, round(e.median_days, 6), round(e.oldest_days, 6))
        for e in waits.elements
    ]


@pytest.fixture
def cases_waiting(vrt: Runtime) -> dict[str, int]:
    """register: offered 5, 4 (taken by Clara) and 2 days ago; approve: 1 day ago; and a case of
    the copy waiting at its own register for 5 days."""
    first, other = start(vrt), start(vrt, "camunda_copy")
    at(vrt, 1)
    taken = start(vrt)
    at(vrt, 2)
    engine.claim_task(vrt, taken.open_tasks[0].id, "clara")
    at(vrt, 3)
    late, approving = start(vrt), start(vrt)
    at(vrt, 4)
    engine.complete_task(vrt, approving.open_tasks[0].id, {"name": "Faktura", "count": 2}, "clara")
    at(vrt, 5)
    return {"first": first.id, "other": other.id, "taken": taken.id, "late": late.id,
            "approving": approving.id}  # fmt: skip


def test_open_tasks_and_waits_per_step(vrt: Runtime, cases_waiting: dict[str, int]) -> None:
    waits = engine.waiting_by_element(vrt, "camunda_style")
    assert numbers(waits) == [("register", 3, 4.0, 5.0), ("approve", 1, 1.0, 1.0)]
    assert waits.open_tasks == 4
    assert waits.now == T0 + timedelta(days=5)
    register = waits.elements[0]
    assert (register.name, register.oldest_since) == ("Registrera ärende", T0)
    assert waits.drawing.process_key == "camunda_style"
    assert 'id="camunda_style"' in waits.drawing.xml


def test_another_process_counts_only_its_own(vrt: Runtime, cases_waiting: dict[str, int]) -> None:
    assert numbers(engine.waiting_by_element(vrt, "camunda_copy")) == [("register", 1, 5.0, 5.0)]


def test_a_chosen_set_of_cases(vrt: Runtime, cases_waiting: dict[str, int]) -> None:
    chosen = [cases_waiting[k] for k in ("first", "late", "approving", "other")]
    query = select(cases.c.id).where(cases.c.id.in_(chosen))
    waits = engine.waiting_by_element(vrt, "camunda_style", case_ids=query)
    # an even count: the median is the mean of the middle two (5 and 2 days)
    assert numbers(waits) == [("register", 2, 3.5, 5.0), ("approve", 1, 1.0, 1.0)]
    assert numbers(engine.waiting_by_element(vrt, "camunda_copy", case_ids=query)) == [
        ("register", 1, 5.0, 5.0)
    ]
    nobody = select(cases.c.id).where(cases.c.id < 0)
    assert engine.waiting_by_element(vrt, "camunda_style", case_ids=nobody).elements == ()


def test_completed_work_no_longer_waits(vrt: Runtime, cases_waiting: dict[str, int]) -> None:
    approving = engine.get_case(vrt, cases_waiting["approving"], with_data=False)
    engine.complete_task(vrt, approving.open_tasks[0].id, {"approved": True}, "max")
    waits = engine.waiting_by_element(vrt, "camunda_style")
    assert numbers(waits) == [("register", 3, 4.0, 5.0)]


def test_an_unknown_process_is_not_found(vrt: Runtime) -> None:
    with pytest.raises(NotFound):
        engine.waiting_by_element(vrt, "no_such_process")
    assert engine.waiting_by_element(vrt, "camunda_style").elements == ()
