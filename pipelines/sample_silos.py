"""Deterministic sample exports of the three seed silos, with the mess of real ones.

:func:`generate_silos` writes what the sales CRM, the helpdesk and the survey tools would export for the
built-in source specs (``schemas/builtin_sources``):

* ``sales/lost_business_<YYYY>Q<n>.csv`` — lost-business survey, one CRM report per quarter;
* ``service/followup_<YYYY-MM>.csv`` — post-ticket follow-up survey, one helpdesk export per month;
* ``product/planning_wave<N>.xlsx`` — planning survey, older waves (1-3) as the survey tool's workbooks;
* ``product/planning_<YYYY-MM>.jsonl`` — planning survey, recent waves (4-6) as JSON lines per month.

The same customers appear in every silo, spelled differently (case, punctuation, legal form dropped or
changed, accents dropped, typos), some behind free-mail addresses; about 2% of the accounts give about
half of the responses; comments hold commas, quotes, line breaks and non-ASCII text; about 0.5% of each
source's rows are invalid and about 0.3% are repeats of another row. Responses fall between 2024-01-01
and 2025-06-30.

Everything derives from ``numpy.random.default_rng(seed)``: the same ``rows`` and ``seed`` give
byte-identical files. Columns are built whole with numpy and Arrow; only the workbooks, capped at
:data:`XLSX_ROW_CAP` rows in total, are written cell by cell.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from openpyxl.xml.constants import ARC_CORE
from openpyxl.xml.functions import tostring as xml_text

from warehouse.ddl import literal

__all__ = ["SampleSummary", "generate_silos", "SOURCE_NAMES", "XLSX_ROW_CAP", "MIN_ROWS"]

T = TypeVar("T")

SALES = "sales_lost_business"
SERVICE = "service_followup"
PRODUCT_XLSX = "product_planning_xlsx"
PRODUCT_JSONL = "product_planning_jsonl"
SOURCE_NAMES: tuple[str, ...] = (SALES, SERVICE, PRODUCT_XLSX, PRODUCT_JSONL)
"""The sources written, named as the built-in specs name them."""

XLSX_ROW_CAP = 20_000
"""Most workbook rows written in total: openpyxl writes cell by cell, so workbooks stay small."""

MIN_ROWS = 100
"""Fewest responses accepted: every source needs a few rows besides its invalid and repeated ones."""

SALES_SHARE, SERVICE_SHARE = 0.20, 0.55  # product gets the rest
XLSX_SHARE_OF_PRODUCT = 0.4
INVALID_SHARE = 0.005
DUPLICATE_SHARE = 0.003
RESPONSES_PER_ACCOUNT = 40
MIN_ACCOUNTS = 50
MAX_NAME_BATCHES = 100  # of candidate company names, before giving up on finding enough distinct ones
DOMINANT_ACCOUNT_SHARE = 0.02  # of accounts ...
DOMINANT_RESPONSE_SHARE = 0.5  # ... giving this share of responses

FIRST_DAY = np.datetime64("2024-01-01", "D")
FIRST_MONTH = np.datetime64("2024-01", "M")
DAYS = 547  # 2024-01-01 .. 2025-06-30
MONTHS = 18
XLSX_WAVES = (1, 2, 3)
JSONL_WAVES = (4, 5, 6)
WAVE_DAYS = 75  # a wave's invitations stay open this long after its quarter starts

# Written into the workbooks' metadata and zip entries instead of the current time.
FIXED_TIMESTAMP = dt.datetime(2025, 7, 1, 0, 0, 0)
FIXED_ZIP_TIME = (2025, 7, 1, 0, 0, 0)

SALES_HEADER = ("Opportunity ID", "Account Name", "Account ID", "Close Date", "Loss Reason", "Competitor",
                "Likelihood to Reconsider", "Comment", "Amount", "Opportunity Owner")
SERVICE_HEADER = ("ticket_id", "contact_email", "company", "survey_sent_at", "csat", "effort", "category",
                  "comment", "product_area", "agent_team")
XLSX_HEADER = ("Response ID", "Submitted", "User Email", "Organisation", "NPS", "Requested Features", "Comment",
               "Role", "Wave")
JSONL_KEYS = ("response_id", "submitted", "user_email", "organisation_name", "nps", "requested_features",
              "comment", "role", "wave", "app_version")

FILE_COLUMN, ACCOUNT_COLUMN, POSITION_COLUMN = "_file", "_account", "_position"  # travel with rows, never written


@dataclass(frozen=True)
class SampleSummary:
    """What :func:`generate_silos` wrote."""

    files: list[Path]
    """Every file written, in writing order."""
    rows_per_source: dict[str, int]
    """Data records written per source (duplicates and invalid rows included)."""
    distinct_accounts: int
    """True accounts behind at least one written row."""
    invalid_rows_per_source: dict[str, int]
    """Rows per source made to break exactly one row rule (score, timestamp or id)."""
    duplicate_rows_per_source: dict[str, int]
    """Extra copies per source of another row, identical to it byte for byte."""


def generate_silos(landing: Path, rows: int, seed: int = 7, truth_path: Path | None = None) -> SampleSummary:
    """Write sample exports of the three seed silos into ``landing/{sales,service,product}/``.

    ``rows`` responses in total: about 20% sales, 55% service and 25% product (the workbooks hold at most
    :data:`XLSX_ROW_CAP` of them). Existing files of the same names are overwritten; others are left alone.
    With ``truth_path``, also write a Parquet file there (outside ``landing``) naming, for every written
    row, ``source``, ``source_file`` (relative to ``landing``'s parent), ``source_row`` (1-based data record
    number) and ``true_account_key``.
    """
    landing = Path(landing).absolute()
    _check_arguments(landing, rows, truth_path)
    accounts_rng, sales_rng, service_rng, xlsx_rng, jsonl_rng = np.random.default_rng(seed).spawn(5)
    accounts = _account_pool(accounts_rng, max(MIN_ACCOUNTS, rows // RESPONSES_PER_ACCOUNT))
    sizes = _source_sizes(rows)
    exports = [
        _sales_export(sales_rng, accounts, sizes[SALES]),
        _service_export(service_rng, accounts, sizes[SERVICE]),
        _product_xlsx_export(xlsx_rng, accounts, sizes[PRODUCT_XLSX]),
        _product_jsonl_export(jsonl_rng, accounts, sizes[PRODUCT_JSONL]),
    ]
    with _duckdb_connection() as connection:
        writers = {SALES: _write_crm_report_csv, SERVICE: partial(_write_helpdesk_csv, connection),
                   PRODUCT_XLSX: _write_xlsx, PRODUCT_JSONL: partial(_write_jsonl, connection)}
        written = [file for export in exports for file in _write_export(landing, export, writers[export.source])]
    if truth_path is not None:
        _write_truth(Path(truth_path), landing, written, accounts)
    return SampleSummary(
        files=[w.path for w in written],
        rows_per_source={e.source: e.table.num_rows for e in exports},
        distinct_accounts=len(np.unique(np.concatenate([w.accounts for w in written]))),
        invalid_rows_per_source={e.source: e.invalid for e in exports},
        duplicate_rows_per_source={e.source: e.duplicates for e in exports},
    )


def _check_arguments(landing: Path, rows: int, truth_path: Path | None) -> None:
    if rows < MIN_ROWS:
        raise ValueError(f"rows must be at least {MIN_ROWS}, got {rows}")
    if truth_path is not None and Path(truth_path).absolute().resolve().is_relative_to(landing.resolve()):
        raise ValueError(f"truth_path {truth_path} lies under the landing folder {landing}: "
                         "the pipeline would load it as an export")


def _source_sizes(rows: int) -> dict[str, int]:
    sales = round(rows * SALES_SHARE)
    service = round(rows * SERVICE_SHARE)
    product = rows - sales - service
    xlsx = min(XLSX_ROW_CAP, round(product * XLSX_SHARE_OF_PRODUCT))
    return {SALES: sales, SERVICE: service, PRODUCT_XLSX: xlsx, PRODUCT_JSONL: product - xlsx}


# --------------------------------------------------------------------------------------------------
# Accounts: who the customers are and how each silo spells them
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Company:
    name: str  # without legal form
    legal_form: str  # "" when the company goes by its name alone
    country: str
    domain: str

    @property
    def canonical(self) -> str:
        return f"{self.name} {self.legal_form}".strip()


# Legal forms per country, each with another spelling of it seen in the wild.
LEGAL_FORMS: dict[str, list[tuple[str, str]]] = {
    "US": [("Inc.", "Incorporated"), ("Corp.", "Corporation"), ("LLC", "L.L.C."), ("Corporation", "Corp")],
    "GB": [("Ltd", "Limited"), ("PLC", "plc"), ("Limited", "Ltd.")],
    "DE": [("GmbH", "Gmbh"), ("AG", "Aktiengesellschaft"), ("GmbH & Co. KG", "GmbH & Co KG"), ("SE", "AG")],
    "FR": [("SA", "S.A."), ("SAS", "S.A.S."), ("SARL", "Sàrl")],
    "IT": [("S.p.A.", "SpA"), ("S.r.l.", "Srl")],
    "ES": [("S.A.", "SA"), ("S.L.", "SL")],
    "NL": [("B.V.", "BV"), ("N.V.", "NV")],
    "JP": [("K.K.", "KK"), ("Co., Ltd.", "Co. Ltd")],
    "SE": [("AB", "Aktiebolag")],
    "CH": [("AG", "SA")],
}
RESPELLED_FORM = {form: other for forms in LEGAL_FORMS.values() for form, other in forms}
TOP_LEVEL_DOMAIN = {"US": "com", "GB": "co.uk", "DE": "de", "FR": "fr", "IT": "it", "ES": "es", "NL": "nl",
                    "JP": "co.jp", "SE": "se", "CH": "ch"}
COUNTRY_WEIGHTS = {"US": 0.30, "GB": 0.12, "DE": 0.18, "FR": 0.12, "IT": 0.06, "ES": 0.06, "NL": 0.06,
                   "JP": 0.05, "SE": 0.03, "CH": 0.02}
DESCRIPTORS = {
    "US": ["Systems", "Technologies", "Logistics", "Health", "Capital", "Labs", "Foods", "Energy", "Analytics",
           "Manufacturing", "Networks", "Insurance", "Media", "Robotics"],
    "GB": ["Engineering", "Consulting", "Retail", "Brewing", "Property", "Freight", "Software", "Utilities"],
    "DE": ["Maschinenbau", "Logistik", "Versicherungen", "Elektrotechnik", "Software", "Handel", "Anlagenbau",
           "Verpackung"],
    "FR": ["Ingénierie", "Conseil", "Énergie", "Télécom", "Assurances", "Systèmes", "Électronique", "Médical"],
    "IT": ["Costruzioni", "Meccanica", "Alimentari", "Tessile", "Farmaceutici", "Logistica"],
    "ES": ["Tecnología", "Energía", "Construcción", "Logística", "Alimentación"],
    "NL": ["Techniek", "Transport", "Bouw", "Software", "Energie"],
    "JP": ["Denki", "Shoji", "Seisakusho", "Kogyo", "Tsusho"],
    "SE": ["Logistik", "Teknik", "Data", "Bygg"],
    "CH": ["Präzision", "Pharma", "Uhren", "Finanz"],
}
LEADING_WORDS = {"FR": ["Société", "Groupe"], "IT": ["Fratelli", "Gruppo"], "ES": ["Compañía", "Grupo"]}
REGIONS = ["Nord", "Süd", "Atlantic", "Pacific", "Alpine", "Baltic", "Central", "Rhein", "Orient"]
NAME_STARTS = ["Al", "Bel", "Bren", "Cor", "Dal", "El", "Fal", "Gar", "Hal", "Is", "Jor", "Kal", "Lum", "Mar",
               "Nor", "Ost", "Pel", "Quar", "Ros", "Sol", "Tor", "Ul", "Val", "Wes", "Xen", "Yar", "Zan", "Bri",
               "Cas", "Dor", "Ev", "Fen", "Gil", "Hol", "Ker", "Lin", "Mer", "Nev", "Or", "Pra", "Ral", "Sev",
               "Tal", "Ven", "Wil", "Zel", "Bré", "Clé", "Dü", "Gö", "Hé", "Lö", "Mé", "Nö", "Ré", "Sü", "Vé",
               "Ama", "Oda", "Ume"]
NAME_ENDINGS = ["tex", "dor", "vina", "gard", "lix", "mont", "ris", "vera", "tron", "stad", "berg", "ford",
                "ella", "ano", "ion", "quist", "wick", "heim", "ville", "ago", "ora", "ium", "dal", "ton", "ray",
                "ica", "nova", "sys", "ware", "mark", "field", "haus", "lund", "ssen", "tari", "zia", "cor", "ant",
                "enza", "ux"]

# Fictional companies that take the top ranks, then fictional look-alikes: different accounts whose
# names share a word with a big one.
HEAD_COMPANIES = [
    _Company("ACME", "Corp.", "US", "acme.com"),
    _Company("Globex", "Corporation", "US", "globex.com"),
    _Company("Initech", "GmbH", "DE", "initech.de"),
    _Company("Société Lumière", "SA", "FR", "lumiere.fr"),
    _Company("Müller & Söhne", "GmbH & Co. KG", "DE", "mueller-soehne.de"),
    _Company("Umbrella Pharma", "PLC", "GB", "umbrella-pharma.co.uk"),
    _Company("Hooli", "Inc.", "US", "hooli.com"),
    _Company("Sakura Denki", "K.K.", "JP", "sakura-denki.co.jp"),
    _Company("Fratelli Rossi", "S.p.A.", "IT", "fratellirossi.it"),
    _Company("Nordström Logistik", "AB", "SE", "nordstrom-logistik.se"),
    _Company("Compañía Ibérica de Datos", "S.A.", "ES", "iberica-datos.es"),
    _Company("Van den Berg Techniek", "B.V.", "NL", "vandenberg-techniek.nl"),
]
LOOK_ALIKE_COMPANIES = [
    _Company("Globex Capital Partners", "LLC", "US", "globexcapital.com"),
    _Company("Acme Logistics", "GmbH", "DE", "acme-logistics.de"),
    _Company("Initech Consulting", "Ltd", "GB", "initech-consulting.co.uk"),
    _Company("Lumière Analytique", "SAS", "FR", "lumiere-analytique.fr"),
    _Company("Hooli Health", "Inc.", "US", "hoolihealth.com"),
    _Company("Sakura Foods", "K.K.", "JP", "sakura-foods.co.jp"),
]

SPELLING_SLOTS = 8  # see _spellings
# Chance of each spelling slot per silo: the CRM keeps names tidy, customers type what they like.
SALES_SPELLING = (0.90, 0.00, 0.02, 0.02, 0.03, 0.02, 0.00, 0.01)
SERVICE_SPELLING = (0.40, 0.12, 0.06, 0.18, 0.08, 0.08, 0.03, 0.05)
PRODUCT_SPELLING = (0.50, 0.08, 0.04, 0.15, 0.08, 0.07, 0.03, 0.05)

FREE_MAIL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "gmx.de", "web.de", "orange.fr", "hotmail.com",
                     "icloud.com"]
EMAIL_FIRST_NAMES = ["jo", "sam", "alex", "maria", "jan", "lena", "paul", "sophie", "luca", "emma", "noah", "mia",
                     "chloe", "louis", "giulia", "marco", "sofia", "pablo", "lucia", "daan", "sanne", "yuki",
                     "haruto", "sakura", "erik", "astrid", "priya", "arjun", "wei", "mei", "tom", "kate", "omar",
                     "fatima", "jonas", "anna", "felix", "clara", "hugo", "ines"]
EMAIL_LAST_NAMES = ["smith", "jones", "mueller", "schmidt", "schneider", "fischer", "martin", "bernard", "dubois",
                    "rossi", "russo", "bianchi", "garcia", "lopez", "martinez", "dejong", "jansen", "devries",
                    "tanaka", "suzuki", "sato", "andersson", "johansson", "nilsson", "sharma", "patel", "chen",
                    "wang", "brown", "taylor", "wilson", "hoffmann", "weber", "moreau", "laurent", "ferrari",
                    "romano", "fernandez", "bakker", "watanabe"]


@dataclass(frozen=True)
class _AccountPool:
    keys: pa.Array  # true account key per account, "acct_000001"
    domains: pa.Array
    crm_ids_15: pa.Array
    crm_ids_18: pa.Array
    spellings: pa.Array  # SPELLING_SLOTS names per account, account-major
    weights: np.ndarray  # chance that a response comes from each account

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Accounts of ``n`` responses, by weight."""
        return rng.choice(len(self.weights), size=n, p=self.weights).astype(np.int32)

    def spelled(self, rng: np.random.Generator, accounts: np.ndarray, slot_chances: Sequence[float],
                blank_share: float = 0.0) -> pa.Array:
        """How each response names its account: one spelling slot drawn per response."""
        slots = rng.choice(SPELLING_SLOTS, size=len(accounts), p=slot_chances)
        names = self.spellings.take(pa.array(accounts.astype(np.int64) * SPELLING_SLOTS + slots))
        return _blank_some(rng, names, blank_share)


