"""The mess every sample export gets: a few invalid rows and rows repeated byte for byte."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samples.settings import (
    DUPLICATE_SHARE,
    FILE_COLUMN,
    INVALID_SHARE,
    POSITION_COLUMN,
)

# --------------------------------------------------------------------------------------------------
# The mess every export gets: invalid rows, repeated rows
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Breakage:
    """A way to make a row invalid: put ``value`` into ``column``."""

    column: str
    value: str | None


def _invalid_count(n: int) -> int:
    return max(1, round(n * INVALID_SHARE))


def duplicate_count(n: int) -> int:
    return max(1, round(n * DUPLICATE_SHARE))


def _break_some_rows(rng: np.random.Generator, table: pa.Table,
                     breakages: Sequence[Breakage]) -> tuple[pa.Table, np.ndarray]:
    """Each chosen row breaks one rule, the ways taken in turn so that all of them occur; returns the mask."""
    n_invalid = _invalid_count(table.num_rows)
    rows = rng.choice(table.num_rows, size=n_invalid, replace=False)
    broken = np.zeros(table.num_rows, dtype=bool)
    broken[rows] = True
    for way, breakage in enumerate(breakages):
        mask = np.zeros(table.num_rows, dtype=bool)
        mask[rows[way::len(breakages)]] = True
        column = table.column(breakage.column)
        replaced = pc.if_else(pa.array(mask), pa.scalar(breakage.value, column.type), column)
        table = table.set_column(table.schema.get_field_index(breakage.column), breakage.column, replaced)
    return table, broken


def _repeat_some_rows(rng: np.random.Generator, table: pa.Table, n_copies: int, eligible: np.ndarray) -> pa.Table:
    """Append exact copies of valid rows, about half in the same file, half at the start of the next file
    (an export window that overlapped the previous one), then order the rows by file."""
    files = table.column(FILE_COLUMN).to_numpy()
    file_end = np.searchsorted(files, files, side="right")  # one past each row's file block
    has_next_file = file_end < len(files)
    later_candidates = np.flatnonzero(eligible & has_next_file)
    n_later = min(n_copies // 2, len(later_candidates))
    later = rng.choice(later_candidates, size=n_later, replace=False)
    not_yet_chosen = eligible.copy()
    not_yet_chosen[later] = False
    same = rng.choice(np.flatnonzero(not_yet_chosen), size=n_copies - n_later, replace=False)

    positions = np.arange(len(files), dtype=np.float64)
    same_positions = same + rng.random(len(same)) * (file_end[same] - same)  # later in the same file
    later_positions = file_end[later] - 0.5  # first in the next file
    originals = np.concatenate([same, later])
    copies = table.take(pa.array(originals))
    copy_files = np.concatenate([files[same], files[file_end[later]]])
    copies = copies.set_column(copies.schema.get_field_index(FILE_COLUMN), FILE_COLUMN, pa.array(copy_files))
    combined = pa.concat_tables([
        table.append_column(POSITION_COLUMN, pa.array(positions)),
        copies.append_column(POSITION_COLUMN, pa.array(np.concatenate([same_positions, later_positions]))),
    ])
    ordered = combined.sort_by([(FILE_COLUMN, "ascending"), (POSITION_COLUMN, "ascending")])
    return ordered.drop_columns([POSITION_COLUMN])


@dataclass(frozen=True)
class Export:
    """One source's rows, ordered by file, with the hidden columns ``_file`` and ``_account``."""

    source: str
    folder: str
    file_names: tuple[str, ...]  # by file number
    columns: tuple[str, ...]  # written, in this order
    table: pa.Table
    invalid: int
    duplicates: int


def messy_export(rng: np.random.Generator, source: str, folder: str, file_names: Sequence[str],
                  columns: Sequence[str], clean: pa.Table, breakages: Sequence[Breakage], n_copies: int) -> Export:
    table, broken = _break_some_rows(rng, clean, breakages)
    table = _repeat_some_rows(rng, table, n_copies, eligible=~broken)
    return Export(source, folder, tuple(file_names), tuple(columns), table, int(broken.sum()), n_copies)


