"""What `dagster dev -m pipelines` shows: assets per spec, the nightly schedule and the landing sensor."""

from __future__ import annotations

import shutil

import dagster as dg

from pipelines.definitions import JOB_NAME, build_definitions
from schemas import builtin_sources_dir
from warehouse.home import Home

from conftest import write_seed_landing


def _asset_names(definitions: dg.Definitions) -> set[str]:
    return {key.to_user_string() for key in definitions.resolve_asset_graph().get_all_asset_keys()}


def test_definitions_load_with_assets_schedule_and_sensor(home: Home) -> None:
    definitions = build_definitions(home)
    assert {"service_followup_raw", "service_followup_staging", "sales_lost_business_raw",
            "product_planning_xlsx_staging", "feedback", "accounts", "account_360", "survey_fatigue",
            "published_warehouse"} <= _asset_names(definitions)
    schedule = definitions.resolve_schedule_def("nightly_schedule")
    assert schedule.cron_schedule == "0 2 * * *" and schedule.execution_timezone == "UTC"
    assert definitions.resolve_sensor_def("landing_sensor") is not None
    assert definitions.resolve_job_def(JOB_NAME) is not None


def test_schedule_is_configurable(home: Home, monkeypatch) -> None:
    monkeypatch.setenv("SILOBRIDGE_SCHEDULE_CRON", "30 3 * * 1-5")
    monkeypatch.setenv("SILOBRIDGE_SCHEDULE_TIMEZONE", "Europe/Berlin")
    schedule = build_definitions(home).resolve_schedule_def("nightly_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 3 * * 1-5", "Europe/Berlin")


def test_a_new_spec_is_a_new_asset_without_code(home: Home) -> None:
    for spec in builtin_sources_dir().glob("*.yaml"):
        shutil.copy(spec, home.sources / spec.name)
    extra = (home.sources / "service_followup.yaml").read_text().replace("name: service_followup", "name: onboarding_nps")
    (home.sources / "onboarding_nps.yaml").write_text(extra.replace("landing/service/", "landing/onboarding/"))
    assert {"onboarding_nps_raw", "onboarding_nps_staging"} <= _asset_names(build_definitions(home))


def test_landing_sensor_requests_a_run_only_for_new_files(home: Home) -> None:
    sensor = build_definitions(home).resolve_sensor_def("landing_sensor")
    with dg.instance_for_test() as instance:
        empty = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
        assert not empty.run_requests
        write_seed_landing(home)
        first = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=empty.cursor))
        assert len(first.run_requests) == 1
        again = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=first.cursor))
        assert not again.run_requests
        (home.landing / "service" / "followup_2024-04.csv").write_text("ticket_id\n")
        more = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=again.cursor))
        assert len(more.run_requests) == 1 and more.run_requests[0].run_key != first.run_requests[0].run_key


def test_the_module_exposes_defs_for_dagster_dev(home: Home, monkeypatch) -> None:
    monkeypatch.setenv("SILOBRIDGE_HOME", str(home.root))
    import pipelines

    assert isinstance(pipelines.defs, dg.Definitions)
    assert "defs" in dir(pipelines)
