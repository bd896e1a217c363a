"""Validation in chunks: every staged row is checked, and a row's failures do not depend on the chunk size."""

from __future__ import annotations

import pytest

from schemas.spec import load_spec
from warehouse import validation
from warehouse.db import pipeline_connection
from warehouse.home import Home
from warehouse.raw import land_source
from warehouse.staging import build_staging

from conftest import write_seed_specs

HEADER = "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"
N_ROWS = 5_000  # three chunks of one DuckDB vector (2,048 rows) each


def _row(n: int) -> str:
    csat = "9" if n % 1_000 == 7 else "4"  # out of scale: rows 7, 1007, ... in every chunk
    email = "not an email" if n in (2_047, 2_048, 4_999) else "jo@acme.com"  # at the chunk boundaries
    return f"ZD-{n},{email},ACME,2024-03-18T09:02:11+01:00,{csat},2,Billing,,Billing,EMEA\n"


def _validated(home: Home, vectors_per_chunk: int, monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple], dict]:
    monkeypatch.setattr(validation, "VECTORS_PER_CHUNK", vectors_per_chunk)
    spec = load_spec(home.sources / "service_followup.yaml")
    with pipeline_connection(home) as connection:
        land_source(connection, home, spec, "run")
        build_staging(connection, spec, "run")
        report = validation.validate_staging(connection, spec, "run")
        rows = connection.execute(f"select source_row, rule from {validation.errors_table(spec)} "
                                  "order by source_row, rule").fetchall()
    return rows, report


def test_chunked_validation_finds_every_failing_row(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = []
    for vectors in (1, 1_000):
        home = Home(tmp_path / str(vectors)).create()
        write_seed_specs(home, max_reject_rate=0.9)
        (home.landing / "service").mkdir(parents=True)
        (home.landing / "service" / "big.csv").write_text(HEADER + "".join(_row(n) for n in range(N_ROWS)))
        results.append(_validated(home, vectors, monkeypatch))
    (chunked, chunked_report), (whole, whole_report) = results
    assert chunked == whole
    assert len(chunked) == 5 + 3  # five out-of-scale scores, three bad e-mail addresses
    assert chunked_report.n_rows == whole_report.n_rows == N_ROWS
    assert chunked_report.failures_by_rule() == whole_report.failures_by_rule()
    assert chunked_report.n_rows_failing == 8


def test_a_check_gx_cannot_compute_fails_validation_instead_of_passing_silently(tmp_path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """GX reports an error computing a check's metric, not the check: read as 'no failing row', nothing was quarantined."""
    home = Home(tmp_path / "home").create()
    write_seed_specs(home, max_reject_rate=0.9)
    spec_file = home.sources / "service_followup.yaml"
    spec_file.write_text(spec_file.read_text() + "expectations:\n"
                         "  - {expect: expect_column_values_to_match_regex, column: agent_team, kwargs: {regex: '['},"
                         " rule: team_code}\n")
    (home.landing / "service").mkdir(parents=True)
    (home.landing / "service" / "small.csv").write_text(HEADER + "".join(_row(n) for n in range(10)))
    with pytest.raises(RuntimeError, match=r"validation rule team_code could not run: .*regular expression"):
        _validated(home, 1, monkeypatch)
