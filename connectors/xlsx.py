"""Excel workbooks (``format: xlsx``), read straight into Arrow by fastexcel (calamine underneath).

Every cell is read as text (dates as ``YYYY-MM-DD HH:MM:SS``); staging types them. Rows whose cells
are all empty are not records; header cells name the columns as in every connector (a repeated name
gets " (2)"). Options: ``sheet`` (name or 0-based index, default 0), ``header_row``
(0-based, default 0).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastexcel
import numpy as np
import pyarrow as pa

from connectors.base import (BATCH_ROWS, ConnectorError, FileRead, any_cell_filled, check_reserved, column_names,
                             with_lineage, without_blank_unnamed)

__all__ = ["read"]


def read(path: Path, source_file: str, encoding: str | None, options: dict[str, Any]) -> FileRead:
    sheet = options.get("sheet", 0)
    try:
        # The header row is read as a row, not as names: fastexcel would rename a repeated or blank cell its
        # own way ("Why?_1", "__UNNAMED__2"), where every other connector names them alike.
        cells = fastexcel.read_excel(path).load_sheet(sheet, header_row=None, skip_rows=int(options.get("header_row", 0)),
                                                      dtypes="string").to_arrow()
    except Exception as exc:  # fastexcel raises its own exception family for every unreadable workbook
        raise ConnectorError(source_file, None, "xlsx", f"expected an Excel workbook with sheet {sheet!r}: {exc}") from None
    cells = pa.Table.from_batches([cells]) if isinstance(cells, pa.RecordBatch) else cells
    if cells.num_rows == 0:
        raise ConnectorError(source_file, None, "empty_file", f"sheet {sheet!r} is empty, expected a header row")
    header = ["" if cell is None else str(cell) for cell in cells.slice(0, 1).to_pylist()[0].values()]
    table = without_blank_unnamed(cells.slice(1).rename_columns(column_names(header)), header)
    check_reserved(table.schema.names, source_file)
    return FileRead(table.schema.names, _batches(table, source_file))


def _batches(table: pa.Table, source_file: str) -> Iterator[pa.RecordBatch]:
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    not_blank = any_cell_filled(table)
    table, rows = table.filter(not_blank), rows[not_blank.to_numpy(zero_copy_only=False)]
    offset = 0
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield with_lineage(batch, source_file, rows[offset:offset + batch.num_rows])
        offset += batch.num_rows
