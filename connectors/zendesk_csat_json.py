"""Zendesk satisfaction ratings (``format: zendesk_csat_json``): a ``GET /api/v2/satisfaction_ratings``
page saved as is, with optional side files to name the people and companies behind the ids.

A page is ``{"satisfaction_ratings": [...], "next_page", "previous_page", "count"}`` (offset
pagination) or the same list with ``meta`` / ``links`` (cursor pagination). A rating has ``id``,
``ticket_id``, ``requester_id``, ``assignee_id``, ``group_id``, ``score``, ``comment``, ``reason``,
``reason_code``, ``created_at`` / ``updated_at`` (UTC, ``2024-03-18T08:02:11Z``) and ``url``.

``score`` is ``good`` or ``bad`` for an answered survey (map it in the spec, e.g. ``values: {good: 1,
bad: 0}`` on ``scale: [0, 1]``). ``offered`` (sent, not answered) and ``unoffered`` (never sent) are
not responses: such a rating comes back as a reject with rule ``zendesk_not_rated``, so it is counted
and quarantined, never loaded as feedback and never lost.

Ratings carry ids only. Options ``users`` and ``organizations`` (:class:`Options`) name side files (a
``GET /api/v2/users`` and ``GET /api/v2/organizations`` page, resolved against the ratings file's folder unless absolute);
with them the row also gets ``requester_name``, ``requester_email``, ``organization_id``,
``organization_name``, ``organization_external_id`` (often the CRM id) and ``organization_domains``
(a JSON list). Without them, or for a requester not in the file, those columns are empty. A side file
that is named but missing, or not of its shape, refuses the ratings file with the reason.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from connectors._json_document import load_document, open_document, require_shape
from connectors._json_reader import explain_error
from connectors._lists import batches_of, lineage_table
from connectors.base import ConnectorError, FileRead, ReaderOptions, RowReject

__all__ = ["Options", "read", "EXPECTED", "COLUMNS", "NOT_RESPONSES"]

# Records set aside under these rules are not responses: quarantined for the record, but not counted
# against the spec's max_reject_rate (see connectors.not_response_rules).
NOT_RESPONSES = frozenset({"zendesk_not_rated"})

EXPECTED = ("expected a Zendesk satisfaction ratings page: a JSON object with satisfaction_ratings[] of ratings "
            "(id, ticket_id, requester_id, score, created_at)")
COLUMNS = ["id", "ticket_id", "score", "comment", "reason", "reason_code", "created_at", "updated_at",
           "requester_id", "requester_name", "requester_email", "organization_id", "organization_name",
           "organization_external_id", "organization_domains", "assignee_id", "group_id", "url"]
_NOT_RATED = ["offered", "unoffered"]
_SIDE_FILES = {
    "users": ("users", "a Zendesk users page: a JSON object with users[] (id, name, email, organization_id)"),
    "organizations": ("organizations", "a Zendesk organizations page: a JSON object with organizations[] "
                                       "(id, name, external_id, domain_names)"),
}
_FLATTEN = """
with ratings as (
    select source_row, r from (
        select unnest(json_extract(doc, '$.satisfaction_ratings[*]')) as r,
               generate_subscripts(json_extract(doc, '$.satisfaction_ratings[*]'), 1) as source_row
        from document)
), users as (
    select u->>'id' as id, u->>'name' as name, u->>'email' as email, u->>'organization_id' as organization_id
    from (select unnest(json_extract(doc, '$.users[*]')) as u from users_page)
    qualify row_number() over (partition by id) = 1   -- a user listed twice must not double a rating
), organizations as (
    select o->>'id' as id, o->>'name' as name, o->>'external_id' as external_id,
           (o->'domain_names')::varchar as domains
    from (select unnest(json_extract(doc, '$.organizations[*]')) as o from organizations_page)
    qualify row_number() over (partition by id) = 1
)
select r->>'id', r->>'ticket_id', r->>'score', r->>'comment', r->>'reason', r->>'reason_code',
       r->>'created_at', r->>'updated_at', r->>'requester_id', u.name, u.email, u.organization_id, o.name,
       o.external_id, o.domains, r->>'assignee_id', r->>'group_id', r->>'url', source_row, r::varchar as raw
from ratings
left join users u on u.id = r->>'requester_id'
left join organizations o on o.id = u.organization_id
order by source_row
"""


class Options(ReaderOptions):
    # Ratings carry ids only: a users page and an organizations page (JSON files, relative to the ratings
    # file unless absolute) give the names, e-mails and companies behind them.
    users: str | None = Field(default=None, min_length=1)
    organizations: str | None = Field(default=None, min_length=1)


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    connection = open_document(path, source_file, encoding)
    try:
        require_shape(connection, source_file, "satisfaction_ratings", EXPECTED, "item->>'id' is null")
        for option, (key, expected) in _SIDE_FILES.items():
            _load_side_file(connection, path, source_file, getattr(options, option), option, key, expected)
        table = connection.sql(_FLATTEN).to_arrow_table()
    except duckdb.Error as exc:
        raise explain_error(source_file, exc) from None
    finally:
        connection.close()
    rows, raw = table.column("source_row").to_numpy(), table.column("raw")
    data = table.select(range(len(COLUMNS))).rename_columns(COLUMNS)
    rejects: list[RowReject] = []
    data, rows = _without_unrated(data, rows, raw, rejects)
    return FileRead(list(COLUMNS), batches_of(lineage_table(data, rows, source_file)), rejects)


def _load_side_file(connection: duckdb.DuckDBPyConnection, path: Path, source_file: str, named: str | None,
                    option: str, key: str, expected: str) -> None:
    table = f"{key}_page"
    if named is None:
        connection.execute(f"create temp table {table} as select json_object({key!r}, json_array()) as doc")
        return
    side = Path(named) if Path(named).is_absolute() else path.parent / named
    if not side.is_file():
        raise ConnectorError(source_file, None, "side_file", f"the {option} file {named!r} (option {option}) is "
                             f"missing; expected {expected} at {side}")
    try:
        load_document(connection, side, source_file, None, table)
        require_shape(connection, source_file, key, f"{option} file {named!r}: expected {expected}",
                      "item->>'id' is null", table=table)
    except ConnectorError as error:
        raise ConnectorError(source_file, None, "side_file", error.detail) from None


def _without_unrated(data: pa.Table, rows: np.ndarray, raw: pa.ChunkedArray,
                     rejects: list[RowReject]) -> tuple[pa.Table, np.ndarray]:
    score = data.column("score")
    unrated = pc.fill_null(pc.is_in(score, value_set=pa.array(_NOT_RATED)), False).combine_chunks()
    if not pc.any(unrated).as_py():
        return data, rows
    mask = unrated.to_numpy(zero_copy_only=False)
    for row, text, s in zip(rows[mask], pc.filter(raw, unrated).to_pylist(), pc.filter(score, unrated).to_pylist()):
        meaning = "sent and never answered" if s == "offered" else "never sent"
        rejects.append(RowReject(int(row), "zendesk_not_rated",
                                 f"score is {s!r}: the survey was {meaning}, so this is not a response", text))
    return data.filter(pc.invert(unrated)), rows[~mask]
