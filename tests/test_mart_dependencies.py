"""Marts built on marts: the marts a mart's SQL reads become its dependencies, in Dagster and in the build order."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from warehouse.home import Home
from warehouse.marts import MartGraphError, mart_dependencies, marts_read


def test_the_marts_a_query_reads_are_its_marts_tables_only() -> None:
    sql = """
        -- marts.survey_fatigue is only named in this comment
        with lost as (select * from marts.account_360 where n_lost_deals > 0)
        select l.*, 'marts.score_trends' as not_a_table
        from lost l
        join core.accounts using (account_id)
        where exists (select 1 from "MARTS"."lost_reasons" r where r.n_accounts > $min_respondents)
    """
    assert marts_read(sql) == {"account_360", "lost_reasons"}


def test_a_mart_that_does_not_parse_is_named() -> None:
    with pytest.raises(MartGraphError, match=r"warehouse/marts/broken\.sql cannot be parsed: .*syntax error"):
        mart_dependencies({"broken": "select from where"})


def test_marts_are_built_after_the_marts_they_read() -> None:
    order = list(mart_dependencies({"top": "select * from marts.middle join marts.base using (k)",
                                    "middle": "select * from marts.base", "base": "select 1 as k"}))
    assert order == ["base", "middle", "top"]
    packaged = mart_dependencies()
    assert packaged["at_risk_accounts"] == {"account_360"}
    assert list(packaged).index("account_360") < list(packaged).index("at_risk_accounts")


def test_marts_reading_each_other_in_a_cycle_are_an_error_naming_their_files() -> None:
    with pytest.raises(MartGraphError) as error:
        mart_dependencies({"a": "select * from marts.b", "b": "select * from marts.c", "c": "select * from marts.a",
                           "d": "select 1"})
    message = str(error.value)
    assert message.startswith("marts read each other in a cycle: ")
    for reads in ("warehouse/marts/a.sql reads marts.b", "warehouse/marts/b.sql reads marts.c",
                  "warehouse/marts/c.sql reads marts.a"):
        assert reads in message
    assert "d.sql" not in message


def test_a_mart_reading_a_mart_that_does_not_exist_is_an_error_naming_both_files() -> None:
    with pytest.raises(MartGraphError, match=r"^warehouse/marts/churn\.sql reads marts\.account_306, but there is "
                                             r"no warehouse/marts/account_306\.sql$"):
        mart_dependencies({"account_360": "select 1", "churn": "select * from marts.account_306"})


def test_the_asset_graph_has_an_edge_from_each_mart_read(home: Home) -> None:
    graph = build_definitions(home).resolve_asset_graph()
    assert graph.get(dg.AssetKey("at_risk_accounts")).parent_keys == {dg.AssetKey("accounts"),
                                                                      dg.AssetKey("account_360")}
    assert graph.get(dg.AssetKey("survey_fatigue")).parent_keys == {dg.AssetKey("accounts")}
