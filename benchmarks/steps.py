"""Where a run's time went, step by step, read from the Dagster events the run left in its home.

    python benchmarks/steps.py --home /path/to/home            # the latest run with work
    python benchmarks/steps.py --home /path/to/home --run RUN_ID

Every asset of a run is one Dagster step, run one after the other in the ``silobridge run`` process; the
instance under ``<home>/.dagster`` keeps when each started and ended. The steps fall in three parts: the
start-up (before the first step: imports, the nothing-new check, Dagster's instance, the run record), the
new data (landing, staging, validation, the merge: they cost what the night brings) and the history (account
resolution, marts, publish, and closing the pipeline database after the last step: today they cost what the
warehouse holds). The issue's target bounds the last part.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

__all__ = ["StepTime", "RunSteps", "run_steps", "history_seconds", "HISTORY_PARTS"]

# Steps whose work grows with the warehouse rather than with the night's new files (marts are added by name).
HISTORY_STEPS = ("accounts", "published_warehouse")


@dataclass(frozen=True)
class StepTime:
    step: str
    started: float  # epoch seconds
    ended: float

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass(frozen=True)
class RunSteps:
    run_id: str
    steps: tuple[StepTime, ...]  # in the order they started

    def seconds(self, step: str) -> float:
        return sum(s.seconds for s in self.steps if s.step == step)

    def parts(self, process_started: float, process_ended: float) -> dict[str, float]:
        """Seconds of each part of the run, summing to the process's wall time."""
        from warehouse.marts import mart_names

        marts = mart_names()
        first, last = self.steps[0].started, max(s.ended for s in self.steps)
        history = set(HISTORY_STEPS) | set(marts)
        in_steps = sum(s.seconds for s in self.steps)
        parts = {"start-up (before the first step)": first - process_started,
                 "new data (landing, staging, validation, merge)": sum(
                     s.seconds for s in self.steps if s.step not in history),
                 "accounts": self.seconds("accounts"),
                 "marts": sum(self.seconds(m) for m in marts),
                 "publish": self.seconds("published_warehouse"),
                 "Dagster between steps": (last - first) - in_steps,
                 "after the last step (closing, checkpoint, exit)": process_ended - last}
        return parts


HISTORY_PARTS = ("accounts", "marts", "publish", "after the last step (closing, checkpoint, exit)")


def history_seconds(parts: dict[str, float]) -> float:
    """The part of a run that grows with the history: accounts, marts, publish and closing the database."""
    return sum(parts[k] for k in HISTORY_PARTS)


def run_steps(home: Path, run_id: str | None = None) -> RunSteps:
    """The steps of ``run_id`` (default: the latest run Dagster executed in the home), with their times."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home / ".dagster")) as instance:
        if run_id is None:
            runs = instance.get_runs(limit=1)
            if not runs:
                raise SystemExit(f"no Dagster run in {home}: a run that found nothing new never starts Dagster")
            run_id = runs[0].run_id
        kinds = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
        started: dict[str, float] = {}
        steps = []
        for record in instance.all_logs(run_id, of_type=kinds):
            if record.dagster_event.event_type == dg.DagsterEventType.STEP_START:
                started[record.step_key] = record.timestamp
            elif record.step_key in started:
                steps.append(StepTime(record.step_key, started.pop(record.step_key), record.timestamp))
    return RunSteps(run_id, tuple(sorted(steps, key=lambda s: s.started)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--run", help="a run id (default: the latest run with work)")
    args = parser.parse_args()
    run = run_steps(args.home, args.run)
    print(f"run {run.run_id}")
    for step in sorted(run.steps, key=lambda s: -s.seconds):
        print(f"{step.seconds:8.2f} s  {step.step}")
    print(f"{sum(s.seconds for s in run.steps):8.2f} s  in steps")


if __name__ == "__main__":
    main()
