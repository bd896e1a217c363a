"""Time a full `silobridge run` on N generated responses across the three seed silos.

    python benchmarks/run_pipeline.py --rows 1000000

Generates the sample exports into a fresh home (not timed), then runs `silobridge run` as its own
process and reports wall time, rows per second and the process's peak memory (max RSS).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from samples import generate_silos


def timed_run(home: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes and output of one `silobridge run` process."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--home", str(home)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"silobridge run failed:\n{output}")
    return elapsed, usage.ru_maxrss * 1024, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the generated home")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="silobridge-bench-"))
    home = root / "home"
    summary = generate_silos(home / "landing", rows=args.rows, seed=args.seed)
    rows = sum(summary.rows_per_source.values())
    elapsed, peak, output = timed_run(home)
    print(output)
    print(f"responses: {rows:,}  wall: {elapsed:.2f} s  rows/s: {rows / elapsed:,.0f}  "
          f"peak memory: {peak / 2**20:,.0f} MiB")
    if not args.keep:
        subprocess.run(["rm", "-rf", str(root)], check=False)
    else:
        print(f"home kept at {home}")


if __name__ == "__main__":
    main()
