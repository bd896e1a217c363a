"""Time what a night costs once history is loaded: a run with 1% new files and a run with none.

    python benchmarks/incremental.py --rows 5000000
    python benchmarks/incremental.py --rows 1000000 --profile incremental.html

Generates N responses into a fresh home (not timed) and times, each as its own `silobridge run` process:
1. the full run that loads them all;
2. a run that finds nothing new (the fixed start-up; best of ``--repeat``);
3. a run after 1% new files landed (N/100 responses generated with another seed, under new names);
4. a run that finds nothing new again.
The target is: (3) <= (2) + 10% of (1). With ``--profile FILE``, run (3) runs under pyinstrument and
its HTML profile is written to FILE.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from samples import generate_silos
from run_pipeline import timed_run  # benchmarks/ is the script's folder, so first on sys.path


@dataclass(frozen=True)
class Timed:
    seconds: float
    peak_bytes: int
    output: str


def run(home: Path) -> Timed:
    """One `silobridge run` process: wall seconds, peak RSS and output."""
    return Timed(*timed_run(home))


def profiled_run(home: Path, profile: Path) -> Timed:
    """One `silobridge run` under pyinstrument (slower; peak memory not measured)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pyinstrument", "-r", "text" if profile.suffix == ".txt" else "html", "-o", str(profile),
                           "-m", "pipelines.cli", "run", "--home", str(home)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"silobridge run failed:\n{done.stdout}{done.stderr}")
    return Timed(time.perf_counter() - started, 0, done.stdout)


def best_of(home: Path, repeat: int) -> Timed:
    return min((run(home) for _ in range(repeat)), key=lambda timed: timed.seconds)


def land_new_files(home: Path | str, rows: int, seed: int) -> int:
    """Generate ``rows`` responses with another seed and move them into the landing folders under new names."""
    home = Path(home)
    staging = home.parent / "new_landing"
    summary = generate_silos(staging, rows=rows, seed=seed)
    for path in summary.files:
        target = home / "landing" / path.parent.name / f"new_{seed}_{path.name}"
        shutil.move(path, target)
    shutil.rmtree(staging)
    return sum(summary.rows_per_source.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--new-share", type=float, default=0.01, help="share of new responses in the second run")
    parser.add_argument("--repeat", type=int, default=3, help="no-op runs timed (the best is reported)")
    parser.add_argument("--profile", type=Path, default=None, help="write a pyinstrument HTML profile of run 3 here")
    parser.add_argument("--keep", action="store_true", help="keep the generated home")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="silobridge-incremental-"))
    home = root / "home"
    rows = sum(generate_silos(home / "landing", rows=args.rows, seed=args.seed).rows_per_source.values())
    full = run(home)
    print(f"full run, {rows:,} responses: {full.seconds:.2f} s, peak {full.peak_bytes / 2**20:,.0f} MiB", flush=True)
    noop = best_of(home, args.repeat)
    print(f"no new files (best of {args.repeat}): {noop.seconds:.2f} s, peak {noop.peak_bytes / 2**20:,.0f} MiB",
          flush=True)
    new_rows = land_new_files(home, max(1_000, round(rows * args.new_share)), args.seed + 1)
    incremental = profiled_run(home, args.profile) if args.profile else run(home)
    print(incremental.output)
    print(f"{new_rows:,} new responses ({new_rows / rows:.1%}): {incremental.seconds:.2f} s, "
          f"peak {incremental.peak_bytes / 2**20:,.0f} MiB", flush=True)
    after = best_of(home, args.repeat)
    print(f"no new files again (best of {args.repeat}): {after.seconds:.2f} s")
    # The night's target also needs a run on an empty home: targets.py measures it and gives the verdicts.
    print(f"the 1% night took {incremental.seconds / full.seconds:.1%} of the full run (targets: targets.py)")
    if args.keep:
        print(f"home kept at {home}")
    else:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
