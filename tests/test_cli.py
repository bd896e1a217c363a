"""The command line's promises: exit codes, spec errors, read-only SQL, and a failed run that changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading

import duckdb
import pytest

from schemas import builtin_sources_dir
from warehouse.home import Home

from pipelines import cli

from conftest import query, silobridge, write_seed_landing

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("cli") / "home").create()
    write_seed_landing(home)
    assert silobridge("run", "--home", str(home.root)).returncode == 0
    return home


@pytest.mark.parametrize("statement", [
    "insert into core.accounts (account_id, n_sources, n_responses) values ('x', 1, 1)",
    "drop table core.feedback",
    "copy (select 1) to '/tmp/silobridge-leak.csv'",
    "attach '/tmp/other.duckdb' as other",
    "select 1; delete from core.feedback",
    "explain analyze create temp table leak as select 1",
    "EXPLAIN ANALYZE copy (select 1) to '/tmp/silobridge-leak.csv'",
    "explain /* a comment first */ analyze create temp table leak as select 1",
    "set memory_limit = '100GB'",
    "pragma database_size",
])
def test_sql_refuses_anything_but_a_query(published: Home, statement: str) -> None:
    result = silobridge("sql", "--home", str(published.root), statement)
    assert result.returncode == 2
    assert "error:" in result.stderr
    assert duckdb.connect(str(published.warehouse_db), read_only=True).execute(
        "select count(*) from core.feedback").fetchall() == [(11,)]


@pytest.mark.parametrize("args, message", [
    (["select count(*) from range(1000000000000)", "--timeout", "1"], "stopped after 1 s"),
    (["select list(range) from range(100000000)", "--memory-limit", "50MB"], "memory limit of 50MB"),
    (["select 'not a number'::integer"], "Conversion Error"),
    (["select 1", "--memory-limit", "lots"], "cannot open"),
])
def test_sql_stops_at_its_limits_and_reports_errors_without_a_traceback(published: Home, args, message) -> None:
    result = silobridge("sql", "--home", str(published.root), *args)
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and message in result.stderr and "Traceback" not in result.stderr


def test_sql_explains_a_query(published: Home) -> None:
    result = silobridge("sql", "--home", str(published.root), "explain analyze select count(*) from core.feedback")
    assert result.returncode == 0, result.stderr
    assert "analyzed_plan" in result.stdout


def test_sql_prints_a_table_by_default(published: Home) -> None:
    result = silobridge("sql", "--home", str(published.root), "select count(*) as n_responses from core.feedback")
    assert result.returncode == 0, result.stderr
    assert "n_responses" in result.stdout and "11" in result.stdout


def test_sql_csv_neutralises_formulas_and_json_round_trips(published: Home) -> None:
    query = "select '=HYPERLINK(\"x\")' as a, '-1+2' as b, 'plain' as c, [1, 2] as d"
    csv_out = silobridge("sql", "--home", str(published.root), query, "--format", "csv")
    assert csv_out.returncode == 0, csv_out.stderr
    assert csv_out.stdout.splitlines()[1] == '"\'=HYPERLINK(""x"")","\'-1+2","plain","[1,2]"'
    json_out = silobridge("sql", "--home", str(published.root), "select account_name from core.accounts "
                          "order by account_name", "--format", "json")
    assert [r["account_name"] for r in json.loads(json_out.stdout)][:2] == ["Acme Corporation", "Globex Capital Partners"]


def test_sql_parquet_to_file(published: Home, tmp_path) -> None:
    out = tmp_path / "accounts.parquet"
    result = silobridge("sql", "--home", str(published.root), "from core.accounts", "--format", "parquet", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert duckdb.sql(f"select count(*) from '{out}'").fetchall() == [(5,)]


def _copy_builtin_specs(home: Home) -> None:
    for spec in builtin_sources_dir().glob("*.yaml"):
        shutil.copy(spec, home.sources / spec.name)


@pytest.mark.parametrize(("edit", "key", "expected"), [
    (lambda s: s.replace("format: csv", "format: csvv"), "format", "expected one of"),
    (lambda s: s.replace("scale: [1, 5]", "scale: [5, 1]"), "scores[0].scale", "min < max"),
    (lambda s: s.replace("ticket_id\n", "ticket_id\nschedule: daily\n", 1), "schedule", "not a known key"),
    (lambda s: s.replace("department: service\n", ""), "department", "is required"),
    (lambda s: s.replace("name: service_followup", "name: Service Followup"), "name", "snake_case"),
    (lambda s: s + "scores: [\n", "line", "valid YAML"),
])
def test_a_wrong_spec_is_refused_by_list_and_check(home: Home, edit, key: str, expected: str) -> None:
    _copy_builtin_specs(home)
    spec = home.sources / "service_followup.yaml"
    spec.write_text(edit(spec.read_text()))
    for command in (["sources", "list"], ["sources", "check", str(spec)]):
        result = silobridge(*command, "--home", str(home.root))
        assert result.returncode == 2, result.stdout + result.stderr
        assert "service_followup.yaml" in result.stderr and f"'{key}" in result.stderr and expected in result.stderr
    assert not home.pipeline_db.exists()


def test_one_wrong_spec_fails_the_run_but_the_other_sources_load(seeded_home: Home) -> None:
    spec = seeded_home.sources / "service_followup.yaml"
    spec.write_text(spec.read_text().replace("scale: [1, 5]", "scale: [5, 1]"))
    result = silobridge("run", "--home", str(seeded_home.root))
    assert result.returncode == 1, result.stdout + result.stderr
    message = f"spec {spec}: key 'scores[0].scale': expected [min, max] with min < max, got [5.0, 1.0]"
    assert message in result.stderr and "other sources were loaded and published" in result.stderr
    assert message in result.stdout  # the progress line of the failing spec, among the sources that load
    loaded = query(seeded_home.warehouse_db, "select source, count(*) from core.feedback group by all order by all")
    assert [source for source, _ in loaded] == ["product_planning_jsonl", "product_planning_xlsx", "sales_lost_business"]
    runs = query(seeded_home.pipeline_db, "select status, message from meta.runs")
    assert runs == [("failed", message)]


def test_sources_list_shows_builtin_specs(home: Home) -> None:
    write_seed_landing(home, max_reject_rate=None)
    result = silobridge("sources", "list", "--home", str(home.root))
    assert result.returncode == 0
    assert "4 sources (built-in specs)" in result.stdout
    assert "service_followup" in result.stdout and "1 file(s)" in result.stdout


def test_a_failed_run_leaves_the_published_warehouse_in_place(seeded_home: Home) -> None:
    assert silobridge("run", "--home", str(seeded_home.root)).returncode == 0
    reader = duckdb.connect(str(seeded_home.warehouse_db), read_only=True)  # an analyst's open session
    before = reader.execute("select count(*) from core.feedback").fetchall()
    broken = seeded_home.sources / "service_followup.yaml"  # valid spec, but a zone DuckDB does not know
    broken.write_text(broken.read_text().replace("{column: survey_sent_at}",
                                                 "{column: survey_sent_at, timezone: Mars/Olympus_Mons}"))
    (seeded_home.landing / "service" / "followup_2024-04.csv").write_text(textwrap.dedent("""\
        ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team
        ZD-9,al@acme.com,ACME,2024-04-02 10:00:00,5,1,Billing,,Billing,EMEA
        """))
    result = silobridge("run", "--home", str(seeded_home.root))
    assert result.returncode == 1
    assert "failed" in result.stderr and "unchanged" in result.stderr
    assert reader.execute("select count(*) from core.feedback").fetchall() == before
    reader.close()
    after = duckdb.connect(str(seeded_home.warehouse_db), read_only=True)
    assert after.execute("select count(*) from core.feedback").fetchall() == before
    after.close()
    status = duckdb.connect(str(seeded_home.pipeline_db), read_only=True).execute(
        "select status, message from meta.runs order by started_at").fetchall()
    assert [s for s, _ in status] == ["success", "failed"] and "service_followup_staging" in status[1][1]


def test_sources_check_dry_runs_a_sample_without_a_warehouse(home: Home, tmp_path) -> None:
    sample = tmp_path / "followup.csv"
    sample.write_text(textwrap.dedent("""\
        ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team
        ZD-1,jo@acme.com,ACME,2024-03-18T09:02:11+01:00,5,2,Billing,,Billing,EMEA
        ZD-2,al@acme.com,ACME,2024-03-18T09:02:11+01:00,9,2,Billing,,Billing,EMEA
        ZD-3,al@acme.com,ACME,2024-03-18T09:02:11+01:00,4,2,Billing,,Billing,EMEA,surplus
        """))
    spec = builtin_sources_dir() / "service_followup.yaml"
    result = silobridge("sources", "check", str(spec), str(sample), "--home", str(home.root))
    assert result.returncode == 0, result.stderr
    assert "rows read 3: would load 1, reject 2" in result.stdout
    assert "row      2  score_out_of_range: column 'csat': value '9', expected csat between 1 and 5" in result.stdout
    assert "row      3  field_count" in result.stdout
    assert not home.pipeline_db.exists() and not home.warehouse_db.exists()


_EXIT_SCRIPT = """
import atexit, sys
from pipelines.cli import entrypoint, main

