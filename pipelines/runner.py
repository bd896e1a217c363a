"""``silobridge run``: the nightly job, executed in this process with a persistent Dagster instance.

The run shows up in ``dagster dev`` of the same home like any scheduled run. A run that finds no new
landing file, and nothing else changed since the last publish (:mod:`warehouse.fingerprint`), stops before
Dagster is even imported: it is recorded in ``meta.runs`` and the published warehouse stays as it is.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from schemas.spec import SourceSpec
from warehouse.db import pipeline_connection
from warehouse.home import Home
from warehouse.lock import writer_lock
from warehouse.refresh import reset_for_full_refresh
from warehouse.runs import finish_run, start_run
from warehouse.sources import HomeSources, read_sources
from warehouse.validation import start_importing_gx

__all__ = ["RunOutcome", "run_pipeline"]

progress = logging.getLogger("silobridge.progress")

# Our own progress lines say what happened; Dagster's console log would repeat it with stack traces.
_QUIET_DAGSTER = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    success: bool
    error: str | None = None
    nothing_new: bool = False
    published: bool = False  # a run that failed only for wrong specs still loads and publishes the other sources
    builtin_unused: tuple[str, ...] = ()  # seed silos not loaded because the home declares its own sources


def _instance(home: Home):
    import dagster as dg

    home.create()
    config = home.dagster / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    return dg.DagsterInstance.from_config(str(home.dagster))


def run_pipeline(home: Home, full_refresh: bool = False) -> RunOutcome:
    """Materialise every asset of the home's nightly job; a failure keeps the published warehouse as it was.

    Raises :class:`warehouse.lock.HomeBusy` at once when another run holds the home.
    """
    home.settings()  # a wrong silobridge.yaml is refused before anything runs
    sources = read_sources(home)  # a wrong spec fails the run, but only after the other sources loaded
    specs = sources.specs
    _say_what_is_not_loaded(sources)
    run_id = str(uuid.uuid4())
    with writer_lock(home, run_id):
        if not full_refresh and not sources.errors and _finished_when_nothing_new(home, specs, run_id):
            return RunOutcome(run_id, True, nothing_new=True, builtin_unused=tuple(sources.builtin_unused))
        # A run with work validates: GX's import overlaps with Dagster's start-up and the landing.
        start_importing_gx()
        if full_refresh:
            with pipeline_connection(home) as connection:
                plan = reset_for_full_refresh(connection)
            progress.info("full refresh: %d file(s) go through staging again%s%s", plan.replayed,
                          f"; {plan.retried} file(s) rejected before are read again" if plan.retried else "",
                          f"; {plan.kept} older file(s) past raw_retention_days cannot be replayed and keep "
                          "their loaded responses" if plan.kept else "")
        from pipelines.definitions import JOB_NAME, build_definitions

        job = build_definitions(home).resolve_job_def(JOB_NAME)
        with _instance(home) as instance:
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=_QUIET_DAGSTER,
                                            run_id=run_id)
        if result.success:
            return RunOutcome(result.run_id, True, builtin_unused=tuple(sources.builtin_unused))
        return _failed(result)


def _say_what_is_not_loaded(sources: HomeSources) -> None:
    if sources.builtin_unused:
        progress.warning("built-in seed sources not loaded: %s (the home declares its own sources; keep them with "
                         "`builtin_sources: true` in silobridge.yaml)", ", ".join(sources.builtin_unused))


def _finished_when_nothing_new(home: Home, specs: list[SourceSpec], run_id: str) -> bool:
    """Record a run that has nothing to do and say so; False when there is work."""
    from warehouse.fingerprint import nothing_new
    from warehouse.raw import prune_raw

    with pipeline_connection(home) as connection:
        n_files = nothing_new(connection, home, specs)
        if n_files is None:
            return False
        start_run(connection, run_id)
        for spec in specs:  # raw retention applies on quiet nights too
            prune_raw(connection, spec, home.settings().raw_retention_days, run_id)
        finish_run(connection, run_id, "success", "nothing new; the published warehouse is unchanged")
    progress.info("nothing new: %d landing file(s), all loaded before; the published warehouse is unchanged",
                  n_files)
    return True


def _failed(result) -> RunOutcome:
    from pipelines.run_failures import failure_message

    # meta.runs already says so: the warehouse resource closed the run's row with the same message.
    error = failure_message(result.all_events) or "the run failed"
    progress.error("run failed: %s", error)
    return RunOutcome(result.run_id, False, error, published=result.is_node_success("published_warehouse"))
