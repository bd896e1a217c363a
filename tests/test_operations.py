"""Nightly operations with real processes: one writer at a time, readers never blocked, full refresh."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from samples import generate_silos
from warehouse.home import Home

from conftest import silobridge, write_seed_landing

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

# A reader in its own process: queries the published warehouse in a loop until told to stop, and reports
# its queries, its errors and the snapshots it saw (row counts are constant within one published file).
READER = textwrap.dedent("""
    import json, sys, time, duckdb
    warehouse, stop = sys.argv[1], sys.argv[2]
    queries, errors, snapshots = 0, [], set()
    while True:
        try:
            connection = duckdb.connect(warehouse, read_only=True)
            feedback, scores = connection.execute(
                "select (select count(*) from core.feedback), (select count(*) from core.feedback_scores)").fetchall()[0]
            connection.close()
            snapshots.add((feedback, scores))
            queries += 1
        except Exception as error:
            errors.append(repr(error))
        try:
            open(stop).close()
            break
        except FileNotFoundError:
            time.sleep(0.02)
    print(json.dumps({"queries": queries, "errors": errors, "snapshots": sorted(snapshots)}))
""")


def _run_in_background(home: Home) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--home", str(home.root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**__import__("os").environ, "SILOBRIDGE_PII_SALT": "test-salt"})


def _wait_for_lock(home: Home, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return json.loads((home.root / ".lock").read_text())
        except (OSError, ValueError):
            time.sleep(0.05)
    raise AssertionError("the run never took the lock")


@pytest.fixture
def busy_home(home: Home) -> Home:
    """A home with enough sample data that a run lasts a few seconds."""
    generate_silos(home.landing, rows=20_000, seed=3)
    return home


def test_a_second_run_refuses_at_once_naming_the_running_one(busy_home: Home) -> None:
    first = _run_in_background(busy_home)
    holder = _wait_for_lock(busy_home)
    started = time.monotonic()
    second = silobridge("run", "--home", str(busy_home.root))
    assert time.monotonic() - started < 15  # refused at once, not after waiting for the first run
    assert second.returncode == 1
    assert f"is being written by run {holder['run_id']} (pid {first.pid}" in second.stderr
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, out + err
    runs = duckdb.connect(str(busy_home.pipeline_db), read_only=True).execute(
        "select run_id, status from meta.runs").fetchall()
    assert runs == [(holder["run_id"], "success")]


def test_readers_are_never_blocked_and_see_whole_snapshots(seeded_home: Home, tmp_path: Path) -> None:
    assert silobridge("run", "--home", str(seeded_home.root)).returncode == 0
    before = duckdb.connect(str(seeded_home.warehouse_db), read_only=True).execute(
        "select (select count(*) from core.feedback), (select count(*) from core.feedback_scores)").fetchall()[0]
    generate_silos(seeded_home.landing / "more", rows=20_000, seed=5)  # new files for the same sources
    for folder in ("sales", "service", "product"):
        for path in (seeded_home.landing / "more" / folder).iterdir():
            path.rename(seeded_home.landing / folder / f"more_{path.name}")
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(seeded_home.warehouse_db), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    run = _run_in_background(seeded_home)
    out, err = run.communicate(timeout=300)
    stop.touch()
    report = json.loads(reader.communicate(timeout=60)[0])
    assert run.returncode == 0, out + err
    assert report["errors"] == []
    assert report["queries"] > 10
    after = duckdb.connect(str(seeded_home.warehouse_db), read_only=True).execute(
        "select (select count(*) from core.feedback), (select count(*) from core.feedback_scores)").fetchall()[0]
    assert {tuple(s) for s in report["snapshots"]} <= {before, after}  # never a half-written state


def _content(home: Home) -> list[tuple]:
    connection = duckdb.connect(str(home.warehouse_db), read_only=True)
    try:
        return connection.execute(
            "select * exclude (run_id, loaded_at) from core.feedback order by feedback_id").fetchall()
    finally:
        connection.close()


def test_full_refresh_rebuilds_the_same_warehouse_from_raw(home: Home) -> None:
    write_seed_landing(home)
    assert silobridge("run", "--home", str(home.root)).returncode == 0
    content = _content(home)
    files = duckdb.connect(str(home.pipeline_db), read_only=True).execute(
        "select source_file, rows_read, rows_loaded, rows_rejected, rows_duplicate from meta.files order by 1"
    ).fetchall()
    result = silobridge("run", "--full-refresh", "--home", str(home.root))
    assert result.returncode == 0, result.stderr
    assert "full refresh: 4 file(s) go through staging again" in result.stdout
    assert _content(home) == content
    connection = duckdb.connect(str(home.pipeline_db), read_only=True)
    assert connection.execute("select source_file, rows_read, rows_loaded, rows_rejected, rows_duplicate "
                              "from meta.files order by 1").fetchall() == files
    assert connection.execute("select count(*) from quarantine.rejects").fetchall() == [(3,)]


def _kill_when(home: Home, marker: str) -> str:
    """Start a run, SIGKILL it as soon as its progress shows ``marker``; returns what it printed."""
    run = subprocess.Popen([sys.executable, "-u", "-m", "pipelines.cli", "run", "--home", str(home.root)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env={**__import__("os").environ, "SILOBRIDGE_PII_SALT": "test-salt"})
    seen = []
    for line in run.stdout:
        seen.append(line)
        if marker in line:
            run.kill()
            break
    run.wait(timeout=60)
    assert run.returncode == -9, "".join(seen)  # killed, not finished
    return "".join(seen)


def _published(home: Home) -> dict[str, list[tuple]]:
    connection = duckdb.connect(str(home.warehouse_db), read_only=True)
    try:
        return {table: connection.execute(f"select * exclude (run_id, loaded_at) from {table} order by all").fetchall()
                if table == "core.feedback" else connection.execute(f"select * from {table} order by all").fetchall()
                for table in ("core.feedback", "core.feedback_scores", "core.accounts", "core.account_aliases",
                              "marts.account_360", "marts.survey_fatigue")}
    finally:
        connection.close()


def test_runs_killed_at_any_step_then_a_normal_run_give_the_clean_result(tmp_path: Path) -> None:
    clean, crashed = Home(tmp_path / "clean").create(), Home(tmp_path / "crashed").create()
    for home in (clean, crashed):
        generate_silos(home.landing, rows=20_000, seed=11)
    assert silobridge("run", "--home", str(clean.root)).returncode == 0
    # Each kill lands in a later step than the one before: raw load, staging, resolution, publish.
    for marker in ("product_planning_xlsx_raw", "sales_lost_business_staging", "feedback ", "survey_fatigue "):
        _kill_when(crashed, marker)
    result = silobridge("run", "--home", str(crashed.root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _published(crashed) == _published(clean)
    assert not list(crashed.root.glob(".warehouse.duckdb.*.tmp"))
    statuses = duckdb.connect(str(crashed.pipeline_db), read_only=True).execute(
        "select status from meta.runs order by started_at").fetchall()
    assert statuses == [("abandoned",)] * 4 + [("success",)]


def test_a_failed_run_posts_an_alert_to_the_webhook(seeded_home: Home) -> None:
    import http.server
    import os
    import threading

    received: list[dict] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    spec = seeded_home.sources / "service_followup.yaml"  # valid, but names a time zone DuckDB does not know
    spec.write_text(spec.read_text().replace("{column: survey_sent_at}",
                                             "{column: survey_sent_at, timezone: Mars/Olympus_Mons}"))
    (seeded_home.landing / "service" / "followup_2024-04.csv").write_text(  # no offset: the zone is needed
        "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"
        "ZD-9,al@acme.com,ACME,2024-04-02 10:00:00,5,1,Billing,,Billing,EMEA\n")
    env = {**os.environ, "SILOBRIDGE_PII_SALT": "test-salt",
           "SILOBRIDGE_ALERT_WEBHOOK": f"http://127.0.0.1:{server.server_port}/alerts"}
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--home", str(seeded_home.root)],
                            capture_output=True, text=True, timeout=300, env=env)
    server.shutdown()
    assert result.returncode == 1
    assert len(received) == 1, received
    alert = received[0]
    assert alert["event"] == "silobridge_run_failed" and alert["step"] == "service_followup_staging"
    assert "Mars/Olympus_Mons" in alert["error"] and alert["run_id"]
