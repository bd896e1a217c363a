"""Marts: every ``marts/*.sql`` file is one analyst-facing table, brought up to date with core on each run.

:func:`build_mart` builds one whole; :mod:`warehouse.marts.refresh` recomputes only the rows a night's changes
touch, for the marts that declare what their rows are keyed by.

A new mart is a new SQL file: it becomes a table of the published warehouse and a Dagster asset. A mart may
read other marts (``marts.<name>``): it is built after them, and its asset depends on theirs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

import duckdb

from schemas.sql_names import quote

from warehouse.db import scalar
from warehouse.packaged import packaged_file, packaged_names, packaged_text

__all__ = ["mart_columns", "mart_description", "MartSettings", "mart_names", "build_mart", "marts_read",
           "mart_dependencies", "MartGraphError", "tables_read"]


@dataclass(frozen=True)
class MartSettings:
    """Knobs of the marts, passed to the SQL as ``$<field>`` parameters."""

    # Surveys per account per month above which the account is over-surveyed (marts.survey_fatigue).
    fatigue_limit: int = 4
    # Accounts with fewer respondents are flagged is_small_sample in marts.account_360: with 4 answers one
    # more detractor moves the NPS by 25 points, so such figures should not be compared at face value.
    min_respondents: int = 5


def mart_description(name: str, settings: MartSettings = MartSettings()) -> str:
    """The comment block that opens a mart's SQL file: its grain and conventions, with the settings' values.

    >>> "more than 4 surveys" in mart_description("survey_fatigue", MartSettings(fatigue_limit=4))
    True
    """
    lines = []
    for line in mart_sql(name).splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    values = vars(settings)
    # The SQL names its knobs as $parameters; readers of the dictionary want the value the marts were built with.
    return re.sub(r"\$(\w+)", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0),
                  " ".join(lines))


def mart_columns(name: str) -> dict[str, str]:
    """Column descriptions declared next to the mart, in ``<name>.yaml``."""
    import yaml

    declared = packaged_file(f"marts/{name}.yaml")
    if not declared.is_file():
        return {}
    return dict((yaml.safe_load(declared.read_text(encoding="utf-8")) or {}).get("columns") or {})


def mart_names() -> list[str]:
    return packaged_names("marts", ".sql")


def mart_sql(name: str) -> str:
    return packaged_text(f"marts/{name}.sql")


class MartGraphError(ValueError):
    """The marts cannot be built in any order: one reads a mart no file defines, or they read each other in a cycle."""


def tables_read(sql: str, connection: duckdb.DuckDBPyConnection | None = None) -> set[str]:
    """Every ``schema.table`` a query reads (lower case), as DuckDB's own parser sees it.

    Comments, string literals and CTE names are not table references, so they do not count. The query is
    parsed, not bound, so any connection will do (a fresh in-memory one unless given).

    >>> sorted(tables_read("-- not marts.survey_fatigue\\nwith a as (select 1) select * from marts.account_360, a"))
    ['marts.account_360']
    """
    if connection is None:
        with duckdb.connect() as fresh:
            return tables_read(sql, fresh)
    tree = json.loads(scalar(connection, "select json_serialize_sql(?)", [sql]))
    if tree["error"]:
        raise ValueError(tree["error_message"])
    return {f"{table['schema_name']}.{table['table_name']}".lower() for table in _base_tables(tree)
            if table["schema_name"]}  # a CTE's name has no schema


def marts_read(sql: str, connection: duckdb.DuckDBPyConnection | None = None) -> set[str]:
    """The marts a query reads: every ``marts.<name>`` table it names (see :func:`tables_read`).

    >>> sorted(marts_read("select * from marts.account_360 join core.accounts using (account_id)"))
    ['account_360']
    """
    return {table.removeprefix("marts.") for table in tables_read(sql, connection) if table.startswith("marts.")}


def _base_tables(node: object) -> Iterator[dict]:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE":
            yield node
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            yield from _base_tables(child)


def mart_dependencies(sql_by_mart: Mapping[str, str] | None = None) -> dict[str, set[str]]:
    """Each mart (all packaged marts unless given) and the marts it reads, in an order they can be built in.

    >>> order = list(mart_dependencies())
    >>> order.index("account_360") < order.index("at_risk_accounts")
    True
    """
    if sql_by_mart is None:
        sql_by_mart = {name: mart_sql(name) for name in mart_names()}
    with duckdb.connect() as parser:
        reads = {name: _checked_reads(name, sql, sql_by_mart.keys(), parser)
                 for name, sql in sorted(sql_by_mart.items())}
    try:
        return {name: reads[name] for name in TopologicalSorter(reads).static_order()}
    except CycleError as error:
        cycle = list(reversed(error.args[1]))  # graphlib lists each mart before the one reading it
        raise MartGraphError("marts read each other in a cycle: " + ", ".join(
            f"{_mart_file(name)} reads marts.{read}" for name, read in zip(cycle, cycle[1:]))) from None


def _checked_reads(name: str, sql: str, marts: Collection[str], parser: duckdb.DuckDBPyConnection) -> set[str]:
    try:
        reads = marts_read(sql, parser)
    except ValueError as error:
        raise MartGraphError(f"{_mart_file(name)} cannot be parsed: {error}") from None
    unknown = sorted(reads - set(marts))
    if unknown:
        raise MartGraphError(f"{_mart_file(name)} reads " + ", ".join(
            f"marts.{other}, but there is no {_mart_file(other)}" for other in unknown))
    return reads


def _mart_file(name: str) -> str:
    return f"warehouse/marts/{name}.sql"


def build_mart(connection: duckdb.DuckDBPyConnection, name: str, settings: MartSettings = MartSettings()) -> int:
    """(Re)build one mart table; returns its row count."""
    sql = mart_sql(name)
    params = {k: v for k, v in vars(settings).items() if f"${k}" in sql}
    connection.execute(f"create or replace table marts.{quote(name)} as {sql}", params or None)
    return scalar(connection, f"select count(*) from marts.{quote(name)}")
