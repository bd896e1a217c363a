"""Excel workbooks (``format: xlsx``), read straight into Arrow by fastexcel (calamine underneath).

Every cell is read as text (dates as ``YYYY-MM-DD HH:MM:SS``); staging types them. Rows whose cells
are all empty are not records. Header cells are named by fastexcel (it finds the header below empty
leading rows): a repeated name gets ``_1`` (``Why?_1``), a blank one ``__UNNAMED__<position>``.
Options (:class:`Options`): ``sheet`` (name or 0-based index, default 0), ``header_row`` (0-based, default 0).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import fastexcel
import numpy as np
import pyarrow as pa
from pydantic import Field

from connectors.base import BATCH_ROWS, ConnectorError, FileRead, ReaderOptions, any_cell_filled, with_lineage

__all__ = ["Options", "SheetOption", "read"]


class SheetOption(ReaderOptions):
    # A workbook may hold the responses on another sheet than its first (a cover or summary sheet before it).
    sheet: str | Annotated[int, Field(ge=0)] = 0  # the sheet's name, or its 0-based position


class Options(SheetOption):
    # Rows above the header (a title, an export note), 0-based; empty leading rows are skipped anyway.
    header_row: int = Field(default=0, ge=0)


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    sheet = options.sheet
    try:
        table = fastexcel.read_excel(path).load_sheet(sheet, header_row=options.header_row, dtypes="string").to_arrow()
    except Exception as exc:  # fastexcel raises its own exception family for every unreadable workbook
        raise ConnectorError(source_file, None, "xlsx", f"expected an Excel workbook with sheet {sheet!r}: {exc}") from None
    return FileRead(table.schema.names, _batches(pa.Table.from_batches([table]) if isinstance(table, pa.RecordBatch)
                                                 else table, source_file))


def _batches(table: pa.Table, source_file: str) -> Iterator[pa.RecordBatch]:
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    not_blank = any_cell_filled(table)
    table, rows = table.filter(not_blank), rows[not_blank.to_numpy(zero_copy_only=False)]
    offset = 0
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield with_lineage(batch, source_file, rows[offset:offset + batch.num_rows])
        offset += batch.num_rows
