"""Parquet connector: types are kept, rows are numbered in file order across row groups and batches."""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from connector_testkit import read_all
from connectors import ConnectorError, read_file
from connectors.base import BATCH_ROWS

N = 50


def typed_table(n: int = N) -> pa.Table:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    return pa.table({
        "id": pa.array(range(n), pa.int64()),
        "score": pa.array([i / 4 for i in range(n)], pa.float64()),
        "promoter": pa.array([i % 3 == 0 for i in range(n)], pa.bool_()),
        "submitted": pa.array([start + dt.timedelta(hours=i) for i in range(n)], pa.timestamp("us", tz="UTC")),
        "day": pa.array([dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(n)], pa.date32()),
        "amount": pa.array([decimal.Decimal(i) / 100 for i in range(n)], pa.decimal128(10, 2)),
        "features": pa.array([["SSO"] * (i % 3) for i in range(n)], pa.list_(pa.string())),
        "comment": pa.array([None if i % 5 == 0 else f"comment {i}" for i in range(n)], pa.string()),
    })


@pytest.fixture
def parquet_file(tmp_path: Path) -> Path:
    path = tmp_path / "nps_export.parquet"
    pq.write_table(typed_table(), path, row_group_size=8)
    return path


def test_the_sample_has_several_row_groups(parquet_file):
    assert pq.ParquetFile(parquet_file).metadata.num_row_groups == 7


def test_typed_columns_come_back_typed(parquet_file):
    got = read_all("parquet", parquet_file)

    expected = typed_table().schema
    assert got.columns == expected.names
    for batch in got.batches:
        assert batch.schema.names == [*expected.names, "source_file", "source_row"]
        assert [batch.schema.field(name).type for name in expected.names] == expected.types


def test_values_round_trip(parquet_file):
    got = read_all("parquet", parquet_file)

    assert [{k: v for k, v in row.items() if k not in ("source_file", "source_row")} for row in got.rows] \
        == typed_table().to_pylist()


def test_source_rows_follow_file_order_across_row_groups(parquet_file):
    got = read_all("parquet", parquet_file)

    assert got.column("source_row") == list(range(1, N + 1))
    assert got.column("id") == list(range(N))
    assert set(got.column("source_file")) == {"nps_export.parquet"}


def test_source_rows_continue_across_batches(tmp_path):
    # One narrow column, just over one batch: cheap, and it crosses the batch boundary.
    n = BATCH_ROWS + 5
    path = tmp_path / "long.parquet"
    pq.write_table(pa.table({"id": pa.array(range(n), pa.int32())}), path, row_group_size=50_000)

    got = read_all("parquet", path)

    assert [b.num_rows for b in got.batches] == [BATCH_ROWS, 5]
    rows = pa.Table.from_batches(got.batches)
    assert rows.column("source_row").to_pylist() == list(range(1, n + 1))
    assert rows.column("id").to_pylist() == list(range(n))


def test_zero_row_file_has_columns_and_no_rows(tmp_path):
    path = tmp_path / "empty.parquet"
    pq.write_table(typed_table(0), path)

    got = read_all("parquet", path)

    assert (got.columns, got.rows) == (typed_table().schema.names, [])


@pytest.mark.parametrize("make_bytes", [
    lambda real: b"id,score\n1,0.5\n",
    lambda real: b"",
    lambda real: b"PAR1",
    lambda real: real[: len(real) // 2],
], ids=["csv_renamed", "empty", "magic_only", "truncated"])
def test_a_file_that_is_not_parquet_is_refused(tmp_path, parquet_file, make_bytes):
    path = tmp_path / "export.parquet"
    path.write_bytes(make_bytes(parquet_file.read_bytes()))

    with pytest.raises(ConnectorError) as caught:
        list(read_file("parquet", path, "export.parquet").batches)

    assert (caught.value.rule, caught.value.source_file) == ("not_parquet", "export.parquet")
