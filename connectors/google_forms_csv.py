"""Google Forms responses (``format: google_forms_csv``): the Forms download or its linked Sheet's CSV.

Both have one header row of question titles after ``Timestamp`` (and ``Email Address`` when the form
collects e-mails) and no response id. They differ in two ways, told apart by the timestamps:

- the Forms download ("Download responses (.csv)") writes ``2024/03/18 9:02:11 AM GMT+1`` (the
  form owner's zone as an offset, parsed by a spec format such as ``"%Y/%m/%d %I:%M:%S %p %Z"``) and
  joins checkbox answers with ``;``. Where the owner's locale has a short name for the zone, it writes
  that instead (``EDT``, ``PST``, ``BST``, ``AEST``): the connector rewrites the names of
  ``ZONE_OFFSETS`` as the offset they stand for (``GMT-4``), since a name such as ``AST`` means
  different zones to different libraries; option ``zone_offsets`` adds or overrides names
  (``{IST: "GMT+5:30"}``: India, or ``GMT+1``: Ireland);
- the linked Sheet (File > Download > CSV) writes ``3/18/2024 9:02:11`` in the spreadsheet's locale
  (``18/03/2024 09:02:11``, ``18.03.2024``, ``18-3-2024``, ``2024/03/18``, ``2024-03-18``) and time
  zone (say which in the spec) and joins checkbox answers with ``, ``.

A file whose first column is not ``Timestamp`` holding mostly one of these layouts is not a Google
Forms export and is refused; a value of neither in the minority (a row typed into the Sheet by hand) is
left for staging to reject, that row only. Every value comes back as text; columns named in ``multi_select`` come back as
JSON lists. Since the export has no id, the connector adds ``response_hash``: a SHA-256 of the
response's non-empty answers keyed by question title (as written, before any zone is rewritten), so the
same response in the next (cumulative) download gets the same id, even after a question is added to the
form. Identical responses in the same second (an anonymous one-question form) are told apart by their
order in the file, which the cumulative download keeps.

Options (:class:`Options`): ``multi_select`` (checkbox questions), ``separator`` (overrides the one the
layout implies), ``timestamp_column`` (default ``Timestamp``; a form in another language names it in that
language), ``zone_offsets`` (zone names and the ``GMT±h[:mm]`` they stand for). The CSV dialect is
Google's own (commas, double quotes, no preamble), so ``csv``'s options are not taken.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, StringConstraints

from connectors import csv
from connectors._lists import MultiSelectOptions, as_json_lists, batches_of, multi_select_columns, read_table
from connectors.base import LINEAGE_FIELDS, ConnectorError, FileRead
from schemas.sql_names import quote

__all__ = ["Options", "read", "RESPONSE_HASH", "FORMS_DOWNLOAD", "SHEET_EXPORT", "ZONE_OFFSETS"]

RESPONSE_HASH = "response_hash"
_OFFSET = r"GMT([+-]\d{1,2}(:\d{2})?)?"
# 2024/03/18 9:02:11 AM GMT+1 (also GMT, GMT-5, GMT+5:30, or a zone's short name: EDT)
FORMS_DOWNLOAD = rf"^\d{{4}}/\d{{2}}/\d{{2}} \d{{1,2}}:\d{{2}}:\d{{2}} [AP]M ({_OFFSET}|[A-Z]{{2,5}})$"
# 3/18/2024 9:02:11 in the Sheet's locale: day or month first with / . or -, or year first (2024/03/18, 2024-03-18)
SHEET_EXPORT = (r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}[/.-]\d{1,2}[/.-]\d{1,2})\.? \d{1,2}:\d{2}:\d{2}$")
# The zone names English locales give (CLDR short names), as the offsets they stand for. Left out: names
# that stand for two zones (IST: India or Ireland; CST in a Chinese locale): say which in zone_offsets.
ZONE_OFFSETS = {
    "UTC": "GMT", "WET": "GMT", "WEST": "GMT+1", "BST": "GMT+1", "CET": "GMT+1", "CEST": "GMT+2",
    "EET": "GMT+2", "EEST": "GMT+3", "MSK": "GMT+3", "SAST": "GMT+2",
    "NST": "GMT-3:30", "NDT": "GMT-2:30", "AST": "GMT-4", "ADT": "GMT-3", "EST": "GMT-5", "EDT": "GMT-4",
    "CST": "GMT-6", "CDT": "GMT-5", "MST": "GMT-7", "MDT": "GMT-6", "PST": "GMT-8", "PDT": "GMT-7",
    "AKST": "GMT-9", "AKDT": "GMT-8", "HST": "GMT-10", "HDT": "GMT-9",
    "AWST": "GMT+8", "ACST": "GMT+9:30", "ACDT": "GMT+10:30", "AEST": "GMT+10", "AEDT": "GMT+11",
    "NZST": "GMT+12", "NZDT": "GMT+13", "JST": "GMT+9", "KST": "GMT+9", "HKT": "GMT+8", "SGT": "GMT+8",
    "WIB": "GMT+7",
}
_SEPARATOR = {FORMS_DOWNLOAD: ";", SHEET_EXPORT: ", "}
EXPECTED = ("expected a Google Forms export: a Timestamp column holding 2024/03/18 9:02:11 AM GMT+1 or ... AM EDT "
            "(Forms download) or 3/18/2024 9:02:11 (linked Sheet)")


class Options(MultiSelectOptions):
    # The first column's title: a form in another language names it in that language ("Marca temporal").
    timestamp_column: str = Field(default="Timestamp", min_length=1)
    # Zone names the download writes and ZONE_OFFSETS lacks or reads otherwise ({IST: "GMT+5:30"} for India).
    zone_offsets: dict[Annotated[str, StringConstraints(pattern="^[A-Z]{2,5}$")],
                       Annotated[str, StringConstraints(pattern=f"^{_OFFSET}$")]] = Field(default_factory=dict)


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    opened = csv.read(path, source_file, encoding, csv.Options())
    timestamp = options.timestamp_column
    if not opened.columns or opened.columns[0] != timestamp:
        found = ", ".join(repr(c) for c in opened.columns[:4])
        raise ConnectorError(source_file, 1, "not_google_forms", f"{EXPECTED}; the file starts with {found}")
    if RESPONSE_HASH in opened.columns:
        raise ConnectorError(source_file, 1, "reserved_column", f"the file has a column {RESPONSE_HASH!r}, "
                             "which this connector adds")
    multi = multi_select_columns(options.multi_select, opened.columns, source_file)
    table = read_table(opened)
    separator = options.separator or _SEPARATOR[_layout(table.column(timestamp), source_file)]
    table = as_json_lists(table, multi, separator)
    table = _with_response_hash(table, opened.columns)
    table = _zones_as_offsets(table, timestamp, {**ZONE_OFFSETS, **options.zone_offsets})
    return FileRead([*opened.columns, RESPONSE_HASH], batches_of(table), opened.rejects)


def _zones_as_offsets(table: pa.Table, timestamp: str, offsets: dict[str, str]) -> pa.Table:
    """Rewrite ``... AM EDT`` as ``... AM GMT-4`` (names not in ``offsets`` stay, and will not parse)."""
    parts = pc.extract_regex(table.column(timestamp), r"^(?P<head>.* [AP]M )(?P<zone>[A-Z]{2,5})$")
    offset = pc.take(pa.array(list(offsets.values())),
                     pc.index_in(pc.struct_field(parts, "zone"), value_set=pa.array(list(offsets))))
    rewritten = pc.if_else(pc.is_valid(offset), pc.binary_join_element_wise(pc.struct_field(parts, "head"), offset, ""),
                           table.column(timestamp))
    return table.set_column(table.schema.get_field_index(timestamp), timestamp, rewritten)


def _layout(timestamps: pa.ChunkedArray, source_file: str) -> str:
    """Which export the timestamps betray: the layout most of them have.

    A value of neither layout in the minority is a row typed by hand into the linked Sheet (``09.04.2024
    14:30`` among ``3/18/2024 9:02:11``): it stays, and staging rejects that row for its timestamp. A file
    where no layout holds most of the values is not a Google Forms export.
    """
    filled = pc.filter(timestamps, pc.not_equal(pc.utf8_trim_whitespace(timestamps), ""))
    if not len(filled):
        return FORMS_DOWNLOAD
    counts = {pattern: pc.sum(pc.match_substring_regex(filled, pattern)).as_py() or 0
              for pattern in (FORMS_DOWNLOAD, SHEET_EXPORT)}
    pattern = max(counts, key=counts.get)
    if counts[pattern] * 2 > len(filled):
        return pattern
    odd = pc.filter(filled, pc.invert(pc.match_substring_regex(filled, pattern)))
    raise ConnectorError(source_file, None, "not_google_forms",
                         f"{EXPECTED}; found {odd[0].as_py()!r} (most values fit neither layout)")


def _with_response_hash(table: pa.Table, columns: list[str]) -> pa.Table:
    """Append the SHA-256 (32 hex characters) of each response's non-empty answers keyed by title.

    The second and later of identical responses hash their answers with their rank among them, so that
    two respondents answering alike in the same second stay two responses.
    """
    pairs = ", ".join(f"{{'q': $q{i}, 'a': {quote(c)}}}" for i, c in enumerate(columns))
    answers = f"left(sha256(to_json(list_filter([{pairs}], lambda e: trim(coalesce(e.a, '')) <> ''))), 32)"
    sql = (f"with hashed as (select {answers} as h, source_row from responses), "
           "ranked as (select h, source_row, row_number() over (partition by h order by source_row) as n from hashed) "
           f"select case when n = 1 then h else left(sha256(h || '#' || n), 32) end as {RESPONSE_HASH} "
           "from ranked order by source_row")
    connection = duckdb.connect(config={"threads": 1})
    try:
        connection.register("responses", table.select([*columns, LINEAGE_FIELDS[1]]))
        hashes = connection.sql(sql, params={f"q{i}": c for i, c in enumerate(columns)}).to_arrow_table()
    finally:
        connection.close()
    data = table.select(columns).append_column(RESPONSE_HASH, hashes.column(0).cast(pa.string()))
    for name in LINEAGE_FIELDS:
        data = data.append_column(table.schema.field(name), table.column(name))
    return data
