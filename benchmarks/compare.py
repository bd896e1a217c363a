"""silobridge side by side with the floor and with what users would pick instead, on the same files.

    python benchmarks/compare.py --rows 1000000 --repeat 3

Generates the three seed silos' sample exports once (``samples``, not timed; reused from
``--data`` when they are already there), then runs each tool as its own process, timed from outside:

* ``floor``      — DuckDB alone, one SQL statement per source (``benchmarks/peers/floor.py``);
* ``dlt``        — dlt's Arrow path into DuckDB, then the same SQL (``benchmarks/peers/dlt_arrow.py``);
* ``pandas``     — the usual pandas script (``benchmarks/peers/pandas_script.py``);
* ``silobridge`` — ``silobridge run --home H`` on a fresh home whose landing folder holds the files.

Wall time is from process start to exit. Peak memory is the larger of the process tree's summed RSS,
polled every 20 ms with psutil when it is installed, and the largest max RSS of any process of the tree
that the kernel reports at exit (``wait4``). Each tool's table must end with as many rows as
silobridge's ``core.feedback``, and silobridge's ``meta.files`` must account for every row written
(read = loaded + rejected + duplicates); otherwise the script says what differs and exits with 1.
See ``benchmarks/README.md``, section "compare.py: comparison with the alternatives".
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEERS = Path(__file__).resolve().parent / "peers"
TOOLS = ("floor", "dlt", "pandas", "silobridge")
PEER_SCRIPTS = {"floor": "floor.py", "dlt": "dlt_arrow.py", "pandas": "pandas_script.py"}
POLL_SECONDS = 0.02


@dataclass
class Measurement:
    tool: str
    wall_s: float
    peak_rss_bytes: int
    rows: int
    detail: dict = field(default_factory=dict)
    cpu_s: float = 0.0  # user + system time of the process tree


@dataclass
class Summary:
    tool: str
    runs: int
    wall_s: float  # median
    wall_min_s: float
    wall_max_s: float
    peak_rss_bytes: int  # median
    rows: int
    cpu_s: float  # median


# --------------------------------------------------------------------------------------------------
# Measuring one process tree
# --------------------------------------------------------------------------------------------------

def _tree_rss(root) -> int:
    import psutil

    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_measured(command: list[str], cwd: Path, log: Path,
                 env: dict[str, str] | None = None) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS bytes, exit code, CPU seconds) of one process tree; output goes to ``log``."""
    try:
        import psutil
    except ImportError:
        psutil = None
    peak = 0
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, env=env)
        done = threading.Event()

        def poll() -> None:
            nonlocal peak
            try:
                root = psutil.Process(process.pid)
                while not done.is_set():
                    peak = max(peak, _tree_rss(root))
                    done.wait(POLL_SECONDS)
            except psutil.Error:
                pass

        poller = threading.Thread(target=poll, daemon=True) if psutil else None
        if poller:
            poller.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        process.returncode = os.waitstatus_to_exitcode(status)
        if poller:
            poller.join()
    return wall, max(peak, usage.ru_maxrss * 1024), process.returncode, usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------------------------------
# Data and row accounting
# --------------------------------------------------------------------------------------------------

def ensure_data(data: Path, rows: int, seed: int) -> dict:
    """The sample exports under ``data/landing``, generated unless the same rows and seed are there."""
    marker = data / "generated.json"
    if marker.exists():
        summary = json.loads(marker.read_text())
        if summary["rows"] == rows and summary["seed"] == seed:
            return summary
    shutil.rmtree(data / "landing", ignore_errors=True)
    started = time.perf_counter()
    summary = {"rows": rows, "seed": seed, **in_child_process("generate", str(data / "landing"), rows, seed),
               "generation_s": round(time.perf_counter() - started, 1)}
    data.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(summary, indent=1))
    return summary


