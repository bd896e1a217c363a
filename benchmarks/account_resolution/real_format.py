"""Account resolution end to end on survey-tool exports: files shaped as the tools write them, loaded by
``silobridge run``, scored on ``core.feedback.account_id``.

    python benchmarks/account_resolution/real_format.py [--companies 12] [--per-company 50] [--seed 7] [--keep]

Takes ``generate_b2b`` mentions of the ``--companies`` largest accounts (at most ``--per-company`` each)
plus noise (mentions of other, smaller accounts and the mentions with no evidence), and writes each as one
response in the export of the tool its source would use:

* salesforce_case_survey -> a Salesforce report CSV (Export > Details Only; every value quoted, the
  footer after the records; UTF-8 chosen as the export encoding, as the names are not all Latin-1);
* sales_lost_business -> a Qualtrics CSV (three header rows; the company and CRM id as embedded data
  ``Company`` / ``AccountId``, the e-mail as ``RecipientEmail``) or a Typeform CSV download (hidden
  fields ``account_id``, ``company``, ``email``);
* service_followup -> a Zendesk CSAT page (``satisfaction_ratings`` with ``zendesk_users.json`` and
  ``zendesk_organizations.json`` beside it: the company is the requester's organization, its CRM id the
  organization's ``external_id``) or a SurveyMonkey CSV (two header rows, the company in Custom Data 1);
* product_planning -> a Google Forms CSV download or a Typeform CSV download.

A mention with a CRM id only goes to a tool that can carry one. Each source gets a spec in
``<home>/sources``; ``silobridge run --home <home>`` loads them. Labels join core.feedback by
``(source, source_response_id)``; Google Forms has no id in its export (the connector's
``response_hash`` stands in), so its rows join by ``source_row``. Scores: pairwise precision / recall with
score.py (a null true account is unattributable), and the share of mentions with evidence that got no
account.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_b2b import generate  # noqa: E402
from score import PairScores, score_relation  # noqa: E402

__all__ = ["pick_mentions", "write_exports", "evaluate", "main"]

START = dt.datetime(2024, 3, 4, 8, 0, 0)
SPECS = {
    "crm_cases": """
