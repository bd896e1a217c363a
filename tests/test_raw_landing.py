"""Landing: a file with no records at all (an API's empty last page) is loaded with 0 rows, not rejected."""

from __future__ import annotations

from schemas.spec import load_spec
from warehouse.db import pipeline_connection
from warehouse.home import Home
from warehouse.raw import land_source

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
