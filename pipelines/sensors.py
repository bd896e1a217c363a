"""The landing sensor: requests a run when a file appears (or changes) in a source's landing folder.

Its cursor holds the size and modification time of every landing file it has seen, so only new work
triggers a run; the run itself decides by content hash what is really new.
"""

import hashlib
import json

from typing import Any

import dagster as dg

from schemas.spec import SourceSpec
from warehouse.home import Home
from warehouse.raw import landing_files

__all__ = ["landing_sensor", "landing_snapshot"]


def landing_snapshot(home: Home, specs: list[SourceSpec]) -> dict[str, str]:
    """Every landing file of every source, with its size and modification time."""
    snapshot = {}
    for spec in specs:
        for path in landing_files(home, spec):
            stat = path.stat()
            snapshot[path.relative_to(home.root).as_posix()] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return snapshot


def landing_sensor(home: Home, specs: list[SourceSpec], job: dg.JobDefinition | Any) -> dg.SensorDefinition:
    @dg.sensor(name="landing_sensor", job=job, minimum_interval_seconds=60,
               default_status=dg.DefaultSensorStatus.RUNNING,
               description="Starts a run when new files land in a source's landing folder.")
    def landing(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        seen = json.loads(context.cursor or "{}")
        current = landing_snapshot(home, specs)
        new = sorted(name for name, stamp in current.items() if seen.get(name) != stamp)
        if not new:
            return dg.SensorResult(skip_reason="no new landing files", cursor=json.dumps(current))
        run_key = hashlib.sha256(json.dumps([[n, current[n]] for n in new]).encode()).hexdigest()[:24]
        return dg.SensorResult(run_requests=[dg.RunRequest(run_key=run_key, tags={"silobridge/new_files": str(len(new))})],
                               cursor=json.dumps(current))

    return landing