def _account_pool(rng: np.random.Generator, n: int) -> _AccountPool:
    companies = _companies(rng, n)
    typo_operations = rng.integers(0, 3, size=n)
    typo_positions = rng.integers(0, 1 << 16, size=n)
    spellings = [s for c, op, at in zip(companies, typo_operations, typo_positions) for s in _spellings(c, op, at)]
    crm_15 = _salesforce_ids(rng, b"0015g0", n)
    return _AccountPool(
        keys=pa.array([f"acct_{rank + 1:06d}" for rank in range(n)]),
        domains=pa.array([c.domain for c in companies]),
        crm_ids_15=_fixed_width_text(crm_15),
        crm_ids_18=_fixed_width_text(_with_salesforce_checksum(crm_15)),
        spellings=pa.array(spellings, pa.string()),
        weights=_account_weights(n),
    )


def _account_weights(n: int) -> np.ndarray:
    """Zipf-like weights, largest first: the top ~2% of accounts carry about half of the responses."""
    n_top = max(1, round(n * DOMINANT_ACCOUNT_SHARE))
    top = 1.0 / np.arange(1, n_top + 1) ** 0.6
    tail = 1.0 / (np.arange(n - n_top) + 5.0) ** 0.9
    weights = np.concatenate([top / top.sum() * DOMINANT_RESPONSE_SHARE,
                              tail / tail.sum() * (1 - DOMINANT_RESPONSE_SHARE)])
    return weights / weights.sum()


