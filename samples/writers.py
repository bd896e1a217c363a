"""Writing the sample exports in the tools' formats: CRM report CSV, helpdesk CSV, JSON lines and xlsx workbooks."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from openpyxl.xml.constants import ARC_CORE
from openpyxl.xml.functions import tostring as xml_text

from schemas.sql_names import literal

from samples.companies import AccountPool
from samples.mess import Export
from samples.settings import (
    ACCOUNT_COLUMN,
    FILE_COLUMN,
    FIXED_TIMESTAMP,
    FIXED_ZIP_TIME,
)

# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _WrittenFile:
    source: str
    path: Path
    accounts: np.ndarray  # true account of each data record, in file order


@contextmanager
def duckdb_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    try:
        yield connection
    finally:
        connection.close()  # explicitly: DuckDB warns about connections left to the garbage collector


def write_export(landing: Path, export: Export, write: Callable[[Path, pa.Table], None]) -> list[_WrittenFile]:
    folder = landing / export.folder
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_number, rows in _file_slices(export):
        path = folder / export.file_names[file_number]
        write(path, rows.select(list(export.columns)))
        written.append(_WrittenFile(export.source, path, rows.column(ACCOUNT_COLUMN).to_numpy()))
    return written


def _file_slices(export: Export) -> list[tuple[int, pa.Table]]:
    """(file number, rows) for every file that has rows; the table is ordered by file."""
    files = export.table.column(FILE_COLUMN).to_numpy()
    counts = np.bincount(files, minlength=len(export.file_names))
    starts = np.concatenate([[0], np.cumsum(counts)])
    return [(f, export.table.slice(starts[f], counts[f])) for f in range(len(counts)) if counts[f]]


def write_crm_report_csv(path: Path, table: pa.Table) -> None:
    """As CRM reports come: CRLF line ends, every text value quoted, the header as a plain line."""
    with path.open("wb") as handle:
        handle.write((",".join(table.column_names) + "\r\n").encode())
        pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=False, eol="\r\n"))


def _sql_path(path: Path) -> str:
    return literal(str(path))


def write_helpdesk_csv(connection: duckdb.DuckDBPyConnection, path: Path, table: pa.Table) -> None:
    """As helpdesks export: LF line ends, values quoted only where they must be."""
    connection.register("export_rows", table)
    try:
        connection.execute(f"copy (select * from export_rows) to {_sql_path(path)} (format csv, header true)")
    finally:
        connection.unregister("export_rows")


def write_jsonl(connection: duckdb.DuckDBPyConnection, path: Path, table: pa.Table) -> None:
    connection.register("export_rows", table)
    try:
        columns = ", ".join("nps::json as nps" if name == "nps" else name for name in table.column_names)
        connection.execute(f"copy (select {columns} from export_rows) to {_sql_path(path)} (format json)")
    finally:
        connection.unregister("export_rows")


def write_xlsx(path: Path, table: pa.Table) -> None:
    """One sheet; times as real Excel datetimes and scores as numbers wherever the value is one."""
    workbook = openpyxl.Workbook(write_only=True)
    workbook.properties.creator = "silobridge sample data"
    workbook.properties.created = workbook.properties.modified = FIXED_TIMESTAMP
    sheet = workbook.create_sheet("Responses")
    sheet.append(list(table.column_names))
    columns = [table.column(name).to_pylist() for name in table.column_names]
    converters = [_EXCEL_CELL.get(name, _as_is) for name in table.column_names]
    for row in zip(*columns):
        sheet.append([convert(value) for convert, value in zip(converters, row)])
    buffer = io.BytesIO()
    workbook.save(buffer)  # stamps the current time into the document properties ...
    workbook.properties.modified = FIXED_TIMESTAMP  # ... which are written again without it
    fixed_properties = {ARC_CORE: xml_text(workbook.properties.to_tree())}
    path.write_bytes(_reproducible_zip(buffer.getvalue(), fixed_properties))


def _as_is(value: object) -> object:
    return value if value != "" else None


def _excel_datetime(value: str | None) -> dt.datetime | str | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return value  # a broken row's text stays text


def _excel_number(value: str | None) -> int | str | None:
    return int(value) if value and value.isdigit() else value


_EXCEL_CELL: dict[str, Callable[[object], object]] = {"Submitted": _excel_datetime, "NPS": _excel_number}


def _reproducible_zip(archive: bytes, replaced_entries: dict[str, bytes]) -> bytes:
    """The archive with some entries replaced and every entry's time and mode fixed."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, replaced_entries.get(entry.filename) or source.read(entry))
    return target_buffer.getvalue()


def write_truth(truth_path: Path, landing: Path, written: Sequence[_WrittenFile], accounts: AccountPool) -> None:
    """Which true account is behind every written row, by source file and data record number."""
    parts = []
    for file in written:
        n = len(file.accounts)
        parts.append(pa.table({
            "source": pa.repeat(pa.scalar(file.source, pa.string()), n),
            "source_file": pa.repeat(pa.scalar(file.path.relative_to(landing.parent).as_posix(), pa.string()), n),
            "source_row": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "true_account_key": accounts.keys.take(pa.array(file.accounts)),
        }))
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.concat_tables(parts), truth_path)
