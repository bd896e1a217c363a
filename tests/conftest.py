"""Shared fixtures: a fresh home per test, hand-built exports of the four seed sources, the CLI as a process."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

from schemas import builtin_sources_dir
from warehouse.home import Home

SALES_CSV = (
    "Opportunity ID,Account Name,Account ID,Close Date,Loss Reason,Competitor,Likelihood to Reconsider,Comment,"
    "Amount,Opportunity Owner\r\n"
    "0065g00000OPP01AAA,ACME Corp.,0015g00000Xyz12,03/12/2024,Price,Globex,7,\"too expensive, \"\"sadly\"\"\","
    "12500.00,Sam Seller\r\n"
    "0065g00000OPP02AAA,Acme Corporation,0015g00000Xyz12AAB,03/13/2024,Missing feature,,2,\"needs SSO\nand SCIM\","
    "800.00,Sam Seller\r\n"
    "0065g00000OPP03AAA,Globex Capital Partners,0015g00000Glb77,04/01/2024,Timing,,5,,100.00,Sam Seller\r\n"
    "0065g00000OPP04AAA,Hooli,0015g00000Hoo11,13/45/2024,Price,,11,=HYPERLINK(\"http://x\"),1.00,Sam Seller\r\n"
)

SERVICE_CSV = (
    "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"
    "ZD-1,jo@acme.com,acme corporation,2024-03-18T09:02:11+01:00,5,2,Billing,\"ok, thanks — très bien\",Billing,EMEA\n"
    "ZD-2,g.boss@gmail.com,Globex Corporation,2024-03-19T23:30:00-05:00,1,7,Outage,'); DROP TABLE core.feedback;--,"
    "Core,AMER\n"
    "ZD-3,ann@initech.de,Initech,2024-03-20T10:00:00Z,n/a,3,Login,,Auth,EMEA\n"
    "ZD-4,bo@acme.com,ACME,2024-03-21T10:00:00+00:00,4,1,How-to,\"write to bo.private@gmail.com, I'm on 10.0.0.12\","
    "Core,EMEA\n"
    "ZD-1,jo@acme.com,acme corporation,2024-03-18T09:02:11+01:00,5,2,Billing,\"ok, thanks — très bien\",Billing,EMEA\n"
)

PRODUCT_JSONL = [
    {"response_id": "R-100", "submitted": "2024-05-02T14:03:00Z", "user_email": "kim@acme.com",
     "organisation_name": "ACME Corp", "nps": 10, "requested_features": ["SSO", "Dark mode"], "comment": "Great",
     "role": "Admin", "wave": 3, "app_version": "2.1"},
    {"response_id": "R-101", "submitted": "2024-05-03T08:00:00Z", "user_email": "lee@initech.de",
     "organisation_name": "Initech GmbH", "nps": 6, "requested_features": [], "comment": None,
     "role": "User", "wave": 3, "app_version": "2.1"},
    {"response_id": "R-102", "submitted": "2024-05-04T08:00:00Z", "user_email": "not-an-email",
     "organisation_name": "Umbrella", "nps": 8, "requested_features": ["API"], "comment": "",
     "role": "User", "wave": 3, "app_version": "2.2"},
]

PRODUCT_XLSX_ROWS = [
    ["Response ID", "Submitted", "User Email", "Organisation", "NPS", "Requested Features", "Comment", "Role", "Wave"],
    ["W1-1", dt.datetime(2024, 1, 15, 9, 30), "pat@acme.com", "Acme", 9, "SSO; Audit log", "Solid", "Admin", 1],
    ["W1-2", dt.datetime(2024, 1, 16, 18, 0), "sam@globex.com", "Globex Corporation", 7, "", None, "User", 1],
    ["W1-3", dt.datetime(2024, 7, 16, 18, 0), "max@hooli.com", "Hooli", 0, "Reports", "Too slow", "User", 1],
]


def write_seed_specs(home: Home, max_reject_rate: float) -> None:
    """The built-in specs, copied into the home with another reject-rate limit."""
    for spec in builtin_sources_dir().glob("*.yaml"):
        (home.sources / spec.name).write_text(spec.read_text() + f"max_reject_rate: {max_reject_rate}\n")


def write_seed_landing(home: Home, max_reject_rate: float | None = 0.5) -> None:
    """Small exports of the four seed sources, with the mess of the real ones.

    A handful of rows with one or two bad ones each is far above the default 5% reject limit, so the
    specs are copied into the home with a higher one (``None`` keeps the built-in specs).
    """
    if max_reject_rate is not None:
        write_seed_specs(home, max_reject_rate)
    (home.landing / "sales").mkdir(parents=True, exist_ok=True)
    (home.landing / "service").mkdir(parents=True, exist_ok=True)
    (home.landing / "product").mkdir(parents=True, exist_ok=True)
    (home.landing / "sales" / "lost_business_2024Q1.csv").write_bytes(SALES_CSV.encode())
    (home.landing / "service" / "followup_2024-03.csv").write_text(SERVICE_CSV, encoding="utf-8")
    (home.landing / "product" / "planning_2024-05.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in PRODUCT_JSONL) + "\n", encoding="utf-8")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in PRODUCT_XLSX_ROWS:
        sheet.append(row)
    workbook.save(home.landing / "product" / "planning_wave1.xlsx")


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").create()


@pytest.fixture
def seeded_home(home: Home) -> Home:
    write_seed_landing(home)
    return home


def query(database: Path, sql: str) -> list[tuple]:
    """Rows of a query on a DuckDB file, opened read-only as an analyst would."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def silobridge(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """The command line, run as its own process."""
    env = {**os.environ, "SILOBRIDGE_PII_SALT": "test-salt", "DAGSTER_HOME": ""}
    env.pop("DAGSTER_HOME")
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


CHROMIUM = shutil.which("chromium")
# Flags of a headless run on a machine with no network: no background connections, no first-run work.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--virtual-time-budget=5000"]


def dump_dom(page: Path, profile: Path) -> str:
    """The DOM of a local page once headless Chromium ran its scripts (a fresh profile in ``profile``)."""
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120).stdout
