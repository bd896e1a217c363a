"""The warehouse resource: where the home is, the one connection a run's assets share, and the run's row in meta.runs.

The resource opens and closes the run's ``meta.runs`` row rather than the assets: the in-process executor
sets it up once before the run's first step and tears it down after its last, also when a step fails, whatever
the run's selection and however it was launched (``silobridge run``, the schedule, the sensor, the UI of
``dagster dev``). A run whose steps none use the warehouse (only a wrong spec's asset) has no row; a run
killed outright never reaches the teardown, and the next run marks its row abandoned.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from warehouse.db import connect_pipeline, ensure_pipeline_schema
from warehouse.home import Home
from warehouse.lock import writer_lock
from warehouse.marts import MartSettings
from warehouse.runs import finish_run, start_run

from pipelines.run_failures import failure_message, recorded_events

__all__ = ["WarehouseResource"]


class WarehouseResource(dg.ConfigurableResource):
    """The silobridge home that the assets read from and write to.

    The pipeline database is opened once per run (the job runs in one process) rather than once per
    asset: opening it replays its log and defines the macros, which costs more than most steps.
    """

    home: str
    fatigue_limit: int = MartSettings.fatigue_limit
    min_respondents: int = MartSettings.min_respondents
    _connection: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _lock: ExitStack | None = PrivateAttr(default=None)

    @property
    def home_dir(self) -> Home:
        return Home(Path(self.home))

    @property
    def mart_settings(self) -> MartSettings:
        return MartSettings(fatigue_limit=self.fatigue_limit, min_respondents=self.min_respondents)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self.home_dir.create()
        self._lock = ExitStack()
        self._lock.enter_context(writer_lock(self.home_dir, context.run_id or "unknown"))  # scheduled runs too
        self._connection = connect_pipeline(self.home_dir)
        ensure_pipeline_schema(self._connection)
        start_run(self._connection, context.run_id or "unknown")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._connection is not None:
            try:
                self._finish_run(context)
            finally:
                self._connection.close()
                self._connection = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _finish_run(self, context: dg.InitResourceContext) -> None:
        # Every step has finished (or failed) by now, and each failure is already in the instance's event log.
        run_id = context.run_id or "unknown"
        error = failure_message(recorded_events(context.instance, run_id)) if context.instance else None
        finish_run(self._connection, run_id, "failed" if error else "success", error)

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._connection is None:
            raise RuntimeError("the warehouse resource is used outside a Dagster run")
        yield self._connection