def _companies(rng: np.random.Generator, n: int) -> list[_Company]:
    """``n`` companies in rank order: the heads, then (just below the dominant ones) the look-alikes."""
    known = HEAD_COMPANIES + LOOK_ALIKE_COMPANIES
    synthetic = _synthetic_companies(rng, n - len(known), {_name_key(c.name) for c in known},
                                     {c.domain for c in known})
    n_top = max(1, round(n * DOMINANT_ACCOUNT_SHARE))
    split = max(0, n_top - len(HEAD_COMPANIES))
    return HEAD_COMPANIES + synthetic[:split] + LOOK_ALIKE_COMPANIES + synthetic[split:]


def _synthetic_companies(rng: np.random.Generator, n: int, taken_names: set[str],
                         taken_domains: set[str]) -> list[_Company]:
    """``n`` invented companies whose names and domains are not taken yet."""
    companies: list[_Company] = []
    for _ in range(MAX_NAME_BATCHES):
        missing = n - len(companies)
        if not missing:
            return companies
        for company in _candidate_companies(rng, max(1024, 2 * missing)):
            key = _name_key(company.name)
            if key not in taken_names and company.domain not in taken_domains:
                taken_names.add(key)
                taken_domains.add(company.domain)
                companies.append(company)
                if len(companies) == n:
                    return companies
    raise ValueError(f"could not invent {n} distinct company names; ask for fewer rows")


