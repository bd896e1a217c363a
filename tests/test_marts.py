"""The marts on a small hand-made home whose every figure is known: `silobridge run` once, then exact answers.

Four accounts, each spelled the same in every silo (so resolution is not what is tested here):

    Aurora Systems   product 4, service 4, sales 3   at risk: product + sales (its CSAT 1 is too old)
    Bramble Foods    product 2, service 2, sales 2   at risk: product + service + sales
    Cobalt Mining    product 1, service 1            one signal only: its CSAT 1 is a few hours too old
    Dunmore Logistics product 1, sales 1             one signal only: a lost deal

The newest response is Bramble's, 2024-06-30 12:00 UTC: the as-of date is 2024-06-30 and the trailing
90 days are the UTC dates 2024-04-02 .. 2024-06-30. Bramble's CSAT 2 on 2024-04-02 is just inside;
Cobalt's CSAT 1 at 2024-04-02 01:00+02:00 (2024-04-01 23:00 UTC) just outside.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from warehouse.home import Home
from warehouse.dictionary import write_dictionary
from warehouse.marts import MartSettings, mart_names

from conftest import query, silobridge

pytestmark = pytest.mark.integration  # runs the pipeline, Dagster or the CLI (README, Testing)

UTC = dt.timezone.utc
AS_OF = dt.date(2024, 6, 30)

SALES_CSV = (
    "Opportunity ID,Account Name,Account ID,Close Date,Loss Reason,Competitor,Likelihood to Reconsider,Comment,"
    "Amount,Opportunity Owner\r\n"
    "OPP-L1,Aurora Systems,0015g00000Aur01,05/10/2024,Price,Globex,6,,1000.00,Sam Seller\r\n"
    "OPP-L2,Aurora Systems,0015g00000Aur01,02/14/2024,Price,,3,,2000.00,Sam Seller\r\n"
    "OPP-L6,Aurora Systems,0015g00000Aur01,06/01/2024,Price, Globex ,4,,3000.00,Sam Seller\r\n"
    "OPP-L3,Bramble Foods,0015g00000Brm02,06/20/2024,Missing feature,Initrode,5,,4000.00,Sam Seller\r\n"
    "OPP-L5,Bramble Foods,0015g00000Brm02,01/20/2024,Timing,,2,,5000.00,Sam Seller\r\n"
    "OPP-L4,Dunmore Logistics,0015g00000Dun04,04/15/2024,Price,Initrode,7,,6000.00,Sam Seller\r\n"
)

SERVICE_CSV = (
    "ticket_id,contact_email,company,survey_sent_at,csat,effort,category,comment,product_area,agent_team\n"
    "S1,jo@aurora.com,Aurora Systems,2024-06-05T10:00:00Z,5,1,Billing,,Core,EMEA\n"
    "S2,jo@aurora.com,Aurora Systems,2024-06-06T10:00:00Z,4,4,Billing,,Core,EMEA\n"
    "S3,ann@aurora.com,Aurora Systems,2024-03-01T10:00:00Z,1,7,Outage,,Core,EMEA\n"
    "S6,kim@aurora.com,Aurora Systems,2024-06-20T10:00:00Z,5,2,How-to,,Core,EMEA\n"
    "S4,cy@bramble.com,Bramble Foods,2024-04-02T10:00:00Z,2,5,Outage,,Core,AMER\n"
    "S7,bo@bramble.com,Bramble Foods,2024-06-25T10:00:00Z,3,3,Login,,Auth,AMER\n"
    "S5,dee@cobalt.com,Cobalt Mining,2024-04-02T01:00:00+02:00,1,6,Outage,,Core,EMEA\n"
)


def _product(response_id: str, at: str, email: str, organisation: str, nps: int, features: list[str]) -> dict:
    return {"response_id": response_id, "submitted": at, "user_email": email, "organisation_name": organisation,
            "nps": nps, "requested_features": features, "comment": None, "role": "User", "wave": 1,
            "app_version": "2.0"}


PRODUCT_JSONL = [
    _product("P1", "2024-06-10T09:00:00Z", "kim@aurora.com", "Aurora Systems", 10, ["SSO", "Dark mode"]),
    _product("P2", "2024-05-15T09:00:00Z", "kim@aurora.com", "Aurora Systems", 9, ["SSO"]),
    _product("P3", "2024-04-20T09:00:00Z", "lee@aurora.com", "Aurora Systems", 3, ["Audit log"]),
    _product("P4", "2024-01-10T09:00:00Z", "max@aurora.com", "Aurora Systems", 0, []),
    _product("P5", "2024-06-30T12:00:00Z", "bo@bramble.com", "Bramble Foods", 7, ["SSO", "API access"]),
    _product("P6", "2024-06-01T09:00:00Z", "bo@bramble.com", "Bramble Foods", 5, ["sso"]),
    _product("P7", "2024-05-20T09:00:00Z", "dee@cobalt.com", "Cobalt Mining", 2, ["Audit log"]),
    _product("P8", "2024-06-15T09:00:00Z", "eve@dunmore.com", "Dunmore Logistics", 10, []),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = Home(tmp_path_factory.mktemp("marts") / "home").create()
    for folder in ("sales", "service", "product"):
        (home.landing / folder).mkdir(parents=True, exist_ok=True)
    (home.landing / "sales" / "lost_business.csv").write_text(SALES_CSV, encoding="utf-8", newline="")
    (home.landing / "service" / "followup.csv").write_text(SERVICE_CSV, encoding="utf-8")
    (home.landing / "product" / "planning.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in PRODUCT_JSONL), encoding="utf-8")
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr
    loaded = query(home.warehouse_db, "select count(*), count(account_id), count(distinct account_id) from core.feedback")
    assert loaded == [(21, 21, 4)], "the fixture should load whole, into four accounts"
    return home.warehouse_db


def rows_by_account(path: Path, table: str, columns: str) -> dict[str, tuple]:
    prefixed = ", ".join(f"m.{c.strip()}" for c in columns.split(","))
    rows = query(path, f"select a.account_name, {prefixed} from marts.{table} m "
                       "join core.accounts a using (account_id) order by all")
    return {r[0]: r[1:] if len(r) > 2 else r[1] for r in rows}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_every_mart_is_published(warehouse: Path) -> None:
    published = {r[0] for r in query(warehouse, "select table_name from information_schema.tables "
                                                "where table_schema = 'marts'")}
    assert published == set(mart_names())
    assert {"account_360", "survey_fatigue", "score_trends", "lost_reasons", "feature_requests",
            "at_risk_accounts"} <= published


def test_every_mart_states_its_grain() -> None:
    from warehouse.marts import mart_sql

    for name in mart_names():
        assert mart_sql(name).startswith("-- Grain: one row per "), name


def test_account_360_counts_and_contacts(warehouse: Path) -> None:
    got = rows_by_account(warehouse, "account_360",
                          "as_of_date, n_responses, n_respondents, is_small_sample, responses_by_department")
    assert got == {
        # Aurora: kim, lee, max, jo, ann by e-mail plus three sales rows without one.
        # Aurora: 8 respondents, but its NPS and CSAT rest on 4 answers each, too few to compare.
        "Aurora Systems": (AS_OF, 11, 8, True, {"product": 4, "sales": 3, "service": 4}),
        "Bramble Foods": (AS_OF, 6, 4, True, {"product": 2, "sales": 2, "service": 2}),
        "Cobalt Mining": (AS_OF, 2, 1, True, {"product": 1, "service": 1}),
        "Dunmore Logistics": (AS_OF, 2, 2, True, {"product": 1, "sales": 1}),
    }
    assert MartSettings().min_respondents == 5
    contacts = rows_by_account(warehouse, "account_360", "last_contact_by_department")
    assert contacts["Aurora Systems"] == {"product": at("2024-06-10T09:00"), "sales": at("2024-06-01T04:00"),
                                          "service": at("2024-06-20T10:00")}  # close dates are New York midnight


def test_account_360_nps_is_promoters_minus_detractors(warehouse: Path) -> None:
    got = rows_by_account(warehouse, "account_360", "n_nps_responses, nps, n_nps_responses_90d, nps_90d, "
                                                    "nps_latest_score, nps_latest_at")
    assert got == {
        # 2 promoters, 2 detractors overall; the January detractor drops out of the 90 days: 2 - 1 of 3.
        "Aurora Systems": (4, 0.0, 3, 33.3, 10.0, at("2024-06-10T09:00")),
        "Bramble Foods": (2, -50.0, 2, -50.0, 7.0, at("2024-06-30T12:00")),
        "Cobalt Mining": (1, -100.0, 1, -100.0, 2.0, at("2024-05-20T09:00")),
        "Dunmore Logistics": (1, 100.0, 1, 100.0, 10.0, at("2024-06-15T09:00")),
    }


def test_account_360_csat_and_ces(warehouse: Path) -> None:
    got = rows_by_account(warehouse, "account_360",
                          "n_csat_responses, csat_pct, n_csat_responses_90d, csat_pct_90d, csat_latest_score, "
                          "n_ces_responses, ces_ease_pct, ces_ease_pct_90d, ces_latest_score")
    assert got == {
        # CSAT 5, 4, 1, 5: three of four are 4-5; the 1 is from March. Effort 1, 4, 7, 2 of 7 -> ease
        # 100, 50, 0, 83.3: mean 58.3, without March 77.8.
        "Aurora Systems": (4, 75.0, 3, 100.0, 5.0, 4, 58.3, 77.8, 2.0),
        # CSAT 2 (2024-04-02, first day of the window) and 3; effort 5 and 3 -> ease 33.3 and 66.7.
        "Bramble Foods": (2, 0.0, 2, 0.0, 3.0, 2, 50.0, 50.0, 3.0),
        # Its only CSAT is 2024-04-01 23:00 UTC: outside the window although its local date is 04-02.
        "Cobalt Mining": (1, 0.0, 0, None, 1.0, 1, 16.7, None, 6.0),
        "Dunmore Logistics": (0, None, 0, None, None, 0, None, None, None),
    }


def test_account_360_lost_deals_and_features(warehouse: Path) -> None:
    got = rows_by_account(warehouse, "account_360",
                          "n_lost_deals, n_lost_deals_90d, lost_reasons, top_requested_features")
    assert got == {
        "Aurora Systems": (3, 2, ["Price"], ["SSO", "Audit log", "Dark mode"]),
        "Bramble Foods": (2, 1, ["Missing feature", "Timing"], ["SSO", "API access"]),  # 'sso' is SSO
        "Cobalt Mining": (0, 0, [], ["Audit log"]),
        "Dunmore Logistics": (1, 1, ["Price"], []),
    }


def test_survey_fatigue_flags_months_over_the_limit(warehouse: Path) -> None:
    assert MartSettings().fatigue_limit == 4
    rows = query(warehouse, """
        select a.account_name, strftime(m.month, '%Y-%m'), m.n_surveys, m.surveys_by_department, m.n_departments,
            m.is_over_limit
        from marts.survey_fatigue m join core.accounts a using (account_id) order by all""")
    assert rows == [
        ("Aurora Systems", "2024-01", 1, {"product": 1}, 1, False),
        ("Aurora Systems", "2024-02", 1, {"sales": 1}, 1, False),
        ("Aurora Systems", "2024-03", 1, {"service": 1}, 1, False),
        ("Aurora Systems", "2024-04", 1, {"product": 1}, 1, False),
        ("Aurora Systems", "2024-05", 2, {"product": 1, "sales": 1}, 2, False),
        ("Aurora Systems", "2024-06", 5, {"product": 1, "sales": 1, "service": 3}, 3, True),
        ("Bramble Foods", "2024-01", 1, {"sales": 1}, 1, False),
        ("Bramble Foods", "2024-04", 1, {"service": 1}, 1, False),
        ("Bramble Foods", "2024-06", 4, {"product": 2, "sales": 1, "service": 1}, 3, False),  # at the limit
        ("Cobalt Mining", "2024-04", 1, {"service": 1}, 1, False),  # 04-02 01:00+02:00 is April in UTC too
        ("Cobalt Mining", "2024-05", 1, {"product": 1}, 1, False),
        ("Dunmore Logistics", "2024-04", 1, {"sales": 1}, 1, False),
        ("Dunmore Logistics", "2024-06", 1, {"product": 1}, 1, False),
    ]


def test_score_trends_per_month_department_and_metric(warehouse: Path) -> None:
    rows = query(warehouse, """
        select strftime(month, '%Y-%m'), department, metric, n_responses, n_accounts, mean_score_pct,
            n_promoters, n_detractors, nps, n_satisfied, csat_pct
        from marts.score_trends order by all""")
    assert rows == [
        ("2024-01", "product", "nps", 1, 1, 0.0, 0, 1, -100.0, None, None),
        ("2024-01", "sales", "likelihood_to_reconsider", 1, 1, 20.0, None, None, None, None, None),
        ("2024-02", "sales", "likelihood_to_reconsider", 1, 1, 30.0, None, None, None, None, None),
        ("2024-03", "service", "ces", 1, 1, 0.0, None, None, None, None, None),
        ("2024-03", "service", "csat", 1, 1, 0.0, None, None, None, 0, 0.0),
        ("2024-04", "product", "nps", 1, 1, 30.0, 0, 1, -100.0, None, None),
        ("2024-04", "sales", "likelihood_to_reconsider", 1, 1, 70.0, None, None, None, None, None),
        ("2024-04", "service", "ces", 2, 2, 25.0, None, None, None, None, None),
        ("2024-04", "service", "csat", 2, 2, 12.5, None, None, None, 0, 0.0),
        # 9 and 2: one promoter, one detractor.
        ("2024-05", "product", "nps", 2, 2, 55.0, 1, 1, 0.0, None, None),
        ("2024-05", "sales", "likelihood_to_reconsider", 1, 1, 60.0, None, None, None, None, None),
        # 10, 7, 5, 10: two promoters, one detractor of four.
        ("2024-06", "product", "nps", 4, 3, 80.0, 2, 1, 25.0, None, None),
        ("2024-06", "sales", "likelihood_to_reconsider", 2, 2, 45.0, None, None, None, None, None),
        ("2024-06", "service", "ces", 4, 2, 75.0, None, None, None, None, None),
        # 5, 4, 5, 3: three of four are 4-5; mean of 100, 75, 100, 50.
        ("2024-06", "service", "csat", 4, 2, 81.3, None, None, None, 3, 75.0),
    ]


def test_lost_reasons_per_quarter(warehouse: Path) -> None:
    rows = query(warehouse, """
        select quarter, quarter_label, loss_reason, n_lost_deals, n_accounts, n_deals_with_competitor, competitors,
            pct_of_quarter
        from marts.lost_reasons order by quarter, loss_reason""")
    assert rows == [
        (dt.date(2024, 1, 1), "2024-Q1", "Price", 1, 1, 0, [], 50.0),
        (dt.date(2024, 1, 1), "2024-Q1", "Timing", 1, 1, 0, [], 50.0),
        (dt.date(2024, 4, 1), "2024-Q2", "Missing feature", 1, 1, 1, ["Initrode"], 25.0),
        # Aurora twice (Globex, ' Globex ' trimmed), Dunmore once (Initrode).
        (dt.date(2024, 4, 1), "2024-Q2", "Price", 3, 2, 3, ["Globex", "Initrode"], 75.0),
    ]


def test_feature_requests_ranked_by_accounts_asking(warehouse: Path) -> None:
    rows = query(warehouse, "select rank, feature, n_accounts, n_responses, first_requested_at, last_requested_at "
                            "from marts.feature_requests order by rank, feature")
    assert rows == [
        # Bramble's 'sso' counts as SSO, shown in its most common spelling.
        (1, "SSO", 2, 4, at("2024-05-15T09:00"), at("2024-06-30T12:00")),
        (2, "Audit log", 2, 2, at("2024-04-20T09:00"), at("2024-05-20T09:00")),
        (3, "API access", 1, 1, at("2024-06-30T12:00"), at("2024-06-30T12:00")),
        (3, "Dark mode", 1, 1, at("2024-06-10T09:00"), at("2024-06-10T09:00")),
    ]


def test_at_risk_accounts_need_signals_from_two_departments(warehouse: Path) -> None:
    rows = query(warehouse, """
        select a.account_name, m.as_of_date, m.n_risk_departments, m.risk_departments, m.signals, m.n_signals,
            m.n_nps_detractors_90d, m.n_low_csat_90d, m.n_lost_deals_90d, m.last_signal_at
        from marts.at_risk_accounts m join core.accounts a using (account_id)
        order by m.n_risk_departments desc, a.account_name""")
    assert rows == [
        ("Bramble Foods", AS_OF, 3, ["product", "sales", "service"],
         ["product: 1 NPS detractor", "sales: 1 lost deal (Missing feature)", "service: 1 CSAT of 1-2"],
         3, 1, 1, 1, at("2024-06-20T04:00")),
        # Its CSAT 1 of March is outside the 90 days; its February lost deal too.
        ("Aurora Systems", AS_OF, 2, ["product", "sales"],
         ["product: 1 NPS detractor", "sales: 2 lost deals (Price)"],
         3, 1, 0, 2, at("2024-06-01T04:00")),
    ]  # Cobalt (a detractor; its CSAT 1 is just too old) and Dunmore (a lost deal) have one department each


# A closed-won NPS survey of the sales department, exported as a Salesforce opportunity report (every value
# quoted, LF records, 15-character ids, dates in the user's locale, the report footer after a blank line).
WON_NPS_REPORT = (
    '"Opportunity Name","Opportunity ID","Account Name","Account ID","Close Date","Stage","Win Reason",'
    '"Likely to Recommend","Survey Comment"\n'
    '"Esker Labs - Renewal","0065g00000Won01","Esker Labs","0015g00000Esk05","6/18/2024","Closed Won",'
    '"Product fit","10","Smooth buying process"\n'
    '"Dunmore - Expansion","0065g00000Won02","Dunmore Logistics","0015g00000Dun04","6/19/2024","Closed Won",'
    '"Price","9",""\n'
    '\n'
    '"Closed Won NPS"\n'
    '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n'
    '"Confidential Information - Do Not Distribute"\n'
    '"Generated By:  Priya Raman  6/20/2024 7:15 AM"\n'
    '"Acme Corporation"\n'
)

WON_NPS_SPEC = """\
name: sales_won_nps
department: sales
survey: Closed-won NPS
outcome: won
format: salesforce_report_csv
path: landing/sales_won/*.csv
id: Opportunity ID
responded_at: {column: Close Date, format: "%m/%d/%Y", timezone: America/New_York}
account: {name: Account Name, crm_id: Account ID}
topic: Win Reason
comment: Survey Comment
scores:
  - {column: Likely to Recommend, metric: nps, scale: [0, 10]}
attributes: [Stage]
"""


@pytest.fixture(scope="module")
def won_and_lost(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lost-business survey and a closed-won NPS survey of the same sales department, side by side."""
    home = Home(tmp_path_factory.mktemp("outcomes") / "home").create()
    (home.root / "silobridge.yaml").write_text("builtin_sources: true\n")  # the seed silos stay next to it
    (home.sources / "sales_won_nps.yaml").write_text(WON_NPS_SPEC)
    for folder in ("sales", "sales_won", "service", "product"):
        (home.landing / folder).mkdir(parents=True, exist_ok=True)
    (home.landing / "product" / "planning.jsonl").write_text(  # Fjord's one NPS answer
        json.dumps(_product("P9", "2024-06-12T09:00:00Z", "u1@fjord.io", "Fjord Analytics", 10, [])) + "\n")
    (home.landing / "sales" / "lost_business.csv").write_text(SALES_CSV, encoding="utf-8", newline="")
    (home.landing / "sales_won" / "closed_won_nps.csv").write_text(WON_NPS_REPORT, encoding="utf-8", newline="")
    (home.landing / "service" / "followup.csv").write_text(  # Esker: one CSAT of 1, the only risk it shows
        SERVICE_CSV.split("\n")[0] + "\nS9,ola@esker.io,Esker Labs,2024-06-21T10:00:00Z,1,6,Outage,,Core,EMEA\n"
        + "".join(f"{name[0]}{i},u{i}@{domain},{name},2024-06-0{i}T10:00:00Z,5,2,How-to,,Core,EMEA\n"
                  for name, domain in (("Fjord Analytics", "fjord.io"), ("Gale Works", "gale.works"))
                  for i in range(1, 6)))
    result = silobridge("run", "--home", str(home.root))
    assert result.returncode == 0, result.stdout + result.stderr
    return home.warehouse_db


def test_the_spec_says_what_a_survey_measures_and_core_keeps_it(won_and_lost: Path) -> None:
    assert query(won_and_lost, "select source, department, outcome, count(*) from core.feedback "
                               "where department = 'sales' group by all order by all") == [
        ("sales_lost_business", "sales", "lost", 6), ("sales_won_nps", "sales", "won", 2)]


def test_a_closed_won_survey_is_no_lost_deal(won_and_lost: Path) -> None:
    reasons = query(won_and_lost, "select loss_reason, sum(n_lost_deals)::int from marts.lost_reasons "
                                  "group by all order by all")
    assert reasons == [("Missing feature", 1), ("Price", 4), ("Timing", 1)]  # no 'Product fit', Price not 5
    lost = rows_by_account(won_and_lost, "account_360", "n_lost_deals, lost_reasons")
    assert lost["Esker Labs"] == (0, []) and lost["Dunmore Logistics"] == (1, ["Price"])
    # Esker's CSAT of 1 is its only risk signal: its NPS 10 after a won deal is not a lost deal of sales.
    at_risk = query(won_and_lost, "select a.account_name from marts.at_risk_accounts m "
                                  "join core.accounts a using (account_id) order by 1")
    assert ("Esker Labs",) not in at_risk


def test_a_figure_of_few_answers_is_a_small_sample_however_many_respondents(won_and_lost: Path) -> None:
    got = rows_by_account(won_and_lost, "account_360",
                          "n_respondents, n_nps_responses, n_csat_responses, n_ces_responses, nps, is_small_sample")
    assert got["Fjord Analytics"] == (5, 1, 5, 5, 100.0, True)  # an NPS of 100 from one answer
    assert got["Gale Works"] == (5, 0, 5, 5, None, False)


def test_survey_fatigue_names_the_account(won_and_lost: Path) -> None:
    rows = query(won_and_lost, "select m.account_name, a.account_name, strftime(m.month, '%Y-%m'), m.n_surveys "
                               "from marts.survey_fatigue m join core.accounts a using (account_id) "
                               "where a.account_name in ('Gale Works', 'Fjord Analytics') order by all")
    assert rows == [("Fjord Analytics", "Fjord Analytics", "2024-06", 6), ("Gale Works", "Gale Works", "2024-06", 5)]


def test_the_data_dictionary_says_the_settings_values_not_their_names(tmp_path: Path) -> None:
    markdown, page = write_dictionary(tmp_path)
    text = markdown.read_text(encoding="utf-8")
    assert "$" not in text and "$" not in page.read_text(encoding="utf-8")
    assert "answered more than 4 surveys in the month" in text  # marts.survey_fatigue, fatigue_limit
    assert "fewer than 5 respondents" in text  # marts.account_360, min_respondents
