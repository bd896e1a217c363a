"""Deterministic sample exports of the three seed silos, with the mess of real ones.

:func:`generate_silos` writes what the sales CRM, the helpdesk and the survey tools would export for the
built-in source specs (``schemas/builtin_sources``):

* ``sales/lost_business_<YYYY>Q<n>.csv`` — lost-business survey, one CRM report per quarter;
* ``service/followup_<YYYY-MM>.csv`` — post-ticket follow-up survey, one helpdesk export per month;
* ``product/planning_wave<N>.xlsx`` — planning survey, older waves (1-3) as the survey tool's workbooks;
* ``product/planning_<YYYY-MM>.jsonl`` — planning survey, recent waves (4-6) as JSON lines per month.

The same customers appear in every silo, spelled differently (case, punctuation, legal form dropped or
changed, accents dropped, typos), some behind free-mail addresses; about 2% of the accounts give about
half of the responses; comments hold commas, quotes, line breaks and non-ASCII text; about 0.5% of each
source's rows are invalid and about 0.3% are repeats of another row. Responses fall between 2024-01-01
and 2025-06-30.

Everything derives from ``numpy.random.default_rng(seed)``: the same ``rows`` and ``seed`` give
byte-identical files. Columns are built whole with numpy and Arrow; only the workbooks, capped at
:data:`XLSX_ROW_CAP` rows in total, are written cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from samples.companies import account_pool
from samples.settings import (
    MIN_ACCOUNTS,
    MIN_ROWS,
    PRODUCT_JSONL,
    PRODUCT_XLSX,
    RESPONSES_PER_ACCOUNT,
    SALES,
    SALES_SHARE,
    SERVICE,
    SERVICE_SHARE,
    SOURCE_NAMES,
    XLSX_ROW_CAP,
    XLSX_SHARE_OF_PRODUCT,
)
from samples.silos import (
    product_jsonl_export,
    product_xlsx_export,
    sales_export,
    service_export,
)
from samples.writers import (
    duckdb_connection,
    write_crm_report_csv,
    write_export,
    write_helpdesk_csv,
    write_jsonl,
    write_truth,
    write_xlsx,
)

__all__ = ["SampleSummary", "generate_silos", "SOURCE_NAMES", "XLSX_ROW_CAP", "MIN_ROWS"]


@dataclass(frozen=True)
class SampleSummary:
    """What :func:`generate_silos` wrote."""

    files: list[Path]
    """Every file written, in writing order."""
    rows_per_source: dict[str, int]
    """Data records written per source (duplicates and invalid rows included)."""
    distinct_accounts: int
    """True accounts behind at least one written row."""
    invalid_rows_per_source: dict[str, int]
    """Rows per source made to break exactly one row rule (score, timestamp or id)."""
    duplicate_rows_per_source: dict[str, int]
    """Extra copies per source of another row, identical to it byte for byte."""


def generate_silos(landing: Path, rows: int, seed: int = 7, truth_path: Path | None = None) -> SampleSummary:
    """Write sample exports of the three seed silos into ``landing/{sales,service,product}/``.

    ``rows`` responses in total: about 20% sales, 55% service and 25% product (the workbooks hold at most
    :data:`XLSX_ROW_CAP` of them). Existing files of the same names are overwritten; others are left alone.
    With ``truth_path``, also write a Parquet file there (outside ``landing``) naming, for every written
    row, ``source``, ``source_file`` (relative to ``landing``'s parent), ``source_row`` (1-based data record
    number) and ``true_account_key``.
    """
    landing = Path(landing).absolute()
    _check_arguments(landing, rows, truth_path)
    accounts_rng, sales_rng, service_rng, xlsx_rng, jsonl_rng = np.random.default_rng(seed).spawn(5)
    accounts = account_pool(accounts_rng, max(MIN_ACCOUNTS, rows // RESPONSES_PER_ACCOUNT))
    sizes = _source_sizes(rows)
    exports = [
        sales_export(sales_rng, accounts, sizes[SALES]),
        service_export(service_rng, accounts, sizes[SERVICE]),
        product_xlsx_export(xlsx_rng, accounts, sizes[PRODUCT_XLSX]),
        product_jsonl_export(jsonl_rng, accounts, sizes[PRODUCT_JSONL]),
    ]
    with duckdb_connection() as connection:
        writers = {SALES: write_crm_report_csv, SERVICE: partial(write_helpdesk_csv, connection),
                   PRODUCT_XLSX: write_xlsx, PRODUCT_JSONL: partial(write_jsonl, connection)}
        written = [file for export in exports for file in write_export(landing, export, writers[export.source])]
    if truth_path is not None:
        write_truth(Path(truth_path), landing, written, accounts)
    return SampleSummary(
        files=[w.path for w in written],
        rows_per_source={e.source: e.table.num_rows for e in exports},
        distinct_accounts=len(np.unique(np.concatenate([w.accounts for w in written]))),
        invalid_rows_per_source={e.source: e.invalid for e in exports},
        duplicate_rows_per_source={e.source: e.duplicates for e in exports},
    )


def _check_arguments(landing: Path, rows: int, truth_path: Path | None) -> None:
    if rows < MIN_ROWS:
        raise ValueError(f"rows must be at least {MIN_ROWS}, got {rows}")
    if truth_path is not None and Path(truth_path).absolute().resolve().is_relative_to(landing.resolve()):
        raise ValueError(f"truth_path {truth_path} lies under the landing folder {landing}: "
                         "the pipeline would load it as an export")


def _source_sizes(rows: int) -> dict[str, int]:
    sales = round(rows * SALES_SHARE)
    service = round(rows * SERVICE_SHARE)
    product = rows - sales - service
    xlsx = min(XLSX_ROW_CAP, round(product * XLSX_SHARE_OF_PRODUCT))
    return {SALES: sales, SERVICE: service, PRODUCT_XLSX: xlsx, PRODUCT_JSONL: product - xlsx}