def _candidate_companies(rng: np.random.Generator, n: int) -> list[_Company]:
    countries = list(COUNTRY_WEIGHTS)
    drawn_countries = rng.choice(len(countries), size=n, p=_chances(list(COUNTRY_WEIGHTS.values())))
    draws = rng.random((n, 6))
    return [_synthetic_company(countries[country], *fractions) for country, fractions in zip(drawn_countries, draws)]


def _synthetic_company(country: str, start: float, ending: float, descriptor: float, region: float,
                       leading: float, form: float) -> _Company:
    """A company from uniform draws in [0, 1): an invented stem, maybe a region, a trade, a legal form."""
    words = [_pick_by_fraction(NAME_STARTS, start) + _pick_by_fraction(NAME_ENDINGS, ending)]
    if country in LEADING_WORDS and leading < 0.25:
        words.insert(0, _pick_by_fraction(LEADING_WORDS[country], leading / 0.25))
    if region < 0.15:
        words.append(_pick_by_fraction(REGIONS, region / 0.15))
    if descriptor < 0.65:
        words.append(_pick_by_fraction(DESCRIPTORS[country], descriptor / 0.65))
    name = " ".join(words)
    legal_form = "" if form < 0.1 else _pick_by_fraction(LEGAL_FORMS[country], (form - 0.1) / 0.9)[0]
    return _Company(name, legal_form, country, f"{_domain_slug(name)}.{TOP_LEVEL_DOMAIN[country]}")


def _pick_by_fraction(options: Sequence[T], fraction: float) -> T:
    return options[min(int(fraction * len(options)), len(options) - 1)]


def _spellings(company: _Company, typo_operation: int, typo_position: int) -> list[str]:
    """The company's name as silos write it, one per spelling slot."""
    canonical = company.canonical
    if company.legal_form:
        respelled = f"{company.name} {RESPELLED_FORM[company.legal_form]}"
        dropped_or_added = company.name
    else:
        respelled = dropped_or_added = f"{company.name} {LEGAL_FORMS[company.country][0][0]}"
    case_changed = canonical.upper() if canonical != canonical.upper() else canonical.title()
    typo = f"{_typo(company.name, typo_operation, typo_position)} {company.legal_form}".strip()
    stray_spaces = f" {canonical.replace(' ', '  ', 1)} "
    return [canonical, respelled.lower(), case_changed, dropped_or_added, respelled, _plain(canonical), typo,
            stray_spaces]


def _typo(name: str, operation: int, position: int) -> str:
    """One slip of the finger in the first word: swapped, dropped or doubled letter (never the first)."""
    first, _, rest = name.partition(" ")
    tail = f" {rest}" if rest else ""
    if len(first) < 3:
        return first + first[-1] + tail
    at = 1 + position % (len(first) - 2)
    if operation == 0 and first[at] != first[at + 1]:
        first = first[:at] + first[at + 1] + first[at] + first[at + 2:]
    elif operation == 1:
        first = first[:at] + first[at + 1:]
    else:
        first = first[:at] + first[at] + first[at:]
    return first + tail


# Names are made of a small vocabulary, so the per-word work is cached: 100k+ companies stay fast.

@cache
def _strip_accents(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


@cache
def _plain_word(word: str) -> str:
    return _strip_accents(word).replace(".", "").replace(",", "")


@cache
def _key_words(word: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in _strip_accents(word).lower()).split())


@cache
def _domain_word(word: str) -> str:
    for umlaut, spelled_out in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"),
                                ("ß", "ss")):
        word = word.replace(umlaut, spelled_out)
    return _key_words(word).replace(" ", "-")


def _plain(text: str) -> str:
    """Accents and punctuation dropped, as a system without Unicode or dots would keep it."""
    return " ".join(p for p in map(_plain_word, text.split()) if p)


def _name_key(name: str) -> str:
    """Lower case, no accents, punctuation as spaces: names equal under this key are one name."""
    return " ".join(k for k in map(_key_words, name.split()) if k)


def _domain_slug(name: str) -> str:
    return "-".join(d for d in map(_domain_word, name.split()) if d)


# --------------------------------------------------------------------------------------------------
# Column builders shared by the sources
# --------------------------------------------------------------------------------------------------

BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
SALESFORCE_CHECKSUM_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)


def _unique_base62(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """``n`` distinct random base-62 numbers of ``width`` (at most 10) digits, as an ``(n, width)`` matrix of
    ASCII codes."""
    values = rng.choice(62 ** width, size=n, replace=False)
    digits = np.empty((n, width), dtype=np.uint8)
    for place in range(width - 1, -1, -1):
        digits[:, place] = BASE62[values % 62]
        values //= 62
    return digits


def _salesforce_ids(rng: np.random.Generator, prefix: bytes, n: int) -> np.ndarray:
    """``n`` distinct 15-character Salesforce ids as an ``(n, 15)`` matrix: key prefix and pod, then digits."""
    body = _unique_base62(rng, n, 15 - len(prefix))
    head = np.broadcast_to(np.frombuffer(prefix, dtype=np.uint8), (n, len(prefix)))
    return np.hstack([head, body])


def _with_salesforce_checksum(ids_15: np.ndarray) -> np.ndarray:
    """The 18-character forms: per 5-character chunk, bit i set when character i is upper case A-Z."""
    upper = ((ids_15 >= ord("A")) & (ids_15 <= ord("Z"))).reshape(len(ids_15), 3, 5)
    bits = (upper * (1 << np.arange(5))).sum(axis=2)
    return np.hstack([ids_15, SALESFORCE_CHECKSUM_ALPHABET[bits]])


def _fixed_width_text(codes: np.ndarray) -> pa.Array:
    """An Arrow string array from an ``(n, width)`` matrix of ASCII codes, without a Python loop."""
    n, width = codes.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(codes)))


def _text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _pick(rng: np.random.Generator, options: Sequence[str], n: int,
          chances: Sequence[float] | None = None) -> pa.Array:
    return pa.array(options, pa.string()).take(pa.array(rng.choice(len(options), size=n, p=chances)))


