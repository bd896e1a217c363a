"""Why a run failed, in one line: what ``meta.runs.message`` records and ``silobridge run`` prints.

Read from the run's Dagster events, so a run launched by the schedule, the sensor or the UI of
``dagster dev`` is explained exactly as one started by ``silobridge run``.
"""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

__all__ = ["failure_message", "recorded_events"]

_EXPLAINING = {dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.ASSET_CHECK_EVALUATION}


def recorded_events(instance: dg.DagsterInstance, run_id: str) -> list[dg.DagsterEvent]:
    """The step failures and check results the instance has stored for the run so far."""
    return [record.dagster_event for record in instance.all_logs(run_id, of_type=_EXPLAINING)
            if record.dagster_event is not None]


def failure_message(events: Iterable[dg.DagsterEvent]) -> str | None:
    """None when no step failed; else the wrong specs, then the failed checks or else the first other error."""
    from pipelines.assets import SPEC_ERROR_PREFIX  # the assets use the resource that calls this

    events = list(events)
    failures = [event for event in events if event.is_step_failure]
    if not failures:
        return None
    spec_errors = [_described(event) for event in failures if event.step_key.startswith(SPEC_ERROR_PREFIX)]
    others = [event for event in failures if not event.step_key.startswith(SPEC_ERROR_PREFIX)]
    # A blocking check that fails also fails its step; its own explanation says more than the step's error.
    explained = _failed_checks(events) or [f"{event.step_key}: {_described(event)}" for event in others[:1]]
    return "; ".join(spec_errors + (explained if others else []))


def _failed_checks(events: list[dg.DagsterEvent]) -> list[str]:
    failed = []
    for event in events:
        evaluation = event.event_specific_data if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION else None
        if evaluation is not None and not evaluation.passed:
            failed.append(evaluation.description or f"{evaluation.asset_key.to_user_string()}: {evaluation.check_name}")
    return failed


def _described(event: dg.DagsterEvent) -> str:
    failure = event.step_failure_data
    if failure.user_failure_data and failure.user_failure_data.description:
        return failure.user_failure_data.description  # a dg.Failure: an error not worth retrying
    error = failure.error
    while error is not None and error.cause is not None and "dagster" in (error.cls_name or "").lower():
        error = error.cause  # past Dagster's wrappers to the error our code raised
    return error.message.strip() if error is not None else "the step failed"
