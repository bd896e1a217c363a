"""A night's marts refresh only what its changes touch, and hold exactly what a whole build of the same state holds.

One generated home (150 accounts, 18 months) is loaded once; each test copies it, makes one kind of change,
runs `silobridge run` and compares every mart, row for row (EXCEPT ALL both ways), with the marts a whole
build gives from a copy of the same pipeline database. The progress lines must show the refresh was taken,
so a test cannot pass by building everything whole.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from samples import generate_silos
from schemas import builtin_sources_dir
from warehouse.db import connect
from warehouse.home import Home
from warehouse.marts import MartSettings, build_mart, mart_dependencies
from warehouse.marts.refresh import refresh_declaration, refresh_mart

from conftest import query, silobridge

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

SERVICE_HEADER = "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"
SALES_HEADER = ("Opportunity ID,Account Name,Account ID,Close Date,Loss Reason,Competitor,Likelihood to Reconsider,"
                "Comment,Amount,Opportunity Owner\r\n")
REFRESHED = ("account_360", "at_risk_accounts", "survey_fatigue", "score_trends", "lost_reasons")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("incremental") / "home").create()
    generate_silos(home.landing, rows=6000, seed=3)
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _how_built(result.stdout)["account_360"] == "rebuilt whole (first build)"
    assert _how_built(result.stdout)["feature_requests"] == "rebuilt whole (no refresh declared)"
    return home


@pytest.fixture
def home(loaded: Home, tmp_path: Path) -> Home:
    shutil.copytree(loaded.root, tmp_path / "home")
    return Home(tmp_path / "home")


def _run(home: Home, *args: str) -> dict[str, str]:
    result = silobridge("run", "--home", str(home.root), *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return _how_built(result.stdout)


def _how_built(output: str) -> dict[str, str]:
    """Each mart's progress line, less its row count: 'refreshed 2.0% of its accounts (3 of 150)' or 'rebuilt whole (...)'."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^\s+(\w+)\s+[\d,]+ rows, (.*)$", output, re.MULTILINE)}


def _differences(home: Home, tmp_path: Path, settings: MartSettings = MartSettings()) -> dict[str, tuple[int, int]]:
    """Per mart, the rows only the night's marts have and the rows only a whole build of the same state has."""
    copy = tmp_path / "whole.duckdb"
    shutil.copyfile(home.pipeline_db, copy)
    connection = connect(copy)
    try:
        connection.execute("create schema night")
        for name in mart_dependencies():
            connection.execute(f"create table night.{name} as select * from marts.{name}")
        differences = {}
        for name in mart_dependencies():  # in build order: a whole mart reads whole marts
            build_mart(connection, name, settings)
            differences[name] = tuple(connection.execute(
                f"select (select count(*) from (from night.{name} except all from marts.{name})), "
                f"(select count(*) from (from marts.{name} except all from night.{name}))").fetchall()[0])
        return differences
    finally:
        connection.close()


def _identical(home: Home, tmp_path: Path, settings: MartSettings = MartSettings()) -> None:
    assert _differences(home, tmp_path, settings) == {name: (0, 0) for name in mart_dependencies()}


def _refreshed(built: dict[str, str], *marts: str) -> None:
    for mart in marts:
        assert built[mart].startswith("refreshed "), (mart, built[mart])


def _one(home: Home, sql: str) -> tuple:
    return query(home.pipeline_db, sql)[0]


def _newest(home: Home) -> dt.datetime:
    return _one(home, "select max(responded_at) from core.feedback")[0]


