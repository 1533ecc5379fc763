"""Malformed bundles: each gives a clear list of problems and deploys nothing."""

from __future__ import annotations

import json

import pytest

import engine
from engine import BundleInvalid, Runtime
from tests.conftest import read_scenario

GOOD = read_scenario("review_loop")
BPMN = "review_loop.bpmn"


def with_file(name: str, content: bytes) -> dict[str, bytes]:
    files = dict(GOOD)
    files[name] = content
    return files


def nested(depth: int) -> bytes:
    return b"<a>" * depth + b"</a>" * depth


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<definitions>&lol3;</definitions>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<definitions>&xxe;</definitions>"""

CASES = {
    "not-xml": (with_file(BPMN, b"this is { not xml"), BPMN, "inte giltig XML"),
    "xxe": (with_file(BPMN, XXE), BPMN, "DTD"),
    "billion-laughs": (with_file(BPMN, BILLION_LAUGHS), BPMN, "DTD"),
    "wrong-namespace": (
        with_file(BPMN, GOOD[BPMN].replace(b"http://www.omg.org/spec/BPMN/20100524/MODEL",
                                           b"http://example.com/not-bpmn")),
        BPMN, "schemat",
    ),
    "missing-form": (
        {k: v for k, v in GOOD.items() if k != "review.schema.json"},
        BPMN, "review.schema.json finns inte",
    ),
    "form-not-a-schema": (
        with_file("review.schema.json", json.dumps({"type": "objekt"}).encode()),
        "review.schema.json", "Ogiltigt JSON Schema",
    ),
    "form-not-json": (with_file("review.schema.json", b"{'a': 1"), "review.schema.json", "JSON"),
    "nested-100000": (with_file(BPMN, nested(100_000)), BPMN, "inte giltig XML"),
    "50-megabytes": (with_file(BPMN, b"<a>" + b" " * 50_000_000 + b"</a>"), BPMN, "för stor"),
    "sandbox-escape-in-script": (
        with_file(BPMN, GOOD[BPMN].replace(b"rounds = 0",
                                           b"rounds = ().__class__.__base__.__subclasses__()")),
        BPMN, "understreck",
    ),
    "script-syntax-error": (
        with_file(BPMN, GOOD[BPMN].replace(b"rounds = 0", b"rounds = = 0")), BPMN, "",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("files", "file", "message"), CASES.values(), ids=CASES.keys())
def test_a_malformed_bundle_is_refused_and_nothing_is_deployed(
    rt: Runtime, files: dict[str, bytes], file: str, message: str
) -> None:
    with pytest.raises(BundleInvalid) as caught:
        engine.deploy(rt, files, "admin")
    problems = caught.value.problems
    assert problems, "a refused bundle must say why"
    assert any(p.file == file and message in p.message for p in problems), problems
    assert engine.list_definitions(rt) == []


def test_a_script_problem_names_its_line_and_element(rt: Runtime) -> None:
    files = with_file(BPMN, GOOD[BPMN].replace(b"rounds = 0", b"rounds = __import__('os')"))
    with pytest.raises(BundleInvalid) as caught:
        engine.deploy(rt, files, "admin")
    [problem] = caught.value.problems
    lines = GOOD[BPMN].decode().splitlines()
    expected_line = next(i for i, text in enumerate(lines, 1) if "rounds = 0" in text)
    assert (problem.file, problem.line, problem.element_id) == (BPMN, expected_line, "prepare")


def test_a_user_task_without_a_role_is_refused(rt: Runtime) -> None:
    lane_ref = b"<bpmn:flowNodeRef>review</bpmn:flowNodeRef>"
    assert lane_ref in GOOD[BPMN]
    with pytest.raises(BundleInvalid) as caught:
        engine.deploy(rt, with_file(BPMN, GOOD[BPMN].replace(lane_ref, b"")), "admin")
    assert any(p.element_id == "review" and "roll" in p.message for p in caught.value.problems)


def test_a_service_task_must_name_a_known_service(rt: Runtime) -> None:
    files = read_scenario("service_incident")
    name = "service_incident.bpmn"
    files[name] = files[name].replace(b'id="test.echo"', b'id="test.missing"')
    with pytest.raises(BundleInvalid) as caught:
        engine.deploy(rt, files, "admin")
    assert any("test.missing" in p.message for p in caught.value.problems)
