"""`silobridge demo` as a newcomer runs it, and the report it writes, opened in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from schemas.unified import ACCOUNT_CHANGES, PUBLISHED_TABLES
from warehouse.home import Home

from conftest import CHROMIUM, dump_dom, silobridge

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, str]:
    home = Home(tmp_path_factory.mktemp("demo") / "home")
    result = silobridge("demo", "--rows", "3000", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr
    return home, result.stdout


def test_demo_prints_a_summary_and_publishes_the_warehouse(demo: tuple[Home, str]) -> None:
    home, output = demo
    assert "Generated 3,000 sample responses" in output
    assert "rows read = loaded + rejected + duplicates" in output and "Rejected rows by rule" in output
    assert re.search(r"resolved to [\d,]+ accounts", output)
    connection = duckdb.connect(str(home.warehouse_db), read_only=True)
    try:
        for table in PUBLISHED_TABLES:
            count = connection.execute(f"select count(*) from {table.qualified_name}").fetchall()[0][0]
            # A first resolution has no earlier accounts to merge or split, so only its change log is empty.
            assert count == 0 if table is ACCOUNT_CHANGES else count > 0, table.qualified_name
        loaded = connection.execute("select count(*) from core.feedback").fetchall()[0][0]
        assert 2_900 < loaded < 3_000  # the sample's invalid and duplicated rows are kept out
    finally:
        connection.close()
    assert f"Report: {home.reports / 'feedback.html'}" in output
    assert f"{home.reports / 'data_docs' / 'index.html'}" in output


def test_the_report_is_self_contained(demo: tuple[Home, str]) -> None:
    page = (demo[0].reports / "feedback.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=['"]?(https?:)?//""", page)
    assert page.count("data-chart=") == 4 and "id='at-risk'" in page
    assert not re.search(r"[^@\s\"']+@[^@\s\"']+\.[a-z]{2,}|\b\d{1,3}(\.\d{1,3}){3}\b", page)  # no e-mail, no IP


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")
def test_the_report_renders_its_charts_in_a_browser(demo: tuple[Home, str], tmp_path: Path) -> None:
    report = demo[0].reports / "feedback.html"
    dom = dump_dom(report, tmp_path / "profile")
    assert 'data-ready="true"' in dom  # the drawing script ran to its end
    drawn = dict(re.findall(r'data-chart="(\w+)"[^>]*data-rendered="(\d+)"', dom))
    assert set(drawn) == {"score_trends", "survey_fatigue", "lost_reasons", "feature_requests"}
    assert all(int(n) > 0 for n in drawn.values()), drawn
    assert dom.count("<polyline") >= 4  # one line per department and metric


def test_every_published_column_is_documented(demo: tuple[Home, str]) -> None:
    home = demo[0]
    connection = duckdb.connect(str(home.warehouse_db), read_only=True)
    try:
        undocumented = connection.execute("select schema_name || '.' || table_name || '.' || column_name "
                                          "from duckdb_columns() where not internal and (comment is null or comment = '')").fetchall()
    finally:
        connection.close()
    assert undocumented == []
    result = silobridge("docs", "--home", str(home.root))
    assert result.returncode == 0, result.stderr
    markdown = (home.reports / "data_dictionary.md").read_text(encoding="utf-8")
    assert "## `core.feedback`" in markdown and "**Grain:** One row per survey response." in markdown
    assert "| `nps_90d` | DOUBLE | NPS over the 90-day window. |" in markdown
    assert "<h2><code>marts.at_risk_accounts</code></h2>" in (home.reports / "data_dictionary.html").read_text()


def test_mart_declarations_name_exactly_the_published_columns(demo: tuple[Home, str]) -> None:
    from warehouse.marts import mart_columns, mart_names

    connection = duckdb.connect(str(demo[0].warehouse_db), read_only=True)
    try:
        for name in mart_names():
            published = [r[0] for r in connection.execute(
                "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ? "
                "order by column_index", [name]).fetchall()]
            assert list(mart_columns(name)) == published, name
    finally:
        connection.close()
