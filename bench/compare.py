"""A benchmark of this tree against an earlier revision, alternated on the same machine.

Checks the revision out into a temporary git worktree and runs the same benchmark there and
here by turns (so both see the same load), then prints each run's ratio and the medians.

Run: .venv/bin/python bench/compare.py REVISION [--runs 6] [--bench bench/complete_task.py]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATIO = re.compile(r"ratio sif/raw: ([0-9.]+)")


def ratio(tree: Path, bench: str) -> float:
    done = subprocess.run(
        [sys.executable, bench, "--cases", "200"],
        cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = RATIO.search(done.stdout)
    assert found, done.stdout
    return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision")
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--bench", default="bench/complete_task.py")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "worktree", "add", "--detach", str(old), args.revision],
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        try:
            results: dict[str, list[float]] = {args.revision: [], "this tree": []}
            for run in range(args.runs):
                results[args.revision].append(ratio(old, args.bench))
                results["this tree"].append(ratio(ROOT, args.bench))
                print(f"run {run + 1}: {args.revision} {results[args.revision][-1]:.2f}   "
                      f"this tree {results['this tree'][-1]:.2f}", flush=True)  # fmt: skip
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT,
                           check=False, capture_output=True)  # fmt: skip
    before, after = (statistics.median(v) for v in results.values())
    print(
        f"median ratio: {args.revision} {before:.2f}, this tree {after:.2f} "
        f"({(after / before - 1) * 100:+.1f} %)"
    )


if __name__ == "__main__":
    main()
