"""The comparison stays honest: every tool loads the rows silobridge loads, from the same generated files.

Runs ``benchmarks/compare.py`` at a tiny size (the timings mean nothing here). dlt takes part only when
it is installed (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

COMPARE = Path(__file__).resolve().parent.parent / "benchmarks" / "compare.py"


@pytest.fixture(scope="module")
def compare():
    spec = importlib.util.spec_from_file_location("benchmarks_compare", COMPARE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_every_tool_loads_as_many_rows_as_silobridge(compare, tmp_path):
    tools = ["floor", "pandas", "silobridge"] + (["dlt"] if compare.available("dlt") else [])
    result = compare.main(["--rows", "2000", "--tools", ",".join(tools), "--data", str(tmp_path / "data"),
                           "--work", str(tmp_path / "work")])

    assert result["problems"] == []
    rows = {s["tool"]: s["rows"] for s in result["summaries"]}
    assert set(rows) == set(tools)
    assert len(set(rows.values())) == 1, rows
    accounting = next(m["detail"] for m in result["measurements"] if m["tool"] == "silobridge")
    assert accounting["rows_read"] == 2000
    # The peers' checks and de-duplication were exercised, not vacuously equal.
    assert accounting["rows_rejected"] > 0 and accounting["rows_duplicate"] > 0
    assert rows["silobridge"] == 2000 - accounting["rows_rejected"] - accounting["rows_duplicate"]
    assert all(s["wall_s"] > 0 and s["peak_rss_bytes"] > 0 for s in result["summaries"])


def test_a_tool_that_loads_other_rows_is_reported(compare):
    generated = {"rows_per_source": {"a": 100}}
    measurements = [
        compare.Measurement("floor", 1.0, 1, 95),
        compare.Measurement("pandas", 1.0, 1, 97),
        compare.Measurement("silobridge", 1.0, 1, 95, {"rows_read": 100, "rows_loaded": 95, "rows_rejected": 3,
                                                        "rows_duplicate": 1, "core_feedback": 95}),
    ]
    problems = compare.check_rows(measurements, generated)
    assert any("pandas loaded 97" in p for p in problems)
    assert any("read 100 != loaded 95 + rejected 3 + duplicates 1" in p for p in problems)
    assert not any(p.startswith("floor") for p in problems)
