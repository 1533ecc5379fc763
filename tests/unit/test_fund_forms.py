"""Every fund form is a usable schema, and a realistic filled-in form (case D) passes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.forms import check_form_schema, validate_form_data

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
SAMPLES = {
    name.removesuffix(".schema.json"): sample
    for name, sample in json.loads(
        (ROOT / "web" / "demo" / "samples.json").read_text(encoding="utf-8")
    ).items()
}
ALL = sorted(p.name.removesuffix(".schema.json") for p in FORMS.glob("*.schema.json"))


def schema(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((FORMS / f"{name}.schema.json").read_text("utf-8"))
    return loaded


@pytest.mark.parametrize("name", ALL)
def test_the_form_is_a_supported_schema_with_swedish_titles(name: str) -> None:
    form = schema(name)
    assert check_form_schema(form) == []
    assert form.get("title")
    properties = form["properties"]
    assert isinstance(properties, dict)
    assert all(isinstance(p, dict) and p.get("title") for p in properties.values())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_realistic_sample_passes_and_a_broken_one_fails(name: str) -> None:
    form = schema(name)
    assert validate_form_data(form, SAMPLES[name]) == []
    required = form.get("required")
    assert isinstance(required, list) and required
    broken = {k: v for k, v in SAMPLES[name].items() if k != required[0]}
    assert [e.path for e in validate_form_data(form, broken)] == [required[0]]
