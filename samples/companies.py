"""The sample customers: real-looking companies, their spellings, domains and CRM ids, and how often each answers."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from samples.columns import (
    blank_some,
    chances,
    fixed_width_text,
    join,
    salesforce_ids,
    text,
    with_salesforce_checksum,
)
from samples.settings import (
    DOMINANT_ACCOUNT_SHARE,
    DOMINANT_RESPONSE_SHARE,
    MAX_NAME_BATCHES,
    T,
)

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
class AccountPool:
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
        return blank_some(rng, names, blank_share)


def account_pool(rng: np.random.Generator, n: int) -> AccountPool:
    companies = _companies(rng, n)
    typo_operations = rng.integers(0, 3, size=n)
    typo_positions = rng.integers(0, 1 << 16, size=n)
    spellings = [s for c, op, at in zip(companies, typo_operations, typo_positions) for s in _spellings(c, op, at)]
    crm_15 = salesforce_ids(rng, b"0015g0", n)
    return AccountPool(
        keys=pa.array([f"acct_{rank + 1:06d}" for rank in range(n)]),
        domains=pa.array([c.domain for c in companies]),
        crm_ids_15=fixed_width_text(crm_15),
        crm_ids_18=fixed_width_text(with_salesforce_checksum(crm_15)),
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
    drawn_countries = rng.choice(len(countries), size=n, p=chances(list(COUNTRY_WEIGHTS.values())))
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

def emails(rng: np.random.Generator, accounts: AccountPool, account: np.ndarray, free_mail_share: float) -> pa.Array:
    """Contacts' addresses: a contact is fixed by account and contact number, so people answer again."""
    contact = np.minimum(rng.geometric(0.12, size=len(account)) - 1, 39).astype(np.int64)
    person = (account.astype(np.int64) * 7_919 + contact * 104_729 + 12_345) * 2_654_435_761 % (1 << 31)
    first_names, last_names = pa.array(EMAIL_FIRST_NAMES), pa.array(EMAIL_LAST_NAMES)
    first = first_names.take(pa.array(person % len(EMAIL_FIRST_NAMES)))
    last = last_names.take(pa.array(person // len(EMAIL_FIRST_NAMES) % len(EMAIL_LAST_NAMES)))
    local_part = pc.choose(pa.array(person // 4_096 % 4),
                           join(first, ".", last), join(pc.utf8_slice_codeunits(first, 0, 1), ".", last),
                           join(first, last), join(first, "_", last))
    corporate = join(local_part, "@", accounts.domains.take(pa.array(account)))
    free_domain = pa.array(FREE_MAIL_DOMAINS).take(pa.array(person // 64 % len(FREE_MAIL_DOMAINS)))
    free = join(local_part, text(person % 89 + 10), "@", free_domain)
    uses_free_mail = pa.array(person // 256 % 1000 < free_mail_share * 1000)
    return pc.if_else(uses_free_mail, free, corporate)
