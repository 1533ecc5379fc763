"""The sandbox's cost model: what one run, and all runs of one engine step, may allocate.

Sizes are counted in *units*: one element slot of a container, one character of a string,
and for an integer wider than 64 bits one unit per further 64 bits. A value built by a
snippet is paid for before it exists: the interpreter and the safe functions compute an
upper bound of its size from their inputs, check it against ``max_sequence`` (:meth:`need`)
and charge it to the allowance (:meth:`spend`/:meth:`reserve`); where the bound was
generous the rest is refunded afterwards. Strings are charged when they are kept (stored in
a container or a new variable), not when made: temporaries only have to fit
``max_sequence``. Keeping a reference to a container costs one unit. A set or dict costs
one more unit per element (its hash table) and three for the object itself. One unit is
at most some 100 bytes of Python objects (measured by the property test), so the allowance
bounds memory as well.

Every run has its own allowance (``ALLOCATION_FACTOR * max_sequence`` units). A
:class:`StepBudget` is shared by all runs of one engine step: each run starts with the
smaller of its own allowance and what is left of the step's, and pays back what it used
when it ends, so many small snippets cannot add up to more than one step may use.

The clock is read only between nodes, so no single node may do work whose cost is not
bounded first. Walking a structure (comparing, sorting, printing it) is bounded by
:meth:`Budget.measure` (long strings count by length, sorting by n log n); hashing by
:mod:`engine.scripting.keys`; ``str`` methods that compare every character with every
other (``strip``/``rsplit`` with a long argument) by their product; integer powers, shifts
and conversions by ``max_int_bits``; text formatting by :mod:`engine.scripting.formats`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from itertools import islice
from typing import Any, cast

#: A run may allocate at most this many times ``max_sequence`` units in total.
ALLOCATION_FACTOR = 20
#: Units a set or dict costs per element beyond its one unit of reference, and for itself.
HASH_TABLE_UNITS = 1
HASHED_OBJECT_UNITS = 3
#: Walking (comparing, hashing) a value may visit ten times ``max_sequence`` elements.
WALK_FACTOR = 10
#: Sorting may cost ``WALK_FACTOR * SORT_FACTOR * max_sequence`` (elements times log n).
SORT_FACTOR = 20

CONTAINERS = (list, tuple, dict, set, frozenset)
SIZED = (str, list, tuple, dict, set, frozenset)
#: Types whose length is known without iterating (a range's elements are made on demand).
KNOWN_LENGTH = (str, list, tuple, dict, set, frozenset, range)
_SCALARS = frozenset({int, float, bool, str, type(None), _dt.date, _dt.datetime, _dt.timedelta})
#: Longest ``repr`` of a scalar that is not a str or int (datetimes with a time zone).
_SCALAR_TEXT = 120


class Refused(Exception):
    """A sandbox rule stopped an operation; ``message`` is a Swedish sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StepBudget:
    """Time and allocation shared by every snippet evaluated in one engine step.

    Create one per step and pass it to ``guard.evaluate``/``guard.execute``; each run
    deducts the seconds and units it used. The defaults are five runs' worth of time and
    two runs' worth of allocation (at most some 400 MB). Not thread-safe: a step runs on
    one thread.
    """

    __slots__ = ("max_allocation", "max_seconds", "remaining", "seconds_left")

    def __init__(self, max_seconds: float = 5.0, max_allocation: int = 4_000_000) -> None:
        self.max_seconds = max_seconds
        self.max_allocation = max_allocation
        self.seconds_left = max_seconds
        self.remaining = max_allocation


