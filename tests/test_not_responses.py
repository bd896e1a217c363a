"""Records a reader sets aside as not being responses (here Zendesk ratings offered but never answered)
stay in quarantine through failed runs and full refreshes, and never count against the reject-rate limit."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from warehouse.home import Home

from conftest import query, silobridge

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

SAMPLES = Path(__file__).parent / "connector_formats" / "samples"
ZENDESK_SPEC = Path(__file__).parent / "connector_formats" / "specs" / "service_zendesk_csat.yaml"
# A valid spec whose time zone DuckDB does not know: the run fails in staging, after every file landed.
BROKEN_SPEC = textwrap.dedent("""\
    name: sales_notes
    department: sales
    survey: Lost-deal notes
    format: csv
    path: landing/sales_notes/*.csv
    id: deal_id
    responded_at: {column: closed_at, timezone: Mars/Olympus_Mons}
    account: {name: company}
    scores:
      - {column: rating, metric: csat, scale: [1, 5]}
    """)


def not_rated(home: Home) -> int:
    return query(home.pipeline_db, "select count(*) from quarantine.rejects "
                                   "where rule = 'zendesk_not_rated'")[0][0]


def test_not_responses_survive_a_failed_run_and_a_full_refresh(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").create()
    shutil.copy(ZENDESK_SPEC, home.sources / ZENDESK_SPEC.name)  # default max_reject_rate (5%)
    (home.landing / "zendesk").mkdir(parents=True)
    for sample in ("zendesk_satisfaction_ratings.json", "zendesk_users.json", "zendesk_organizations.json"):
        shutil.copy(SAMPLES / sample, home.landing / "zendesk" / sample)
    (home.sources / "sales_notes.yaml").write_text(BROKEN_SPEC)
    (home.landing / "sales_notes").mkdir()
    (home.landing / "sales_notes" / "notes.csv").write_text("deal_id,company,closed_at,rating\n"
                                                            "D-1,Acme,2024-04-02 10:00:00,4\n")

    failed = silobridge("run", "--home", str(home.root))
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert not_rated(home) == 2  # offered and unoffered: 2 of the page's 7 ratings

    # The next run stages the Zendesk page landed by the failed run: its 2 set-aside records are not rejects.
    (home.sources / "sales_notes.yaml").write_text(BROKEN_SPEC.replace("Mars/Olympus_Mons", "UTC"))
    fixed = silobridge("run", "--home", str(home.root))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr

    refreshed = silobridge("run", "--full-refresh", "--home", str(home.root))
    assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
    assert not_rated(home) == 2
    files = query(home.pipeline_db, "select rows_read, rows_loaded, rows_rejected, rows_duplicate from meta.files "
                                    "where source = 'service_zendesk_csat'")
    assert files and all(read == loaded + rejected + duplicate and rejected >= 2
                         for read, loaded, rejected, duplicate in files)
