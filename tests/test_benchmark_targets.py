"""The targets benchmark measures what it says: real runs, their time split into parts that add up, honest verdicts.

Runs ``benchmarks/targets.py``'s pieces at a tiny size (the timings mean nothing here, the bookkeeping does).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration  # runs the pipeline (README, Testing)

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def targets():
    sys.path.insert(0, str(BENCHMARKS))  # the scripts import each other as the folder's modules
    try:
        yield importlib.import_module("targets")
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_a_run_is_measured_and_its_time_split_into_parts_that_add_up(targets, tmp_path):
    targets.in_child_process("generate", str(tmp_path / "home" / "landing"), 1_000, 7)

    run = targets.silobridge_run("silobridge, a run", tmp_path / "home", tmp_path / "run.log")

    assert run.wall_s > 0 and run.cpu_s > 0 and run.peak_bytes > 0
    assert all(seconds >= 0 for seconds in run.parts.values()), run.parts
    assert sum(run.parts.values()) == pytest.approx(run.wall_s, abs=1e-6)
    assert run.parts["accounts"] > 0 and run.parts["marts"] > 0 and run.parts["publish"] > 0
    assert run.parts["new data (landing, staging, validation, merge)"] > 0
    # A run that finds nothing new never starts Dagster, so its time has no steps to split.
    quiet = targets.silobridge_run("silobridge, nothing new", tmp_path / "home", tmp_path / "quiet.log", with_steps=False)
    assert quiet.parts is None and quiet.wall_s < run.wall_s


def _run(targets, name: str, wall: float, peak_gib: float = 1.0, history: float = 0.0):
    parts = dict.fromkeys(["start-up (before the first step)", *targets.HISTORY_PARTS], 0.0)
    parts["accounts"] = history
    return targets.Run(name, wall, wall, int(peak_gib * 2**30), parts)


def test_verdicts_compare_each_figure_with_its_budget(targets):
    runs = {"floor": targets.Run("floor, full load", 20.0, 20.0, 2**30),
            "full": _run(targets, "silobridge, full run", 100.0, peak_gib=2.5),
            "night": _run(targets, "silobridge, 1% night", 25.0, history=4.0),
            "empty": _run(targets, "silobridge, empty home", 16.0)}

    verdicts = targets.verdicts(runs)

    assert verdicts[0].endswith("= 26.0 s: met")  # 25 <= 16 + 10
    assert verdicts[1].endswith("4.0 s <= 5 s: met")
    assert verdicts[2].endswith("<= 5x: met")  # exactly 5x
    assert verdicts[3].startswith("peak of the full run") and verdicts[3].endswith("MISSED")
    assert verdicts[4].endswith("met")

    report = targets.report(runs)
    assert "| floor, full load | 20.0 s | 20.0 s | 1,024 MiB |" in report and report[-len(verdicts):] == [
        f"- {verdict}" for verdict in verdicts]

    runs["night"] = _run(targets, "silobridge, 1% night", 26.5, history=5.5)
    assert [v.rsplit(": ", 1)[1] for v in targets.verdicts(runs)[:2]] == ["MISSED", "MISSED"]
