"""The landing sensor and the nightly schedule through Dagster's own machinery, as `dagster dev -m pipelines` runs them.

A persistent Dagster instance in the home, the sensor and schedule evaluated by Dagster, and the runs they
request executed by Dagster against the same instance: only new files start a run, and a scheduled night
with nothing new leaves the published warehouse alone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import dagster as dg
import pytest
from dagster._core.definitions.sensor_definition import SensorExecutionData

from pipelines.definitions import JOB_NAME, build_definitions
from warehouse.home import Home
from warehouse.report import report_data

from conftest import query, write_seed_landing

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)


def _tick(definitions: dg.Definitions, instance: dg.DagsterInstance, cursor: str | None) -> SensorExecutionData:
    sensor = definitions.resolve_sensor_def("landing_sensor")
    with dg.build_sensor_context(instance=instance, cursor=cursor, definitions=definitions) as context:
        return sensor.evaluate_tick(context)


def _launch(definitions: dg.Definitions, instance: dg.DagsterInstance, request: dg.RunRequest) -> dg.ExecuteInProcessResult:
    job = definitions.resolve_job_def(JOB_NAME)
    return job.execute_in_process(instance=instance, tags={**request.tags, "dagster/run_key": request.run_key})


def test_the_sensor_starts_runs_only_for_new_files_and_the_schedule_runs_the_nightly_job(home: Home,
                                                                                        monkeypatch) -> None:
    monkeypatch.setenv("SILOBRIDGE_PII_SALT", "test-salt")
    write_seed_landing(home)
    definitions = build_definitions(home)
    with dg.instance_for_test(temp_dir=str(home.dagster)) as instance:
        first = _tick(definitions, instance, None)
        assert len(first.run_requests) == 1 and first.run_requests[0].tags["silobridge/new_files"] == "4"
        assert _launch(definitions, instance, first.run_requests[0]).success
        [(loaded,)] = query(home.warehouse_db, "select count(*) from core.feedback")

        quiet = _tick(definitions, instance, first.cursor)
        assert not quiet.run_requests and quiet.skip_message == "no new landing files"

        (home.landing / "service" / "followup_2024-04.csv").write_text(
            "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"
            "ZD-9,al@acme.com,ACME,2024-04-02T10:00:00Z,5,1,Billing,,Billing,EMEA\n")
        new = _tick(definitions, instance, quiet.cursor)
        assert len(new.run_requests) == 1 and new.run_requests[0].tags["silobridge/new_files"] == "1"
        assert new.run_requests[0].run_key != first.run_requests[0].run_key
        assert _launch(definitions, instance, new.run_requests[0]).success
        assert query(home.warehouse_db, "select count(*) from core.feedback") == [(loaded + 1,)]
        assert not _tick(definitions, instance, new.cursor).run_requests

        published = home.warehouse_db.stat().st_ino
        schedule = definitions.resolve_schedule_def("nightly_schedule")
        tonight = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.timezone.utc)
        with dg.build_schedule_context(instance=instance, scheduled_execution_time=tonight) as context:
            scheduled = schedule.evaluate_tick(context)
        assert len(scheduled.run_requests) == 1
        result = definitions.resolve_job_def(JOB_NAME).execute_in_process(instance=instance,
                                                                         tags=scheduled.run_requests[0].tags)
        assert result.success
        assert home.warehouse_db.stat().st_ino == published  # nothing new: the warehouse was not swapped
        runs = instance.get_run_records(dg.RunsFilter(job_name=JOB_NAME))
        assert len(runs) == 3 and {r.dagster_run.status for r in runs} == {dg.DagsterRunStatus.SUCCESS}
    assert query(home.pipeline_db, "select count(*), count(*) filter (where status = 'success') from meta.runs") \
        == [(3, 3)]


def test_dagster_loads_the_code_location_as_dagster_dev_does(home: Home) -> None:
    env = {**os.environ, "SILOBRIDGE_HOME": str(home.root), "DAGSTER_HOME": str(home.dagster)}
    (home.dagster / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
    result = subprocess.run([dagster, "definitions", "validate", "-m", "pipelines"], capture_output=True, text=True,
                            timeout=300, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All code locations passed validation." in result.stdout + result.stderr


def _report_payload(home: Home) -> dict:
    page = (home.reports / "feedback.html").read_text(encoding="utf-8")
    start = page.index("<script type='application/json' id='report-data'>") + len(
        "<script type='application/json' id='report-data'>")
    return json.loads(page[start:page.index("</script>", start)].replace("<\\/", "</"))


def test_the_report_is_rebuilt_with_the_warehouse_by_the_dagster_job(home: Home, monkeypatch) -> None:
    monkeypatch.setenv("SILOBRIDGE_PII_SALT", "test-salt")
    write_seed_landing(home)
    definitions = build_definitions(home)
    job = definitions.resolve_job_def(JOB_NAME)
    with dg.instance_for_test(temp_dir=str(home.dagster)) as instance:
        assert job.execute_in_process(instance=instance).success
        first = _report_payload(home)
        assert first == json.loads(json.dumps(report_data(home.warehouse_db), default=str))

        (home.landing / "service" / "followup_2024-04.csv").write_text(
            "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"
            "ZD-9,al@acme.com,ACME,2024-04-02T10:00:00Z,1,7,Outage,,Billing,EMEA\n")
        assert job.execute_in_process(instance=instance).success
        second = _report_payload(home)
        assert second == json.loads(json.dumps(report_data(home.warehouse_db), default=str))
        assert second != first and {"month": "2024-04", "series": "service csat", "value": 0.0} in second["score_trends"]


def _runs(home: Home) -> list[tuple]:
    return query(home.pipeline_db, "select run_id, status, message from meta.runs order by started_at")


def _scheduled_run(definitions: dg.Definitions, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    """The schedule's run request executed as `dagster dev` executes it: no `silobridge run` around it."""
    schedule = definitions.resolve_schedule_def("nightly_schedule")
    tonight = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.timezone.utc)
    with dg.build_schedule_context(instance=instance, scheduled_execution_time=tonight) as context:
        [request] = schedule.evaluate_tick(context).run_requests
    return definitions.resolve_job_def(JOB_NAME).execute_in_process(instance=instance, tags=request.tags,
                                                                    raise_on_error=False)


