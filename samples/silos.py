"""The four sample sources: what the CRM, the helpdesk and the survey tool would export for the seed specs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samples.columns import (
    BASE62,
    PRODUCT_COMMENTS,
    SALES_COMMENTS,
    SERVICE_COMMENTS,
    blank_some,
    chances,
    comments,
    fixed_width_text,
    iso_seconds,
    join,
    moments,
    month_label,
    months_since_start,
    pick,
    salesforce_ids,
    text,
    unique_base62,
    us_dates,
    wave_start_day,
    with_salesforce_checksum,
)
from samples.companies import (
    PRODUCT_SPELLING,
    SALES_SPELLING,
    SERVICE_SPELLING,
    AccountPool,
    emails,
)
from samples.mess import Breakage, Export, duplicate_count, messy_export
from samples.settings import (
    ACCOUNT_COLUMN,
    DAYS,
    FILE_COLUMN,
    FIRST_DAY,
    JSONL_KEYS,
    JSONL_WAVES,
    MONTHS,
    PRODUCT_JSONL,
    PRODUCT_XLSX,
    SALES,
    SALES_HEADER,
    SERVICE,
    SERVICE_HEADER,
    WAVE_DAYS,
    XLSX_HEADER,
    XLSX_WAVES,
)

# --------------------------------------------------------------------------------------------------
# The four sources
# --------------------------------------------------------------------------------------------------

LOSS_REASONS = ["Price", "Missing feature", "Chose competitor", "No decision", "Timing", "Support concerns",
                "Budget cut", "Security review"]
LOSS_REASON_WEIGHTS = [0.26, 0.18, 0.2, 0.12, 0.1, 0.06, 0.05, 0.03]
COMPETITORS = ["Brightwave", "Quillstack", "Parallax CRM", "Northwind Suite", "Helio Desk", "Kestrel Cloud",
               "Lumina Apps"]
SALES_REPS = ["Sam Seller", "Jürgen Weiß", "Chloé Martin", "Priya Raman", "Kenji Watanabe", "Ana López",
              "Tom O'Brien", "Fatima Benali", "Lars Eriksson", "Giulia Conti", "Daniel Kim", "Sophie van Dijk"]
LIKELIHOOD_WEIGHTS = [0.12, 0.1, 0.11, 0.1, 0.1, 0.12, 0.09, 0.08, 0.07, 0.06, 0.05]


def sales_export(rng: np.random.Generator, accounts: AccountPool, n: int) -> Export:
    n_copies = duplicate_count(n)
    base = n - n_copies
    account = accounts.draw(rng, base)
    close_days = np.sort(rng.integers(0, DAYS, size=base))
    reason = rng.choice(len(LOSS_REASONS), size=base, p=chances(LOSS_REASON_WEIGHTS))
    clean = pa.table({
        "Opportunity ID": fixed_width_text(with_salesforce_checksum(salesforce_ids(rng, b"0065g0", base))),
        "Account Name": accounts.spelled(rng, account, SALES_SPELLING),
        "Account ID": _crm_account_ids(rng, accounts, account),
        "Close Date": us_dates(close_days),
        "Loss Reason": pa.array(LOSS_REASONS).take(pa.array(reason)),
        "Competitor": _competitors(rng, reason == LOSS_REASONS.index("Chose competitor")),
        "Likelihood to Reconsider": text(rng.choice(11, size=base, p=chances(LIKELIHOOD_WEIGHTS))),
        "Comment": comments(rng, base, SALES_COMMENTS, empty_share=0.45),
        "Amount": _amounts(rng, base),
        "Opportunity Owner": pick(rng, SALES_REPS, base),
        FILE_COLUMN: pa.array(months_since_start(FIRST_DAY + close_days) // 3),
        ACCOUNT_COLUMN: pa.array(account),
    })
    quarters = [f"lost_business_{2024 + q // 4}Q{q % 4 + 1}.csv" for q in range(MONTHS // 3)]
    breakages = [Breakage("Likelihood to Reconsider", "11"), Breakage("Close Date", "31/02/2024"),
                 Breakage("Likelihood to Reconsider", "n/a"), Breakage("Opportunity ID", None),
                 Breakage("Close Date", None), Breakage("Close Date", "yesterday")]
    return messy_export(rng, SALES, "sales", quarters, SALES_HEADER, clean, breakages, n_copies)


def _crm_account_ids(rng: np.random.Generator, accounts: AccountPool, account: np.ndarray) -> pa.Array:
    """The CRM report mixes 15- and 18-character forms of the same account id; a few are blank."""
    indices = pa.array(account)
    long_form = pa.array(rng.random(len(account)) < 0.45)
    ids = pc.if_else(long_form, accounts.crm_ids_18.take(indices), accounts.crm_ids_15.take(indices))
    return blank_some(rng, ids, 0.03)


def _competitors(rng: np.random.Generator, chose_competitor: np.ndarray) -> pa.Array:
    named = rng.random(len(chose_competitor)) < np.where(chose_competitor, 0.95, 0.1)
    return pc.if_else(pa.array(named), pick(rng, COMPETITORS, len(chose_competitor)), pa.scalar(None, pa.string()))


def _amounts(rng: np.random.Generator, n: int) -> pa.Array:
    """Deal sizes like ``12500.00``: mostly round hundreds, some with cents."""
    cents = np.maximum(np.round(rng.lognormal(9.6, 1.1, size=n) * 100).astype(np.int64), 10_000)
    round_hundreds = rng.random(n) < 0.8
    cents = np.where(round_hundreds, cents // 10_000 * 10_000, cents)
    return join(text(cents // 100), ".", pc.utf8_lpad(text(cents % 100), 2, "0"))


CSAT_WEIGHTS = [0.06, 0.06, 0.13, 0.3, 0.45]
EFFORT_WEIGHTS = [0.3, 0.25, 0.15, 0.12, 0.08, 0.06, 0.04]
TICKET_CATEGORIES = ["Billing", "Login", "Bug", "How-to", "Outage", "Feature request", "Data import", "Performance"]
TICKET_CATEGORY_WEIGHTS = [0.14, 0.16, 0.22, 0.2, 0.05, 0.08, 0.08, 0.07]
PRODUCT_AREAS = ["Core", "Billing", "Auth", "Reporting", "Integrations", "Mobile", "API"]
# Helpdesk teams and the UTC offsets their exports carry in winter and in summer.
AGENT_TEAMS = [("EMEA Tier 1", "+01:00", "+02:00"), ("EMEA Tier 2", "+01:00", "+02:00"),
               ("UK & Ireland", "+00:00", "+01:00"), ("AMER East", "-05:00", "-04:00"),
               ("AMER West", "-08:00", "-07:00"), ("APAC", "+09:00", "+09:00"), ("India Hub", "+05:30", "+05:30"),
               ("Global Tier 3", "Z", "Z")]
AGENT_TEAM_WEIGHTS = [0.25, 0.12, 0.1, 0.2, 0.1, 0.08, 0.1, 0.05]


def service_export(rng: np.random.Generator, accounts: AccountPool, n: int) -> Export:
    n_copies = duplicate_count(n)
    base = n - n_copies
    account = accounts.draw(rng, base)
    sent_at = moments(rng, rng.integers(0, DAYS, size=base), first_hour=7, last_hour=20)
    team = rng.choice(len(AGENT_TEAMS), size=base, p=chances(AGENT_TEAM_WEIGHTS))
    clean = pa.table({
        "ticket_id": join("ZD-", text(100_000 + np.cumsum(rng.integers(1, 4, size=base)))),
        "contact_email": emails(rng, accounts, account, free_mail_share=0.15),
        "company": accounts.spelled(rng, account, SERVICE_SPELLING, blank_share=0.03),
        "survey_sent_at": _iso_with_offset(sent_at, team),
        "csat": text(1 + rng.choice(5, size=base, p=chances(CSAT_WEIGHTS))),
        "effort": text(1 + rng.choice(7, size=base, p=chances(EFFORT_WEIGHTS))),
        "category": pick(rng, TICKET_CATEGORIES, base, chances(TICKET_CATEGORY_WEIGHTS)),
        "comment": comments(rng, base, SERVICE_COMMENTS, empty_share=0.55),
        "product_area": pick(rng, PRODUCT_AREAS, base),
        "agent_team": pa.array([t[0] for t in AGENT_TEAMS]).take(pa.array(team)),
        FILE_COLUMN: pa.array(months_since_start(sent_at)),
        ACCOUNT_COLUMN: pa.array(account),
    })
    months = [f"followup_{month_label(m)}.csv" for m in range(MONTHS)]
    breakages = [Breakage("csat", "9"), Breakage("survey_sent_at", "31/02/2024"), Breakage("csat", "n/a"),
                 Breakage("ticket_id", None), Breakage("effort", "0"), Breakage("survey_sent_at", None),
                 Breakage("survey_sent_at", "yesterday")]
    return messy_export(rng, SERVICE, "service", months, SERVICE_HEADER, clean, breakages, n_copies)


def _iso_with_offset(local_times: np.ndarray, team: np.ndarray) -> pa.Array:
    """ISO 8601 local time plus the team's UTC offset (summer time taken as April to October)."""
    month_of_year = local_times.astype("datetime64[M]").astype(np.int64) % 12 + 1
    summer = (month_of_year >= 4) & (month_of_year <= 10)
    offsets = pa.array([offset for _, winter, summer_offset in AGENT_TEAMS for offset in (winter, summer_offset)])
    offset = offsets.take(pa.array(team.astype(np.int64) * 2 + summer))
    return join(iso_seconds(local_times), offset)


