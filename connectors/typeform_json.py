"""Typeform Responses API pages (``format: typeform_json``): ``GET /forms/{form_id}/responses`` saved as is.

A page is ``{"total_items": N, "page_count": P, "items": [...]}``; each item is one response with
``response_id`` / ``token``, ``landed_at``, ``submitted_at`` (UTC, ``2024-03-18T09:02:11Z``),
``metadata``, ``hidden`` (the hidden fields passed in the form's URL), ``calculated.score`` and
``answers``: one object per answered question, ``{"field": {"id", "ref", "type"}, "type": ..., <type>: value}``
where the answer ``type`` names the key holding the value (``number``, ``text``, ``email``,
``boolean``, ``date``, ``url``, ``file_url``, ``phone_number``, ``choice`` ``{label | other}``,
``choices`` ``{labels[], other}``, ``payment`` ``{amount}``).

One row per item, flattened by DuckDB: ``response_id``, ``response_type``, ``landing_id``, ``landed_at``,
``submitted_at``, ``metadata.platform``, ``metadata.browser``, ``metadata.referer``,
``metadata.network_id``, ``metadata.user_agent``, ``calculated.score``, then one column per hidden
field (its name), then one column per question keyed by ``field.ref`` (its ``field.id`` when it has no
ref), in order of first appearance. Every value is text: numbers as written, booleans ``true`` /
``false``, a ``choice`` as its label (or the "other" text), ``choices`` as a JSON list of labels (the
"other" text last). An unanswered question is empty.

Partial responses (``response_type`` ``partial`` / ``started``, or no ``submitted_at``) are not
responses to analyse: they come back as rejects with rule ``typeform_partial`` unless
``include_partial: true`` (the one option, :class:`Options`). A file that is not JSON of this shape is
refused naming what was expected.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors._json_document import open_document, require_shape
from connectors._json_reader import explain_error
from connectors._lists import batches_of, lineage_table
from connectors.base import ConnectorError, FileRead, ReaderOptions, RowReject
from schemas.sql_names import quote

__all__ = ["Options", "read", "EXPECTED", "NOT_RESPONSES"]

# Records set aside under these rules are not responses: quarantined for the record, but not counted
# against the spec's max_reject_rate (see connectors.not_response_rules).
NOT_RESPONSES = frozenset({"typeform_partial"})

EXPECTED = ("expected a Typeform Responses API page: a JSON object with items[] of responses (response_id or "
            "token, submitted_at, answers[] of {field: {id, ref, type}, type, <value>}), total_items and page_count")
_FIXED = {
    "response_id": "coalesce(item->>'response_id', item->>'token')",
    "response_type": "item->>'response_type'",
    "landing_id": "item->>'landing_id'",
    "landed_at": "item->>'landed_at'",
    "submitted_at": "item->>'submitted_at'",
    "metadata.platform": "item->>'$.metadata.platform'",
    "metadata.browser": "item->>'$.metadata.browser'",
    "metadata.referer": "item->>'$.metadata.referer'",
    "metadata.network_id": "item->>'$.metadata.network_id'",
    "metadata.user_agent": "item->>'$.metadata.user_agent'",
    "calculated.score": "item->>'$.calculated.score'",
}
# The answer's value, by the answer type that names its key.
_ANSWER_VALUE = """case a->>'type'
    when 'choice' then coalesce(a->>'$.choice.label', a->>'$.choice.other')
    when 'choices' then to_json(list_filter(list_concat(from_json(a->'$.choices.labels', '["VARCHAR"]'),
                                                        [a->>'$.choices.other']), lambda x: x is not null))::varchar
    when 'payment' then a->>'$.payment.amount'
    else a->>('$.' || (a->>'type'))
end"""
_ITEMS = """create temp table items as
select source_row, item from (
    select unnest(items) as item, generate_subscripts(items, 1) as source_row
    from (select json_extract(doc, '$.items[*]') as items from document))"""
_ANSWERS = f"""create temp table answers as
select source_row, coalesce(a->>'$.field.ref', a->>'$.field.id') as name, {_ANSWER_VALUE} as value,
       source_row * 10000 + position as seen
