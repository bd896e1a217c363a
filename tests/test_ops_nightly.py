"""Nightly operations with real processes: quiet nights, raw retention, schema drift, transient failures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from warehouse.home import Home

from conftest import query, silobridge

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

SERVICE_HEADER = "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team"


def _stat(home: Home) -> tuple[int, int]:
    stat = home.warehouse_db.stat()
    return stat.st_ino, stat.st_mtime_ns


def _runs(home: Home) -> list[tuple]:
    return query(home.pipeline_db, "select status, message from meta.runs order by started_at")


def _feedback(home: Home) -> list[tuple]:
    return query(home.warehouse_db,
                 "select * exclude (run_id, loaded_at) from core.feedback order by feedback_id")


def _land_service_file(home: Home, name: str, text: str) -> None:
    (home.landing / "service" / name).write_text(text, encoding="utf-8")


def test_a_run_with_nothing_new_is_quick_recorded_and_leaves_the_warehouse_alone(seeded_home: Home) -> None:
    assert silobridge("run", "--home", str(seeded_home.root)).returncode == 0
    before, content = _stat(seeded_home), _feedback(seeded_home)
    env = {**os.environ, "SILOBRIDGE_PII_SALT": "test-salt"}
    started = time.monotonic()
    quiet = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipelines.cli", "run",
                            "--home", str(seeded_home.root)], capture_output=True, text=True, timeout=120, env=env)
    elapsed = time.monotonic() - started
    assert quiet.returncode == 0, quiet.stderr
    assert elapsed < 5, f"a run with nothing new took {elapsed:.1f} s"
    assert "nothing new: 4 landing file(s), all loaded before; the published warehouse is unchanged" in quiet.stdout
    imported = {line.split("|")[-1].strip() for line in quiet.stderr.splitlines() if line.startswith("import time:")}
    assert not {"dagster", "great_expectations", "pandas", "scipy"} & imported  # nothing the run does not use
    assert _stat(seeded_home) == before and _feedback(seeded_home) == content
    assert _runs(seeded_home) == [("success", None), ("success", "nothing new; the published warehouse is unchanged")]


def test_a_changed_spec_is_not_a_quiet_night(seeded_home: Home) -> None:
    assert silobridge("run", "--home", str(seeded_home.root)).returncode == 0
    spec = seeded_home.sources / "service_followup.yaml"
    spec.write_text(spec.read_text().replace("survey: Post-ticket follow-up", "survey: After-ticket survey"))
    result = silobridge("run", "--home", str(seeded_home.root))
    assert result.returncode == 0, result.stderr
    assert "nothing new" not in result.stdout and "published_warehouse              published" in result.stdout


def test_raw_retention_deletes_old_raw_rows_and_full_refresh_keeps_their_responses(seeded_home: Home) -> None:
    seeded_home.settings_file.write_text("raw_retention_days: 30\n")
    assert silobridge("run", "--home", str(seeded_home.root)).returncode == 0
    old_file = "landing/service/followup_2024-03.csv"
    connection = duckdb.connect(str(seeded_home.pipeline_db))
    file_id = connection.execute("update meta.files set processed_at = processed_at - interval 40 days "
                                 "where source_file = ? returning file_id", [old_file]).fetchall()[0][0]
    connection.close()
    _land_service_file(seeded_home, "followup_2024-04.csv",
                       f"{SERVICE_HEADER}\nZD-9,al@acme.com,ACME,2024-04-02T10:00:00Z,5,1,Billing,,Billing,EMEA\n")
    result = silobridge("run", "--home", str(seeded_home.root))
    assert result.returncode == 0, result.stderr
    assert "raw rows of 1 file(s) past raw_retention_days deleted" in result.stdout
    assert query(seeded_home.pipeline_db, "select count(*) from raw.service_followup where _file_id = ?"
                 .replace("?", f"'{file_id}'")) == [(0,)]
    assert query(seeded_home.pipeline_db, "select source_file, n_rows from meta.raw_retention") == [(old_file, 5)]
    assert query(seeded_home.pipeline_db, f"select status from meta.files where file_id = '{file_id}'") == [("loaded",)]
    content = _feedback(seeded_home)
    assert {"ZD-1", "ZD-2", "ZD-4", "ZD-9"} <= {row[4] for row in content}  # source_response_id
    refresh = silobridge("run", "--full-refresh", "--home", str(seeded_home.root))
    assert refresh.returncode == 0, refresh.stderr
    assert ("full refresh: 4 file(s) go through staging again; 1 older file(s) past raw_retention_days "
            "cannot be replayed and keep their loaded responses") in refresh.stdout
    assert _feedback(seeded_home) == content


def test_a_wrong_settings_file_is_refused_naming_the_key(seeded_home: Home) -> None:
    seeded_home.settings_file.write_text("raw_retention_days: -1\n")
    result = silobridge("run", "--home", str(seeded_home.root))
    assert result.returncode == 2
    assert f"{seeded_home.settings_file}: key 'raw_retention_days'" in result.stderr


def test_schema_drift_new_columns_are_kept_missing_ones_warned_required_ones_reject(seeded_home: Home) -> None:
    assert silobridge("run", "--home", str(seeded_home.root)).returncode == 0
    _land_service_file(seeded_home, "followup_2024-04.csv",
                       f"{SERVICE_HEADER},nps_reason\n"
                       "ZD-9,al@acme.com,ACME,2024-04-02T10:00:00Z,5,1,Billing,,Billing,EMEA,fast answer\n")
    _land_service_file(seeded_home, "followup_2024-05.csv",  # lost an optional column, agent_team
                       SERVICE_HEADER.removesuffix(",agent_team")
                       + "\nZD-10,al@acme.com,ACME,2024-05-02T10:00:00Z,4,2,Billing,,Billing\n")
    _land_service_file(seeded_home, "followup_2024-06.csv",  # lost a required column, csat
                       SERVICE_HEADER.replace(",csat", "")
                       + "\nZD-11,al@acme.com,ACME,2024-06-02T10:00:00Z,2,Billing,,Billing,EMEA\n")
    result = silobridge("run", "--home", str(seeded_home.root))
    assert result.returncode == 0, result.stderr
    assert ("schema drift: landing/service/followup_2024-04.csv has new column(s) ['nps_reason'], "
            "kept in attributes") in result.stdout
    assert "schema drift: landing/service/followup_2024-05.csv lacks the spec's optional column(s) ['agent_team']" \
        in result.stdout
    assert "landing/service/followup_2024-06.csv, line 1: missing_column: expected column(s) ['csat']" in result.stdout
    assert query(seeded_home.warehouse_db, "select attributes->>'nps_reason', attributes->>'agent_team' "
                 "from core.feedback where source_response_id = 'ZD-9'") == [("fast answer", "EMEA")]
    assert query(seeded_home.pipeline_db, "select source_file, column_name, change from meta.schema_drift order by 1") == [
        ("landing/service/followup_2024-04.csv", "nps_reason", "added"),
        ("landing/service/followup_2024-05.csv", "agent_team", "missing")]
    assert query(seeded_home.pipeline_db, "select status, error like '%missing_column%csat%' from meta.files "
                 "where source_file = 'landing/service/followup_2024-06.csv'") == [("rejected", True)]


def _unprivileged() -> list[str]:
    """A prefix that makes root subject to file permissions, as any nightly service account is."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file permissions cannot make a file unreadable")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _run_id(output: str) -> str:
    return next(line.split()[1] for line in output.splitlines() if line.startswith("run "))