def generate(landing: str, rows: int, seed: int) -> dict:
    """The sample exports of ``rows`` responses written under ``landing``, and what they hold."""
    from samples import generate_silos

    generated = generate_silos(Path(landing), rows=rows, seed=seed)
    return {"files": len(generated.files), "bytes": sum(f.stat().st_size for f in generated.files),
            "rows_per_source": generated.rows_per_source,
            "invalid_rows_per_source": generated.invalid_rows_per_source,
            "duplicate_rows_per_source": generated.duplicate_rows_per_source}


def in_child_process(function: str, *arguments):
    """``function(*arguments)`` of this folder's modules (``module.function``, default this one), run in a child.

    Generating millions of rows takes gigabytes, and a process forked afterwards reports the benchmark's memory as
    its own peak (Linux counts the pages a child shares with its parent until it execs in its max RSS).
    """
    module, _, name = function.rpartition(".")
    code = (f"import json, sys; from {module or 'compare'} import {name}; "
            f"print(json.dumps({name}(*json.loads(sys.argv[1]))))")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(arguments)], cwd=Path(__file__).parent,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{function} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def _link_tree(source: Path, target: Path) -> None:
    """Hard links where the file system allows (silobridge only reads its landing files), copies elsewhere."""
    for path in source.rglob("*"):
        destination = target / path.relative_to(source)
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, destination)
        except OSError:
            shutil.copy2(path, destination)


def _count(database: Path, sql: str) -> tuple:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchone()


def silobridge_accounting(home: Path) -> dict:
    read, loaded, rejected, duplicate = _count(
        home / "pipeline.duckdb", "select coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), "
        "coalesce(sum(rows_rejected), 0), coalesce(sum(rows_duplicate), 0) from meta.files")
    (feedback,) = _count(home / "warehouse.duckdb", "select count(*) from core.feedback")
    return {"rows_read": int(read), "rows_loaded": int(loaded), "rows_rejected": int(rejected),
            "rows_duplicate": int(duplicate), "core_feedback": int(feedback)}


# --------------------------------------------------------------------------------------------------
# Running the tools
# --------------------------------------------------------------------------------------------------