def _break_service_timezone(home: Home) -> None:
    """A spec that passes its checks but names a zone DuckDB does not know, and an export whose times need it:
    the staging step raises."""
    spec = home.sources / "service_followup.yaml"
    spec.write_text(spec.read_text().replace("{column: survey_sent_at}",
                                             "{column: survey_sent_at, timezone: Mars/Olympus_Mons}"))
    (home.landing / "service" / "followup_2024-04.csv").write_text(
        "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"
        "ZD-9,al@acme.com,ACME,2024-04-02 10:00:00,5,1,Billing,,Billing,EMEA\n")


def test_a_failing_scheduled_run_is_recorded_failed_with_its_error_and_the_next_good_run_success(
        home: Home, monkeypatch) -> None:
    monkeypatch.setenv("SILOBRIDGE_PII_SALT", "test-salt")
    write_seed_landing(home)
    _break_service_timezone(home)
    with dg.instance_for_test(temp_dir=str(home.dagster)) as instance:
        failed = _scheduled_run(build_definitions(home), instance)
        assert not failed.success and failed.get_failed_step_keys() == {"service_followup_staging"}
        [(run_id, status, message)] = _runs(home)
        assert (run_id, status) == (failed.run_id, "failed")
        assert message.startswith("service_followup_staging: ") and "Mars/Olympus_Mons" in message

        write_seed_landing(home)  # the spec repaired
        repaired = _scheduled_run(build_definitions(home), instance)
        assert repaired.success
    assert _runs(home) == [(failed.run_id, "failed", message), (repaired.run_id, "success", None)]
    assert query(home.warehouse_db, "select count(*) from core.feedback where source_response_id = 'ZD-9'") == [(1,)]


def test_runs_of_a_few_assets_from_the_ui_open_and_close_their_row_too(home: Home, monkeypatch) -> None:
    monkeypatch.setenv("SILOBRIDGE_PII_SALT", "test-salt")
    write_seed_landing(home)
    definitions = build_definitions(home)
    # The UI's "Materialize selected" runs the implicit asset job, which has none of the nightly job's hooks.
    assets = definitions.resolve_implicit_global_asset_job_def()
    with dg.instance_for_test(temp_dir=str(home.dagster)) as instance:
        raw = assets.execute_in_process(instance=instance, asset_selection=[dg.AssetKey("service_followup_raw")])
        accounts = assets.execute_in_process(instance=instance, asset_selection=[dg.AssetKey("accounts")])
        _break_service_timezone(home)
        staging = build_definitions(home).resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance, asset_selection=[dg.AssetKey("service_followup_raw"), dg.AssetKey("service_followup_staging")],
            raise_on_error=False)
    assert raw.success and accounts.success and not staging.success
    runs = _runs(home)
    assert [(run_id, status) for run_id, status, _ in runs] == [
        (raw.run_id, "success"), (accounts.run_id, "success"), (staging.run_id, "failed")]
    assert "Mars/Olympus_Mons" in runs[2][2]
