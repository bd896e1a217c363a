"""DDL derived from the declarations in :mod:`schemas.unified`, never written by hand."""

from __future__ import annotations

from schemas.sql_names import quote
from schemas.unified import FEEDBACK, Table

__all__ = ["create_table_sql", "feedback_select_sql", "feedback_view_sql"]


def create_table_sql(table: Table, if_not_exists: bool = True, name: str | None = None,
                     with_key: bool = True) -> str:
    columns = ",\n  ".join(
        f"{quote(c.name)} {c.sql_type}{'' if c.nullable else ' not null'}" for c in table.columns
    )
    key = f",\n  primary key ({', '.join(map(quote, table.primary_key))})" if table.enforce_key and with_key else ""
    guard = "if not exists " if if_not_exists else ""
    return f"create table {guard}{name or table.qualified_name} (\n  {columns}{key}\n)"


def feedback_select_sql(loaded: str = "core.feedback_loaded", mentions: str = "core.account_mentions",
                        join: str = "left join") -> str:
    """The query of core.feedback: ``loaded`` responses with the account of their mention in ``mentions``."""
    columns = ", ".join("m.account_id" if c == "account_id" else f"f.{quote(c)}" for c in FEEDBACK.column_names)
    return f"select {columns} from {loaded} f {join} {mentions} m using (mention_key)"


def feedback_view_sql() -> str:
    """core.feedback as the contract shows it: loaded responses with their resolved account."""
    return f"create or replace view core.feedback as {feedback_select_sql()}"