def _blank_some(rng: np.random.Generator, values: pa.Array, share: float) -> pa.Array:
    if share <= 0:
        return values
    blank = pa.array(rng.random(len(values)) < share)
    return pc.if_else(blank, pa.scalar(None, values.type), values)


def _chances(weights: Sequence[float]) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


def _moments(rng: np.random.Generator, days: np.ndarray, first_hour: int, last_hour: int) -> np.ndarray:
    """Times of day between the hours on the given days (offsets from 2024-01-01), sorted, to the second."""
    seconds = rng.integers(first_hour * 3600, last_hour * 3600, size=len(days))
    moments = FIRST_DAY.astype("datetime64[s]") + days.astype(np.int64) * 86_400 + seconds
    return np.sort(moments)


def _iso_seconds(moments: np.ndarray) -> pa.Array:
    """``2024-03-18T09:02:11``; Arrow's cast to text is many times faster than its strftime."""
    return pc.replace_substring(pc.cast(pa.array(moments.astype("datetime64[s]")), pa.string()), " ", "T",
                                max_replacements=1)


def _us_dates(days: np.ndarray) -> pa.Array:
    """``MM/DD/YYYY`` of days since 2024-01-01, formatted once per calendar day and looked up."""
    calendar = pc.strftime(pa.array(FIRST_DAY + np.arange(DAYS)), format="%m/%d/%Y")
    return calendar.take(pa.array(days))


def _months_since_start(moments: np.ndarray) -> np.ndarray:
    return (moments.astype("datetime64[M]") - FIRST_MONTH).astype(np.int32)


def _month_label(month: int) -> str:
    return str(FIRST_MONTH + month)


def _wave_start_day(wave: int) -> int:
    """Waves open at the start of each quarter from 2024-Q1."""
    return int(((FIRST_MONTH + 3 * (wave - 1)).astype("datetime64[D]") - FIRST_DAY).astype(np.int64))


GENERAL_COMMENTS = [
    'Thanks, "great" experience overall.',
    "Die Einrichtung war umständlich, aber der Support war großartig.",
    "Très bien, merci ! L'équipe a été très réactive.",
    "Ça marche… la plupart du temps.",
    "サポートが迅速でした。ありがとうございます。",
    "日本語のUIが欲しいです。",
    "Love it 😍",
    "👍",
    "Muy útil, pero la interfaz es confusa.",
    "Nothing to add.",
    "ok",
    "First point: speed.\nSecond point: price.",
    "Line one\r\nLine two, with a comma",
    '=HYPERLINK("http://example.com","details")',
    "   see previous ticket   ",
    "Großartig! 🚀 Weiter so.",
]
SALES_COMMENTS = GENERAL_COMMENTS + [
    "Too expensive for what we use.",
    "Pricing was fine, the contract terms were not.",
    'Your rep said "next quarter" three times.',
    "Went with a cheaper tool, sorry.",
    "Budget frozen until Q3; ask again then.",
    "Missing SSO, SCIM and audit logs.\nSecurity would not sign off.",
    "Preis-Leistung passt leider nicht.",
    "Le concurrent proposait une remise de 30 %.",
    "No decision yet — the project is on hold.",
]
SERVICE_COMMENTS = GENERAL_COMMENTS + [
    "Support was slow; took 3 days to answer.",
    "Agent was friendly, issue solved in minutes!",
    "Login broke again 😡 after the update",
    'Had to explain the problem twice, "escalated" twice.',
    "The fix works, thanks.\nPlease update the docs too.",
    "Ticket closed without asking me.",
    "Rückmeldung kam schnell, Problem besteht aber weiterhin.",
    "Réponse rapide, problème résolu.",
    "対応ありがとうございました。",
]
PRODUCT_COMMENTS = GENERAL_COMMENTS + [
    "Please add dark mode, my eyes hurt 🙈",
    "We need SSO before we can roll out to 2,000 users.",
    "Export to Excel would save us hours each week.",
    'The new dashboard is great; the old one was "unusable".',
    "Mobile app crashes on Android 14.",
    "Bitte mehr Integrationen (Slack, Teams, Jira).",
    "Plus de rapports personnalisés, s'il vous plaît.",
    "API rate limits are too strict,\nwe hit them every night.",
    "レポート機能を改善してください。",
]


def _comments(rng: np.random.Generator, n: int, pool: Sequence[str], empty_share: float) -> pa.Array:
    """Free-text comments: many empty, some two remarks in one."""
    first, second = _pick(rng, pool, n), _pick(rng, pool, n)
    two_remarks = pa.array(rng.random(n) < 0.15)
    comments = pc.if_else(two_remarks, pc.binary_join_element_wise(first, second, " "), first)
    return _blank_some(rng, comments, empty_share)


