"""An operator's usual mistakes must not lose data silently: a spec fixed after its file was rejected, a home's
first own spec replacing the seed silos, one spec with a typo among good ones."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

import connectors
from warehouse.home import Home

from conftest import query, silobridge, write_seed_landing

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

# What German Excel writes for "CSV (Trennzeichen-getrennt)": cp1252-free here, but ';' between fields, a BOM,
# dates as dd.mm.yyyy and a decimal comma; an operator who forgets `delimiter: ";"` gets one single column.
KUNDEN_CSV = (
    "\ufeffAntwort-ID;Firma;E-Mail;Datum;Zufriedenheit;Kommentar\r\n"
    "A-1;Müller GmbH;jan@mueller.de;31.12.2024 14:30;5;\"Preis; zu hoch\"\r\n"
    "A-2;Initech GmbH;eva@initech.de;02.01.2025 09:05;2;Support zu langsam\r\n"
    "A-3;Müller GmbH;jan@mueller.de;03.01.2025 10:00;9;Tippfehler in der Skala\r\n"
)

KUNDEN_SPEC = textwrap.dedent("""\
    name: kundenumfrage
    department: service
    survey: Kundenumfrage (DE)
    format: csv
    path: landing/kunden/*.csv
    id: Antwort-ID
    responded_at: {column: Datum, format: "%d.%m.%Y %H:%M", timezone: Europe/Berlin}
    account: {name: Firma, email: E-Mail}
    comment: Kommentar
    scores:
      - {column: Zufriedenheit, metric: csat, scale: [1, 5]}
    max_reject_rate: 0.5
    """)


def _files(home: Home) -> list[tuple]:
    return query(home.pipeline_db, "select source_file, status, rows_read, rows_loaded, rows_rejected, rows_duplicate "
                                   "from meta.files where source = 'kundenumfrage'")


def _file_rejects(home: Home) -> list[tuple]:
    return query(home.pipeline_db, "select rule from quarantine.rejects where source = 'kundenumfrage' "
                                   "and source_row is null")


def test_a_file_rejected_for_a_spec_mistake_loads_once_the_spec_is_fixed(home: Home) -> None:
    (home.landing / "kunden").mkdir(parents=True)
    (home.landing / "kunden" / "umfrage_2025-01.csv").write_bytes(KUNDEN_CSV.encode("utf-8"))
    spec = home.sources / "kundenumfrage.yaml"
    spec.write_text(KUNDEN_SPEC, encoding="utf-8")  # the mistake: no `options: {delimiter: ";"}`

    first = silobridge("run", "--home", str(home.root))
    assert first.returncode == 0, first.stdout + first.stderr
    assert _files(home) == [("landing/kunden/umfrage_2025-01.csv", "rejected", 0, 0, 0, 0)]
    assert _file_rejects(home) == [("missing_column",)]
    refreshed = silobridge("run", "--full-refresh", "--home", str(home.root))  # still the wrong spec
    assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
    assert "1 file(s) rejected before are read again" in refreshed.stdout
    assert _files(home) == [("landing/kunden/umfrage_2025-01.csv", "rejected", 0, 0, 0, 0)]
    assert _file_rejects(home) == [("missing_column",)]  # one record of the rejection, not one per attempt

    spec.write_text(KUNDEN_SPEC + "options: {delimiter: \";\"}\n", encoding="utf-8")
    fixed = silobridge("run", "--home", str(home.root))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "kundenumfrage_raw                1 new file(s), 3 rows" in fixed.stdout
    # read = loaded + rejected + duplicates; the csat of 9 is quarantined, the file's rejection forgotten
    assert _files(home) == [("landing/kunden/umfrage_2025-01.csv", "loaded", 3, 2, 1, 0)]
    assert _file_rejects(home) == []
    assert query(home.warehouse_db, "select source_response_id from core.feedback order by 1") == [("A-1",), ("A-2",)]

    again = silobridge("run", "--full-refresh", "--home", str(home.root))
    assert again.returncode == 0, again.stdout + again.stderr
    assert _files(home) == [("landing/kunden/umfrage_2025-01.csv", "loaded", 3, 2, 1, 0)]  # never loaded twice
    assert query(home.warehouse_db, "select count(*) from core.feedback") == [(2,)]
    assert query(home.pipeline_db, "select count(*) from raw.kundenumfrage") == [(3,)]


def test_a_home_spec_replacing_the_seed_silos_is_said_and_builtin_sources_keeps_them(home: Home) -> None:
    write_seed_landing(home, max_reject_rate=None)  # the seed silos' exports, read by the built-in specs
    (home.sources / "kundenumfrage.yaml").write_text(KUNDEN_SPEC + "options: {delimiter: \";\"}\n", encoding="utf-8")

    listed = silobridge("sources", "list", "--home", str(home.root))
    assert listed.returncode == 0
    assert "1 sources (home specs)" in listed.stdout
    assert ("built-in seed sources not loaded: product_planning_jsonl, product_planning_xlsx, sales_lost_business, "
            "service_followup") in listed.stderr and "builtin_sources: true" in listed.stderr

    (home.root / "silobridge.yaml").write_text("builtin_sources: true\n")
    kept = silobridge("sources", "list", "--home", str(home.root))
    assert kept.returncode == 0 and "not loaded" not in kept.stderr
    assert "5 sources (home and built-in specs)" in kept.stdout
    assert "service_followup" in kept.stdout and "[service_followup.yaml]" in kept.stdout


def test_the_run_says_which_seed_silos_it_no_longer_loads(home: Home) -> None:
    (home.sources / "kundenumfrage.yaml").write_text(KUNDEN_SPEC, encoding="utf-8")
    run = silobridge("run", "--home", str(home.root))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "built-in seed sources not loaded: product_planning_jsonl, product_planning_xlsx" in run.stdout
    assert "built-in seed sources not loaded: product_planning_jsonl, product_planning_xlsx" in run.stderr  # and at the end


def test_the_connectors_guide_points_at_files_that_exist() -> None:
    guide = Path(connectors.__file__).with_name("README.md")
    text = guide.read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w./-]+\.(?:py|md|csv|json|yaml))`", text)) | set(re.findall(r"\]\(([^)#]+)", text))
    missing = [name for name in sorted(named) if not (guide.parent / name).exists()
               and not (guide.parent.parent / name).exists()]
    assert named and missing == []
