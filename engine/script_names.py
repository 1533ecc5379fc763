"""Which case variables a script or expression writes, and which it reads from the case.

Both read the tree the script guard builds (bounded and thread-safe), so a snippet the guard
cannot parse gives ``None`` here: its problems are the guard's to report.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from engine.scripting.guard import Limits
from engine.scripting.trees import Mode, parsed

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def tree_of(source: str, mode: Mode) -> ast.AST | None:
    """The guard's tree of ``source``, or ``None`` if the guard refuses it."""
    limits = Limits()
    if len(source) > limits.max_source:
        return None
    tree, found = parsed(source, mode, limits.max_depth, limits.max_int_bits)
    return tree if not found else None


def assigned(source: str, mode: Mode = "exec") -> frozenset[str] | None:
    """Every name the snippet stores (assignments, for targets, ``with … as``), outside
    comprehensions and lambdas, whose names stay local; ``None`` if it cannot be parsed."""
    tree = tree_of(source, mode)
    if tree is None:
        return None
    local = {id(node) for node in _comprehension_targets(tree)}
    return frozenset(
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and id(node) not in local
    )


def free_reads(source: str, mode: Mode) -> list[tuple[str, int]] | None:
    """``(name, line)`` of each name the snippet reads from the case: not called as a function,
    not a comprehension or lambda variable, not assigned earlier in the snippet (or anywhere
    in a loop around the read). ``None`` if the snippet cannot be parsed."""
    tree = tree_of(source, mode)
    if tree is None:
        return None
    local = _comprehension_names(tree)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    first_store: dict[str, tuple[int, int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            at = (node.lineno, node.col_offset)
            first_store[node.id] = min(at, first_store.get(node.id, at))
    loops: dict[str, list[ast.AST]] = {}
    for loop, names in _loop_stores(tree):
        for name in names:
            loops.setdefault(name, []).append(loop)
    reads = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name) or not isinstance(node.ctx, ast.Load):
            continue
        if node.id in local or id(node) in called:
            continue
        if first_store.get(node.id, (1 << 62, 0)) < (node.lineno, node.col_offset):
            continue
        if any(_inside(node, loop) for loop in loops.get(node.id, ())):
            continue
        reads.add((node.id, node.lineno))
    return sorted(reads, key=lambda read: (read[1], read[0]))


def _inside(node: ast.expr, outer: ast.AST) -> bool:
    start = (getattr(outer, "lineno", 0), getattr(outer, "col_offset", 0))
    end = (getattr(outer, "end_lineno", 0) or 0, getattr(outer, "end_col_offset", 0) or 0)
    return start <= (node.lineno, node.col_offset) <= end


def _loop_stores(tree: ast.AST) -> list[tuple[ast.AST, set[str]]]:
    """Each loop with the names stored anywhere in it: a read in the loop may see them from
    the round before."""
    found: list[tuple[ast.AST, set[str]]] = []
    for loop in ast.walk(tree):
        if isinstance(loop, _LOOPS):
            names = {
                n.id
                for n in ast.walk(loop)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
            found.append((loop, names))
    return found


def _comprehension_targets(tree: ast.AST) -> list[ast.Name]:
    return [
        name
        for node in ast.walk(tree)
        if isinstance(node, _COMPREHENSIONS)
        for generator in node.generators
        for name in ast.walk(generator.target)
        if isinstance(name, ast.Name)
    ]


def _comprehension_names(tree: ast.AST) -> set[str]:
    """Names bound by comprehensions and lambdas anywhere in the tree (local to them)."""
    names = {name.id for name in _comprehension_targets(tree)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Lambda):
            names.update(arg.arg for arg in _arguments(node.args))
    return names


def _arguments(args: ast.arguments) -> Iterator[ast.arg]:
    yield from args.posonlyargs
    yield from args.args
    yield from args.kwonlyargs
    if args.vararg is not None:
        yield args.vararg
    if args.kwarg is not None:
        yield args.kwarg
