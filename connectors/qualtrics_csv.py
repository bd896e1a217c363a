"""Qualtrics response exports (``format: qualtrics_csv``), "numeric values" or "choice text".

The current exporter writes three header rows: the column ids (``StartDate``, ``ResponseId``, ``Q1``,
``Q2_1``, ``Q3_NPS_GROUP`` ...), the question text, and an ImportId JSON per column
(``{"ImportId":"QID1"}``; the 2016/17 exporter wrote it as a Python dict, ``{'ImportId': 'QID1'}``).
The legacy exporter writes two: ``V1..Vn`` ids for the metadata (then the question ids) and the question text, with no ImportId row; it is recognised by its ``V1`` first column.
Every value comes back as text; ``source_row`` counts responses, header rows not counted. The dates are
local times without an offset, in the zone each ImportId cell names (``"timeZone":"America/Denver"``): the
read says so (``FileRead.zones``), and a spec that reads them in another zone is refused.

Records that are not responses to analyse come back as rejects, not as rows, unless the options keep
them. By ``Status`` (Response Type; choice text, or the code in a numeric export): previews ("Survey
Preview" 1, "Survey Preview Spam" 9, "Offline Survey Preview" 17) as ``qualtrics_preview``, what *Generate
test responses* wrote ("Survey Test" 2) as ``qualtrics_test``, responses Qualtrics flagged as spam ("Spam"
8, "Imported Spam" 12) as ``qualtrics_spam``; then unfinished responses (``Finished`` False / 0) as
``qualtrics_unfinished``.

Options (:class:`Options`): ``columns_by`` (``column_id``, the default, or ``question_text``: question
text names, a text shared by several columns gets its column id appended), ``include_previews`` (previews
and test responses; default false), ``include_spam`` (default false), ``include_unfinished`` (default
false).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors._survey_headers import clean_name, duplicated, file_read, read_csv_grid, text_of_records
from connectors.base import ConnectorError, FileRead, ReaderOptions, RowReject, column_names

__all__ = ["Options", "read", "NOT_RESPONSES"]

# Records set aside under these rules are not responses: quarantined for the record, but not counted
# against the spec's max_reject_rate (see connectors.not_response_rules).
NOT_RESPONSES = frozenset({"qualtrics_preview", "qualtrics_test", "qualtrics_spam", "qualtrics_unfinished"})

EXPECTED = "expected Qualtrics' header rows: column ids, question text, ImportId JSON"
# Status values (choice text and numeric code) that are not responses: rule, what it is, the option keeping it.
_STATUS_RULES = (
    ("qualtrics_preview", ["Survey Preview", "1", "Survey Preview Spam", "9", "Offline Survey Preview", "17"],
     "a survey preview, not a response", "include_previews"),
    ("qualtrics_test", ["Survey Test", "2"], "a generated test response, not a response", "include_previews"),
    ("qualtrics_spam", ["Spam", "8", "Imported Spam", "12"], "a response Qualtrics flagged as spam",
     "include_spam"),
)
_NOT_FINISHED = ["False", "false", "FALSE", "0"]  # Finished: choice text / numeric value
_UTC_NAMES = {"Z", "UTC", "GMT", "Etc/UTC", "Etc/GMT", "Etc/Zulu", "Zulu", "UCT", "Universal"}


class Options(ReaderOptions):
    # Column ids (Q1, Q3_NPS_GROUP) are short and outlive a question's rewording; question text reads better.
    columns_by: Literal["column_id", "question_text"] = "column_id"
    # The records below are not responses and are set aside by default; each flag keeps them as rows, for a
    # source that wants them (a pilot run on previews, a review of Qualtrics' spam calls, the answers given
    # before a respondent left).
    include_previews: bool = False  # previews and generated test responses
    include_spam: bool = False  # responses Qualtrics flagged as spam
    include_unfinished: bool = False  # responses left unfinished (Finished false)


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    grid = read_csv_grid(path, source_file, encoding, "a Qualtrics CSV export")
    head = grid.header_rows(3)
    n_header, ids, texts, status_at, finished_at, progress_at = _layout(head, source_file)
    data, rows, rejects = grid.data(n_header, source_file)

    names = ids if options.columns_by == "column_id" else _question_names(ids, texts)
    keep = _exclusions(data, rows, rejects, status_at, finished_at, progress_at, options)
    if keep is not None:
        data, rows = data.filter(keep), rows[keep.to_numpy(zero_copy_only=False)]
    read = file_read(data, names, rows, source_file, rejects)
    if n_header == 3:
        read.zones = {name: zone for name, cell in zip(column_names(names), head[2]) if (zone := _stated_zone(cell))}
    return read


def _stated_zone(import_id: str) -> str | None:
    """The zone an ImportId cell gives its dates in: ``{"ImportId":"startDate","timeZone":"America/Denver"}``."""
    value = _import_id_cell(import_id)
    zone = value.get("timeZone") if value else None
    if not isinstance(zone, str) or not zone.strip():
        return None
    return "UTC" if zone.strip() in _UTC_NAMES else zone.strip()  # exports through the API say "Z"


def _layout(head: list[list[str]], source_file: str):
    """Header rows, ids, question texts and where Status / Finished / Progress are; or not Qualtrics."""
    if len(head) >= 3 and _is_import_id_row(head[2]):
        ids, texts = head[0], head[1]
        where = {name: i for i, name in enumerate(ids)}
        return 3, ids, texts, where.get("Status"), where.get("Finished"), where.get("Progress")
    if len(head) >= 2 and head[0] and head[0][0] == "V1" and "ResponseID" in head[1]:
        ids, texts = head[0], head[1]  # legacy: the metadata's names are in the question-text row
        where = {name: i for i, name in enumerate(texts) if ids[i].startswith("V")}
        return 2, ids, texts, where.get("Status"), where.get("Finished"), None
    found = ", ".join(repr(c) for c in (head[0][:4] if head else []))
    raise ConnectorError(source_file, 1, "not_qualtrics",
                         f"{EXPECTED} (or the legacy exporter's V1..Vn ids and question text); "
                         f"the file starts with {found or 'nothing'}")


def _is_import_id_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    if not filled:
        return False
    return all((value := _import_id_cell(cell)) and "ImportId" in value for cell in filled)


def _import_id_cell(cell: str) -> dict | None:
    """An ImportId cell as a mapping: JSON (``{"ImportId":"QID1"}``), or the Python dict the exporter wrote in
    2016/17 (``{'ImportId': 'QID1'}``), read as a literal (never evaluated)."""
    if not cell.strip():
        return None
    try:
        value = json.loads(cell)
    except ValueError:
        try:
            value = ast.literal_eval(cell.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    return value if isinstance(value, dict) else None


def _question_names(ids: list[str], texts: list[str]) -> list[str]:
    names = [clean_name(t) or i for i, t in zip(ids, texts)]
    shared = duplicated(names)
    return [f"{n} ({i})" if n in shared else n for n, i in zip(names, ids)]


def _exclusions(data: pa.Table, rows: np.ndarray, rejects: list[RowReject], status_at: int | None,
                finished_at: int | None, progress_at: int | None, options: Options) -> pa.Array | None:
    """Append the records that are not responses to ``rejects``; the mask of the rows to keep (or None)."""
    rule = pa.nulls(data.num_rows, pa.string())  # the first rule each record breaks
    if status_at is not None:
        status = pc.utf8_trim_whitespace(data.column(status_at))
        for name, values, _, option in _STATUS_RULES:
            if not getattr(options, option):
                rule = pc.if_else(pc.and_(pc.is_null(rule), pc.is_in(status, value_set=pa.array(values))), name, rule)
    if finished_at is not None and not options.include_unfinished:
        unfinished = pc.is_in(pc.utf8_trim_whitespace(data.column(finished_at)), value_set=pa.array(_NOT_FINISHED))
        rule = pc.if_else(pc.and_(pc.is_null(rule), unfinished), "qualtrics_unfinished", rule)
    dropped = pc.is_valid(rule)
    if isinstance(dropped, pa.ChunkedArray):
        dropped, rule = dropped.combine_chunks(), rule.combine_chunks()
    if not pc.any(dropped).as_py():
        return None
    out = data.filter(dropped)

    def values(at: int | None) -> list:
        return out.column(at).to_pylist() if at is not None else [None] * out.num_rows

    for row, raw, broken, s, f, p in zip(rows[dropped.to_numpy(zero_copy_only=False)], text_of_records(out),
                                         pc.filter(rule, dropped).to_pylist(), values(status_at),
                                         values(finished_at), values(progress_at)):
        rejects.append(RowReject(int(row), broken, _why(broken, s, f, p), raw))
    return pc.invert(dropped)


def _why(rule: str, status: str | None, finished: str | None, progress: str | None) -> str:
    if rule == "qualtrics_unfinished":
        done = f" at {progress}% progress" if progress else ""
        return (f"Finished is {finished!r}: a response left unfinished{done} "
                "(set include_unfinished: true to keep unfinished responses)")
    what, option = next((what, option) for name, _, what, option in _STATUS_RULES if name == rule)
    return f"Status is {status!r}: {what} (set {option}: true to keep them)"