def run_tool(tool: str, landing: Path, scratch: Path, silobridge_src: Path, profile: Path | None = None) -> Measurement:
    scratch.mkdir(parents=True, exist_ok=True)
    log = scratch / f"{tool}.log"
    if tool == "silobridge":
        home = scratch / "home"
        _link_tree(landing, home / "landing")
        command = [sys.executable, "-m", "pipelines.cli", "run", "--home", str(home)]
        if profile is not None:  # a session file, rendered below as a call tree
            command = [sys.executable, "-m", "pyinstrument", "--renderer", "pyisession", "--outfile",
                       str(profile.with_suffix(".pyisession")), "-m", "pipelines.cli", "run", "--home", str(home)]
        wall, peak, code, cpu = run_measured(command, silobridge_src, log)
        if code != 0:
            raise SystemExit(f"silobridge run failed (exit {code}); its output:\n{log.read_text()[-4000:]}")
        if profile is not None:
            render_profile(profile)
        accounting = silobridge_accounting(home)
        return Measurement(tool, wall, peak, accounting["core_feedback"], accounting, cpu)
    database = scratch / f"{tool}.duckdb"
    env = {**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false"}
    wall, peak, code, cpu = run_measured([sys.executable, str(PEERS / PEER_SCRIPTS[tool]), str(landing), str(database)],
                                    PEERS, log, env)
    if code != 0:
        raise SystemExit(f"{tool} failed (exit {code}); its output:\n{log.read_text()[-4000:]}")
    (rows,) = _count(database, "select count(*) from unified")
    return Measurement(tool, wall, peak, int(rows), cpu_s=cpu)


def render_profile(profile: Path) -> None:
    """The session as a call tree of application code in ``profile``; the ``.pyisession`` file stays beside it.

    Time spent inside DuckDB shows as the own time (``[self]``) of the Python function that called it.
    """
    session = str(profile.with_suffix(".pyisession"))
    subprocess.run([sys.executable, "-m", "pyinstrument", "--load", session, "--renderer", "text", "--no-color",
                    "--outfile", str(profile)], check=True)


def available(tool: str) -> bool:
    if tool != "dlt":
        return True
    try:
        import dlt  # noqa: F401
    except ImportError:
        return False
    return True


def check_rows(measurements: list[Measurement], generated: dict) -> list[str]:
    """What is wrong with the row counts; empty when every tool loaded the same rows."""
    problems = []
    written = sum(generated["rows_per_source"].values())
    for m in measurements:
        if m.tool == "silobridge":
            a = m.detail
            if a["rows_read"] != written:
                problems.append(f"silobridge read {a['rows_read']:,} rows, the files hold {written:,}")
            if a["rows_read"] != a["rows_loaded"] + a["rows_rejected"] + a["rows_duplicate"]:
                problems.append(f"silobridge: read {a['rows_read']:,} != loaded {a['rows_loaded']:,} + rejected "
                                f"{a['rows_rejected']:,} + duplicates {a['rows_duplicate']:,}")
            if a["core_feedback"] != a["rows_loaded"]:
                problems.append(f"silobridge: core.feedback has {a['core_feedback']:,} rows, meta.files says "
                                f"{a['rows_loaded']:,} were loaded")
    reference = next((m for m in measurements if m.tool == "silobridge"), measurements[0])
    for m in measurements:
        if m.rows != reference.rows:
            problems.append(f"{m.tool} loaded {m.rows:,} rows, {reference.tool} {reference.rows:,}")
    return problems


def summarise(measurements: list[Measurement]) -> list[Summary]:
    summaries = []
    for tool in TOOLS:
        runs = [m for m in measurements if m.tool == tool]
        if runs:
            walls = [m.wall_s for m in runs]
            summaries.append(Summary(tool, len(runs), statistics.median(walls), min(walls), max(walls),
                                     int(statistics.median(m.peak_rss_bytes for m in runs)), runs[0].rows,
                                     statistics.median(m.cpu_s for m in runs)))
    return summaries


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def table(summaries: list[Summary], rows: int) -> str:
    by_tool = {s.tool: s for s in summaries}
    ours = by_tool.get("silobridge")
    lines = ["| responses | tool | wall (median) | min–max | CPU (user+sys) | peak RSS | wall ÷ silobridge's "
             "| CPU ÷ silobridge's | peak ÷ silobridge's | rows loaded |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in summaries:
        wall_ratio = f"{s.wall_s / ours.wall_s:.2f}" if ours else "–"
        cpu_ratio = f"{s.cpu_s / ours.cpu_s:.2f}" if ours and ours.cpu_s else "–"
        peak_ratio = f"{s.peak_rss_bytes / ours.peak_rss_bytes:.2f}" if ours else "–"
        lines.append(f"| {rows:,} | {s.tool} | {s.wall_s:.1f} s | {s.wall_min_s:.1f}–{s.wall_max_s:.1f} s | "
                     f"{s.cpu_s:.1f} s | {s.peak_rss_bytes / 2**20:,.0f} MiB | {wall_ratio} | {cpu_ratio} | "
                     f"{peak_ratio} | {s.rows:,} |")
    return "\n".join(lines)


def targets(summaries: list[Summary]) -> list[str]:
    by_tool = {s.tool: s for s in summaries}
    ours, floor, dlt = by_tool.get("silobridge"), by_tool.get("floor"), by_tool.get("dlt")
    lines = []
    if ours and floor:
        lines.append(f"silobridge takes {ours.wall_s / floor.wall_s:.1f}x the floor's wall time, "
                     f"{ours.cpu_s / floor.cpu_s:.1f}x its CPU time and {ours.peak_rss_bytes / floor.peak_rss_bytes:.1f}x "
                     "its peak memory")
    if ours and dlt:
        verdict = "faster" if ours.wall_s < dlt.wall_s else "slower"
        lines.append(f"silobridge is {verdict} than dlt ({ours.wall_s:.2f} s vs {dlt.wall_s:.2f} s wall, "
                     f"{ours.cpu_s:.1f} s vs {dlt.cpu_s:.1f} s CPU)")
    if ours:
        lines.append(f"silobridge peak memory {ours.peak_rss_bytes / 2**30:.2f} GiB")
    return lines


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="responses across the three silos (default 1M)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool; the median is reported")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    parser.add_argument("--data", type=Path, help="where the generated exports are kept and reused "
                        "(default: a temporary folder, removed at the end)")
    parser.add_argument("--work", type=Path, help="scratch folder for the tools' outputs (default: temporary)")
    parser.add_argument("--silobridge-src", type=Path, default=REPO,
                        help="source tree whose `pipelines.cli` runs (default: this checkout)")
    parser.add_argument("--profile", type=Path, help="also profile one extra silobridge run with pyinstrument "
                        "(not timed with the others) and write its text report here")
    parser.add_argument("--json", type=Path, help="append the results to this JSON lines file")
    parser.add_argument("--keep", action="store_true", help="keep the tools' outputs")
    args = parser.parse_args(argv)

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools {sorted(unknown)}; expected some of {list(TOOLS)}")
    skipped = [t for t in tools if not available(t)]
    tools = [t for t in tools if t not in skipped]
    for tool in skipped:
        print(f"skipping {tool}: not installed (pip install -e '.[bench]')", file=sys.stderr)

    temporary = Path(tempfile.mkdtemp(prefix="silobridge-compare-"))
    data = args.data or temporary / "data"
    work = args.work or temporary / "work"
    try:
        generated = ensure_data(data, args.rows, args.seed)
        landing = data / "landing"
        load_before = load_average()
        measurements: list[Measurement] = []
        for attempt in range(args.repeat):
            for tool in tools:  # interleaved: drift in the machine's load hits every tool alike
                scratch = work / f"{tool}-{attempt}"
                shutil.rmtree(scratch, ignore_errors=True)
                m = run_tool(tool, landing, scratch, args.silobridge_src.resolve())
                measurements.append(m)
                print(f"  {tool:<10} run {attempt + 1}: {m.wall_s:7.2f} s  cpu {m.cpu_s:6.1f} s  {m.peak_rss_bytes / 2**20:7,.0f} MiB  "
                      f"{m.rows:,} rows  (load {load_average()})", file=sys.stderr, flush=True)
                if not args.keep:
                    shutil.rmtree(scratch, ignore_errors=True)
        load_after = load_average()
        if args.profile:
            scratch = work / "silobridge-profile"
            shutil.rmtree(scratch, ignore_errors=True)
            run_tool("silobridge", landing, scratch, args.silobridge_src.resolve(), profile=args.profile)
            if not args.keep:
                shutil.rmtree(scratch, ignore_errors=True)
        summaries = summarise(measurements)
        problems = check_rows(measurements, generated)
        result = {"rows": args.rows, "seed": args.seed, "repeat": args.repeat, "cpus": os.cpu_count(),
                  "load_before": load_before, "load_after": load_after,
                  "generated": generated, "summaries": [asdict(s) for s in summaries],
                  "measurements": [asdict(m) for m in measurements], "problems": problems,
                  "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        print(table(summaries, args.rows))
        for line in targets(summaries):
            print(f"- {line}")
        print(f"load average before {load_before}, after {load_after} ({os.cpu_count()} CPUs)")
        if args.json:
            with args.json.open("a") as handle:
                handle.write(json.dumps(result) + "\n")
        if problems:
            raise SystemExit("row counts differ:\n  " + "\n  ".join(problems))
        return result
    finally:
        if not args.keep:
            shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
