"""``silobridge run``: the nightly job, executed in this process with a persistent Dagster instance.

The run shows up in ``dagster dev`` of the same home like any scheduled run.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from warehouse.db import pipeline_connection
from warehouse.home import Home
from warehouse.lock import writer_lock
from warehouse.refresh import reset_for_full_refresh
from warehouse.runs import finish_run

__all__ = ["RunOutcome", "run_pipeline"]

# Our own progress lines say what happened; Dagster's console log would repeat it with stack traces.
_QUIET_DAGSTER = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    success: bool
    error: str | None = None


def _instance(home: Home):
    import dagster as dg

    home.create()
    config = home.dagster / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    return dg.DagsterInstance.from_config(str(home.dagster))


def _failed_checks(result) -> list[str]:
    """The explanations of failed asset checks (a blocking check fails the run)."""
    failed = []
    for event in result.all_events:
        evaluation = event.event_specific_data if event.event_type_value == "ASSET_CHECK_EVALUATION" else None
        if evaluation is not None and not evaluation.passed:
            failed.append(evaluation.description or f"{evaluation.asset_key.to_user_string()}: {evaluation.check_name}")
    return failed


def _first_failure(result) -> str:
    checks = _failed_checks(result)
    if checks:
        return "; ".join(checks)
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error.cause is not None and "dagster" in (error.cls_name or "").lower():
                error = error.cause
            return f"{event.step_key}: {error.message.strip()}"
    return "the run failed"


def run_pipeline(home: Home, full_refresh: bool = False) -> RunOutcome:
    """Materialise every asset of the home's nightly job; a failure keeps the published warehouse as it was.

    Raises :class:`warehouse.lock.HomeBusy` at once when another run holds the home.
    """
    from pipelines.definitions import JOB_NAME, build_definitions

    definitions = build_definitions(home)
    job = definitions.resolve_job_def(JOB_NAME)
    run_id = str(uuid.uuid4())
    with writer_lock(home, run_id):
        if full_refresh:
            with pipeline_connection(home.pipeline_db) as connection:
                files = reset_for_full_refresh(connection)
            logging.getLogger("silobridge.progress").info("full refresh: %d file(s) go through staging again", files)
        with _instance(home) as instance:
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=_QUIET_DAGSTER,
                                            run_id=run_id)
        if result.success:
            return RunOutcome(result.run_id, True)
        return _record_failure(home, result)


def _record_failure(home: Home, result) -> RunOutcome:
    error = _first_failure(result)
    logging.getLogger("silobridge.progress").error("run failed: %s", error)
    with pipeline_connection(home.pipeline_db) as connection:
        finish_run(connection, result.run_id, "failed", error)
    return RunOutcome(result.run_id, False, error)
