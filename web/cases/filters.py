"""The overview's query string ↔ ``engine.CaseFilter``. Filters travel in the URL with Swedish
names, so a filtered list can be bookmarked, shared, exported and shown as a heatmap alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine import CaseFilter
from engine.overview import SORTS

PARAMS = ("sok", "status", "skede", "roll", "forsenade", "profil", "namnd", "ar", "process",
          "sortera", "ordning")  # fmt: skip
SORT_PARAMS = {
    "andrad": "updated", "arende": "key", "titel": "title", "skede": "stage", "status": "status",
    "forfallo": "due", "timer": "timer", "startad": "started",
}  # fmt: skip
PAGE_SIZES = (25, 50, 100, 200)
assert set(SORT_PARAMS.values()) <= set(SORTS)


@dataclass(frozen=True)
class ListQuery:
    """A filtered, sorted and paged case list as the URL asks for it."""

    filter: CaseFilter
    sort: str
    descending: bool
    page: int
    page_size: int


def case_filter(args: Mapping[str, str]) -> CaseFilter:
    """The filter a URL asks for; values that cannot be right are ignored, never an error."""
    process, _colon, version = args.get("process", "")[:300].partition(":")
    return CaseFilter(
        stage=args.get("skede", "")[:60],
        status=args.get("status", "")[:20],
        role=args.get("roll", "")[:80],
        overdue=args.get("forsenade") in ("1", "ja", "on"),
        profile=args.get("profil", "")[:200],
        board=args.get("namnd", "")[:200],
        year=_number(args.get("ar"), None, 1900, 2200),
        process=process,
        version=_number(version, None, 1, 1_000_000) if process else None,
        q=args.get("sok", "")[:200],
    )


def list_query(args: Mapping[str, str]) -> ListQuery:
    size = _number(args.get("per-sida"), 50, 1, 200) or 50
    return ListQuery(
        filter=case_filter(args),
        sort=SORT_PARAMS.get(args.get("sortera", ""), "updated"),
        descending=args.get("ordning", "fallande" if "sortera" not in args else "") == "fallande",
        page=_number(args.get("sida"), 1, 1, 1_000_000) or 1,
        page_size=size if size in PAGE_SIZES else 50,
    )


def filter_args(args: Mapping[str, str]) -> dict[str, str]:
    """Only the filter and sort parameters of ``args`` (for links that keep the filter)."""
    return {k: v for k, v in args.items() if k in PARAMS and v}


def _number(text: str | None, default: int | None, low: int, high: int) -> int | None:
    try:
        value = int(text or "")
    except ValueError:
        return default
    return value if low <= value <= high else default
