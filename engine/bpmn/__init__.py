"""The one door to SpiffWorkflow. Nothing outside ``engine.bpmn`` imports it.

``compile`` turns validated XML into specs, ``store`` (de)serializes specs and workflows,
``scripts`` binds Sif's guarded evaluator into SpiffWorkflow, ``run`` drives a workflow.

SpiffWorkflow logs every task's change of state, every data object read or set and every
decision table evaluated at INFO, with the task's data; and whenever its loggers' own level
is unset, it gathers that data and the id of every task of the case for each such line,
even when no line is written. A case's data (names, projects, decisions) does not belong in
a log, and the case's own event log already records every step, so its loggers write
warnings and errors only.
"""

import logging

for _name in ("spiff.task", "spiff.workflow", "spiff.data", "spiff.dmn"):
    logging.getLogger(_name).setLevel(logging.WARNING)