class Teardown:  # a module's object, freed (and its __del__ run) only by Python's teardown
    def __del__(self, path=sys.argv[2], open=open):
        open(path, "w").write("torn down")

torn_down = Teardown()
atexit.register(lambda: print("exit handler ran"))  # not flushed: stdout is a pipe, so it is buffered
command = {"entrypoint": entrypoint, "main": main}[sys.argv[1]]
sys.argv = ["silobridge", "no-such-command"]
command()
"""


def _buffered_env() -> dict[str, str]:
    """The environment with Python's output buffered, as it is by default on a pipe."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _exit_of(command: str, marker) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _EXIT_SCRIPT, command, str(marker)], capture_output=True, text=True,
                          timeout=120, env=_buffered_env())


def test_the_command_skips_the_teardown_but_keeps_status_exit_handlers_and_output(tmp_path) -> None:
    normal = _exit_of("main", tmp_path / "normal")
    assert normal.returncode == 2 and "exit handler ran" in normal.stdout
    assert (tmp_path / "normal").read_text() == "torn down"  # the marker works: a normal exit tears down

    fast = _exit_of("entrypoint", tmp_path / "fast")
    assert fast.returncode == 2 and "No such command 'no-such-command'" in fast.stderr
    assert "exit handler ran" in fast.stdout  # exit handlers ran and their buffered output was flushed
    assert not (tmp_path / "fast").exists()