class Budget:
    """Size limits of one run and its remaining allocation allowance."""

    __slots__ = ("max_int_bits", "max_sequence", "remaining", "shared", "start", "step")

    def __init__(
        self, max_sequence: int, max_int_bits: int, step: StepBudget | None = None
    ) -> None:
        self.max_sequence = max_sequence
        self.max_int_bits = max_int_bits
        own = max_sequence * ALLOCATION_FACTOR
        self.step = step
        self.shared = step is not None and step.remaining < own  # the step's limit binds
        self.remaining = self.start = step.remaining if step is not None and self.shared else own

    def settle(self) -> None:
        """Pay what this run used to the step (call once, when the run ends)."""
        if self.step is not None:
            self.step.remaining -= max(self.start - self.remaining, 0)

    def need(self, size: int) -> None:
        """Refuse before creating a value of ``size`` elements/characters if it is too long."""
        if size > self.max_sequence:
            raise Refused(f"Värdet blir för stort ({size} element, högst {self.max_sequence})")

    def spend(self, units: int) -> None:
        """Charge ``units`` to the allocation allowance of the run (and step)."""
        self.remaining -= units
        if self.remaining < 0:
            if self.shared:
                raise Refused(
                    "Steget skapade för mycket data sammanlagt "
                    "(alla skript, villkor och uttryck i steget räknas ihop)"
                )
            raise Refused("Skriptet skapade för mycket data sammanlagt")

    def reserve(self, size: int, units: int | None = None) -> None:
        """Check and pay for a value of ``size`` elements (``units`` if it costs more)."""
        if size > self.max_sequence:
            self.need(size)
        self.spend(size if units is None else units)

    def hashed(self, elements: int, new: bool = True) -> None:
        """Charge the hash table of a set or dict for ``elements`` (and the object if new)."""
        self.spend(elements * HASH_TABLE_UNITS + (HASHED_OBJECT_UNITS if new else 0))

    def refund(self, units: int) -> None:
        """Give back the unused part of a reservation."""
        self.remaining += units

    def produced(self, value: object, count: bool = True) -> object:
        """Check a freshly produced value against the limits and return it.

        With ``count`` a new container's length is charged to the allowance (pass
        ``False`` when it was reserved before it was built); strings are charged only when
        they are kept, integers by their width.
        """
        if isinstance(value, SIZED):
            size = len(value)
            self.need(size)
            if count and not isinstance(value, str):
                self.spend(size)
        elif isinstance(value, int):
            self.bits(value.bit_length())
        return value

    def bits(self, bits: int) -> None:
        """Refuse an integer of ``bits`` bits if too wide; charge it if wider than 64 bits."""
        if bits > 64:
            if bits > self.max_int_bits:
                raise Refused(f"Heltalet blir för stort (högst {self.max_int_bits} bitar)")
            self.spend(bits >> 6)

    def retain(self, value: object) -> None:
        """Charge a value that is being kept in a container or a new variable.

        A reference costs one unit; a string also its length, since strings are not
        charged when they are made (containers are).
        """
        self.spend(len(value) + 1 if type(value) is str else 1)

    def measure(self, value: object, text: bool = False) -> int:
        """Refuse if walking ``value`` (as ``repr``/``==``/``<``/``hash`` would) is too costly.

        Shared references are counted every time they occur, exactly like the C code that
        prints or compares them. With ``text`` the result is an upper bound of the printed
        length and the limit is ``max_sequence``; otherwise it counts elements (and long
        strings by their length / 64, what comparing them costs) against ten times that.
        Returns the count.
        """
        limit = self.max_sequence if text else self.max_sequence * WALK_FACTOR
        total = _walk(value, limit, text)
        if total > limit:
            raise Refused("Datastrukturen är för stor för att jämföras eller skrivas ut")
        return total

    def sorting(self, values: list[Any]) -> None:
        """Refuse sorting (or taking min/max of) ``values`` if comparing would cost too much."""
        walked = self.measure(values)
        limit = self.max_sequence * WALK_FACTOR * SORT_FACTOR
        if walked * max(len(values).bit_length(), 1) > limit:
            raise Refused("Datastrukturen är för stor för att sorteras")

    def items(self, iterable: object) -> list[Any]:
        """A new list of the elements of ``iterable``, checked and paid for before it is made."""
        if isinstance(iterable, KNOWN_LENGTH):
            size = len(iterable)
            self.reserve(size, size * (1 + element_units(iterable)))
            return list(iterable)
        items = list(islice(_iterate(iterable), self.max_sequence + 1))
        self.reserve(len(items))
        return items

    def sized(self, iterable: object) -> Any:
        """``iterable`` itself if its length is known (checked), else its elements as a list.

        For functions that only read their argument once (``any``, ``sum``, ``set`` …).
        """
        if isinstance(iterable, KNOWN_LENGTH):
            size = len(iterable)
            self.need(size)
            extra = element_units(iterable)
            if extra:
                self.spend(size * extra)
            return iterable
        return self.items(iterable)


def element_units(iterable: object) -> int:
    """Extra units each element costs when made (wide integers of a range), usually 0."""
    if type(iterable) is not range:
        return 0
    return int_units(max(abs(iterable.start), abs(iterable.stop)))


def int_units(number: int) -> int:
    """Units an integer costs beyond one slot: one per 64 bits when wider than 64 bits."""
    bits = number.bit_length()
    return bits >> 6 if bits > 64 else 0


def _iterate(iterable: object) -> Iterable[Any]:
    if not isinstance(iterable, Iterable):
        raise Refused(f"Värden av typen {type(iterable).__name__} går inte att gå igenom")
    return iterable


def _walk(value: object, limit: int, text: bool) -> int:
    """Count ``value`` as :meth:`Budget.measure` describes, stopping once over ``limit``."""
    total = 0
    on_path: set[int] = set()
    stack: list[tuple[object, bool]] = [(value, False)]
    while stack and total <= limit:
        item, leaving = stack.pop()
        if leaving:
            on_path.discard(id(item))
            continue
        total += 1
        if isinstance(item, CONTAINERS):
            if id(item) in on_path:
                continue  # printed as [...]; comparing it recurses until Python stops it
            children: list[object] = (
                [*item.keys(), *item.values()] if isinstance(item, dict) else list(item)
            )
            total += len(children)
            if not text:
                kinds = set(map(type, children))
                if kinds <= _SCALARS:
                    total += _compare_cost(children, kinds)
                    continue
            on_path.add(id(item))
            stack.append((item, True))
            stack.extend((child, False) for child in children)
        else:
            total += text_size(item) if text else _compare_cost([item], {type(item)})
    return total


def _compare_cost(scalars: list[object], kinds: set[type]) -> int:
    """What comparing these scalars costs beyond one unit each: long strings, wide ints."""
    cost = 0
    if str in kinds:
        strings = scalars if len(kinds) == 1 else [x for x in scalars if type(x) is str]
        cost += sum(map(len, cast(list[str], strings))) >> 6
    if int in kinds:
        ints = scalars if len(kinds) == 1 else [x for x in scalars if type(x) is int]
        ints = cast(list[int], ints)
        if max(map(abs, ints)).bit_length() > 64:
            cost += sum(map(int.bit_length, ints)) >> 6
    return cost


def text_size(value: object) -> int:
    """An upper bound of ``len(repr(value))`` for a scalar (not a container)."""
    if isinstance(value, str):
        if value.isprintable():
            return len(value) + 2 + value.count("\\") + value.count("'")
        return len(value) * (4 if value.isascii() else 10) + 2
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    return _SCALAR_TEXT
