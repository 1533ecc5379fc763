"""The builtin functions a snippet may call, each taking the run's :class:`Budget` first.

Each builtin that builds a container reserves its size before building it (the interpreter
does not charge their results again); each that hashes goes through
:mod:`engine.scripting.keys`; each that compares measures what it will walk.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any

from engine.scripting.budget import Budget, Refused, int_units
from engine.scripting.formats import MAX_FORMAT_NUMBER, to_text
from engine.scripting.keys import check_keys
from engine.scripting.methods import build_dict

_MISSING: Any = object()
_HASHED = (set, frozenset, dict, Mapping)


def _min_max(pick: Callable[..., Any]) -> Callable[..., object]:
    def chosen(budget: Budget, *args: Any, default: Any = _MISSING) -> object:
        values = budget.sized(args[0]) if len(args) == 1 else args
        budget.measure(values)
        if default is _MISSING:
            return pick(values)
        return pick(values, default=default)

    return chosen


def _sorted(budget: Budget, iterable: Any, *, reverse: bool = False) -> list[Any]:
    values = budget.items(iterable)
    budget.sorting(values)
    values.sort(reverse=bool(reverse))
    return values


def _sum(budget: Budget, iterable: Any, start: Any = 0) -> object:
    if not isinstance(start, (int, float)):
        raise Refused("sum tillåter bara tal som startvärde")
    return sum(budget.sized(iterable), start)


def _range(budget: Budget, *args: Any) -> range:
    result = range(*args)
    try:
        budget.need(len(result))
    except OverflowError:
        raise Refused("Intervallet är för långt") from None
    return result


def _round(budget: Budget, number: Any, ndigits: Any = None) -> object:
    if isinstance(ndigits, int) and abs(ndigits) > MAX_FORMAT_NUMBER:
        raise Refused(f"round tillåter högst {MAX_FORMAT_NUMBER} decimaler")
    return round(number, ndigits)


def _int(budget: Budget, value: Any = 0, *args: Any) -> int:
    if isinstance(value, str) and len(value.strip()) > budget.max_int_bits // 3 + 8:
        raise Refused("Texten är för lång för att tolkas som heltal")
    return int(value, *args)


def _sequence(kind: Callable[[Any], object]) -> Callable[..., object]:
    def build(budget: Budget, iterable: Any = ()) -> object:
        values = budget.sized(iterable)
        budget.reserve(len(values))
        return kind(values)

    return build


def _set(budget: Budget, iterable: Any = ()) -> set[Any]:
    values = budget.sized(iterable)
    if not isinstance(values, _HASHED):
        check_keys(values, budget)
    budget.reserve(len(values))
    budget.hashed(len(values))
    return set(values)


def _reversed(budget: Budget, sequence: Any) -> list[Any]:
    budget.reserve(len(sequence))
    return list(reversed(sequence))


def _enumerate(budget: Budget, iterable: Any, start: Any = 0) -> list[tuple[int, Any]]:
    values = budget.sized(iterable)
    size = len(values)
    end = abs(start) + size if isinstance(start, int) else 0
    budget.reserve(size, size * (3 + int_units(end)))  # a slot, a pair and a number each
    return list(enumerate(values, start))


def _zip(budget: Budget, *iterables: Any) -> list[tuple[Any, ...]]:
    columns = [budget.sized(iterable) for iterable in iterables]
    rows = min(map(len, columns), default=0)
    budget.reserve(rows, rows * (len(columns) + 1))  # a slot and a tuple per row
    return list(zip(*columns, strict=False))


def _plain(function: Callable[..., object]) -> Callable[..., object]:
    def call(budget: Budget, *args: Any, **kwargs: Any) -> object:
        return function(*args, **kwargs)

    return call


BUILTINS: dict[str, Callable[..., object]] = {
    "len": _plain(len),
    "min": _min_max(min),
    "max": _min_max(max),
    "sum": _sum,
    "abs": _plain(abs),
    "round": _round,
    "sorted": _sorted,
    "reversed": _reversed,
    "any": lambda budget, iterable: any(budget.sized(iterable)),
    "all": lambda budget, iterable: all(budget.sized(iterable)),
    "range": _range,
    "int": _int,
    "float": _plain(float),
    "str": lambda budget, value="": to_text(value, budget),
    "bool": _plain(bool),
    "list": _sequence(list),
    "tuple": _sequence(tuple),
    "set": _set,
    "dict": lambda budget, source=(), **kwargs: build_dict(budget, source, kwargs),
    "enumerate": _enumerate,
    "zip": _zip,
    "date": _plain(_dt.date),
    "datetime": _plain(_dt.datetime),
    "timedelta": _plain(_dt.timedelta),
}
