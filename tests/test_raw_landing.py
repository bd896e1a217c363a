"""Landing files that are unusual but real: an empty API page, an export stating its zone, Parquet text as bytes."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from schemas.spec import load_spec
from warehouse.db import pipeline_connection
from warehouse.home import Home
from warehouse.raw import land_source

SAMPLES = Path(__file__).parent / "connector_formats" / "samples"

SPEC = """\
name: product_api_pages
department: product
survey: Planning survey (API pages)
format: json
path: landing/api/*.json
id: response_id
responded_at: submitted
account: {name: company}
scores:
  - {column: nps, metric: nps, scale: [0, 10]}
options: {records_key: data}
"""


def test_an_empty_last_page_is_loaded_with_no_rows_beside_a_full_one(tmp_path):
    home = Home(tmp_path / "home").create()
    (home.sources / "product_api_pages.yaml").write_text(SPEC)
    (home.landing / "api").mkdir(parents=True)
    (home.landing / "api" / "page_1.json").write_text(
        '{"data": [{"response_id": "R-1", "submitted": "2024-05-02T14:03:00Z", "company": "Acme", "nps": 9}],'
        ' "links": {"next": "page_2"}}')
    (home.landing / "api" / "page_2.json").write_text('{"data": [], "links": {"next": null}}')

    with pipeline_connection(home) as connection:
        landed = land_source(connection, home, load_spec(home.sources / "product_api_pages.yaml"), "run")
        files = connection.execute("select source_file, status, rows_read from meta.files order by source_file").fetchall()
        drift = connection.execute("select count(*) from meta.schema_drift").fetchall()[0][0]

    assert [(f.rsplit("/", 1)[-1], status, rows) for f, status, rows in files] == [
        ("page_1.json", "raw_loaded", 1), ("page_2.json", "raw_loaded", 0)]
    assert landed.files_rejected == {} and landed.drift == [] and drift == 0


QUALTRICS_SPEC = """\
name: product_nps
department: product
survey: Relationship NPS
format: qualtrics_csv
path: landing/qualtrics/*.csv
id: ResponseId
responded_at: {{column: RecordedDate, timezone: {zone}}}
account: {{email: RecipientEmail}}
scores:
  - {{column: Q3, metric: nps, scale: [0, 10]}}
"""


def _land_qualtrics(tmp_path, zone: str):
    home = Home(tmp_path / zone.replace("/", "_")).create()
    (home.sources / "product_nps.yaml").write_text(QUALTRICS_SPEC.format(zone=zone))
    (home.landing / "qualtrics").mkdir(parents=True)
    (home.landing / "qualtrics" / "export.csv").write_bytes((SAMPLES / "qualtrics_numeric.csv").read_bytes())
    with pipeline_connection(home) as connection:
        return land_source(connection, home, load_spec(home.sources / "product_nps.yaml"), "run")


def test_a_spec_reading_an_export_in_another_zone_than_it_states_is_refused(tmp_path):
    refused = _land_qualtrics(tmp_path, "UTC").files_rejected

    assert len(refused) == 1
    detail = next(iter(refused.values()))
    assert "timezone_mismatch" in detail and "America/Denver" in detail and "'RecordedDate'" in detail
    assert _land_qualtrics(tmp_path, "America/Denver").files_rejected == {}


PARQUET_SPEC = """\
name: product_lake
department: product
survey: Planning survey (data lake)
format: parquet
path: landing/lake/*.parquet
id: response_id
responded_at: submitted
account: {name: company}
scores:
  - {column: nps, metric: nps, scale: [0, 10]}
"""


def test_parquet_text_stored_as_plain_bytes_lands_as_its_text(tmp_path):
    # Impala and old Hive wrote strings as BYTE_ARRAY without the UTF8 annotation: pyarrow reads binary.
    home = Home(tmp_path / "home").create()
    (home.sources / "product_lake.yaml").write_text(PARQUET_SPEC)
    (home.landing / "lake").mkdir(parents=True)
    table = pa.table({"response_id": pa.array([b"R-1", b"R-2"], pa.binary()),
                      "submitted": ["2024-05-02T14:03:00Z", "2024-05-03T08:00:00Z"],
                      "company": pa.array(["Société Générale".encode(), b"\xff\xfe"], pa.binary()),
                      "nps": [9, 7]})
    pq.write_table(table, home.landing / "lake" / "part-0.parquet")

    with pipeline_connection(home) as connection:
        land_source(connection, home, load_spec(home.sources / "product_lake.yaml"), "run")
        landed = connection.execute("select response_id, company from raw.product_lake order by source_row").fetchall()

    assert landed == [("R-1", "Société Générale"), ("R-2", "\\xFF\\xFE")]
