"""How much a case's data will weigh when it is written, measured before it is written.

SpiffWorkflow writes every task's data separately, and tasks share nested values, so a value a
script stored once may be written hundreds of times; a list holding the same big list 100 000
times is small in memory and enormous on disk. ``stored_size`` walks the values as the
serializer will, counting each shared value at every place it occurs, but walking it only once
(its size is remembered), so the cost stays linear in the number of distinct values. It refuses
cycles, deep nesting and values the serializer cannot write, and stops as soon as the total
passes the limit, so a hostile value costs at most the walk up to the limit.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Iterable

#: Deepest nesting stored (the serializer and JSON readers recurse once or more per level).
MAX_DEPTH = 64
_CONTAINERS = (dict, list, tuple, set)
_DATES = (_dt.date, _dt.datetime, _dt.timedelta)  # written as {"typename": …, "value": …}
_DATE_SIZE = 64
_SCALAR_SIZE = 8  # true, false, null, a float: close enough for a limit
_FLAT = frozenset({str, int, float, bool, type(None)})  # what JSON writes as it is
_KEYS = _FLAT  # JSON object keys: these are written as text
_encode = json.JSONEncoder(separators=(",", ":")).encode  # C speed, the writer's escaping
_NESTING = frozenset({dict, list, tuple})
_TREE = _FLAT | _NESTING | frozenset(_DATES)


def _date_text(value: object) -> str:
    if isinstance(value, _DATES):
        return "d" * (_DATE_SIZE - 2)
    raise TypeError(type(value).__name__)


_encode_tree = json.JSONEncoder(separators=(",", ":"), default=_date_text).encode


class DataRefused(Exception):
    """The data cannot be stored; ``message`` says why in Swedish (with the variable's name),
    ``element_id`` and ``step`` name the first place (in creation order) that held it."""

    def __init__(self, message: str, element_id: str = "", step: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.element_id = element_id
        self.step = step


#: A value to be stored, with the element id and name of the step that holds it.
Stored = tuple[str, str, object]


class SizeBudget:
    """The running total of one write: values are charged as they are about to be written,
    in any number of pieces; a value shared by several pieces is walked only once."""

    __slots__ = ("_walk", "total")

    def __init__(self, limit: int, max_depth: int = MAX_DEPTH) -> None:
        self.total = 0
        self._walk = _Walk(limit, max_depth)

    def charge(self, value: object, where: Callable[[], tuple[str, str]]) -> None:
        """Add ``value``'s size; ``DataRefused`` naming the step ``where()`` gives (element id,
        name; asked only then) when it cannot be stored."""
        try:
            self.total = self._walk.add(self.total, value)
        except DataRefused as refused:
            element_id, step = where()
            raise DataRefused(refused.message, element_id, step) from None


def stored_size(roots: Iterable[Stored], limit: int, max_depth: int = MAX_DEPTH) -> int:
    """Bytes (approximately, as JSON) that writing every value of ``roots`` takes.

    Raises ``DataRefused`` when the total passes ``limit``, a value contains itself, nesting
    passes ``max_depth``, or a value has a type that cannot be stored.
    """
    budget = SizeBudget(limit, max_depth)
    for element_id, step, root in roots:
        budget.charge(root, lambda e=element_id, s=step: (e, s))  # type: ignore[misc]
    return budget.total


class _Walk:
    __slots__ = ("limit", "max_depth", "memo", "variable")

    def __init__(self, limit: int, max_depth: int) -> None:
        self.limit = limit
        self.max_depth = max_depth
        self.memo: dict[int, int] = {}  # id of a container walked already -> its size
        self.variable = ""

    def add(self, total: int, root: object) -> int:
        """``total`` plus the size of ``root``, checked against the limit."""
        self.variable = ""
        if isinstance(root, dict):
            quick = self.tree_size(root)  # the common case: a tree of plain values
            if quick is not None:
                total += quick
            else:
                for key, value in root.items():  # name the variable in messages
                    self.variable = str(key)[:80]
                    total += self.key(key) + 2 + self.size(value)
                    self.check(total)
                self.variable = ""
        else:
            total += self.size(root)
        self.check(total)
        return total

    def refuse(self, message: str) -> DataRefused:
        where = f" (i variabeln {self.variable})" if self.variable else ""
        return DataRefused(message + where)

    def check(self, total: int) -> None:
        if total > self.limit:
            raise self.refuse(
                f"Ärendets data skulle bli för stor att spara (högst {_mb(self.limit)})"
            )

    def scalar(self, value: object) -> int:
        """Size of a value that holds no other values; refuses types that cannot be written."""
        if isinstance(value, str):
            return len(value) + 2
        if isinstance(value, (bool, float)) or value is None:
            return _SCALAR_SIZE
        if isinstance(value, int):
            return value.bit_length() * 3 // 10 + 2
        if isinstance(value, _DATES):
            return _DATE_SIZE
        raise self.refuse(f"Värden av typen {type(value).__name__} kan inte sparas i ärendet")

    def key(self, value: object) -> int:
        if type(value) not in _KEYS:
            raise self.refuse(
                f"Nycklar av typen {type(value).__name__} kan inte sparas i ärendet"
                " (använd text som nyckel)"
            )
        return self.scalar(value)

    def tree_size(self, root: object) -> int | None:
        """The exact size of ``root`` when it is a tree (no container occurs twice, so it
        is written exactly as it is in memory) of plain values, not too deep: the containers
        are walked, their scalars only looked at in C, and the text length comes from the C
        encoder. None when anything is unusual; the careful walk then says what and where."""
        seen = {id(root)}
        stack: list[tuple[object, int]] = [(root, 0)]
        while stack:
            value, depth = stack.pop()
            if isinstance(value, dict):
                if not set(map(type, value)) <= _KEYS:
                    return None
                children: Iterable[object] = value.values()
            else:
                children = value  # type: ignore[assignment]
            kinds = set(map(type, children))
            if not kinds <= _TREE:
                return None
            if kinds & _NESTING:
                if depth + 1 >= self.max_depth:
                    return None
                for child in children:
                    if type(child) in _NESTING:
                        ident = id(child)
                        if ident in seen:
                            return None  # shared or a cycle
                        seen.add(ident)
                        stack.append((child, depth + 1))
        try:
            return self.within_limit(len(_encode_tree(root)))
        except (TypeError, ValueError, RecursionError, OverflowError):
            return None

    def flat_size(self, value: object) -> int | None:
        """The exact size of a container holding only plain JSON scalars (encoded in C), or
        None when it holds anything else."""
        if isinstance(value, dict):
            if not set(map(type, value)) <= _KEYS:
                return None
            kinds = set(map(type, value.values()))
        elif isinstance(value, (list, tuple)):
            kinds = set(map(type, value))
        else:
            return None
        return len(_encode(value)) if kinds <= _FLAT else None

    def size(self, root: object) -> int:
        """Size of one value, walking containers without recursion."""
        if not isinstance(root, _CONTAINERS):
            return self.scalar(root)
        memo = self.memo
        found = memo.get(id(root))
        if found is not None:
            return found
        on_path: set[int] = set()
        stack: list[tuple[object, int, bool]] = [(root, 0, False)]
        while stack:
            value, depth, leaving = stack.pop()
            ident = id(value)
            if leaving:
                on_path.discard(ident)
                memo[ident] = self.sum_children(value)
                continue
            if ident in memo:
                continue
            if ident in on_path:
                raise self.refuse("Värdet innehåller sig självt")
            if depth >= self.max_depth:
                raise self.refuse(f"Värdet är för djupt nästlat (högst {self.max_depth} nivåer)")
            flat = self.flat_size(value)
            if flat is not None:
                memo[ident] = self.within_limit(flat)
                continue
            nested = [
                child
                for child in _children(value)
                if isinstance(child, _CONTAINERS) and id(child) not in memo
            ]
            if not nested:  # only scalars (or values walked already): size it now
                memo[ident] = self.sum_children(value)
                continue
            on_path.add(ident)
            stack.append((value, depth, True))
            stack.extend((child, depth + 1, False) for child in nested)
        return memo[id(root)]

    def sum_children(self, value: object) -> int:
        memo, total = self.memo, 2
        if isinstance(value, dict):
            for key, child in value.items():
                total += self.key(key) + 2
                total += memo[id(child)] if isinstance(child, _CONTAINERS) else self.scalar(child)
        else:
            for child in value:  # type: ignore[attr-defined]
                total += 1
                total += memo[id(child)] if isinstance(child, _CONTAINERS) else self.scalar(child)
        return self.within_limit(total)

    def within_limit(self, size: int) -> int:
        if size > self.limit:
            raise self.refuse(f"Värdet skulle bli för stort att spara (högst {_mb(self.limit)})")
        return size


def _children(value: object) -> Iterable[object]:
    return value.values() if isinstance(value, dict) else value  # type: ignore[return-value]


def _mb(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MiB"
    return f"{max(size // 1024, 1)} KiB"
