"""The nightly schedule: 02:00 UTC unless ``SILOBRIDGE_SCHEDULE_CRON`` / ``SILOBRIDGE_SCHEDULE_TIMEZONE`` say otherwise."""

from __future__ import annotations

import os

from typing import Any

import dagster as dg

__all__ = ["nightly_schedule", "DEFAULT_CRON", "DEFAULT_TIMEZONE"]

DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "UTC"


def nightly_schedule(job: dg.JobDefinition | Any) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="nightly_schedule",
        job=job,
        cron_schedule=os.environ.get("SILOBRIDGE_SCHEDULE_CRON", DEFAULT_CRON),
        execution_timezone=os.environ.get("SILOBRIDGE_SCHEDULE_TIMEZONE", DEFAULT_TIMEZONE),
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Loads whatever landed since the last run, every night.",
    )
