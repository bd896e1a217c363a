"""Issue 18: what an attacker or an unlucky operator could do to a home, refused or repaired."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from schemas import builtin_sources_dir
from schemas.spec import SpecError, load_spec, parse_spec
from warehouse.db import pipeline_connection
from warehouse.home import Home
from warehouse.raw import land_source, landing_files

from conftest import PRODUCT_JSONL

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)


def _jsonl_spec():
    return load_spec(builtin_sources_dir() / "product_planning_jsonl.yaml")


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


# --- item 5: landing globs stay in landing/ -------------------------------------------------------------

@pytest.mark.parametrize("glob", ["**/pii_salt", ".secrets/*", "landing/../.secrets/*", "/etc/*.conf",
                                  "landing/.hidden/*.jsonl", "pipeline.duckdb", "landing"])
def test_a_spec_path_outside_landing_is_a_spec_error(glob: str) -> None:
    data = _jsonl_spec().model_dump(mode="json") | {"path": glob}
    with pytest.raises(SpecError) as raised:
        parse_spec(data, "sources/leak.yaml")
    assert "key 'path'" in str(raised.value) and "landing/" in str(raised.value)


def test_hidden_files_and_linked_folders_never_match(home: Home, tmp_path: Path) -> None:
    spec = _jsonl_spec().model_copy(update={"path": "landing/**/*.jsonl"})
    _write_jsonl(home.landing / "product" / "planning.jsonl", PRODUCT_JSONL)
    _write_jsonl(home.landing / "product" / ".~lock.planning.jsonl", PRODUCT_JSONL)
    _write_jsonl(home.landing / ".cache" / "old.jsonl", PRODUCT_JSONL)
    _write_jsonl(tmp_path / "elsewhere" / "outside.jsonl", PRODUCT_JSONL)
    (home.landing / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    spec_star = spec.model_copy(update={"path": "landing/*/*.jsonl"})
    for glob_spec in (spec, spec_star):
        assert [p.relative_to(home.root).as_posix() for p in landing_files(home, glob_spec)] == \
            ["landing/product/planning.jsonl"]


def test_a_linked_file_is_refused_without_reading_its_target(home: Home, monkeypatch) -> None:
    monkeypatch.delenv("SILOBRIDGE_PII_SALT", raising=False)
    from warehouse.privacy import pii_salt

    salt = pii_salt(home)
    (home.landing / "product").mkdir(parents=True)
    (home.landing / "product" / "salt.jsonl").symlink_to(home.secrets / "pii_salt")
    with pipeline_connection(home) as connection:
        landed = land_source(connection, home, _jsonl_spec(), "run-1")
        again = land_source(connection, home, _jsonl_spec(), "run-2")
        files = connection.execute("select source_file, status, rows_read, error from meta.files").fetchall()
        rejects = connection.execute("select rule, detail, raw_record from quarantine.rejects").fetchall()
    assert list(landed.files_rejected) == ["landing/product/salt.jsonl"] and again.files_rejected == {}
    assert [(f[0], f[1], f[2]) for f in files] == [("landing/product/salt.jsonl", "rejected", 0)]
    assert [r[0] for r in rejects] == ["symbolic_link"]
    assert salt not in repr(files) + repr(rejects)


def test_a_file_named_like_a_glob_is_refused_not_read_as_one(home: Home) -> None:
    _write_jsonl(home.landing / "product" / "planning_2024-05.jsonl", PRODUCT_JSONL)
    _write_jsonl(home.landing / "product" / "*.jsonl", [{**PRODUCT_JSONL[0], "response_id": "R-900"}])
    with pipeline_connection(home) as connection:
        landed = land_source(connection, home, _jsonl_spec(), "run-1")
        files = dict(connection.execute("select source_file, rows_read from meta.files").fetchall())
        raw_rows = connection.execute("select count(*) from raw.product_planning_jsonl").fetchall()[0][0]
    assert "glob_character_in_name" in landed.files_rejected["landing/product/*.jsonl"]
    assert files == {"landing/product/*.jsonl": 0, "landing/product/planning_2024-05.jsonl": 3}
    assert raw_rows == 3


# --- item 3: the raw table's own column names are refused in exports ----------------------------------

def test_an_export_with_an_internal_column_name_is_rejected_naming_file_and_column(home: Home) -> None:
    from conftest import SERVICE_CSV

    spec = load_spec(builtin_sources_dir() / "service_followup.yaml")
    header, first, *_ = SERVICE_CSV.splitlines()
    (home.landing / "service").mkdir(parents=True)
    (home.landing / "service" / "a_with_file_id.csv").write_text(f"{header},_File_Id\n{first},x\n", encoding="utf-8")
    (home.landing / "service" / "b_plain.csv").write_text(SERVICE_CSV, encoding="utf-8")
    with pipeline_connection(home) as connection:
        landed = land_source(connection, home, spec, "run-1")
        (home.landing / "service" / "c_later.csv").write_text(f"{header}\n{first.replace('ZD-1', 'ZD-7')}\n")
        later = land_source(connection, home, spec, "run-2")
        rows = connection.execute("select count(*) from raw.service_followup").fetchall()[0][0]
    error = landed.files_rejected["landing/service/a_with_file_id.csv"]
    assert "reserved_column" in error and "'_File_Id'" in error
    assert landed.files_loaded == ["landing/service/b_plain.csv"] and later.files_loaded == ["landing/service/c_later.csv"]
    assert rows == 5 + 1


# --- item 2: a file's width is capped, and memory does not grow with the square of its columns -------------

def _wide_service_csv(path: Path, n_columns: int) -> None:
    from conftest import SERVICE_CSV

    header, *rows = SERVICE_CSV.splitlines()[:3]
    extra = n_columns - len(header.split(","))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "".join(f",question_{i:05d}" for i in range(extra)) + "\n"
                    + "".join(row + ",1" * extra + "\n" for row in rows), encoding="utf-8")


def test_a_file_wider_than_the_cap_is_rejected_and_one_at_the_cap_loads_in_bounded_memory(home: Home) -> None:
    import resource

    from connectors.base import MAX_COLUMNS as MAX_COLUMNS_PER_FILE

    spec = load_spec(builtin_sources_dir() / "service_followup.yaml")
    _wide_service_csv(home.landing / "service" / "a_too_wide.csv", 20_000)
    _wide_service_csv(home.landing / "service" / "b_at_the_cap.csv", MAX_COLUMNS_PER_FILE)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pipeline_connection(home) as connection:
        landed = land_source(connection, home, spec, "run-1")
        width = len(connection.sql("from raw.service_followup limit 0").columns)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert "too_many_columns" in landed.files_rejected["landing/service/a_too_wide.csv"]
    assert "20,000 columns" in landed.files_rejected["landing/service/a_too_wide.csv"]
    assert landed.files_loaded == ["landing/service/b_at_the_cap.csv"] and landed.rows_read == 2
    assert width == MAX_COLUMNS_PER_FILE + 5  # and the lineage: source_file, source_row, _file_id, _run_id, _loaded_at
    assert grown_mib < 600, f"landing grew the process by {grown_mib:.0f} MiB"  # one ALTER per column: 1.5 GiB


# --- item 4: the home is its owner's only ----------------------------------------------------------------

def test_a_run_leaves_every_file_of_the_home_readable_by_its_owner_only(tmp_path: Path) -> None:
    import stat

    from conftest import silobridge, write_seed_landing

    home = Home(tmp_path / "home")
    write_seed_landing(Home(home.root).create())
    home.root.chmod(0o755)  # as an older silobridge, or mkdir, left it
    assert silobridge("run", "--home", str(home.root)).returncode == 0
    assert silobridge("report", "--home", str(home.root)).returncode == 0
    ours = [home.pipeline_db, home.warehouse_db, *home.dagster.rglob("*"), *home.reports.rglob("*")]
    assert len(ours) > 10 and any(p.name == "index.html" for p in ours)
    open_to_others = {p.relative_to(home.root).as_posix(): oct(stat.S_IMODE(p.stat().st_mode))
                      for p in ours if stat.S_IMODE(p.stat().st_mode) & 0o077}
    assert open_to_others == {}
    assert stat.S_IMODE(home.root.stat().st_mode) == 0o700


# --- item 1: the Data Docs show no respondent's value, so no markup an export carries runs there ------------

_IMG_PAYLOAD = '<img src=x onerror="document.body.dataset.pwned=1">'
_SCRIPT_PAYLOAD = "<script>document.body.dataset.pwned=2</script>"
_LABEL_PAYLOAD = "Price <!--<script>"
_ADDRESSES_IN_COMMENT = "mail jürgen@müller.de or o'brien@acme.com, I am on 2001:db8::1"
_HEADERLESS_ADDRESS = "headless.person@initech.de"


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    from conftest import SALES_CSV, SERVICE_CSV, silobridge, write_seed_landing

    home = Home(tmp_path_factory.mktemp("xss") / "home").create()
    write_seed_landing(home)
    spec = home.sources / "service_followup.yaml"
    spec.write_text(spec.read_text() + "expectations:\n  - {expect: expect_column_values_to_be_in_set, "
                    "column: agent_team, kwargs: {value_set: [EMEA, AMER]}}\n")
    header, first, *_ = SERVICE_CSV.splitlines()
    attacked = first.replace("ZD-1", "ZD-66").replace("jo@acme.com", f'"{_IMG_PAYLOAD.replace(chr(34), 2 * chr(34))}"')
    attacked_team = first.replace("ZD-1", "ZD-67").replace("EMEA", _SCRIPT_PAYLOAD)
    (home.landing / "service" / "followup_attacked.csv").write_text(f"{header}\n{attacked}\n{attacked_team}\n")
    chatty = first.replace("ZD-1", "ZD-68").replace('"ok, thanks — très bien"', f'"{_ADDRESSES_IN_COMMENT}"')
    with (home.landing / "service" / "followup_attacked.csv").open("a") as handle:
        handle.write(chatty + "\n")
    (home.landing / "service" / "followup_headerless.csv").write_text(  # saved without its header row
        first.replace("jo@acme.com", _HEADERLESS_ADDRESS) + "\n" + first.replace("ZD-1", "ZD-2") + "\n")
    sales_header, sales_first, *_ = SALES_CSV.splitlines()
    (home.landing / "sales" / "lost_business_attacked.csv").write_text(
        f"{sales_header}\n{sales_first.replace('OPP01', 'OPP66').replace(',Price,', f',{_LABEL_PAYLOAD},')}\n")
    run = silobridge("run", "--home", str(home.root))
    assert run.returncode == 0, run.stderr
    (home.root / "run_output.txt").write_text(run.stdout + run.stderr)
    return home


def test_the_data_docs_hold_no_respondent_value(hostile_home: Home) -> None:

    pages = list((hostile_home.reports / "data_docs").rglob("*.html"))
    assert len(pages) > 2
    text = "".join(page.read_text(encoding="utf-8") for page in pages)
    assert "pwned" not in text and "onerror" not in text
    addresses = {r["user_email"] for r in PRODUCT_JSONL} | {"jo@acme.com", "g.boss@gmail.com", "not-an-email"}
    assert [a for a in addresses if a in text] == []
    assert "13/45/2024" not in text  # a failing value of the sales export


@pytest.mark.skipif(__import__("shutil").which("chromium") is None, reason="chromium is not installed (make browser)")
def test_no_script_of_an_export_runs_when_the_data_docs_open_in_a_browser(hostile_home: Home, tmp_path: Path) -> None:
    from conftest import dump_dom

    pages = sorted((hostile_home.reports / "data_docs" / "validations").rglob("*.html"))
    assert pages
    for n, page in enumerate(pages):
        dom = dump_dom(page, tmp_path / f"profile{n}")
        assert "<body" in dom and "data-pwned" not in dom, page


# --- item 9: a label cannot stop the report's script ------------------------------------------------------

@pytest.mark.skipif(__import__("shutil").which("chromium") is None, reason="chromium is not installed (make browser)")
def test_a_label_opening_a_comment_and_a_script_does_not_stop_the_charts(hostile_home: Home, tmp_path: Path) -> None:
    from conftest import dump_dom, silobridge

    assert silobridge("report", "--home", str(hostile_home.root)).returncode == 0
    report = hostile_home.reports / "feedback.html"
    dom = dump_dom(report, tmp_path / "profile")
    assert 'data-ready="true"' in dom  # the drawing script ran to its end
    assert "Price &lt;!--&lt;script&gt;" in dom  # the label is drawn as text
    assert re.search(r'data-chart="lost_reasons"[^>]*data-rendered="[1-9]', dom)
    assert _LABEL_PAYLOAD not in report.read_text(encoding="utf-8")  # only as JSON escapes


# --- item 7: no address reaches the warehouse, the console or Dagster's log -------------------------------

def test_internationalised_and_quoted_addresses_and_compressed_ipv6_are_redacted(hostile_home: Home) -> None:
    from conftest import query

    comment = query(hostile_home.warehouse_db,
                    "select comment from core.feedback where source_response_id = 'ZD-68'")[0][0]
    assert comment == "mail [email removed] or [email removed], I am on [ip removed]"


def test_a_spec_whose_id_is_the_email_column_is_refused() -> None:
    data = load_spec(builtin_sources_dir() / "service_followup.yaml").model_dump(mode="json") | {"id": "contact_email"}
    with pytest.raises(SpecError) as raised:
        parse_spec(data, "sources/service.yaml")
    assert "key 'id'" in str(raised.value) and "account.email" in str(raised.value)


def test_a_headerless_export_puts_no_address_in_the_output_or_the_dagster_log(hostile_home: Home) -> None:
    output = (hostile_home.root / "run_output.txt").read_text()
    assert "landing/service/followup_headerless.csv" in output and "missing_column" in output
    assert _HEADERLESS_ADDRESS not in output and "[email removed]" in output
    logged = [p for p in hostile_home.dagster.rglob("*") if p.is_file() and _HEADERLESS_ADDRESS.encode() in p.read_bytes()]
    assert logged == []


# --- item 8: damaged databases ------------------------------------------------------------------------

@pytest.fixture
def published_home(home: Home) -> Home:
    from conftest import silobridge, write_seed_landing

    write_seed_landing(home)
    assert silobridge("run", "--home", str(home.root)).returncode == 0
    return home


def test_a_truncated_warehouse_is_rebuilt_by_the_next_run_though_nothing_is_new(published_home: Home) -> None:
    from conftest import query, silobridge

    expected = query(published_home.warehouse_db, "select count(*) from core.feedback")
    os.truncate(published_home.warehouse_db, published_home.warehouse_db.stat().st_size // 2)
    rerun = silobridge("run", "--home", str(published_home.root))
    assert rerun.returncode == 0, rerun.stderr
    assert "nothing new" not in rerun.stdout
    assert query(published_home.warehouse_db, "select count(*) from core.feedback") == expected
    assert "nothing new" in silobridge("run", "--home", str(published_home.root)).stdout


@pytest.mark.parametrize("damage", ["truncate", "overwrite_header"])
def test_a_damaged_pipeline_database_gives_one_paragraph_telling_what_to_do(published_home: Home, damage: str) -> None:
    from conftest import silobridge

    if damage == "truncate":
        os.truncate(published_home.pipeline_db, 100)
    else:
        with published_home.pipeline_db.open("r+b") as handle:
            handle.write(b"\0" * 12288)
    result = silobridge("run", "--home", str(published_home.root))
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot open the pipeline database") and result.stderr.count("\n") == 1
    assert "Restore it from a backup, or move it aside and run again" in result.stderr
    assert "Traceback" not in result.stderr