FEATURES = ["SSO", "Dark mode", "Audit log", "API access", "SCIM provisioning", "Custom reports", "Mobile app",
            "Slack integration", "Export to Excel", "Two-factor authentication", "Offline mode", "Bulk edit",
            "Webhooks", "EU data residency"]
FEATURE_POPULARITY = [9, 6, 5, 5, 3, 6, 4, 4, 5, 3, 1, 2, 2, 2]
FEATURES_PER_RESPONSE_WEIGHTS = [0.2, 0.4, 0.28, 0.12]  # 0..3 features
NPS_WEIGHTS = [0.03, 0.02, 0.03, 0.04, 0.05, 0.08, 0.1, 0.15, 0.18, 0.17, 0.15]
ROLES = ["Admin", "User", "Owner", "Viewer", "Developer", "Analyst"]
ROLE_WEIGHTS = [0.2, 0.45, 0.05, 0.1, 0.12, 0.08]


@dataclass(frozen=True)
class _PlanningResponses:
    """Planning-survey answers, sorted by when they were submitted (local time)."""

    account: np.ndarray
    submitted: np.ndarray  # datetime64[s]
    wave: np.ndarray
    user_email: pa.Array
    organisation: pa.Array
    nps: np.ndarray
    features: pa.ListArray
    comment: pa.Array
    role: pa.Array