name: crm_cases
department: service
survey: Case satisfaction (Salesforce report)
format: salesforce_report_csv
path: landing/salesforce/*.csv
encoding: utf-8
id: Case ID
responded_at: {column: Date/Time Closed, format: "%m/%d/%Y %I:%M %p", timezone: America/Los_Angeles}
account: {name: Account Name, email: Contact Email, crm_id: Account ID}
comment: Survey Comment
scores:
  - {column: CSAT Score, metric: csat, scale: [1, 5]}
""",
    "sales_qualtrics": """
name: sales_qualtrics
department: sales
survey: Lost business (Qualtrics)
format: qualtrics_csv
path: landing/qualtrics/*.csv
id: ResponseId
responded_at: {column: RecordedDate, timezone: America/Denver}
account: {email: RecipientEmail, name: Company, crm_id: AccountId}
comment: Q2_TEXT
scores:
  - {column: Q1, metric: likelihood_to_reconsider, scale: [0, 10]}
""",
    "service_zendesk": """
name: service_zendesk
department: service
survey: Ticket CSAT (Zendesk)
format: zendesk_csat_json
path: landing/zendesk/*satisfaction_ratings*.json
id: id
responded_at: updated_at
account: {email: requester_email, name: organization_name, crm_id: organization_external_id}
comment: comment
scores:
  - {column: score, metric: csat, scale: [0, 1], values: {good: 1, bad: 0}}
options: {users: zendesk_users.json, organizations: zendesk_organizations.json}
""",
    "service_surveymonkey": """
name: service_surveymonkey
department: service
survey: Support follow-up (SurveyMonkey)
format: surveymonkey_csv
path: landing/surveymonkey/*.csv
id: Respondent ID
responded_at: {column: End Date, format: "%m/%d/%Y %I:%M:%S %p", timezone: UTC}
account: {email: Email Address, name: Custom Data 1}
comment: What else should we know?
scores:
  - {column: "How likely is it that you would recommend us to a friend or colleague?", metric: nps, scale: [0, 10]}
""",
    "product_google_forms": """
name: product_google_forms
department: product
survey: Feature planning (Google Forms)
format: google_forms_csv
path: landing/google_forms/*.csv
id: response_hash
responded_at: {column: Timestamp, format: "%Y/%m/%d %I:%M:%S %p %Z"}
account: {email: Email Address, name: Company}
comment: Which feature should we build next?
scores:
  - {column: "How likely are you to recommend us to a friend or colleague?", metric: nps, scale: [0, 10]}
""",
}
# Two departments download the same Typeform layout: the hidden fields carry the account.
TYPEFORM_SPEC = """
name: {name}
department: {department}
survey: {survey} (Typeform)
format: typeform_csv
path: landing/typeform_{department}/*.csv
id: "#"
responded_at: Submit Date (UTC)
account: {{email: email, name: company, crm_id: account_id}}
comment: {comment}
scores:
  - {{column: "{question}", metric: {metric}, scale: [0, 10]}}
"""
TYPEFORM_SURVEYS = {
    "sales_typeform": dict(department="sales", survey="Lost business", comment="What made you choose another vendor?",
                           question="How likely are you to reconsider us?", metric="likelihood_to_reconsider"),
    "product_typeform": dict(department="product", survey="Feature planning",
                             comment="Which feature should we build next?",
                             question="How likely are you to recommend us to a friend or colleague?", metric="nps"),
}
SPECS |= {name: TYPEFORM_SPEC.format(name=name, **survey) for name, survey in TYPEFORM_SURVEYS.items()}


# --------------------------------------------------------------------------------------------------
# Which mentions, and which tool writes each
# --------------------------------------------------------------------------------------------------

def pick_mentions(companies: int, per_company: int, seed: int) -> list[dict]:
    """The largest ``companies`` accounts' mentions (at most ``per_company`` each) plus noise, in order."""
    table = generate(companies * per_company * 8, seed, details=True)
    con = duckdb.connect()
    con.register("mentions", table)
    rows = con.execute("""
        with sized as (select true_account, count(*) as n from mentions where true_account is not null group by all),
        top as (select true_account from sized order by n desc, true_account limit $companies),
        ranked as (select *, row_number() over (partition by true_account order by mention_id) as r from mentions)
        select * exclude (r) from ranked
        where (true_account in (select true_account from top) and r <= $per_company)
           or (true_account not in (select true_account from top) and hash(mention_id || $seed) % 40 = 0)
           or (true_account is null and r <= 12)
        order by mention_id""", {"companies": companies, "per_company": per_company, "seed": str(seed)}).fetchall()
    return [dict(zip(table.column_names, row)) for row in rows]


def tool_for(mention: dict, index: int) -> str:
    source, has_crm, has_name = mention["source"], bool(mention["crm_account_id"]), bool(mention["account_name"])
    if source == "salesforce_case_survey":
        return "crm_cases"
    if source == "sales_lost_business":
        return "sales_qualtrics" if index % 2 else "sales_typeform"
    if source == "service_followup":
        if index % 2 and (has_name or not has_crm):  # a Zendesk organization always has a name
            return "service_zendesk"
        return "sales_typeform" if has_crm else "service_surveymonkey"
    return "product_typeform" if has_crm or index % 2 else "product_google_forms"


# --------------------------------------------------------------------------------------------------
# The exports, shaped as each tool writes them
# --------------------------------------------------------------------------------------------------

def token(kind: str, index: int, length: int, alphabet: str = "0123456789abcdef") -> str:
    digest = hashlib.sha256(f"{kind}:{index}".encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest)[:length]


def csv_text(rows: list[list], quote_all: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue()


def score_of(index: int, top: int) -> int:
    return int(token("score", index, 2, "0123456789"), 10) % (top + 1)


def salesforce_report(items: list[tuple[int, dict]]) -> tuple[str, list[str]]:
    header = ["Case Number", "Case ID", "Subject", "Account Name", "Account ID", "Contact Name", "Contact Email",
              "Date/Time Closed", "CSAT Score", "Survey Comment"]
    rows, ids = [header], []
    for index, m in items:
        case_id = "500Dn0000" + token("case", index, 6, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789")
        closed = START + dt.timedelta(minutes=7 * index)
        rows.append([f"{48000 + index:08d}", case_id, "Export fails", m["account_name"], m["crm_account_id"],
                     "", m["email"], f"{closed.month}/{closed.day}/{closed.year} {closed.strftime('%I:%M %p').lstrip('0')}",
                     str(1 + score_of(index, 4)), "Thanks for the quick fix."])
        ids.append(case_id)
    footer = ('\n"Customer Satisfaction by Case"\n"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n'
              '"Confidential Information - Do Not Distribute"\n"Generated By:  Priya Raman  4/3/2024 7:15 AM"\n'
              '"Silobridge Benchmarks"\n')
    return csv_text(rows, quote_all=True) + footer, ids


def qualtrics_csv(items: list[tuple[int, dict]]) -> tuple[str, list[str]]:
    meta = [("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"America/Denver"}'),
            ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"America/Denver"}'),
            ("Status", "Response Type", '{"ImportId":"status"}'),
            ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
            ("Progress", "Progress", '{"ImportId":"progress"}'),
            ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
            ("Finished", "Finished", '{"ImportId":"finished"}'),
            ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"America/Denver"}'),
            ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
            ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
            ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
            ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
            ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
            ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
            ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
            ("Q1", "How likely are you to reconsider us?", '{"ImportId":"QID1"}'),
            ("Q2_TEXT", "What made you choose another vendor?", '{"ImportId":"QID2_TEXT"}'),
            # Embedded data fields come after the questions, named as set in the survey flow.
            ("Company", "Company", '{"ImportId":"Company"}'),
            ("AccountId", "AccountId", '{"ImportId":"AccountId"}')]
    rows, ids = [[c[0] for c in meta], [c[1] for c in meta], [c[2] for c in meta]], []
    for index, m in items:
        response_id = "R_" + token("qualtrics", index, 15, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        started = START + dt.timedelta(minutes=7 * index)
        ended = started + dt.timedelta(seconds=200)
        rows.append([started.strftime("%Y-%m-%d %H:%M:%S"), ended.strftime("%Y-%m-%d %H:%M:%S"), "0", "203.0.113.7",
                     "100", "200", "1", ended.strftime("%Y-%m-%d %H:%M:%S"), response_id, "", "", m["email"], "",
                     "email" if m["email"] else "anonymous", "EN", str(score_of(index, 10)),
                     "Price was higher than the competitor's.", m["account_name"], m["crm_account_id"]])
        ids.append(response_id)
    return "\ufeff" + csv_text(rows), ids


def typeform_csv(items: list[tuple[int, dict]], survey: dict) -> tuple[str, list[str]]:
    question, comment = survey["question"], survey["comment"]
    header = ["#", question, comment, "account_id", "company", "email", "Response Type", "Start Date (UTC)",
              "Stage Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags"]
    rows, ids = [header], []
    for index, m in items:
        response_token = token("typeform", index, 32)
        submitted = START + dt.timedelta(minutes=7 * index)
        rows.append([response_token, str(score_of(index, 10)), "Better reporting.", m["crm_account_id"],
                     m["account_name"], m["email"], "completed",
                     (submitted - dt.timedelta(minutes=3)).strftime("%Y-%m-%d %H:%M:%S"), "",
                     submitted.strftime("%Y-%m-%d %H:%M:%S"), token("network", index, 10), ""])
        ids.append(response_token)
    return csv_text(rows), ids


def surveymonkey_csv(items: list[tuple[int, dict]]) -> tuple[str, list[str]]:
    question = "How likely is it that you would recommend us to a friend or colleague?"
    rows = [["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
             "Last Name", "Custom Data 1", question, "What else should we know?"],
            ["", "", "", "", "", "", "", "", "", "Response", "Open-Ended Response"]]
    ids = []
    for index, m in items:
        respondent = str(114544000000 + index)
        ended = START + dt.timedelta(minutes=7 * index)
        started = ended - dt.timedelta(minutes=4)
        rows.append([respondent, "431234567", started.strftime("%m/%d/%Y %I:%M:%S %p"),
                     ended.strftime("%m/%d/%Y %I:%M:%S %p"), "198.51.100.23", m["email"], "", "", m["account_name"],
                     str(score_of(index, 10)), "Support was quick."])
        ids.append(respondent)
    return "\ufeff" + csv_text(rows), ids


def google_forms_csv(items: list[tuple[int, dict]]) -> tuple[str, list[int]]:
    rows = [["Timestamp", "Email Address", "How likely are you to recommend us to a friend or colleague?",
             "Company", "Which feature should we build next?"]]
    for index, m in items:
        at = START + dt.timedelta(minutes=7 * index)
        stamp = f"{at.year}/{at.month:02d}/{at.day:02d} {at.strftime('%I:%M:%S %p').lstrip('0')} GMT+1"
        rows.append([stamp, m["email"], str(score_of(index, 10)), m["account_name"], "Scheduled exports"])
    return csv_text(rows, quote_all=True), list(range(1, len(items) + 1))


def zendesk_pages(items: list[tuple[int, dict]]) -> tuple[dict[str, dict], list[str]]:
    organizations: dict[tuple, dict] = {}
    users: dict[str | None, dict] = {}
    ratings, ids = [], []
    for index, m in items:
        org_id = None
        if m["account_name"]:
            key = (m["account_name"], m["crm_account_id"])
            if key not in organizations:
                organizations[key] = {"id": 360361000 + len(organizations), "name": m["account_name"],
                                      "external_id": m["crm_account_id"], "domain_names": [], "tags": [],
                                      "shared_tickets": False, "shared_comments": False,
                                      "created_at": "2023-01-12T09:00:00Z", "updated_at": "2023-01-12T09:00:00Z",
                                      "details": "", "notes": "", "group_id": None, "organization_fields": {}}
            org_id = organizations[key]["id"]
        # A Zendesk user is one e-mail address; one without an address (a phone caller) is one per ticket.
        user_key = m["email"] or f"no-email-{index}"
        if user_key not in users:
            users[user_key] = {"id": 396174510000 + len(users), "name": "Customer", "email": m["email"],
                               "organization_id": org_id, "role": "end-user", "active": True, "verified": True,
                               "external_id": None, "tags": [], "time_zone": "London", "locale": "en-GB",
                               "created_at": "2023-01-12T09:00:00Z", "updated_at": "2024-03-01T09:00:00Z"}
        at = (START + dt.timedelta(minutes=7 * index)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rating_id = 360118800000 + index
        good = score_of(index, 3) > 0
        ratings.append({"url": f"https://silobridge.zendesk.com/api/v2/satisfaction_ratings/{rating_id}.json",
                        "id": rating_id, "assignee_id": 381942715, "group_id": 360004419871,
                        "requester_id": users[user_key]["id"], "ticket_id": 48000 + index,
                        "score": "good" if good else "bad", "created_at": at, "updated_at": at,
                        "comment": "Sorted quickly." if good else "Took too long.",
                        **({} if good else {"reason": "The issue took too long to resolve", "reason_code": 5})})
        ids.append(str(rating_id))
    pages = {"satisfaction_ratings.json": {"satisfaction_ratings": ratings, "next_page": None, "previous_page": None,
                                           "count": len(ratings)},
             "zendesk_users.json": {"users": list(users.values()), "next_page": None, "previous_page": None,
                                    "count": len(users)},
             "zendesk_organizations.json": {"organizations": list(organizations.values()), "next_page": None,
                                            "previous_page": None, "count": len(organizations)}}
    return pages, ids


def write_exports(mentions: list[dict], home: Path) -> pa.Table:
    """Write the exports and specs under ``home``; return the labels keyed by (source, response id / row)."""
    by_tool: dict[str, list[tuple[int, dict]]] = {name: [] for name in SPECS}
    for index, mention in enumerate(mentions):
        by_tool[tool_for(mention, index)].append((index, mention))
    (home / "sources").mkdir(parents=True, exist_ok=True)
    labels = {"source": [], "response_key": [], "mention_id": [], "true_account": [], "account_name": [], "email": [],
              "crm_account_id": []}

    def land(folder: str, name: str, text: str, encoding: str = "utf-8") -> None:
        (home / "landing" / folder).mkdir(parents=True, exist_ok=True)
        (home / "landing" / folder / name).write_text(text, encoding=encoding, newline="")

    writers = {
        "crm_cases": lambda items: ("salesforce", "case_satisfaction.csv", *salesforce_report(items)),
        "sales_qualtrics": lambda items: ("qualtrics", "lost_business.csv", *qualtrics_csv(items)),
        "sales_typeform": lambda items: ("typeform_sales", "lost_business.csv", *typeform_csv(
            items, TYPEFORM_SURVEYS["sales_typeform"])),
        "service_surveymonkey": lambda items: ("surveymonkey", "support_followup.csv", *surveymonkey_csv(items)),
        "product_google_forms": lambda items: ("google_forms", "feature_planning.csv", *google_forms_csv(items)),
        "product_typeform": lambda items: ("typeform_product", "feature_planning.csv", *typeform_csv(
            items, TYPEFORM_SURVEYS["product_typeform"])),
    }
    for tool, items in by_tool.items():
        if not items:
            continue
        (home / "sources" / f"{tool}.yaml").write_text(SPECS[tool].lstrip())
        if tool == "service_zendesk":
            pages, keys = zendesk_pages(items)
            for name, page in pages.items():
                land("zendesk", name, json.dumps(page, ensure_ascii=False))
        else:
            folder, name, text, keys = writers[tool](items)
            land(folder, name, text)
        for (_, mention), key in zip(items, keys):
            labels["source"].append(tool)
            labels["response_key"].append(str(key))
            for column in ("mention_id", "true_account", "account_name", "email", "crm_account_id"):
                labels[column].append(mention[column])
    return pa.table({k: pa.array(v, pa.string()) for k, v in labels.items()})


# --------------------------------------------------------------------------------------------------
# Run and score
# --------------------------------------------------------------------------------------------------

def run_pipeline(home: Path) -> None:
    silobridge = Path(sys.executable).with_name("silobridge")
    result = subprocess.run([str(silobridge), "run", "--home", str(home)], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"silobridge run failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def evaluate(home: Path, labels: pa.Table) -> dict:
    """Join core.feedback to the labels and score its account_id."""
    con = duckdb.connect()
    con.execute(f"attach '{home / 'warehouse.duckdb'}' as wh (read_only)")
    con.register("labels", labels)
    con.execute("""
        create temp table joined as
        select l.mention_id, l.source, l.true_account, l.account_name, l.email, l.crm_account_id,
               nullif(f.account_id, '') as account_id, f.feedback_id is not null as loaded,
               lower(split_part(l.email, '@', 2)) is distinct from f.email_domain as domain_differs
        from labels l left join wh.core.feedback f
          on f.source = l.source
         and (case when l.source = 'product_google_forms' then f.source_row::varchar
                   else f.source_response_id end) = l.response_key""")
    # The join itself is checked: a response joined to the wrong label would show another e-mail domain.
    wrong_joins = con.execute("select count(*) from joined where loaded and domain_differs").fetchall()[0][0]
    if wrong_joins:
        raise SystemExit(f"{wrong_joins} responses joined to a label with another e-mail domain")
    scores = score_relation(con, "select mention_id, account_id as predicted, true_account as truth "
                                 "from joined where loaded")
    counts = con.execute("""
        select count(*), count(*) filter (where loaded),
               count(*) filter (where loaded and true_account is not null),
               count(*) filter (where loaded and true_account is not null and account_id is null)
        from joined""").fetchall()[0]
    apart = con.execute("""
        select true_account, coalesce(account_name, '(no name)'), coalesce(split_part(email, '@', 2), '(no e-mail)'),
               crm_account_id is not null, account_id
        from joined where loaded and true_account is not null and account_id is null
        order by true_account, mention_id limit 15""").fetchall()
    return {"scores": scores, "written": counts[0], "loaded": counts[1], "with_evidence": counts[2],
            "with_evidence_no_account": counts[3], "no_account_examples": apart,
            "per_source": con.execute("select source, count(*) from joined group by all order by 1").fetchall()}


def print_result(result: dict) -> None:
    scores: PairScores = result["scores"]
    print("responses per source: " + ", ".join(f"{s} {n}" for s, n in result["per_source"]))
    print(f"responses written {result['written']:,}  loaded into core.feedback {result['loaded']:,}  "
          f"true accounts {scores.true_accounts:,}  predicted accounts {scores.predicted_clusters:,}")
    print(f"pairs: true {scores.true_pairs:,}  predicted {scores.predicted_pairs:,}  correct "
          f"{scores.true_positive_pairs:,}  false merges {scores.false_merge_pairs:,}  missed {scores.missed_pairs:,}")
    share = result["with_evidence_no_account"] / result["with_evidence"] if result["with_evidence"] else 0.0
    print(f"precision {scores.precision:.4f} (target >= 0.98)  recall {scores.recall:.4f} (target >= 0.9)  "
          f"F1 {scores.f1:.4f}")
    print(f"responses with evidence and no account_id: {result['with_evidence_no_account']:,} of "
          f"{result['with_evidence']:,} ({share:.2%}; issue 16 requires none)")
    for row in result["no_account_examples"]:
        print("  no account:", row)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=12)
    parser.add_argument("--per-company", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the home (exports, specs, warehouse)")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="silobridge-real-format-")) / "home"
    try:
        mentions = pick_mentions(args.companies, args.per_company, args.seed)
        labels = write_exports(mentions, home)
        run_pipeline(home)
        result = evaluate(home, labels)
        print_result(result)
        return result
    finally:
        if args.keep:
            print(f"kept {home}")
        else:
            shutil.rmtree(home.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
