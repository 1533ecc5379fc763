"""Sif's guarded evaluation of untrusted BPMN scripts and expressions."""
