"""Validating the fund bundle in Sif against SpiffWorkflow's own parser, side by side.

What a process owner waits for when they press "Validera" in the modeller or upload files:
  sif:  engine.check_bundle — hardened XML parse, BPMN/DMN XSD, SpiffWorkflow's parser with a
        trial start, Sif's lint (roles, forms, script guard, the variables each expression may
        see), deploying nothing;
  raw:  SpiffWorkflow's parser alone (XSD-validating add_bpmn_str / add_dmn_str + get_spec of
        every process), the least any validation by SpiffWorkflow costs.
Prints the median of each, the ratio, Sif's time per stage, and the first check of a process
(a form's metaschema check is kept per content, so pressing "Validera" again is cheaper).
Run: .venv/bin/python bench/validate.py [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

import engine
import tasks
from engine import Runtime, Settings
from engine.bpmn.compile import compile_processes, xsd_problems
from engine.lint import lint_bundle
from engine.xmlsafe import parse_xml

ROOT = Path(__file__).resolve().parent.parent


def fund_bundle() -> dict[str, bytes]:
    return engine.read_bundle([ROOT / "processes", ROOT / "forms"])


def raw_parse(files: dict[str, bytes]) -> None:
    parser = SpiffBpmnParser()
    for name, content in sorted(files.items()):
        if name.endswith(".dmn"):
            parser.add_dmn_str(content, filename=name)
        elif name.endswith(".bpmn"):
            parser.add_bpmn_str(content, filename=name)
    for process_id in parser.get_process_ids():
        parser.get_spec(process_id)
        parser.get_subprocess_specs(process_id)


def stages(rt: Runtime, files: dict[str, bytes]) -> dict[str, Callable[[], object]]:
    """Sif's pipeline cut into its stages, each on what the stage before it gives."""
    limit = rt.settings.max_file_bytes
    bpmn = {n: parse_xml(c, limit) for n, c in files.items() if n.endswith(".bpmn")}
    dmn = {n: parse_xml(c, limit) for n, c in files.items() if n.endswith(".dmn")}
    forms = {n: json.loads(c) for n, c in files.items() if n.endswith(".json")}
    services, rules = rt.services.names(), rt.services.rule_names()

    def xsd() -> object:
        return [xsd_problems(n, root, "bpmn") for n, root in bpmn.items()] + [
            xsd_problems(n, root, "dmn") for n, root in dmn.items()
        ]

    return {
        "XML parse": lambda: [parse_xml(c, limit) for n, c in files.items() if "json" not in n],
        "XSD": xsd,
        "SpiffWorkflow parse + trial start": lambda: compile_processes(bpmn, dmn),
        "lint (roles, forms, guard, variables)": lambda: lint_bundle(
            bpmn, dmn, forms, services, rules
        ),
    }


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    files = fund_bundle()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db")
        rt = tasks.install(Runtime.open(settings))
        engine.migrate(rt.db)
        start = time.perf_counter()
        assert engine.check_bundle(rt, files) == [], "the shipped bundle must be valid"
        cold = (time.perf_counter() - start) * 1000
        sif = median_ms(lambda: engine.check_bundle(rt, files), args.runs)
        raw = median_ms(lambda: raw_parse(files), args.runs)
        print(f"bundle: {len(files)} files, {sum(map(len, files.values())) // 1024} KiB")
        print(f"sif check_bundle: {sif:.1f} ms   raw SpiffWorkflow parse: {raw:.1f} ms")
        print(f"ratio sif/raw: {sif / raw:.2f}")
        print(f"first check in this process (forms' metaschema check not yet kept): {cold:.0f} ms")
        for name, work in stages(rt, files).items():
            print(f"  {name:40} {median_ms(work, args.runs):7.1f} ms")
        rt.close()


if __name__ == "__main__":
    main()
