"""Issue 19's targets in one run: a full load beside the floor and dlt, then the nights that follow it.

    python benchmarks/targets.py --rows 5000000 --data /tmp/silos-5m
    python benchmarks/targets.py --rows 20000000 --tools silobridge --data /tmp/silos-20m

On the same generated exports (``--data`` keeps them for the next time), each as its own process:
1. the peers (``--tools``: floor and dlt by default), as in ``compare.py``;
2. silobridge's full run on a fresh home;
3. a run that finds nothing new on it;
4. a night with 1% new files (N/100 responses, another seed, new names);
5. a run with work on an empty home (1,000 responses): the fixed start-up every run with new data pays.
It prints every run's wall, CPU and peak memory, where silobridge's full run and night spent their time
(from the Dagster events, ``steps.py``), and each target met or missed:
- the 1% night <= (5) + 10% of (2);
- the history-dependent steps of the night (accounts, marts, publish, closing the database) <= 5 s;
- (2) <= 5x the floor's wall time;
- peak memory <= 2 GiB in (2) and (4).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from compare import REPO, _link_tree, available, ensure_data, in_child_process, load_average, run_measured, run_tool
from steps import HISTORY_PARTS, history_seconds, run_steps

HISTORY_BUDGET_S = 5.0
FLOOR_FACTOR = 5.0
PEAK_BUDGET_BYTES = 2 * 2**30
EMPTY_HOME_ROWS = 1_000


@dataclass(frozen=True)
class Run:
    name: str
    wall_s: float
    cpu_s: float
    peak_bytes: int
    parts: dict[str, float] | None = None  # silobridge runs with work: where the time went

    def row(self) -> str:
        return f"| {self.name} | {self.wall_s:.1f} s | {self.cpu_s:.1f} s | {self.peak_bytes / 2**20:,.0f} MiB |"


def silobridge_run(name: str, home: Path, log: Path, with_steps: bool = True) -> Run:
    """One `silobridge run` process on ``home``; the parts of its time when it ran Dagster."""
    started = time.time()
    wall, peak, code, cpu = run_measured([sys.executable, "-m", "pipelines.cli", "run", "--home", str(home)], REPO, log)
    if code != 0:
        raise SystemExit(f"{name}: silobridge run failed (exit {code}); its output:\n{log.read_text()[-4000:]}")
    print(f"  {name}: {wall:.1f} s (load {load_average()})", file=sys.stderr, flush=True)
    parts = run_steps(home).parts(started, started + wall) if with_steps else None
    return Run(name, wall, cpu, peak, parts)


def measure(rows: int, seed: int, data: Path, work: Path, peers: list[str]) -> dict[str, Run]:
    ensure_data(data, rows, seed)
    landing = data / "landing"
    runs: dict[str, Run] = {}
    for tool in peers:
        m = run_tool(tool, landing, work / tool, REPO)
        print(f"  {tool}: {m.wall_s:.1f} s (load {load_average()})", file=sys.stderr, flush=True)
        runs[tool] = Run(f"{tool}, full load", m.wall_s, m.cpu_s, m.peak_rss_bytes)
        shutil.rmtree(work / tool, ignore_errors=True)
    home = work / "home"
    _link_tree(landing, home / "landing")
    runs["full"] = silobridge_run(f"silobridge, full run ({rows:,})", home, work / "full.log")
    runs["noop"] = silobridge_run("silobridge, nothing new", home, work / "noop.log", with_steps=False)
    new_rows = in_child_process("incremental.land_new_files", str(home), max(1_000, round(rows / 100)), seed + 1)
    runs["night"] = silobridge_run(f"silobridge, 1% night ({new_rows:,} new)", home, work / "night.log")
    empty = work / "empty-home"
    in_child_process("generate", str(empty / "landing"), EMPTY_HOME_ROWS, seed)
    runs["empty"] = silobridge_run(f"silobridge, run with work on an empty home ({EMPTY_HOME_ROWS:,})", empty,
                                   work / "empty.log")
    return runs


def report(runs: dict[str, Run]) -> list[str]:
    lines = ["| run | wall | CPU (user+sys) | peak RSS |", "|---|---:|---:|---:|", *(r.row() for r in runs.values()), ""]
    full, night = runs["full"], runs["night"]
    lines += ["| part | full run | 1% night | empty home |", "|---|---:|---:|---:|"]
    for part in full.parts:
        lines.append(f"| {part} | {full.parts[part]:.1f} s | {night.parts[part]:.1f} s | {runs['empty'].parts[part]:.1f} s |")
    lines.append("")
    return lines + [f"- {line}" for line in verdicts(runs)]


def verdicts(runs: dict[str, Run]) -> list[str]:
    full, night, empty = runs["full"], runs["night"], runs["empty"]
    budget = empty.wall_s + 0.10 * full.wall_s
    history = history_seconds(night.parts)
    lines = [f"1% night {night.wall_s:.1f} s <= run with work on an empty home {empty.wall_s:.1f} s + 10% of the full "
             f"run {0.10 * full.wall_s:.1f} s = {budget:.1f} s: {_met(night.wall_s <= budget)}",
             f"history-dependent steps of the night ({', '.join(HISTORY_PARTS)}) {history:.1f} s <= "
             f"{HISTORY_BUDGET_S:.0f} s: {_met(history <= HISTORY_BUDGET_S)}"]
    if "floor" in runs:
        ratio = full.wall_s / runs["floor"].wall_s
        lines.append(f"full run {full.wall_s:.1f} s = {ratio:.1f}x the floor's {runs['floor'].wall_s:.1f} s "
                     f"(CPU {full.cpu_s / runs['floor'].cpu_s:.1f}x) <= {FLOOR_FACTOR:.0f}x: {_met(ratio <= FLOOR_FACTOR)}")
    if "dlt" in runs:
        lines.append(f"full run {full.wall_s / runs['dlt'].wall_s:.1f}x dlt's wall time, "
                     f"{full.cpu_s / runs['dlt'].cpu_s:.1f}x its CPU time")
    for run in (full, night):
        lines.append(f"peak of the {run.name.split(', ', 1)[1]} {run.peak_bytes / 2**30:.2f} GiB <= 2 GiB: "
                     f"{_met(run.peak_bytes <= PEAK_BUDGET_BYTES)}")
    return lines


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tools", default="floor,dlt", help="peers to run beside silobridge (floor, dlt, pandas; "
                        "'silobridge' alone for none)")
    parser.add_argument("--data", type=Path, help="where the generated exports are kept and reused")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON lines file")
    parser.add_argument("--keep", action="store_true", help="keep the homes")
    args = parser.parse_args()
    peers = [t for t in (t.strip() for t in args.tools.split(",")) if t and t != "silobridge"]
    for tool in [t for t in peers if not available(t)]:
        print(f"skipping {tool}: not installed (pip install -e '.[bench]')", file=sys.stderr)
        peers.remove(tool)
    temporary = Path(tempfile.mkdtemp(prefix="silobridge-targets-"))
    load_before = load_average()
    try:
        runs = measure(args.rows, args.seed, args.data or temporary / "data", temporary / "work", peers)
        print("\n".join(report(runs)))
        print(f"load average before {load_before}, after {load_average()}")
        if args.json:
            with args.json.open("a") as handle:
                handle.write(json.dumps({"rows": args.rows, "seed": args.seed, "load_before": load_before,
                                         "runs": {k: vars(v) for k, v in runs.items()}}) + "\n")
    finally:
        if args.keep:
            print(f"homes kept in {temporary / 'work'}")
        else:
            shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
