"""Marts: every ``marts/*.sql`` file is one analyst-facing table, rebuilt from core on each run.

A new mart is a new SQL file: it becomes a table of the published warehouse and a Dagster asset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from schemas.sql_names import quote

from warehouse.db import scalar
from warehouse.packaged import packaged_file, packaged_names, packaged_text

__all__ = ["mart_columns", "mart_description", "MartSettings", "mart_names", "build_mart"]


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


def build_mart(connection: duckdb.DuckDBPyConnection, name: str, settings: MartSettings = MartSettings()) -> int:
    """(Re)build one mart table; returns its row count."""
    sql = mart_sql(name)
    params = {k: v for k, v in vars(settings).items() if f"${k}" in sql}
    connection.execute(f"create or replace table marts.{quote(name)} as {sql}", params or None)
    return scalar(connection, f"select count(*) from marts.{quote(name)}")
