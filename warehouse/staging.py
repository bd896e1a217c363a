"""Staging: one model per source that renames and types its raw rows into the unified shape.

The SELECT is generated from the source spec and :data:`schemas.unified.STAGED_FEEDBACK`, plus the flat
``_v_*`` columns the validation rules read (:mod:`warehouse.row_rules`) and ``_content_hash`` (the MD5 of
the row as read, which tells a changed response from a repeated one). The row as read itself, which
quarantine keeps, is not staged: the view ``staged_raw_records`` (:func:`create_raw_records_view`) gives
it for the few rows that need it, which keeps the staged rows narrow enough to stay in memory.

Staged rows are the run's working set: a temporary table of the pipeline database (kept in memory,
spilled to disk when large), rebuilt from the durable raw layer whenever it is missing. Writing it
to the database file would cost more than computing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from schemas.spec import SourceSpec
from schemas.sql_names import literal, quote
from schemas.unified import STAGED_FEEDBACK

from warehouse import expressions as ex
from warehouse.db import scalar
from warehouse.expressions import Params
from warehouse.row_rules import quoted, validation_columns

__all__ = ["StagingModel", "staging_model", "build_staging", "has_staging", "staging_table", "raw_table",
           "create_raw_records_view"]


def raw_table(spec: SourceSpec) -> str:
    return f"raw.{quote(spec.name)}"


def staging_table(spec: SourceSpec) -> str:
    return quote(f"staging_{spec.name}")


@dataclass(frozen=True)
class StagingModel:
    sql: str
    params: dict[str, Any]


def _column_expressions(spec: SourceSpec, run_id: str, p: Params) -> dict[str, str]:
    comment = quote(spec.comment) if spec.comment else None
    topics = ex.topics(spec, p)
    return {
        "feedback_id": ex.feedback_id(spec, p),
        "source": p(spec.name),
        "department": p(spec.department),
        "survey": p(spec.survey),
        "outcome": f"{p(spec.outcome)}::varchar" if spec.outcome else "null::varchar",
        "source_response_id": f"sb_redact({ex.text(spec.id)})",  # ids are published: an e-mail id would leak
        "account_name_raw": f"sb_redact({ex.text(spec.account.name)})",
        "email": f"lower({ex.text(spec.account.email)})",
        "crm_id": ex.text(spec.account.crm_id),
        "responded_at": ex.responded_at(spec, p),
        "topic": f"({topics})[1]",
        "topics": topics,
        "comment": f"case when trim({comment}) = '' then null else sb_redact({comment}) end" if comment else "null::varchar",
        "attributes": ex.attributes(spec, p),
        "scores": ex.scores(spec, p),
        "file_id": "_file_id",
        "source_file": "source_file",
        "source_row": "source_row",
        "run_id": p(run_id),
        "loaded_at": "now()",
    }


def staging_model(spec: SourceSpec, run_id: str) -> StagingModel:
    """The statement that (re)creates the source's staging table from its not yet loaded raw rows."""
    p = Params()
    expressions = _column_expressions(spec, run_id, p)
    columns = ",\n    ".join(f"{expressions[c]} as {quote(c)}" for c in STAGED_FEEDBACK.column_names)
    checked = quoted(validation_columns(spec, p))
    sql = f"""create or replace temp table {staging_table(spec)} as
select
    {columns},
    {checked},
    md5({_raw_record(spec, p)}::varchar) as _content_hash
from {raw_table(spec)}
where {_not_yet_loaded(spec, p)}
"""
    return StagingModel(sql, p.values)


def _raw_record(spec: SourceSpec, p: Callable[[str], str]) -> str:
    """The raw row as read, as a JSON object of the spec's columns."""
    return "json_object(" + ", ".join(f"{p(c)}, {quote(c)}" for c in spec.mapped_columns()) + ")"


def _not_yet_loaded(spec: SourceSpec, p: Callable[[str], str]) -> str:
    return f"_file_id in (select file_id from meta.files where source = {p(spec.name)} and status = 'raw_loaded')"


def create_raw_records_view(connection: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """The temp view ``staged_raw_records`` (file_id, source_row, _raw_record) over the staged rows' raw rows."""
    # A view cannot take parameters: the spec's names go in as quoted literals.
    connection.execute(f"""create or replace temp view staged_raw_records as
select _file_id as file_id, source_row, {_raw_record(spec, literal)} as _raw_record
from {raw_table(spec)}
where {_not_yet_loaded(spec, literal)}""")


def has_staging(connection: duckdb.DuckDBPyConnection, spec: SourceSpec) -> bool:
    return bool(scalar(connection, "select count(*) from duckdb_tables() where temporary and table_name = ?",
                       [f"staging_{spec.name}"]))


def build_staging(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, run_id: str) -> int:
    """Create the source's staging table from its not yet loaded raw rows; returns the number of rows."""
    model = staging_model(spec, run_id)
    connection.execute(model.sql, model.params)
    return scalar(connection, f"select count(*) from {staging_table(spec)}")
