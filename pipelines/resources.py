"""The warehouse resource: where the home is, and how assets reach the pipeline database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from warehouse.db import pipeline_connection
from warehouse.home import Home
from warehouse.marts import MartSettings

__all__ = ["WarehouseResource"]


class WarehouseResource(dg.ConfigurableResource):
    """The silobridge home that the assets read from and write to."""

    home: str
    fatigue_limit: int = MartSettings.fatigue_limit

    @property
    def home_dir(self) -> Home:
        return Home(Path(self.home))

    @property
    def mart_settings(self) -> MartSettings:
        return MartSettings(fatigue_limit=self.fatigue_limit)

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with pipeline_connection(self.home_dir.pipeline_db) as connection:
            yield connection
