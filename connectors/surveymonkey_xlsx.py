"""SurveyMonkey Excel exports (``format: surveymonkey_xlsx``), read by fastexcel (calamine).

The same two header rows as ``surveymonkey_csv`` (question text, then answer option) and the same
column names. Every cell comes back as text (a date cell as ``YYYY-MM-DD HH:MM:SS``, a date typed as
text as it stands); rows whose cells are all empty are not responses but keep their place in
``source_row``, as in ``format: xlsx``. Options (:class:`Options`): ``sheet`` (name or 0-based index,
default 0), as for ``xlsx``; the header rows are SurveyMonkey's own.
"""

from __future__ import annotations

from pathlib import Path

import fastexcel

from connectors._survey_headers import file_read, grid_from_table, surveymonkey_names
from connectors.base import ConnectorError, FileRead
from connectors.xlsx import SheetOption

__all__ = ["Options", "read"]


class Options(SheetOption):
    """The ``sheet`` option of ``xlsx``; the two header rows are SurveyMonkey's, so no ``header_row``."""


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    sheet = options.sheet
    try:
        table = fastexcel.read_excel(path).load_sheet(sheet, header_row=None, dtypes="string").to_arrow()
    except Exception as exc:  # fastexcel raises its own exception family for every unreadable workbook
        raise ConnectorError(source_file, None, "xlsx",
                             f"expected a SurveyMonkey Excel workbook with sheet {sheet!r}: {exc}") from None
    grid = grid_from_table(table)
    names = surveymonkey_names(grid.header_rows(2), source_file)
    data, rows, rejects = grid.data(2, source_file)
    return file_read(data, names, rows, source_file, rejects)  # blank rows are not records (file_read)