def _planning_responses(rng: np.random.Generator, accounts: AccountPool, n: int,
                        waves: Sequence[int]) -> _PlanningResponses:
    """Most users answer in the first days after a wave's invitation; the survey stays open for weeks."""
    wave_of_row = rng.choice(np.asarray(waves), size=n)
    days_after_invite = np.minimum(rng.exponential(12.0, size=n).astype(np.int64), WAVE_DAYS - 1)
    days = np.asarray([wave_start_day(w) for w in waves])[np.searchsorted(waves, wave_of_row)] + days_after_invite
    order = np.argsort(days, kind="stable")
    days, wave_of_row = days[order], wave_of_row[order]
    submitted = moments(rng, days, first_hour=6, last_hour=23)  # days already sorted: sorting keeps them aligned
    account = accounts.draw(rng, n)
    return _PlanningResponses(
        account=account,
        submitted=submitted,
        wave=wave_of_row.astype(np.int32),
        user_email=emails(rng, accounts, account, free_mail_share=0.2),
        organisation=accounts.spelled(rng, account, PRODUCT_SPELLING, blank_share=0.02),
        nps=rng.choice(11, size=n, p=chances(NPS_WEIGHTS)),
        features=_feature_lists(rng, n),
        comment=comments(rng, n, PRODUCT_COMMENTS, empty_share=0.5),
        role=pick(rng, ROLES, n, chances(ROLE_WEIGHTS)),
    )


