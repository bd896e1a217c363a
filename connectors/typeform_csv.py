"""Typeform results downloads (``format: typeform_csv``): Results > Responses > Download > CSV.

One header row: ``#`` (the response token, the same id as ``response_id`` in the Responses API), one
column per question headed by its title, the hidden fields by their names, then ``Response Type``
(``completed`` / ``partial``), ``Start Date (UTC)``, ``Stage Date (UTC)``, ``Submit Date (UTC)``
(``2024-03-18 09:02:11``, UTC), ``Network ID`` and ``Tags``; exports made before Typeform kept partial
responses have no ``Response Type`` / ``Stage Date (UTC)``. A yes/no answer is ``1`` / ``0``. A
multiple-selection question has one column per choice, headed by the choice's label and holding it when
chosen, then an ``Other`` column for the text of "Other" (labels that two questions share, or several
``Other`` columns, come out as ``Other (2)``: see :func:`connectors.base.column_names`). Option
``choice_columns`` gathers them back into one column named after the question, holding a JSON list of
the chosen labels. A ranking answer is one cell with its labels joined by ``,``: name it in
``multi_select``. A file without ``#`` first and a ``Submit Date (UTC)`` column is not a Typeform download
and is refused.

Every value comes back as text, without the ``'`` Typeform puts before a value starting with ``+ = - @``
(so that spreadsheets do not read a phone number as a formula). Partial responses come back as rejects
with rule ``typeform_partial`` unless ``include_partial: true``. Options (:class:`Options`): ``choice_columns``
(``{question: [choice columns...]}``), ``multi_select``, ``separator`` (default ``,``), ``include_partial``
(default false).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import AfterValidator, Field

from connectors import csv, typeform_json
from connectors._lists import (MultiSelectOptions, as_json_lists, batches_of, choice_columns, choices_listed_once,
                              gather_choices, multi_select_columns, read_table)
from connectors._survey_headers import text_of_records
from connectors.base import LINEAGE_FIELDS, ConnectorError, FileRead, RowReject

__all__ = ["Options", "read", "EXPECTED", "NOT_RESPONSES"]

# Records set aside under these rules are not responses: quarantined for the record, but not counted
# against the spec's max_reject_rate (see connectors.not_response_rules).
NOT_RESPONSES = frozenset({"typeform_partial"})

EXPECTED = "expected a Typeform results download: a header starting with # and holding Submit Date (UTC)"
_PARTIAL = ["partial", "started"]


class Options(MultiSelectOptions, typeform_json.Options):
    """``include_partial`` as for the Responses API pages, with the download's multiple selections."""

    separator: str = Field(default=",", min_length=1)  # the download joins a ranking answer's labels by ,
    # A multiple-selection question comes as one column per choice: gather them into one JSON list, named
    # after the question ({Which features?: [Dashboards, Alerts, Other]}).
    choice_columns: Annotated[dict[str, Annotated[list[str], Field(min_length=1)]],
                              AfterValidator(choices_listed_once)] = Field(default_factory=dict)


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    opened = csv.read(path, source_file, encoding, csv.Options())
    if not opened.columns or opened.columns[0] != "#" or "Submit Date (UTC)" not in opened.columns:
        found = ", ".join(repr(c) for c in opened.columns[:4])
        raise ConnectorError(source_file, 1, "not_typeform", f"{EXPECTED}; the file starts with {found}")
    multi = multi_select_columns(options.multi_select, opened.columns, source_file)
    groups = choice_columns(options.choice_columns, opened.columns, source_file)
    table = as_json_lists(_without_formula_guard(read_table(opened)), multi, options.separator)
    rejects = list(opened.rejects)
    if not options.include_partial and "Response Type" in opened.columns:
        table = _without_partial(table, opened.columns, rejects)
    table = gather_choices(table, groups)
    rejects.sort(key=lambda r: r.source_row)
    return FileRead([n for n in table.schema.names if n not in LINEAGE_FIELDS], batches_of(table), rejects)


def _without_formula_guard(table: pa.Table) -> pa.Table:
    """``'+56954886178`` as the respondent typed it: ``+56954886178``."""
    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type) and field.name not in LINEAGE_FIELDS:
            table = table.set_column(i, field, pc.replace_substring_regex(table.column(i), r"^'([+=@-])", r"\1"))
    return table


def _without_partial(table: pa.Table, columns: list[str], rejects: list[RowReject]) -> pa.Table:
    partial = pc.is_in(pc.utf8_trim_whitespace(table.column("Response Type")), value_set=pa.array(_PARTIAL))
    partial = partial.combine_chunks() if isinstance(partial, pa.ChunkedArray) else partial
    if not pc.any(partial).as_py():
        return table
    dropped = table.filter(partial)
    for row, raw in zip(dropped.column(LINEAGE_FIELDS[1]).to_pylist(), text_of_records(dropped.select(columns))):
        rejects.append(RowReject(int(row), "typeform_partial", "Response Type is 'partial': a response left before the "
                                 "end (set include_partial: true to keep partial responses)", raw))
    return table.filter(pc.invert(partial))
