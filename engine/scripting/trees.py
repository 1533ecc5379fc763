"""Parsing and checking snippets once: a bounded, thread-safe cache of accepted trees.

A tree takes some hundred times the memory of its source, so the cache is bounded by the
total length of the sources it keeps (``MAX_CACHED_SOURCE``), least recently used first
out; snippets with problems are never kept. Trees are never mutated after the check.
"""

from __future__ import annotations

import ast
import operator
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal

from engine.scripting.safe_functions import static_problems

Mode = Literal["exec", "eval"]
#: ``(line, message)`` of each problem, sorted by line.
Found = tuple[tuple[int, str], ...]
_Key = tuple[str, Mode, int, int]
_first: Callable[[tuple[int, str]], int] = operator.itemgetter(0)


def parsed(
    source: str, mode: Mode, max_depth: int, max_int_bits: int
) -> tuple[ast.AST | None, Found]:
    """The checked tree of ``source`` (``None`` if it cannot be parsed) and its problems."""
    key = (source, mode, max_depth, max_int_bits)
    tree = TREES.get(key)
    if tree is not None:
        return tree, ()
    tree, found = _parse_and_check(source, mode, max_depth, max_int_bits)
    if tree is not None and not found:
        TREES.put(key, tree)
    return tree, found


def _parse_and_check(
    source: str, mode: Mode, max_depth: int, max_int_bits: int
) -> tuple[ast.AST | None, Found]:
    try:
        with _PARSING:
            tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        return None, ((exc.lineno or 1, f"Syntaxfel: {exc.msg}"),)
    except (RecursionError, MemoryError, ValueError):
        return None, ((1, "Skriptet är för djupt nästlat eller för komplext för att tolkas"),)
    found = static_problems(tree, max_depth, max_int_bits, read_only=mode == "eval")
    return tree, tuple(sorted(found, key=_first))


class TreeCache:
    """Checked trees by (source, mode, depth and int limits), bounded by source length."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._chars = 0
        self._trees: OrderedDict[_Key, ast.AST] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: _Key) -> ast.AST | None:
        with self._lock:
            tree = self._trees.get(key)
            if tree is not None:
                self._trees.move_to_end(key)
            return tree

    def put(self, key: _Key, tree: ast.AST) -> None:
        size = len(key[0])
        if size > self.max_chars:
            return
        with self._lock:
            if key in self._trees:
                return
            self._trees[key] = tree
            self._chars += size
            while self._chars > self.max_chars:
                (source, *_), _ = self._trees.popitem(last=False)
                self._chars -= len(source)

    @property
    def chars(self) -> int:
        """Total source characters of the cached trees."""
        return self._chars

    def sources(self) -> list[str]:
        """The sources whose trees are cached, least recently used first."""
        with self._lock:
            return [source for source, *_ in self._trees]

    def __len__(self) -> int:
        return len(self._trees)


#: ``ast.parse`` in two threads at once can fail with "AST constructor recursion depth
#: mismatch" on CPython 3.11 (gh-106905); parsing happens only on cache misses, one at a time.
_PARSING = threading.Lock()
#: Total source characters of cached trees (a few hundred KB of source, tens of MB of trees).
MAX_CACHED_SOURCE = 256_000
TREES = TreeCache(MAX_CACHED_SOURCE)
