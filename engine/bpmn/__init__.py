"""The one door to SpiffWorkflow. Nothing outside ``engine.bpmn`` imports it.

``compile`` turns validated XML into specs, ``store`` (de)serializes specs and workflows,
``scripts`` binds Sif's guarded evaluator into SpiffWorkflow, ``run`` drives a workflow.
"""
