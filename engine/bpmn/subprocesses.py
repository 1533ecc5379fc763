"""Embedded subprocesses that hand the case data over with a copy made for JSON data.

SpiffWorkflow deep-copies the caller's data into a subprocess when it starts, and the
subprocess's data back when it ends. A fund case's data is a tree of plain JSON values
(forms, plans, decisions; ``engine.datasize`` refuses anything else at save), about 18 KB
after ten years, and ``copy.deepcopy`` walks it with its memo and dispatch for every value.
``data_copy`` makes the same independent copy of such a tree several times faster, and hands
anything else to ``deepcopy``. The serializer restores SpiffWorkflow's subprocess specs as
these classes (``engine.bpmn.store``), so every definition gets them, whenever it was stored.
"""

from __future__ import annotations

import copy
from typing import Any

from SpiffWorkflow.spiff.specs.defaults import SubWorkflowTask, TransactionSubprocess

_SCALARS = frozenset({str, int, float, bool, type(None)})


def data_copy(value: Any) -> Any:
    """An independent copy of ``value``, as ``copy.deepcopy`` makes it; plain dicts and lists
    of JSON scalars are copied directly (shared parts come out as separate copies, as they
    would from the database)."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _SCALARS else data_copy(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _SCALARS else data_copy(v) for v in value]
    if kind in _SCALARS:
        return value
    return copy.deepcopy(value)


class _JsonHandover:
    """SpiffWorkflow's hand-over of the data at a subprocess's start and end, with
    ``data_copy`` for ``deepcopy``."""

    def copy_data(self, my_task: Any, subworkflow: Any) -> None:
        start = subworkflow.get_next_task(spec_name="Start")
        start.set_data(**data_copy(my_task.data))

    def update_data(self, my_task: Any, subworkflow: Any) -> None:
        my_task.data = data_copy(subworkflow.last_task.data)


class SifSubWorkflowTask(_JsonHandover, SubWorkflowTask):  # type: ignore[misc]
    pass


class SifTransactionSubprocess(_JsonHandover, TransactionSubprocess):  # type: ignore[misc]
    pass


#: SpiffWorkflow's class → Sif's, for the serializer (which keeps SpiffWorkflow's type names).
SIF_SUBPROCESSES: dict[type, type] = {
    SubWorkflowTask: SifSubWorkflowTask,
    TransactionSubprocess: SifTransactionSubprocess,
}