def _feature_lists(rng: np.random.Generator, n: int) -> pa.ListArray:
    """0-3 distinct requested features per response, popular ones more often (weighted sampling keys)."""
    counts = rng.choice(len(FEATURES_PER_RESPONSE_WEIGHTS), size=n, p=chances(FEATURES_PER_RESPONSE_WEIGHTS))
    keys = rng.random((n, len(FEATURES))) ** (1.0 / np.asarray(FEATURE_POPULARITY, dtype=float))
    top = np.argsort(-keys, axis=1)[:, :len(FEATURES_PER_RESPONSE_WEIGHTS) - 1]
    chosen = top[np.arange(top.shape[1]) < counts[:, None]]
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(FEATURES).take(pa.array(chosen)))


def product_xlsx_export(rng: np.random.Generator, accounts: AccountPool, n: int) -> Export:
    n_copies = duplicate_count(n)
    base = n - n_copies
    answers = _planning_responses(rng, accounts, base, XLSX_WAVES)
    qualtrics_like = np.hstack([unique_base62(rng, base, 10), BASE62[rng.integers(0, 62, size=(base, 5))]])
    clean = pa.table({
        "Response ID": join("R_", fixed_width_text(qualtrics_like)),
        "Submitted": iso_seconds(answers.submitted),
        "User Email": answers.user_email,
        "Organisation": answers.organisation,
        "NPS": text(answers.nps),
        "Requested Features": pc.binary_join(answers.features, "; "),
        "Comment": answers.comment,
        "Role": answers.role,
        "Wave": pa.array(answers.wave),
        FILE_COLUMN: pa.array(answers.wave - XLSX_WAVES[0]),
        ACCOUNT_COLUMN: pa.array(answers.account),
    })
    waves = [f"planning_wave{w}.xlsx" for w in XLSX_WAVES]
    breakages = [Breakage("NPS", "11"), Breakage("Submitted", "yesterday"), Breakage("NPS", "n/a"),
                 Breakage("Response ID", None), Breakage("Submitted", None), Breakage("Submitted", "31/02/2024")]
    return messy_export(rng, PRODUCT_XLSX, "product", waves, XLSX_HEADER, clean, breakages, n_copies)


def product_jsonl_export(rng: np.random.Generator, accounts: AccountPool, n: int) -> Export:
    n_copies = duplicate_count(n)
    base = n - n_copies
    answers = _planning_responses(rng, accounts, base, JSONL_WAVES)
    month = months_since_start(answers.submitted)
    clean = pa.table({
        "response_id": join("pr_", fixed_width_text(unique_base62(rng, base, 10))),
        "submitted": join(iso_seconds(answers.submitted), "Z"),
        "user_email": answers.user_email,
        "organisation_name": answers.organisation,
        "nps": text(answers.nps),  # JSON text: a number, or a quoted string in a broken row
        "requested_features": answers.features,
        "comment": answers.comment,
        "role": answers.role,
        "wave": pa.array(answers.wave),
        "app_version": _app_versions(rng, month),
        FILE_COLUMN: pa.array(month),
        ACCOUNT_COLUMN: pa.array(answers.account),
    })
    months = [f"planning_{month_label(m)}.jsonl" for m in range(MONTHS)]
    breakages = [Breakage("nps", "11"), Breakage("submitted", "31/02/2024"), Breakage("nps", '"n/a"'),
                 Breakage("response_id", None), Breakage("submitted", None), Breakage("submitted", "yesterday")]
    return messy_export(rng, PRODUCT_JSONL, "product", months, JSONL_KEYS, clean, breakages, n_copies)


def _app_versions(rng: np.random.Generator, month: np.ndarray) -> pa.Array:
    """A minor release every two months; some users lag one or two releases behind."""
    minor = np.maximum(month // 2 - rng.choice(3, size=len(month), p=[0.7, 0.2, 0.1]), 0)
    return join("2.", text(minor), ".", text(rng.integers(0, 4, size=len(month))))