from (select source_row, unnest(json_extract(item, '$.answers[*]')) as a,
             generate_subscripts(json_extract(item, '$.answers[*]'), 1) as position from items)"""
_HIDDEN = """create temp table hidden as
select source_row, name, item->'hidden'->>name as value, source_row * 10000 + position as seen
from (select source_row, item, unnest(json_keys(item->'hidden')) as name,
             generate_subscripts(json_keys(item->'hidden'), 1) as position
      from items where json_type(item->'hidden') = 'OBJECT')"""


class Options(ReaderOptions):
    # Keep partial responses as rows: a form whose first answers matter even when the rest is left.
    include_partial: bool = False


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    connection = open_document(path, source_file, encoding)
    try:
        require_shape(connection, source_file, "items", EXPECTED,
                       "item->>'response_id' is null and item->>'token' is null")
        for statement in (_ITEMS, _ANSWERS, _HIDDEN):
            connection.execute(statement)
        hidden = _names(connection, "hidden")
        answers = _names(connection, "answers")
        columns = [*_FIXED, *hidden, *answers]
        _require_unique(columns, source_file)
        table = connection.sql(_pivot(hidden, answers), params=[*hidden, *answers]).to_arrow_table()
        raw = connection.sql("select item::varchar from items order by source_row").to_arrow_table().column(0)
    except duckdb.Error as exc:
        raise explain_error(source_file, exc) from None
    finally:
        connection.close()
    rows = table.column("source_row").to_numpy()
    data = table.drop_columns(["source_row"]).rename_columns(columns)
    rejects: list[RowReject] = []
    if not options.include_partial:
        data, rows = _without_partial(data, rows, raw, rejects)
    return FileRead(columns, batches_of(lineage_table(data, rows, source_file)), rejects)


def _names(connection: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    # in order of first appearance: the item, then the place in it
    rows = connection.execute(f"select name from {table} where name is not null group by name order by min(seen)").fetchall()
    return [r[0] for r in rows]


def _require_unique(columns: list[str], source_file: str) -> None:
    shared = sorted({c for c in columns if columns.count(c) > 1})
    if shared:
        raise ConnectorError(source_file, None, "header",
                             f"hidden field(s) or question ref(s) {shared} clash with other columns; expected unique names")


def _pivot(hidden: list[str], answers: list[str]) -> str:
    """One row per item: the fixed columns, then each hidden field and answer (names as parameters)."""
    fixed = ", ".join(f"{expression} as {quote(name)}" for name, expression in _FIXED.items())

    def spread(table: str, names: list[str], first: int) -> str:
        values = "".join(f", max(value) filter (where name = ${first + i}) as {table[0]}{i}" for i in range(len(names)))
        return f"select source_row{values} from {table} group by source_row"

    picked = [f"h.h{i}" for i in range(len(hidden))] + [f"a.a{i}" for i in range(len(answers))]
    return (f"with h as ({spread('hidden', hidden, 1)}), a as ({spread('answers', answers, len(hidden) + 1)})\n"
            f"select i.source_row, {', '.join([fixed, *picked])} from items i\n"
            "left join h on h.source_row = i.source_row left join a on a.source_row = i.source_row\n"
            "order by i.source_row")


def _without_partial(data: pa.Table, rows: np.ndarray, raw: pa.ChunkedArray,
                     rejects: list[RowReject]) -> tuple[pa.Table, np.ndarray]:
    kind, submitted = data.column("response_type"), data.column("submitted_at")
    # Typeform's own example pages give a response never submitted Go's zero time, 0001-01-01T00:00:00Z.
    never = pc.or_(pc.equal(submitted, ""), pc.starts_with(submitted, "0001-01-01"))
    partial = pc.or_(pc.fill_null(pc.is_in(kind, value_set=pa.array(["partial", "started"])), False),
                     pc.fill_null(never, True)).combine_chunks()
    if not pc.any(partial).as_py():
        return data, rows
    mask = partial.to_numpy(zero_copy_only=False)
    for row, text, k, at in zip(rows[mask], pc.filter(raw, partial).to_pylist(), pc.filter(kind, partial).to_pylist(),
                                pc.filter(submitted, partial).to_pylist()):
        why = (f"response_type is {k!r}" if k in ("partial", "started")
               else f"submitted_at is {at!r}" if at else "submitted_at is empty")
        rejects.append(RowReject(int(row), "typeform_partial",
                                 f"{why}: a response left before the end "
                                 "(set include_partial: true to keep partial responses)", text))
    return data.filter(pc.invert(partial)), rows[~mask]