def _service_file(home: Home, name: str, rows: list[str]) -> None:
    (home.landing / "service" / name).write_text(SERVICE_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")


def test_every_declared_mart_names_a_key_it_has() -> None:
    for name in REFRESHED:
        declared = refresh_declaration(name)
        assert declared is not None and declared.by in ("account_id", "month", "quarter"), name
    assert refresh_declaration("feature_requests") is None


def test_new_responses_refresh_their_accounts_and_months(home: Home, tmp_path: Path) -> None:
    _service_file(home, "night_1.csv", [
        "NEW-1,zed@acme.com,ACME Corp.,2024-09-10T10:00:00Z,1,7,Outage,,Core,EMEA",
        "NEW-2,ann@globex.com,Globex Corporation,2024-09-11T10:00:00Z,2,6,Billing,,Core,EMEA",
        "NEW-3,bo@brandnew-widgets.com,Brandnew Widgets,2024-09-30T10:00:00Z,5,1,How-to,,Core,EMEA",
    ])
    (home.landing / "sales" / "night_1.csv").write_text(
        SALES_HEADER + "OPP-NEW-1,Brandnew Widgets,,09/12/2024,Price,Globex,3,,100.00,Sam Seller\r\n", encoding="utf-8")
    built = _run(home)
    _refreshed(built, *REFRESHED)
    assert built["feature_requests"] == "rebuilt whole (no refresh declared)"
    assert _one(home, "select count(*) from marts.account_360 a join core.accounts c using (account_id) "
                      "where c.account_name = 'Brandnew Widgets'") == (1,)
    _identical(home, tmp_path)


def test_a_re_exported_response_leaves_its_old_account_and_month(home: Home, tmp_path: Path) -> None:
    ticket, email, month = _one(home, """
        select source_response_id, email_domain, date_trunc('month', responded_at at time zone 'UTC')::date
        from core.feedback f
        where source = 'service_followup' and account_id = (select account_id from core.accounts
                                                            order by n_responses, account_id limit 1)
        order by source_response_id limit 1""")
    # The same ticket, now another company's, another month of its quarter and another score: both accounts and
    # months change.
    other = month.replace(month=month.month + 1 if month.month % 3 else month.month - 1, day=14)
    _service_file(home, "night_2.csv", [f"{ticket},zed@globex.com,Globex Corporation,{other}T10:00:00Z,1,7,Outage,,Core,EMEA"])
    built = _run(home)
    _refreshed(built, *REFRESHED)
    assert _one(home, "select count(*), min(responded_at at time zone 'UTC')::date from core.feedback "
                      f"where source_response_id = '{ticket}'") == (1, other)
    assert email != "globex.com"
    _identical(home, tmp_path)


def test_a_later_response_moves_the_window_and_every_as_of_date(home: Home, tmp_path: Path) -> None:
    newest = _newest(home)
    leaving = newest.date() - dt.timedelta(days=89)  # first date of the window now, out of it after one more day
    assert _one(home, f"select count(*) from core.feedback where (responded_at at time zone 'UTC')::date = '{leaving}'")[0] > 0
    later = (newest + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _service_file(home, "night_3.csv", [f"NEW-9,zed@acme.com,ACME Corp.,{later},1,7,Outage,,Core,EMEA"])
    built = _run(home)
    _refreshed(built, "account_360", "at_risk_accounts", "survey_fatigue")
    assert _one(home, "select min(as_of_date), max(as_of_date) from marts.account_360") == (newest.date() + dt.timedelta(days=1),) * 2
    _identical(home, tmp_path)


def test_a_mention_moved_by_an_override_moves_its_responses(home: Home, tmp_path: Path) -> None:
    _service_file(home, "night_4.csv", ["NEW-4,zed@zeta-quarry.com,Zeta Quarry,2024-09-10T10:00:00Z,1,7,Outage,,Core,EMEA",
                                        "NEW-5,amy@zeta-quarry.com,Zeta Quarry,2024-09-12T10:00:00Z,2,6,Login,,Core,EMEA"])
    _refreshed(_run(home), *REFRESHED)
    zeta, acme = (_one(home, f"select account_id from core.accounts where account_name = '{name}'")[0]
                  for name in ("Zeta Quarry", "ACME Corp."))
    # Its mention joins ACME's account, and no response is new: only the mention's account changed.
    home.accounts.mkdir(exist_ok=True)
    (home.accounts / "overrides.yaml").write_text(
        f"merge:\n  - [{{account_id: {zeta}}}, {{account_id: {acme}}}]\n", encoding="utf-8")
    built = _run(home)
    _refreshed(built, *REFRESHED)
    assert _one(home, "select count(distinct account_id), min(account_id) from core.feedback "
                      "where account_name_raw = 'Zeta Quarry'") == (1, acme)
    _identical(home, tmp_path)


def test_changed_settings_rebuild_the_marts_that_read_them(home: Home, tmp_path: Path) -> None:
    stricter = MartSettings(fatigue_limit=1, min_respondents=2)
    connection = connect(home.pipeline_db)
    try:
        built = {name: str(refresh_mart(connection, name, stricter, "settings-run")) for name in mart_dependencies()}
    finally:
        connection.close()
    assert built["survey_fatigue"].endswith("rebuilt whole (its SQL, declaration or settings changed)")
    assert built["account_360"].endswith("rebuilt whole (its SQL, declaration or settings changed)")
    assert built["at_risk_accounts"].endswith("rebuilt whole (marts.account_360 was rebuilt whole)")
    assert "refreshed 0.0%" in built["score_trends"]  # reads no setting, nothing changed
    _identical(home, tmp_path, stricter)


def test_a_full_refresh_that_drops_responses_rebuilds_whole(home: Home, tmp_path: Path) -> None:
    for builtin in builtin_sources_dir().glob("*.yaml"):
        text = builtin.read_text()
        if builtin.stem == "service_followup":  # effort 7 is now out of range: those responses are rejected
            text = text.replace("scale: [1, 7]", "scale: [1, 6]") + "max_reject_rate: 1.0\n"
        (home.sources / builtin.name).write_text(text)
    before = _one(home, "select count(*) from core.feedback")[0]
    built = _run(home, "--full-refresh")
    assert _one(home, "select count(*) from core.feedback")[0] < before
    assert {built[m] for m in REFRESHED} == {"rebuilt whole (first build)"}
    _identical(home, tmp_path)


def test_missing_state_rebuilds_whole_then_refreshes_again(home: Home, tmp_path: Path) -> None:
    connection = duckdb.connect(str(home.pipeline_db))
    connection.execute("drop table meta.mart_snapshot")
    connection.close()
    _service_file(home, "night_5.csv", ["NEW-5,zed@acme.com,ACME Corp.,2024-09-10T10:00:00Z,4,2,Billing,,Core,EMEA"])
    built = _run(home)
    assert {built[m] for m in REFRESHED} == {"rebuilt whole (not built with the other marts last time)"}
    _identical(home, tmp_path)
    _service_file(home, "night_6.csv", ["NEW-6,zed@acme.com,ACME Corp.,2024-09-11T10:00:00Z,2,2,Billing,,Core,EMEA"])
    _refreshed(_run(home), *REFRESHED)
    _identical(home, tmp_path)
