"""The cheaper validation decides as before: the e-mail rule on every kind of whitespace, frames in exact chunks,
and GX imported ahead of time without hiding an import error."""

from __future__ import annotations

import re
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from schemas.spec import load_spec
from warehouse import validation
from warehouse.db import connect, pipeline_connection
from warehouse.home import Home
from warehouse.raw import land_source
from warehouse.row_rules import EMAIL_PATTERN
from warehouse.staging import build_staging, staging_table

from conftest import write_seed_specs

# The rule as it was first written; EMAIL_PATTERN spells it so that pyarrow's RE2 can run it.
READABLE_EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
EMAILS = [
    "jo@acme.com", "jö@bücher.de", "jo.smith+tag@sub.example.co.uk", "jo@acme.com\n", "jo@acme.com\n\n",
    "jo@acme.com\nx", "jo@ac me.com", "jo@acme.com\x0b", "jo@acme\u00a0.com", "jo@acme.com\u3000", "jo\u2028x@acme.com",
    "jo\x1c@acme.com", "jo@acme.com\tx", "jo@@acme.com", "jo@acme", "@acme.com", "jo@.com", "jo@acme.", "not an email",
    "jo@acme.com$", "jo@acme.com\\Z",
]
HEADER = "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"


def _readable_decides(value: str) -> bool:
    return re.search(READABLE_EMAIL_PATTERN, value) is not None


def test_the_email_pattern_decides_every_whitespace_like_python_s_backslash_s() -> None:
    values = [*EMAILS, *(f"jo{w}@acme.com" for w in WHITESPACE), *(f"jo@acme.com{w}" for w in WHITESPACE)]
    expected = [_readable_decides(v) for v in values]
    assert [re.search(EMAIL_PATTERN, v) is not None for v in values] == expected
    # pandas hands RE2 the pattern with Python's \Z spelled \z
    assert pc.match_substring_regex(pa.array(values), EMAIL_PATTERN.replace(r"\Z", r"\z")).to_pylist() == expected
    assert r"\s" not in EMAIL_PATTERN and not EMAIL_PATTERN.endswith("$")  # either sends pandas to re, row by row


def test_sql_reads_a_domain_from_exactly_the_emails_the_rule_accepts() -> None:
    values = [v for v in [*EMAILS, *(f"jo{w}@acme.com" for w in WHITESPACE)] if not v.endswith("\n")]
    connection = connect(":memory:")
    decided = [connection.execute("select sb_is_email(?)", [v]).fetchall()[0][0] for v in values]
    assert decided == [re.search(EMAIL_PATTERN, v) is not None for v in values]


def _staged_home(home: Home) -> Home:
    write_seed_specs(home, max_reject_rate=0.9)
    (home.landing / "service").mkdir(parents=True)
    rows = "".join(f"ZD-{n},\"{email}\",ACME,2024-03-18T09:02:11+01:00,4,2,Billing,,Billing,EMEA\n"
                   for n, email in enumerate(EMAILS))
    (home.landing / "service" / "emails.csv").write_text(HEADER + rows, encoding="utf-8", newline="")
    return home


def test_great_expectations_quarantines_the_rows_the_readable_email_pattern_rejects(home: Home) -> None:
    spec = load_spec(_staged_home(home).sources / "service_followup.yaml")
    with pipeline_connection(home) as connection:
        land_source(connection, home, spec, "run")
        build_staging(connection, spec, "run")
        staged = connection.execute(f"select source_row, _v_email from {staging_table(spec)}").fetchall()
        report = validation.validate_staging(connection, spec, "run")
        quarantined = connection.execute(f"select source_row, detail from {validation.errors_table(spec)} "
                                         "where rule = 'email_malformed'").fetchall()
    emails = {email for _, email in staged}
    # blanks around an address are trimmed before the rule (a pasted tab or line break); those inside stay
    assert {"jo@acme.com\nx", "jo@acme.com\tx", "jo@acme\u00a0.com", "jo\u2028x@acme.com"} <= emails
    assert not {"jo@acme.com\n", "jo@acme.com\x0b", "jo@acme.com\u3000"} & emails
    expected = {row for row, email in staged if email is not None and not _readable_decides(email)}
    assert {row for row, _ in quarantined} == expected
    assert report.failures_by_rule() == {"email_malformed": len(expected)} and len(expected) >= 12
    assert all(detail.endswith("expected an e-mail address like name@example.com") for _, detail in quarantined)


def test_frames_come_in_chunks_of_exactly_the_given_rows() -> None:
    batches = [pa.record_batch({"n": list(range(start, start + size))})
               for start, size in ((0, 3), (3, 5), (8, 1), (9, 7), (16, 2))]
    chunks = list(validation._chunks(iter(batches), 4))
    assert [chunk.num_rows for chunk in chunks] == [4, 4, 4, 4, 2]
    assert [n for chunk in chunks for n in chunk.column("n").to_pylist()] == list(range(18))


def test_a_failing_early_import_of_great_expectations_fails_validation_with_its_error(
        home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(_staged_home(home).sources / "service_followup.yaml")
    monkeypatch.setattr(validation, "_validator", None)  # as in a new process
    monkeypatch.setitem(sys.modules, "great_expectations", None)  # an import of GX raises ImportError
    thread = validation.start_importing_gx()
    thread.join(timeout=120)
    assert not thread.is_alive() and thread.daemon
    with pipeline_connection(home) as connection:
        land_source(connection, home, spec, "run")
        build_staging(connection, spec, "run")
        with pytest.raises(ImportError, match="great_expectations"):
            validation.validate_staging(connection, spec, "run")