def _emails(rng: np.random.Generator, accounts: _AccountPool, account: np.ndarray, free_mail_share: float) -> pa.Array:
    """Contacts' addresses: a contact is fixed by account and contact number, so people answer again."""
    contact = np.minimum(rng.geometric(0.12, size=len(account)) - 1, 39).astype(np.int64)
    person = (account.astype(np.int64) * 7_919 + contact * 104_729 + 12_345) * 2_654_435_761 % (1 << 31)
    first_names, last_names = pa.array(EMAIL_FIRST_NAMES), pa.array(EMAIL_LAST_NAMES)
    first = first_names.take(pa.array(person % len(EMAIL_FIRST_NAMES)))
    last = last_names.take(pa.array(person // len(EMAIL_FIRST_NAMES) % len(EMAIL_LAST_NAMES)))
    local_part = pc.choose(pa.array(person // 4_096 % 4),
                           _join(first, ".", last), _join(pc.utf8_slice_codeunits(first, 0, 1), ".", last),
                           _join(first, last), _join(first, "_", last))
    corporate = _join(local_part, "@", accounts.domains.take(pa.array(account)))
    free_domain = pa.array(FREE_MAIL_DOMAINS).take(pa.array(person // 64 % len(FREE_MAIL_DOMAINS)))
    free = _join(local_part, _text(person % 89 + 10), "@", free_domain)
    uses_free_mail = pa.array(person // 256 % 1000 < free_mail_share * 1000)
    return pc.if_else(uses_free_mail, free, corporate)


# --------------------------------------------------------------------------------------------------
# The mess every export gets: invalid rows, repeated rows
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Breakage:
    """A way to make a row invalid: put ``value`` into ``column``."""

    column: str
    value: str | None


def _invalid_count(n: int) -> int:
    return max(1, round(n * INVALID_SHARE))


def _duplicate_count(n: int) -> int:
    return max(1, round(n * DUPLICATE_SHARE))


def _break_some_rows(rng: np.random.Generator, table: pa.Table,
                     breakages: Sequence[_Breakage]) -> tuple[pa.Table, np.ndarray]:
    """Each chosen row breaks one rule, the ways taken in turn so that all of them occur; returns the mask."""
    n_invalid = _invalid_count(table.num_rows)
    rows = rng.choice(table.num_rows, size=n_invalid, replace=False)
    broken = np.zeros(table.num_rows, dtype=bool)
    broken[rows] = True
    for way, breakage in enumerate(breakages):
        mask = np.zeros(table.num_rows, dtype=bool)
        mask[rows[way::len(breakages)]] = True
        column = table.column(breakage.column)
        replaced = pc.if_else(pa.array(mask), pa.scalar(breakage.value, column.type), column)
        table = table.set_column(table.schema.get_field_index(breakage.column), breakage.column, replaced)
    return table, broken


def _repeat_some_rows(rng: np.random.Generator, table: pa.Table, n_copies: int, eligible: np.ndarray) -> pa.Table:
    """Append exact copies of valid rows, about half in the same file, half at the start of the next file
    (an export window that overlapped the previous one), then order the rows by file."""
    files = table.column(FILE_COLUMN).to_numpy()
    file_end = np.searchsorted(files, files, side="right")  # one past each row's file block
    has_next_file = file_end < len(files)
    later_candidates = np.flatnonzero(eligible & has_next_file)
    n_later = min(n_copies // 2, len(later_candidates))
    later = rng.choice(later_candidates, size=n_later, replace=False)
    not_yet_chosen = eligible.copy()
    not_yet_chosen[later] = False
    same = rng.choice(np.flatnonzero(not_yet_chosen), size=n_copies - n_later, replace=False)

    positions = np.arange(len(files), dtype=np.float64)
    same_positions = same + rng.random(len(same)) * (file_end[same] - same)  # later in the same file
    later_positions = file_end[later] - 0.5  # first in the next file
    originals = np.concatenate([same, later])
    copies = table.take(pa.array(originals))
    copy_files = np.concatenate([files[same], files[file_end[later]]])
    copies = copies.set_column(copies.schema.get_field_index(FILE_COLUMN), FILE_COLUMN, pa.array(copy_files))
    combined = pa.concat_tables([
        table.append_column(POSITION_COLUMN, pa.array(positions)),
        copies.append_column(POSITION_COLUMN, pa.array(np.concatenate([same_positions, later_positions]))),
    ])
    ordered = combined.sort_by([(FILE_COLUMN, "ascending"), (POSITION_COLUMN, "ascending")])
    return ordered.drop_columns([POSITION_COLUMN])


@dataclass(frozen=True)
class _Export:
    """One source's rows, ordered by file, with the hidden columns ``_file`` and ``_account``."""

    source: str
    folder: str
    file_names: tuple[str, ...]  # by file number
    columns: tuple[str, ...]  # written, in this order
    table: pa.Table
    invalid: int
    duplicates: int


def _messy_export(rng: np.random.Generator, source: str, folder: str, file_names: Sequence[str],
                  columns: Sequence[str], clean: pa.Table, breakages: Sequence[_Breakage], n_copies: int) -> _Export:
    table, broken = _break_some_rows(rng, clean, breakages)
    table = _repeat_some_rows(rng, table, n_copies, eligible=~broken)
    return _Export(source, folder, tuple(file_names), tuple(columns), table, int(broken.sum()), n_copies)


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


def _sales_export(rng: np.random.Generator, accounts: _AccountPool, n: int) -> _Export:
    n_copies = _duplicate_count(n)
    base = n - n_copies
    account = accounts.draw(rng, base)
    close_days = np.sort(rng.integers(0, DAYS, size=base))
    reason = rng.choice(len(LOSS_REASONS), size=base, p=_chances(LOSS_REASON_WEIGHTS))
    clean = pa.table({
        "Opportunity ID": _fixed_width_text(_with_salesforce_checksum(_salesforce_ids(rng, b"0065g0", base))),
        "Account Name": accounts.spelled(rng, account, SALES_SPELLING),
        "Account ID": _crm_account_ids(rng, accounts, account),
        "Close Date": _us_dates(close_days),
        "Loss Reason": pa.array(LOSS_REASONS).take(pa.array(reason)),
        "Competitor": _competitors(rng, reason == LOSS_REASONS.index("Chose competitor")),
        "Likelihood to Reconsider": _text(rng.choice(11, size=base, p=_chances(LIKELIHOOD_WEIGHTS))),
        "Comment": _comments(rng, base, SALES_COMMENTS, empty_share=0.45),
        "Amount": _amounts(rng, base),
        "Opportunity Owner": _pick(rng, SALES_REPS, base),
        FILE_COLUMN: pa.array(_months_since_start(FIRST_DAY + close_days) // 3),
        ACCOUNT_COLUMN: pa.array(account),
    })
    quarters = [f"lost_business_{2024 + q // 4}Q{q % 4 + 1}.csv" for q in range(MONTHS // 3)]
    breakages = [_Breakage("Likelihood to Reconsider", "11"), _Breakage("Close Date", "31/02/2024"),
                 _Breakage("Likelihood to Reconsider", "n/a"), _Breakage("Opportunity ID", None),
                 _Breakage("Close Date", None), _Breakage("Close Date", "yesterday")]
    return _messy_export(rng, SALES, "sales", quarters, SALES_HEADER, clean, breakages, n_copies)


def _crm_account_ids(rng: np.random.Generator, accounts: _AccountPool, account: np.ndarray) -> pa.Array:
    """The CRM report mixes 15- and 18-character forms of the same account id; a few are blank."""
    indices = pa.array(account)
    long_form = pa.array(rng.random(len(account)) < 0.45)
    ids = pc.if_else(long_form, accounts.crm_ids_18.take(indices), accounts.crm_ids_15.take(indices))
    return _blank_some(rng, ids, 0.03)


def _competitors(rng: np.random.Generator, chose_competitor: np.ndarray) -> pa.Array:
    named = rng.random(len(chose_competitor)) < np.where(chose_competitor, 0.95, 0.1)
    return pc.if_else(pa.array(named), _pick(rng, COMPETITORS, len(chose_competitor)), pa.scalar(None, pa.string()))


def _amounts(rng: np.random.Generator, n: int) -> pa.Array:
    """Deal sizes like ``12500.00``: mostly round hundreds, some with cents."""
    cents = np.maximum(np.round(rng.lognormal(9.6, 1.1, size=n) * 100).astype(np.int64), 10_000)
    round_hundreds = rng.random(n) < 0.8
    cents = np.where(round_hundreds, cents // 10_000 * 10_000, cents)
    return _join(_text(cents // 100), ".", pc.utf8_lpad(_text(cents % 100), 2, "0"))


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


def _service_export(rng: np.random.Generator, accounts: _AccountPool, n: int) -> _Export:
    n_copies = _duplicate_count(n)
    base = n - n_copies
    account = accounts.draw(rng, base)
    sent_at = _moments(rng, rng.integers(0, DAYS, size=base), first_hour=7, last_hour=20)
    team = rng.choice(len(AGENT_TEAMS), size=base, p=_chances(AGENT_TEAM_WEIGHTS))
    clean = pa.table({
        "ticket_id": _join("ZD-", _text(100_000 + np.cumsum(rng.integers(1, 4, size=base)))),
        "contact_email": _emails(rng, accounts, account, free_mail_share=0.15),
        "company": accounts.spelled(rng, account, SERVICE_SPELLING, blank_share=0.03),
        "survey_sent_at": _iso_with_offset(sent_at, team),
        "csat": _text(1 + rng.choice(5, size=base, p=_chances(CSAT_WEIGHTS))),
        "effort": _text(1 + rng.choice(7, size=base, p=_chances(EFFORT_WEIGHTS))),
        "category": _pick(rng, TICKET_CATEGORIES, base, _chances(TICKET_CATEGORY_WEIGHTS)),
        "comment": _comments(rng, base, SERVICE_COMMENTS, empty_share=0.55),
        "product_area": _pick(rng, PRODUCT_AREAS, base),
        "agent_team": pa.array([t[0] for t in AGENT_TEAMS]).take(pa.array(team)),
        FILE_COLUMN: pa.array(_months_since_start(sent_at)),
        ACCOUNT_COLUMN: pa.array(account),
    })
    months = [f"followup_{_month_label(m)}.csv" for m in range(MONTHS)]
    breakages = [_Breakage("csat", "9"), _Breakage("survey_sent_at", "31/02/2024"), _Breakage("csat", "n/a"),
                 _Breakage("ticket_id", None), _Breakage("effort", "0"), _Breakage("survey_sent_at", None),
                 _Breakage("survey_sent_at", "yesterday")]
    return _messy_export(rng, SERVICE, "service", months, SERVICE_HEADER, clean, breakages, n_copies)


def _iso_with_offset(local_times: np.ndarray, team: np.ndarray) -> pa.Array:
    """ISO 8601 local time plus the team's UTC offset (summer time taken as April to October)."""
    month_of_year = local_times.astype("datetime64[M]").astype(np.int64) % 12 + 1
    summer = (month_of_year >= 4) & (month_of_year <= 10)
    offsets = pa.array([offset for _, winter, summer_offset in AGENT_TEAMS for offset in (winter, summer_offset)])
    offset = offsets.take(pa.array(team.astype(np.int64) * 2 + summer))
    return _join(_iso_seconds(local_times), offset)


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


def _planning_responses(rng: np.random.Generator, accounts: _AccountPool, n: int,
                        waves: Sequence[int]) -> _PlanningResponses:
    """Most users answer in the first days after a wave's invitation; the survey stays open for weeks."""
    wave_of_row = rng.choice(np.asarray(waves), size=n)
    days_after_invite = np.minimum(rng.exponential(12.0, size=n).astype(np.int64), WAVE_DAYS - 1)
    days = np.asarray([_wave_start_day(w) for w in waves])[np.searchsorted(waves, wave_of_row)] + days_after_invite
    order = np.argsort(days, kind="stable")
    days, wave_of_row = days[order], wave_of_row[order]
    submitted = _moments(rng, days, first_hour=6, last_hour=23)  # days already sorted: sorting keeps them aligned
    account = accounts.draw(rng, n)
    return _PlanningResponses(
        account=account,
        submitted=submitted,
        wave=wave_of_row.astype(np.int32),
        user_email=_emails(rng, accounts, account, free_mail_share=0.2),
        organisation=accounts.spelled(rng, account, PRODUCT_SPELLING, blank_share=0.02),
        nps=rng.choice(11, size=n, p=_chances(NPS_WEIGHTS)),
        features=_feature_lists(rng, n),
        comment=_comments(rng, n, PRODUCT_COMMENTS, empty_share=0.5),
        role=_pick(rng, ROLES, n, _chances(ROLE_WEIGHTS)),
    )


def _feature_lists(rng: np.random.Generator, n: int) -> pa.ListArray:
    """0-3 distinct requested features per response, popular ones more often (weighted sampling keys)."""
    counts = rng.choice(len(FEATURES_PER_RESPONSE_WEIGHTS), size=n, p=_chances(FEATURES_PER_RESPONSE_WEIGHTS))
    keys = rng.random((n, len(FEATURES))) ** (1.0 / np.asarray(FEATURE_POPULARITY, dtype=float))
    top = np.argsort(-keys, axis=1)[:, :len(FEATURES_PER_RESPONSE_WEIGHTS) - 1]
    chosen = top[np.arange(top.shape[1]) < counts[:, None]]
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(FEATURES).take(pa.array(chosen)))


def _product_xlsx_export(rng: np.random.Generator, accounts: _AccountPool, n: int) -> _Export:
    n_copies = _duplicate_count(n)
    base = n - n_copies
    answers = _planning_responses(rng, accounts, base, XLSX_WAVES)
    qualtrics_like = np.hstack([_unique_base62(rng, base, 10), BASE62[rng.integers(0, 62, size=(base, 5))]])
    clean = pa.table({
        "Response ID": _join("R_", _fixed_width_text(qualtrics_like)),
        "Submitted": _iso_seconds(answers.submitted),
        "User Email": answers.user_email,
        "Organisation": answers.organisation,
        "NPS": _text(answers.nps),
        "Requested Features": pc.binary_join(answers.features, "; "),
        "Comment": answers.comment,
        "Role": answers.role,
        "Wave": pa.array(answers.wave),
        FILE_COLUMN: pa.array(answers.wave - XLSX_WAVES[0]),
        ACCOUNT_COLUMN: pa.array(answers.account),
    })
    waves = [f"planning_wave{w}.xlsx" for w in XLSX_WAVES]
    breakages = [_Breakage("NPS", "11"), _Breakage("Submitted", "yesterday"), _Breakage("NPS", "n/a"),
                 _Breakage("Response ID", None), _Breakage("Submitted", None), _Breakage("Submitted", "31/02/2024")]
    return _messy_export(rng, PRODUCT_XLSX, "product", waves, XLSX_HEADER, clean, breakages, n_copies)


def _product_jsonl_export(rng: np.random.Generator, accounts: _AccountPool, n: int) -> _Export:
    n_copies = _duplicate_count(n)
    base = n - n_copies
    answers = _planning_responses(rng, accounts, base, JSONL_WAVES)
    month = _months_since_start(answers.submitted)
    clean = pa.table({
        "response_id": _join("pr_", _fixed_width_text(_unique_base62(rng, base, 10))),
        "submitted": _join(_iso_seconds(answers.submitted), "Z"),
        "user_email": answers.user_email,
        "organisation_name": answers.organisation,
        "nps": _text(answers.nps),  # JSON text: a number, or a quoted string in a broken row
        "requested_features": answers.features,
        "comment": answers.comment,
        "role": answers.role,
        "wave": pa.array(answers.wave),
        "app_version": _app_versions(rng, month),
        FILE_COLUMN: pa.array(month),
        ACCOUNT_COLUMN: pa.array(answers.account),
    })
    months = [f"planning_{_month_label(m)}.jsonl" for m in range(MONTHS)]
    breakages = [_Breakage("nps", "11"), _Breakage("submitted", "31/02/2024"), _Breakage("nps", '"n/a"'),
                 _Breakage("response_id", None), _Breakage("submitted", None), _Breakage("submitted", "yesterday")]
    return _messy_export(rng, PRODUCT_JSONL, "product", months, JSONL_KEYS, clean, breakages, n_copies)


def _app_versions(rng: np.random.Generator, month: np.ndarray) -> pa.Array:
    """A minor release every two months; some users lag one or two releases behind."""
    minor = np.maximum(month // 2 - rng.choice(3, size=len(month), p=[0.7, 0.2, 0.1]), 0)
    return _join("2.", _text(minor), ".", _text(rng.integers(0, 4, size=len(month))))


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _WrittenFile:
    source: str
    path: Path
    accounts: np.ndarray  # true account of each data record, in file order


@contextmanager
def _duckdb_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    try:
        yield connection
    finally:
        connection.close()  # explicitly: DuckDB warns about connections left to the garbage collector


def _write_export(landing: Path, export: _Export, write: Callable[[Path, pa.Table], None]) -> list[_WrittenFile]:
    folder = landing / export.folder
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_number, rows in _file_slices(export):
        path = folder / export.file_names[file_number]
        write(path, rows.select(list(export.columns)))
        written.append(_WrittenFile(export.source, path, rows.column(ACCOUNT_COLUMN).to_numpy()))
    return written


def _file_slices(export: _Export) -> list[tuple[int, pa.Table]]:
    """(file number, rows) for every file that has rows; the table is ordered by file."""
    files = export.table.column(FILE_COLUMN).to_numpy()
    counts = np.bincount(files, minlength=len(export.file_names))
    starts = np.concatenate([[0], np.cumsum(counts)])
    return [(f, export.table.slice(starts[f], counts[f])) for f in range(len(counts)) if counts[f]]


def _write_crm_report_csv(path: Path, table: pa.Table) -> None:
    """As CRM reports come: CRLF line ends, every text value quoted, the header as a plain line."""
    with path.open("wb") as handle:
        handle.write((",".join(table.column_names) + "\r\n").encode())
        pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=False, eol="\r\n"))


def _sql_path(path: Path) -> str:
    return literal(str(path))


def _write_helpdesk_csv(connection: duckdb.DuckDBPyConnection, path: Path, table: pa.Table) -> None:
    """As helpdesks export: LF line ends, values quoted only where they must be."""
    connection.register("export_rows", table)
    try:
        connection.execute(f"copy (select * from export_rows) to {_sql_path(path)} (format csv, header true)")
    finally:
        connection.unregister("export_rows")


def _write_jsonl(connection: duckdb.DuckDBPyConnection, path: Path, table: pa.Table) -> None:
    connection.register("export_rows", table)
    try:
        columns = ", ".join("nps::json as nps" if name == "nps" else name for name in table.column_names)
        connection.execute(f"copy (select {columns} from export_rows) to {_sql_path(path)} (format json)")
    finally:
        connection.unregister("export_rows")


def _write_xlsx(path: Path, table: pa.Table) -> None:
    """One sheet; times as real Excel datetimes and scores as numbers wherever the value is one."""
    workbook = openpyxl.Workbook(write_only=True)
    workbook.properties.creator = "silobridge sample data"
    workbook.properties.created = workbook.properties.modified = FIXED_TIMESTAMP
    sheet = workbook.create_sheet("Responses")
    sheet.append(list(table.column_names))
    columns = [table.column(name).to_pylist() for name in table.column_names]
    converters = [_EXCEL_CELL.get(name, _as_is) for name in table.column_names]
    for row in zip(*columns):
        sheet.append([convert(value) for convert, value in zip(converters, row)])
    buffer = io.BytesIO()
    workbook.save(buffer)  # stamps the current time into the document properties ...
    workbook.properties.modified = FIXED_TIMESTAMP  # ... which are written again without it
    fixed_properties = {ARC_CORE: xml_text(workbook.properties.to_tree())}
    path.write_bytes(_reproducible_zip(buffer.getvalue(), fixed_properties))


def _as_is(value: object) -> object:
    return value if value != "" else None


def _excel_datetime(value: str | None) -> dt.datetime | str | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return value  # a broken row's text stays text


def _excel_number(value: str | None) -> int | str | None:
    return int(value) if value and value.isdigit() else value


_EXCEL_CELL: dict[str, Callable[[object], object]] = {"Submitted": _excel_datetime, "NPS": _excel_number}


def _reproducible_zip(archive: bytes, replaced_entries: dict[str, bytes]) -> bytes:
    """The archive with some entries replaced and every entry's time and mode fixed."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, replaced_entries.get(entry.filename) or source.read(entry))
    return target_buffer.getvalue()


def _write_truth(truth_path: Path, landing: Path, written: Sequence[_WrittenFile], accounts: _AccountPool) -> None:
    """Which true account is behind every written row, by source file and data record number."""
    parts = []
    for file in written:
        n = len(file.accounts)
        parts.append(pa.table({
            "source": pa.repeat(pa.scalar(file.source, pa.string()), n),
            "source_file": pa.repeat(pa.scalar(file.path.relative_to(landing.parent).as_posix(), pa.string()), n),
            "source_row": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "true_account_key": accounts.keys.take(pa.array(file.accounts)),
        }))
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.concat_tables(parts), truth_path)
