"""Fixtures of the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine import Runtime
from tests.integration.fund import fund_runtime


@pytest.fixture
def fund_rt(db_url: str) -> Iterator[Runtime]:
    """The fund process deployed, the demo people and a Södertälje fund (on both databases)."""
    rt = fund_runtime(db_url)
    yield rt
    rt.close()