def _event_types(home: Home, run_id: str) -> list[str]:
    with dg.DagsterInstance.from_config(str(home.dagster)) as instance:
        return [record.dagster_event.event_type_value for record in instance.all_logs(run_id)
                if record.dagster_event is not None]


def test_a_landing_file_unreadable_at_first_is_retried_with_back_off(seeded_home: Home) -> None:
    prefix = _unprivileged()
    locked = seeded_home.landing / "service" / "followup_2024-03.csv"
    locked.chmod(0o000)  # still being copied in by the helpdesk's export job, say
    run = subprocess.Popen([*prefix, sys.executable, "-u", "-m", "pipelines.cli", "run", "--home", str(seeded_home.root)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env={**os.environ, "SILOBRIDGE_PII_SALT": "test-salt"})
    lines = []
    for line in run.stdout:
        lines.append(line)
        if "transient error on attempt 1" in line:
            locked.chmod(0o644)  # the copy finished
    run.wait(timeout=300)
    output = "".join(lines)
    assert run.returncode == 0, output
    assert "service_followup_raw             transient error on attempt 1, retrying with back-off: " \
           "[Errno 13] Permission denied" in output
    assert "service_followup_raw             1 new file(s), 5 rows" in output
    assert _event_types(seeded_home, _run_id(output)).count("STEP_UP_FOR_RETRY") == 1
    assert query(seeded_home.warehouse_db, "select count(*) from core.feedback where source = 'service_followup'") \
        == [(3,)]  # ZD-1, ZD-2, ZD-4: ZD-3 breaks a rule, the second ZD-1 is a duplicate


def test_a_deterministic_error_is_not_retried(seeded_home: Home) -> None:
    connection = duckdb.connect(str(seeded_home.pipeline_db))
    connection.execute("create schema raw")
    connection.execute("create view raw.service_followup as select 1 as x")  # not the table the step needs
    connection.close()
    started = time.monotonic()
    result = silobridge("run", "--home", str(seeded_home.root))
    assert result.returncode == 1
    assert "retrying" not in result.stdout
    assert "service_followup_raw: CatalogException" in result.stderr
    events = _event_types(seeded_home, _run_id(result.stderr))
    assert "STEP_UP_FOR_RETRY" not in events and "STEP_FAILURE" in events
    assert time.monotonic() - started < 120


def test_the_quiet_night_fingerprint_covers_all_of_silobridges_code() -> None:
    import tomllib

    from warehouse import fingerprint

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert set(fingerprint._CODE_PACKAGES) == packages  # an edited asset or reader is not a quiet night
