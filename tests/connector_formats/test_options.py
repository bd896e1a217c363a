"""Reader options: each format declares the options it takes, and a spec giving another one is refused when
specs load, naming the file, the key and the options the format knows."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from connector_testkit import SAMPLES
from conftest import silobridge
from connectors import ConnectorError, ReaderOptions, available_formats, options_model, read_file
from schemas import builtin_sources_dir
from schemas.spec import SpecError, load_spec
from warehouse.home import Home
from warehouse.inference import infer_spec
from warehouse.sources import check_spec, read_sources

SPEC = """name: product_export
department: product
survey: Export
format: {fmt}
path: landing/product/*
responded_at: submitted
options: {options}
"""
SPEC_DIRS = [builtin_sources_dir(), Path(__file__).parent / "specs"]


def spec_error(home: Home, fmt: str, options: str) -> SpecError:
    """The error the home's spec with these ``options`` gives when the home's specs load."""
    (home.sources / "product_export.yaml").write_text(SPEC.format(fmt=fmt, options=options), encoding="utf-8")
    errors = read_sources(home).errors
    assert len(errors) == 1
    return errors[0]


@pytest.mark.parametrize("fmt", sorted(available_formats()))
def test_every_format_declares_the_options_it_takes(fmt):
    model = importlib.import_module(f"connectors.{fmt}").Options

    assert options_model(fmt) is model and issubclass(model, ReaderOptions)
    assert model.model_config["extra"] == "forbid"
    assert model() == model.model_validate({})  # a spec may leave every option out


@pytest.mark.parametrize("fmt, options, key, known", [
    ("csv", '{delimitr: ";"}', "options.delimitr", "delimiter, quote_char, skip_rows"),
    ("qualtrics_csv", "{include_spams: true}", "options.include_spams",
     "columns_by, include_previews, include_spam, include_unfinished"),
    ("google_forms_csv", "{multiselect: [Features]}", "options.multiselect",
     "multi_select, separator, timestamp_column, zone_offsets"),
])
def test_a_misspelt_option_fails_when_specs_load(home, fmt, options, key, known):
    error = spec_error(home, fmt, options)

    assert (Path(error.file), error.key) == (home.sources / "product_export.yaml", key)
    assert f"is not an option of format {fmt}, expected one of: {known}" in str(error)


def test_a_format_without_options_refuses_any(home):
    error = spec_error(home, "parquet", "{sheet: 1}")

    assert error.key == "options.sheet" and "format parquet takes no options" in error.expected


@pytest.mark.parametrize("fmt, options, key, expected", [
    ("csv", "{skip_rows: two}", "options.skip_rows", "expected a valid integer, got 'two'"),
    ("csv", '{delimiter: ";;"}', "options.delimiter", "at most 1 character"),
    ("qualtrics_csv", '{include_spam: "yes"}', "options.include_spam", "expected a valid boolean, got 'yes'"),
    ("qualtrics_csv", "{columns_by: label}", "options.columns_by", "'column_id' or 'question_text', got 'label'"),
    ("google_forms_csv", '{zone_offsets: {IST: "+5:30"}}', "options.zone_offsets.IST", "got '+5:30'"),
    ("typeform_csv", "{choice_columns: {Features: [A], Tools: [A]}}", "options.choice_columns",
     "['A'] under two questions"),
    ("salesforce_report_csv", "{footer: maybe}", "options.footer", "'required' or 'optional', got 'maybe'"),
])
def test_an_option_of_the_wrong_type_fails_when_specs_load(home, fmt, options, key, expected):
    error = spec_error(home, fmt, options)

    assert error.key == key and expected in error.expected


def test_sources_check_refuses_a_misspelt_option_with_a_spec_error(tmp_path):
    spec = tmp_path / "export.yaml"
    spec.write_text(SPEC.format(fmt="csv", options='{delimitr: ";"}'), encoding="utf-8")

    result = silobridge("sources", "check", "--home", str(tmp_path / "home"), str(spec))

    assert result.returncode == 2
    assert f"{spec}: key 'options.delimitr': is not an option of format csv" in result.stderr


def test_a_direct_read_with_a_misspelt_option_names_it():
    with pytest.raises(ConnectorError) as caught:
        read_file("csv", SAMPLES / "semicolon_eu.csv", "semicolon_eu.csv", options={"delimitr": ";"})

    assert caught.value.rule == "options"
    assert "options.delimitr: is not an option of format csv, expected one of: delimiter" in caught.value.detail


@pytest.mark.parametrize("spec", sorted(p for d in SPEC_DIRS for p in d.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_spec_gives_options_its_format_takes(spec):
    assert check_spec(load_spec(spec), spec).format in available_formats()


@pytest.mark.parametrize("sample, fmt, options", [
    ("semicolon_eu.csv", "csv", {"delimiter": ";"}),
    ("qualtrics_numeric.csv", "qualtrics_csv", {"columns_by": "column_id"}),
])
def test_a_proposed_spec_with_options_loads(tmp_path, sample, fmt, options):
    written = tmp_path / "proposed.yaml"
    written.write_text(infer_spec(SAMPLES / sample, fmt).text, encoding="utf-8")

    assert check_spec(load_spec(written), written).options == options


def test_the_connectors_guide_lists_each_formats_options():
    guide = Path(__file__).parents[2] / "connectors" / "README.md"
    rows = dict(re.findall(r"^\| `(\w+)` \| .* \| ([^|]+) \|$", guide.read_text(encoding="utf-8"), re.MULTILINE))

    assert set(rows) == available_formats()
    for fmt, cell in rows.items():
        fields = list(options_model(fmt).model_fields)
        assert [f for f in fields if f"`{f}`" not in cell] == [], fmt
        assert fields or cell.strip() == "—", fmt
