"""SurveyMonkey CSV exports (``format: surveymonkey_csv``), "All responses data", expanded columns.

Two header rows: the question text (blank over the further columns of a multi-column question) and
the answer option ("Response", "Open-Ended Response", a choice, a matrix row, "Other (please
specify)"; blank under the metadata: Respondent ID, Collector ID, Start Date ...). Columns are named
"question" or "question - option" (see :func:`connectors._survey_headers.surveymonkey_names`). Every
value comes back as the exact text of the file, dates such as ``03/12/2024 04:48:11 AM`` included;
``source_row`` counts responses, header rows not counted. Records with the wrong number of fields
come back as ``field_count`` rejects, as in ``format: csv``. No options.
"""

from __future__ import annotations

from pathlib import Path

from connectors._survey_headers import file_read, read_csv_grid, surveymonkey_names
from connectors.base import FileRead, ReaderOptions

__all__ = ["Options", "read"]


class Options(ReaderOptions):
    """No options: SurveyMonkey writes one dialect and two header rows."""


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    grid = read_csv_grid(path, source_file, encoding, "a SurveyMonkey CSV export")
    names = surveymonkey_names(grid.header_rows(2), source_file)
    data, rows, rejects = grid.data(2, source_file)
    return file_read(data, names, rows, source_file, rejects)
