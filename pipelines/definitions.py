"""Everything Dagster shows for one home: assets from the specs, the nightly job, schedule and sensor."""

from __future__ import annotations

import dagster as dg

from warehouse.home import Home, owner_only_files
from warehouse.sources import read_sources

from pipelines.assets import all_assets
from pipelines.checks import validation_checks
from pipelines.hooks import alert_on_failure
from pipelines.resources import WarehouseResource
from pipelines.schedules import nightly_schedule
from pipelines.sensors import landing_sensor

__all__ = ["build_definitions", "JOB_NAME"]

JOB_NAME = "nightly"


def build_definitions(home: Home) -> dg.Definitions:
    owner_only_files()  # `dagster dev` writes run logs with respondents' data into the home as well
    sources = read_sources(home)  # a wrong spec fails its own asset; the other sources still load
    specs = sources.specs
    # One process: DuckDB allows a single writer, so steps must not run in parallel processes.
    job = dg.define_asset_job(JOB_NAME, selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor,
                              hooks={alert_on_failure},
                              description="Load new landing files, validate, resolve accounts, rebuild marts, publish.")
    return dg.Definitions(
        assets=all_assets(specs, sources.errors),
        asset_checks=validation_checks(specs),
        jobs=[job],
        schedules=[nightly_schedule(job)],
        sensors=[landing_sensor(home, specs, job)],
        resources={"warehouse": WarehouseResource(home=str(home.root))},
        executor=dg.in_process_executor,
    )