@pytest.mark.parametrize("install", [sys.setprofile, sys.settrace], ids=["profiler", "tracer"])
def test_under_a_profiler_or_tracer_the_normal_exit_is_kept(install, monkeypatch) -> None:
    def forbidden(*args):
        raise AssertionError("the fast exit ran under a profiler or tracer")

    monkeypatch.setattr(cli, "_exit_without_teardown", forbidden)
    monkeypatch.setattr(sys, "argv", ["silobridge", "--help"])
    previous = sys.getprofile() if install is sys.setprofile else sys.gettrace()
    install(lambda *args: None)  # as pyinstrument (a profile hook) or coverage (a trace hook) would
    try:
        with pytest.raises(SystemExit) as exited:
            cli.entrypoint()
    finally:
        install(previous)
    assert exited.value.code == 0


def test_a_thread_still_running_keeps_the_normal_exit() -> None:
    release = threading.Event()
    worker = threading.Thread(target=release.wait)  # not a daemon: a normal exit waits for it
    worker.start()
    try:
        assert cli._threads_pending()
    finally:
        release.set()
        worker.join()
    assert not cli._threads_pending()


def test_output_that_cannot_be_flushed_exits_120_as_python_does(tmp_path) -> None:
    statuses = {}
    for command in ("main", "entrypoint"):
        process = subprocess.Popen([sys.executable, "-c", _EXIT_SCRIPT, command, str(tmp_path / command)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_buffered_env())
        process.stdout.close()  # nobody reads: the exit handler's buffered line cannot be written
        statuses[command] = process.wait(timeout=120)
    assert statuses == {"main": 120, "entrypoint": 120}
