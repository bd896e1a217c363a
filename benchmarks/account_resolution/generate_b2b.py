"""A second, independent generator of labelled account mentions, written from a description of real B2B
survey data, not from the first generator or the resolver, so that it measures the resolver on patterns
it was not built against.

    generate(n_mentions, seed) -> pyarrow.Table
        mention_id, source, account_name, email, crm_account_id, true_account   (strings; null where absent)

    python benchmarks/account_resolution/generate_b2b.py 30 7        # print a sample

The same (n_mentions, seed) always gives the same table. ``details=True`` adds ``name_variant``,
``email_kind``, ``crm_form`` and ``canonical_name`` (what run.py's error report groups by).

What the data looks like
------------------------
Sources: sales_lost_business, service_followup, product_planning and the CRM-linked
salesforce_case_survey (always the CRM record's id and the CRM record's name), drawn 30/35/25/10%, an
account without a CRM record getting one of the three others instead. The company name is optional in the
survey forms: left blank by 30% of product_planning, 15% of service_followup and 5% of sales_lost_business
respondents, but only where the e-mail's corporate domain or a CRM id still identifies the company. Sales
enters a CRM id on 35% of its mentions (when the account has a record), service on 10%.

Measured at 195,000 mentions, seed 7: sources 31/36/26/7.5%; blank names 5.5/13/25/0%; e-mail at the account's
own domain 77%, its second domain 0.9%, free-mail 15%, none 6%, a consultancy's domain 0.9%, a shared host
0.8%; 13,900 accounts mentioned; of the account pool, 80% corporate, 10% look-alikes, 4% subsidiaries, 7% on
shared hosts, 14% with two domains, 35% with a CRM record (536 with a duplicate record, 24% of records named
differently from the domain's spelling).

Accounts (a pool of one per 12 mentions, Zipf-like sizes: a few accounts with thousands of mentions at
195k, a long tail with 1-3) are companies in English, German, French, Spanish, Italian, Dutch, Nordic and
romanised Japanese with their legal forms, drawn from this module's own vocabulary:

* ``corporate`` (most): one corporate domain derived from the name in one of the ways real companies pick
  (first word ``morgan.co.uk``, words joined ``mueller-maschinenbau.de``, name plus legal form
  ``mueller-gmbh.de``, an abbreviation ``socgen.fr``, initials ``chf.com``); 15% have a second domain of
  their own (``.co.uk``/``.de``/``-group.com``: same account).
* ``shared_host`` (small companies in the tail): mail at a hosting provider or ISP of their country
  whose domain many unrelated small companies use (secureserver.net, strato.de, ionos.de, 1und1.de,
  ovh.net, aruba.it, virginmedia.com, btconnect.com). Each is a different account; only its name (or CRM
  id) identifies it.
* ``subsidiary``: a big company's subsidiary with its own name and domain ("Hansa Medical" at
  hansa-medical.com beside "Hansa AG" at hansa.de), a separate account as a CRM that keeps them apart has it.
* ``lookalike``: a different company reusing another account's distinctive word with another business
  word ("Kestrel Logistics" beside "Kestrel Corp"), and companies that share a generic word.
* ``consultancy``: three advisory firms. 65% of their mentions are their own staff about their own firm
  (their name or blank, their domain); 35% are their consultants answering about a client: the
  consultancy's domain with the client's company name and/or the client's CRM id. **Label rule:** such a
  mention belongs to the client (the feedback is about the client account); a consultancy respondent who
  names their own firm, or no firm, belongs to the consultancy.

How a mention spells its company (weights in ``VARIANT_WEIGHTS``): the canonical name; without its legal
form; another spelling of the legal form ("G.m.b.H.", "Incorporated", "Kabushiki Kaisha"); upper/lower
case and stray punctuation; transliterated ("Mueller", "Touyou"); a generic word added or swapped
(Group/Grp/Holdings/Division/International); a regional qualifier in brackets or after a dash
("(EMEA)", "- UK"); one typo (deletion, substitution, doubled or swapped letters; never landing on another
account's name); and the *weak* forms a person can only place with the domain or CRM id: the first word
alone ("Morgan"), an abbreviation ("SocGen"), initials ("CHF"), or a department name ("Finance dept",
"Einkauf"). Weak forms are only written on mentions that carry their account's corporate domain or CRM
id, so a name written without either always belongs to one account; a short form at a domain ("Mercier" at
mercier-distribution.fr) may still equal a one-word company's own name ("Mercier SAS" written "Mercier").

E-mail: the account's domain (72%), its second domain (8% when it has one), personal free-mail (14%:
gmail, outlook, hotmail.*, yahoo.*, gmx.de, web.de, orange.fr, free.fr, libero.it, btinternet.com,
comcast.net, telia.com, planet.nl, bigpond.com, t-online.de, ...), none (6%).

CRM: 85% of the largest tenth of accounts and 30% of the rest have a Salesforce record; 10% of those have
a duplicate record (a second id for the same company). Ids are written as 15- or 18-character forms of
one record (the 18-character suffix is Salesforce's case checksum). 25% of CRM records carry a name that
differs from the domain's spelling (the full legal name or a second word: "Müller Maschinenbau GmbH & Co.
KG" for mueller-gmbh.de).

Evidence and labels: every mention has at least one piece of evidence a person could use (a name, the
account's corporate domain or a CRM id); when the draw left none, a self-identifying name is written. About
1% of mentions have no evidence at all (blank name, free-mail, no CRM id): their ``true_account`` is null
and scorers treat them as unattributable. Labels are the company the respondent works for (or, for
consultants, the client named), which a person with the whole dataset could tell.
"""

from __future__ import annotations

import random
import sys
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

__all__ = ["SHARED_HOSTING", "FREE_MAIL", "SOURCE_SHARES", "VARIANT_WEIGHTS", "generate"]

SOURCE_SHARES = {"sales_lost_business": 0.30, "service_followup": 0.35, "product_planning": 0.25,
                 "salesforce_case_survey": 0.10}
BLANK_NAME_RATE = {"sales_lost_business": 0.05, "service_followup": 0.15, "product_planning": 0.30,
                   "salesforce_case_survey": 0.0}
CRM_ID_RATE = {"sales_lost_business": 0.35, "service_followup": 0.10, "product_planning": 0.0,
               "salesforce_case_survey": 1.0}
EMAIL_KIND_WEIGHTS = {"corporate": 0.72, "second_domain": 0.08, "free_mail": 0.14, "none": 0.06}
NO_EVIDENCE_RATE = 0.01
MENTIONS_PER_ACCOUNT = 12
ZIPF_EXPONENT = 1.05

# Strong variants identify the company on their own; weak ones need the domain or CRM id beside them.
VARIANT_WEIGHTS = {"canonical": 0.30, "no_legal_form": 0.18, "legal_form": 0.08, "case_punct": 0.06,
                   "transliterated": 0.04, "generic_word": 0.07, "regional": 0.05, "typo": 0.05,
                   "short": 0.06, "abbreviation": 0.04, "initials": 0.03, "department": 0.04}
WEAK_VARIANTS = {"short", "abbreviation", "initials", "department"}

# Hosting providers and ISPs whose mail domain many small companies share, by the companies' country.
SHARED_HOSTING_BY_LANG = {
    "en": ["secureserver.net", "virginmedia.com", "btconnect.com"], "de": ["strato.de", "ionos.de", "1und1.de"],
    "fr": ["ovh.net", "ovh.net", "secureserver.net"], "es": ["ionos.es", "secureserver.net"],
    "it": ["aruba.it", "secureserver.net"], "nl": ["ovh.net", "secureserver.net"],
    "nordic": ["secureserver.net", "ovh.net"], "ja": ["secureserver.net"]}
SHARED_HOSTING = tuple(sorted({d for hosts in SHARED_HOSTING_BY_LANG.values() for d in hosts}))

FREE_MAIL = {
    "en": ["gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "hotmail.co.uk", "btinternet.com",
           "comcast.net", "bigpond.com", "yahoo.co.uk", "aol.com"],
    "de": ["gmail.com", "gmx.de", "web.de", "t-online.de", "outlook.de", "yahoo.de", "hotmail.de"],
    "fr": ["gmail.com", "orange.fr", "free.fr", "hotmail.fr", "yahoo.fr", "laposte.net", "wanadoo.fr"],
    "es": ["gmail.com", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net"],
    "it": ["gmail.com", "libero.it", "hotmail.it", "yahoo.it", "tin.it", "virgilio.it"],
    "nl": ["gmail.com", "planet.nl", "ziggo.nl", "hotmail.nl", "kpnmail.nl", "outlook.com"],
    "nordic": ["gmail.com", "telia.com", "live.se", "hotmail.com", "online.no", "yahoo.se"],
    "ja": ["gmail.com", "yahoo.co.jp", "docomo.ne.jp", "outlook.jp", "hotmail.co.jp"],
}

TLD = {"en": ["com", "co.uk", "com", "us", "com.au"], "de": ["de", "de", "at", "ch"], "fr": ["fr", "fr", "be"],
       "es": ["es", "es", "com.mx"], "it": ["it"], "nl": ["nl", "nl", "be"], "nordic": ["se", "no", "dk", "fi"],
       "ja": ["co.jp", "jp", "com"]}

# Per language: distinctive words, business words, legal forms (canonical, other spellings).
VOCAB = {
    "en": (["Harbor", "Kestrel", "Pinnacle", "Bramble", "Ashford", "Lakeside", "Redwood", "Northgate", "Summit",
            "Beacon", "Carver", "Whitmore", "Granite", "Falcon", "Meridian", "Oakridge", "Sterling", "Thornbury",
            "Westbrook", "Blackwell", "Halcyon", "Copperfield", "Stonebridge", "Wexford", "Marlow", "Penrose"],
           ["Engineering", "Logistics", "Foods", "Pharma", "Analytics", "Freight", "Energy", "Insurance", "Media",
            "Retail", "Software", "Textiles", "Chemicals", "Capital", "Dental", "Airlines", "Systems", "Partners"],
           [("Inc", ["Inc.", "Incorporated", "INC"]), ("Corp", ["Corp.", "Corporation", "CORP"]),
            ("Ltd", ["Ltd.", "Limited", "LTD"]), ("LLC", ["L.L.C.", "Llc"]), ("plc", ["PLC", "p.l.c."])]),
    "de": (["Müller", "Schröder", "Weißbach", "Brandt", "Kühne", "Hofmann", "Lindner", "Becker", "Kessler", "Vogt",
            "Hansa", "Rheintal", "Götz", "Bärwald", "Lüders", "Steinhoff", "Adler", "Falkenberg", "Ostwind"],
           ["Maschinenbau", "Logistik", "Elektrotechnik", "Versicherung", "Bau", "Stahl", "Werkzeuge",
            "Antriebstechnik", "Medizintechnik", "Druckguss", "Verpackung", "Kunststoffe"],
           [("GmbH", ["G.m.b.H.", "Gmbh", "GMBH"]), ("AG", ["A.G.", "Aktiengesellschaft"]), ("KG", ["K.G."]),
            ("GmbH & Co. KG", ["GmbH & Co KG", "GmbH u. Co. KG"]), ("SE", ["S.E."])]),
    "fr": (["Dumont", "Lefèvre", "Besançon", "Girard", "Rousseau", "Lumière", "Mercier", "Chevalier", "Fontaine",
            "Bérard", "Garonne", "Vauban", "Sévigné", "Provençale"],
           ["Industries", "Assurances", "Transports", "Énergie", "Banque", "Distribution", "Générale", "Conseil",
            "Emballages", "Télécom"],
           [("SA", ["S.A.", "Société Anonyme"]), ("SAS", ["S.A.S.", "Sas"]), ("SARL", ["S.A.R.L.", "Sàrl"])]),
    "es": (["García", "Ibérica", "Castilla", "Navarro", "Solana", "Montes", "Alcázar", "Guadiana", "Peñalver",
            "Cantábrica", "Levante"],
           ["Construcciones", "Alimentación", "Energía", "Seguros", "Transportes", "Logística", "Farmacéutica",
            "Aceros"],
           [("S.A.", ["SA", "S.A"]), ("S.L.", ["SL", "S.L"]), ("S.L.U.", ["SLU"])]),
    "it": (["Lombarda", "Adriatica", "Conti", "Marino", "Bianchetti", "Ferraro", "Galli", "Toscana", "Vesuvio",
            "Dolomiti", "Moretti"],
           ["Meccanica", "Assicurazioni", "Tessile", "Alimentari", "Costruzioni", "Farmaceutici", "Trasporti",
            "Elettronica"],
           [("S.p.A.", ["SpA", "S.P.A."]), ("S.r.l.", ["Srl", "S.R.L."])]),
    "nl": (["Van der Berg", "De Vries", "Jansen", "Hollandia", "Zeeland", "Bakker", "Van Dijk", "Visser",
            "Oosterhout", "Groenveld"],
           ["Bouw", "Transport", "Techniek", "Verzekeringen", "Logistiek", "Installaties", "Staal"],
           [("B.V.", ["BV", "B.V"]), ("N.V.", ["NV"])]),
    "nordic": (["Nordvik", "Øresund", "Fjordhavn", "Lindqvist", "Björk", "Sjöberg", "Vasa", "Nordic", "Ålborg",
                "Kvarn", "Solberg", "Hällström"],
               ["Stål", "Shipping", "Trading", "Energi", "Bygg", "Elektro", "Steel", "Marine", "Skog"],
               [("AB", ["Aktiebolag", "AB (publ)"]), ("AS", ["A/S"]), ("ASA", ["A.S.A."]), ("Oy", ["OY", "Oyj"])]),
    "ja": (["Takahashi", "Yamamoto", "Tōyō", "Nakamura", "Sakura", "Fujimoto", "Kōbe", "Hokuriku", "Ōsaka",
            "Shinwa", "Daitō"],
           ["Seiki", "Shoji", "Denki", "Kogyo", "Shokai", "Sangyo", "Kasei", "Tsusho"],
           [("Co., Ltd.", ["Co. Ltd", "Company Limited", "CO., LTD."]), ("K.K.", ["Kabushiki Kaisha", "KK"]),
            ("Corporation", ["Corp."])]),
}
LANG_SHARES = {"en": 0.34, "de": 0.18, "fr": 0.11, "es": 0.08, "it": 0.07, "nl": 0.07, "nordic": 0.08, "ja": 0.07}
EN_PREFIXES = ["United", "International", "General", "Consolidated", "Continental", "National", "Pacific",
               "Atlantic", "Royal", "Northern", "Allied", "Federal"]
GENERIC_WORDS = ["Group", "Grp", "Holdings", "Holding", "Division", "International", "Intl"]
REGIONS = {"en": ["EMEA", "UK", "US", "APAC", "Americas"], "de": ["Deutschland", "DACH", "Austria", "EMEA"],
           "fr": ["France", "Benelux", "EMEA"], "es": ["España", "LATAM", "Iberia"], "it": ["Italia", "EMEA"],
           "nl": ["Nederland", "Benelux"], "nordic": ["Nordics", "Sverige", "Norge", "Danmark"],
           "ja": ["Japan", "APAC", "Tokyo"]}
DEPARTMENTS = {"en": ["Finance dept", "IT department", "Procurement", "Customer Service", "HR", "Purchasing"],
               "de": ["Einkauf", "IT-Abteilung", "Buchhaltung", "Kundendienst", "Finance dept"],
               "fr": ["Service achats", "Direction financière", "Service client", "DSI"],
               "es": ["Compras", "Departamento financiero", "Atención al cliente"],
               "it": ["Ufficio acquisti", "Amministrazione", "Assistenza clienti"],
               "nl": ["Inkoop", "Financiële administratie", "Klantenservice"],
               "nordic": ["Inköp", "Ekonomi", "Kundservice", "IT-avdelningen"],
               "ja": ["Somu-bu", "Keiri-bu", "Procurement"]}
FIRST = {"en": ["james", "emma", "oliver", "sarah", "david", "laura", "michael", "kate", "tom", "rachel"],
         "de": ["jan", "anna", "lukas", "julia", "stefan", "katrin", "jörg", "sabine"],
         "fr": ["pierre", "camille", "hélène", "julien", "marie", "françois"],
         "es": ["javier", "lucía", "carlos", "marta", "josé", "elena"],
         "it": ["marco", "giulia", "luca", "francesca", "paolo", "chiara"],
         "nl": ["daan", "sanne", "pieter", "femke", "joost", "lotte"],
         "nordic": ["erik", "astrid", "lars", "ingrid", "bjørn", "sofia"],
         "ja": ["hiroshi", "yuki", "takeshi", "aiko", "kenji", "naomi"]}
LAST = {"en": ["smith", "jones", "taylor", "brown", "wilson", "evans", "clarke", "hughes"],
        "de": ["schmidt", "meyer", "wagner", "fischer", "weber", "schulz"],
        "fr": ["martin", "bernard", "dubois", "laurent", "moreau", "simon"],
        "es": ["lópez", "martínez", "sánchez", "pérez", "gómez", "ruiz"],
        "it": ["rossi", "russo", "esposito", "romano", "colombo", "ricci"],
        "nl": ["de jong", "janssen", "smit", "meijer", "mulder", "bos"],
        "nordic": ["andersson", "johansson", "hansen", "nielsen", "berg", "virtanen"],
        "ja": ["sato", "suzuki", "tanaka", "watanabe", "ito", "kobayashi"]}
LOOKALIKE_WORDS = ["Logistics", "Trading", "Capital", "Dental", "Systems", "Marine", "Holdings", "Services"]
SUBSIDIARY_WORDS = ["Medical", "Healthcare", "Mobility", "Digital", "Energy", "Finance", "Rail", "Software"]
CONSULTANCIES = [("Halberd Partners LLP", "halberd.com", "en"), ("Quorum Advisory GmbH", "quorum-advisory.de", "de"),
                 ("Brightline Consulting Ltd", "brightline-consulting.co.uk", "en")]
SALESFORCE_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
TRANSLIT = str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "Ü": "Ue", "Ö": "Oe", "Ä": "Ae", "ß": "ss", "ø": "oe",
                          "Ø": "Oe", "å": "aa", "Å": "Aa", "ō": "ou", "Ō": "Ou", "æ": "ae"})


@dataclass
class Account:
    account_id: str
    lang: str
    kind: str
    words: list[str]          # distinctive and business words, without the legal form
    legal: tuple[str, list[str]] | None
    domains: list[str] = field(default_factory=list)
    crm_ids: list[str] = field(default_factory=list)
    crm_name: str | None = None
    abbreviation: str | None = None
    initials: str | None = None

    @property
    def base(self) -> str:
        return " ".join(self.words)

    @property
    def short(self) -> str:
        """What colleagues call it: "Morgan"; "Royal Bramble" (never the bare prefix "Royal")."""
        return " ".join(self.words[:2]) if self.words[0] in EN_PREFIXES else self.words[0]

    @property
    def canonical(self) -> str:
        return f"{self.base} {self.legal[0]}" if self.legal else self.base


def ascii_fold(text: str) -> str:
    text = text.translate(TRANSLIT)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def name_key(text: str) -> str:
    return "".join(ch for ch in ascii_fold(text).lower() if ch.isalnum())


def salesforce_18(id15: str) -> str:
    """Salesforce's case-safe form: one checksum letter per 5 characters, from which of them are upper case."""
    return id15 + "".join(SALESFORCE_CHECKSUM[sum(1 << j for j, ch in enumerate(id15[i:i + 5]) if ch.isupper())]
                          for i in (0, 5, 10))


def new_crm_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "0015g0000" + "".join(rng.choice(alphabet) for _ in range(6))


# --------------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------------

def draw_words(rng: random.Random, lang: str) -> list[str]:
    roots, business, _ = VOCAB[lang]
    shape = rng.random()
    if lang == "en" and shape < 0.15:  # initial-able names: "Consolidated Harbor Freight"
        return [rng.choice(EN_PREFIXES), rng.choice(roots), rng.choice(business)]
    if shape < 0.30:
        a, b = rng.sample(roots, 2)
        joiner = {"de": "&", "fr": "et", "es": "y", "it": "e", "nl": "en", "nordic": "&"}.get(lang, "&")
        return [a, joiner, b, rng.choice(business)] if rng.random() < 0.5 else [a, joiner, b]
    if shape < 0.45:
        return [rng.choice(roots)]
    return [rng.choice(roots), rng.choice(business)]


def domain_candidates(account: Account, rng: random.Random) -> list[str]:
    tld = rng.choice(TLD[account.lang])
    content = [w for w in account.words if w not in {"&", "et", "y", "e", "en"}]
    folded = [name_key(w) for w in content]
    short = name_key(account.short)
    options = [f"{short}.{tld}", f"{'-'.join(folded)}.{tld}", f"{''.join(folded)}.{tld}"]
    if account.legal:
        options.append(f"{short}-{name_key(account.legal[0])}.{tld}")
    if account.abbreviation:
        options.append(f"{account.abbreviation.lower()}.{tld}")
    if account.initials:
        options.append(f"{account.initials.lower()}.{tld}")
    rng.shuffle(options)
    return options + [f"{''.join(folded)}{n}.{tld}" for n in range(2, 50)]


def abbreviation_of(words: list[str]) -> str | None:
    content = [w for w in words if w not in {"&", "et", "y", "e", "en"} and len(w) >= 4]
    if len(content) < 2:
        return None
    return "".join(ascii_fold(w)[:3].capitalize() for w in content[:2])


def initials_of(words: list[str]) -> str | None:
    content = [w for w in words if w not in {"&", "et", "y", "e", "en"}]
    return "".join(ascii_fold(w)[0].upper() for w in content) if len(content) >= 3 else None


def build_accounts(n_accounts: int, rng: random.Random) -> list[Account]:
    """Accounts in rank order (rank 0 is the largest)."""
    langs, lang_weights = zip(*LANG_SHARES.items())
    accounts: list[Account] = []
    used_names: set[str] = set()
    used_domains: set[str] = set(SHARED_HOSTING) | {d for ds in FREE_MAIL.values() for d in ds}
    consultancy_ranks = {4: 0, 25: 1, 90: 2}

    def claim_domain(account: Account) -> None:
        for domain in domain_candidates(account, rng):
            if domain not in used_domains:
                used_domains.add(domain)
                account.domains.append(domain)
                return

    def add(account: Account) -> bool:
        key = name_key(account.base)
        if key in used_names or len(key) < 3:
            return False
        used_names.add(key)
        account.abbreviation = abbreviation_of(account.words)
        account.initials = initials_of(account.words)
        accounts.append(account)
        return True

    while len(accounts) < n_accounts:
        rank = len(accounts)
        account_id = f"acct-{rank:06d}"
        if rank in consultancy_ranks:
            name, domain, lang = CONSULTANCIES[consultancy_ranks[rank]]
            *words, legal = name.split(" ")
            account = Account(account_id, lang, "consultancy", words, (legal, [legal.upper()]), [domain])
            used_domains.add(domain)
            add(account)
            continue
        lang = rng.choices(langs, lang_weights)[0]
        legal = rng.choice(VOCAB[lang][2])
        roll = rng.random()
        if roll < 0.03 and rank > 10:  # a subsidiary of a big company, with its own name and domain
            parent = rng.choice([a for a in accounts[:300] if a.kind == "corporate"])
            account = Account(account_id, parent.lang, "subsidiary",
                              [parent.words[0], rng.choice(SUBSIDIARY_WORDS)], rng.choice(VOCAB[parent.lang][2]))
        elif roll < 0.11 and accounts:  # a look-alike of an existing company
            other = rng.choice(accounts)
            account = Account(account_id, other.lang, "lookalike",
                              [other.words[0], rng.choice(LOOKALIKE_WORDS)], rng.choice(VOCAB[other.lang][2]))
        else:
            account = Account(account_id, lang, "corporate", draw_words(rng, lang), legal)
        if not add(account):
            # The vocabulary is small: a taken name gets a second business word ("Kestrel Freight Systems").
            account.words.append(rng.choice([w for w in VOCAB[account.lang][1] if w not in account.words]))
            if not add(account):
                continue
        if rank > n_accounts * 0.3 and rng.random() < 0.11 and account.kind == "corporate":
            account.kind = "shared_host"
            account.domains.append(rng.choice(SHARED_HOSTING_BY_LANG[account.lang]))
        else:
            claim_domain(account)
            if rng.random() < 0.15:
                claim_domain(account)
        give_crm_records(account, rank < n_accounts * 0.1, rng)
    return accounts


def give_crm_records(account: Account, large: bool, rng: random.Random) -> None:
    if rng.random() >= (0.85 if large else 0.30):
        return
    account.crm_ids.append(new_crm_id(rng))
    if rng.random() < 0.10:  # a duplicate record of the same company
        account.crm_ids.append(new_crm_id(rng))
    account.crm_name = account.canonical
    if rng.random() < 0.25:  # the CRM keeps a name the domain does not spell
        extra = rng.choice(VOCAB[account.lang][1])
        longer = account.base if extra in account.words else f"{account.base} {extra}"
        legal = account.legal[1][-1] if account.legal and account.legal[1] else ""
        account.crm_name = f"{longer} {legal}".strip()


# --------------------------------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------------------------------

def typo(text: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0]
    if len(letters) < 2:
        return text
    i = rng.choice(letters[:-1])
    op = rng.randrange(4)
    if op == 0:
        return text[:i] + text[i + 1:]
    if op == 1:
        return text[:i] + rng.choice("aeiourstnl") + text[i + 1:]
    if op == 2:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def spell(account: Account, variant: str, rng: random.Random, taken: set[str], weak_allowed: bool) -> str:
    base, canonical = account.base, account.canonical
    if variant == "no_legal_form":
        return base
    if variant == "legal_form" and account.legal and account.legal[1]:
        return f"{base} {rng.choice(account.legal[1])}"
    if variant == "case_punct":
        styled = rng.choice([canonical.upper(), canonical.lower(), base.upper(), f"{canonical}.", f" {base},"])
        return styled
    if variant == "transliterated" and ascii_fold(canonical) != canonical:
        return canonical.translate(TRANSLIT) if rng.random() < 0.6 else ascii_fold(canonical)
    # A one-word name plus "Group" is also how another company's staff shorten theirs ("Morgan Grp"), so a
    # one-word name gets a generic word only where the domain or CRM id says whose it is.
    if variant == "generic_word" and (len(account.words) > 1 or weak_allowed):
        word = rng.choice(GENERIC_WORDS)
        # "Morgan Grp" drops the business word too, so only beside the domain or CRM id.
        short = weak_allowed and len(account.words) > 1 and rng.random() < 0.5
        return f"{account.short if short else base} {word}"
    if variant == "regional":
        region = rng.choice(REGIONS[account.lang])
        return f"{canonical} ({region})" if rng.random() < 0.5 else f"{base} - {region}"
    if variant == "typo" and len(name_key(base)) >= 7:
        for _ in range(5):
            written = typo(rng.choice([base, canonical]), rng)
            if name_key(written) not in taken:
                return written
    if variant == "short" and account.short != base:
        return account.short if rng.random() < 0.6 else account.short.upper()
    if variant == "abbreviation" and account.abbreviation:
        return account.abbreviation
    if variant == "initials" and account.initials:
        return account.initials
    if variant == "department":
        return rng.choice(DEPARTMENTS[account.lang])
    return canonical


def spelled(account: Account, variant: str, rng: random.Random, taken: set[str],
            weak_allowed: bool) -> tuple[str, str]:
    """The name and the variant it really is: a variant that does not apply to this name falls back to canonical."""
    name = spell(account, variant, rng, taken, weak_allowed)
    return name, ("canonical" if name == account.canonical else variant)


def email_local(lang: str, rng: random.Random, personal: bool) -> str:
    first, last = ascii_fold(rng.choice(FIRST[lang])).lower(), ascii_fold(rng.choice(LAST[lang])).lower().replace(" ", "")
    if personal:
        return f"{first}{last}{rng.randrange(1, 99)}" if rng.random() < 0.5 else f"{first}.{last}"
    return rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}", f"{first}_{last}"])


def crm_form(crm_id: str, rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.5:
        return crm_id, "id15"
    if roll < 0.95:
        return salesforce_18(crm_id), "id18"
    return salesforce_18(crm_id).upper(), "id18_upper"


@dataclass
class Mention:
    source: str
    account_name: str | None
    email: str | None
    crm_account_id: str | None
    true_account: str | None
    name_variant: str
    email_kind: str
    crm_form: str
    canonical_name: str | None


def draw_email(account: Account, source: str, rng: random.Random) -> tuple[str | None, str]:
    kinds, weights = zip(*EMAIL_KIND_WEIGHTS.items())
    kind = rng.choices(kinds, weights)[0]
    if kind == "second_domain" and len(account.domains) < 2:
        kind = "corporate"
    if kind == "none":
        return None, "none"
    if kind == "free_mail":
        return f"{email_local(account.lang, rng, True)}@{rng.choice(FREE_MAIL[account.lang])}", "free_mail"
    domain = account.domains[1] if kind == "second_domain" else account.domains[0]
    if account.kind == "shared_host":
        kind = "shared_host"
    return f"{email_local(account.lang, rng, False)}@{domain}", kind


def draw_variant(rng: random.Random, weak_allowed: bool) -> str:
    names = [v for v in VARIANT_WEIGHTS if weak_allowed or v not in WEAK_VARIANTS]
    return rng.choices(names, [VARIANT_WEIGHTS[v] for v in names])[0]


def mention_of(account: Account, source: str, rng: random.Random, taken: set[str]) -> Mention:
    email, email_kind = draw_email(account, source, rng)
    crm_id, form = None, "none"
    if account.crm_ids and rng.random() < CRM_ID_RATE[source]:
        crm_id, form = crm_form(rng.choice(account.crm_ids), rng)
    if source == "salesforce_case_survey":  # the report writes the CRM record's name
        return Mention(source, account.crm_name, email, crm_id, account.account_id, "crm_record_name", email_kind,
                       form, account.canonical)
    own_domain = email_kind in {"corporate", "second_domain"}
    name, variant = None, "blank"
    if rng.random() >= BLANK_NAME_RATE[source] or not (own_domain or crm_id):
        variant = draw_variant(rng, weak_allowed=own_domain or crm_id is not None)
        name, variant = spelled(account, variant, rng, taken, weak_allowed=own_domain or crm_id is not None)
    return Mention(source, name, email, crm_id, account.account_id, variant, email_kind, form, account.canonical)


def consultant_mention(firm: Account, client: Account, source: str, rng: random.Random,
                       taken: set[str]) -> Mention:
    """A consultant at ``firm`` answering about ``client``: labelled as the client (see the module docstring)."""
    email = f"{email_local(firm.lang, rng, False)}@{firm.domains[0]}"
    crm_id, form = None, "none"
    if client.crm_ids and source == "sales_lost_business" and rng.random() < 0.5:
        crm_id, form = crm_form(rng.choice(client.crm_ids), rng)
    name, variant = None, "blank"
    if crm_id is None or rng.random() < 0.6:
        variant = draw_variant(rng, weak_allowed=False)
        name, variant = spelled(client, variant, rng, taken, weak_allowed=False)
    return Mention(source, name, email, crm_id, client.account_id, f"client:{variant}", "consultancy", form,
                   client.canonical)


def no_evidence_mention(lang: str, source: str, rng: random.Random) -> Mention:
    email = f"{email_local(lang, rng, True)}@{rng.choice(FREE_MAIL[lang])}" if rng.random() < 0.85 else None
    return Mention(source, None, email, None, None, "blank", "free_mail" if email else "none", "none", None)


def zipf_probabilities(n_accounts: int) -> np.ndarray:
    weights = 1.0 / np.power(np.arange(1, n_accounts + 1) + 1.0, ZIPF_EXPONENT)
    return weights / weights.sum()


def generate(n_mentions: int, seed: int, details: bool = False) -> pa.Table:
    """``n_mentions`` labelled mentions; the same arguments always give the same table.

    >>> generate(5, 7).column_names
    ['mention_id', 'source', 'account_name', 'email', 'crm_account_id', 'true_account']
    """
    rng = random.Random(seed)
    accounts = build_accounts(max(12, n_mentions // MENTIONS_PER_ACCOUNT), rng)
    taken = {name_key(a.base) for a in accounts} | {name_key(a.canonical) for a in accounts}
    picks = np.random.default_rng(seed).choice(len(accounts), size=n_mentions, p=zipf_probabilities(len(accounts)))
    corporate = [a for a in accounts if a.kind in {"corporate", "subsidiary", "lookalike"}]
    client_weights = zipf_probabilities(len(corporate))
    sources, source_weights = zip(*SOURCE_SHARES.items())
    survey_sources = [s for s in sources if s != "salesforce_case_survey"]
    mentions = []
    for pick in picks.tolist():
        account = accounts[pick]
        source = rng.choices(sources, source_weights)[0]
        if source == "salesforce_case_survey" and not account.crm_ids:
            source = rng.choice(survey_sources)
        if rng.random() < NO_EVIDENCE_RATE:  # a CRM-linked survey always has its record: not there
            mentions.append(no_evidence_mention(account.lang, rng.choice(survey_sources), rng))
        elif account.kind == "consultancy" and rng.random() < 0.35:
            client = corporate[int(np.searchsorted(np.cumsum(client_weights), rng.random()))]
            mentions.append(consultant_mention(account, client, rng.choice(survey_sources), rng, taken))
        else:
            mentions.append(mention_of(account, source, rng, taken))
    return to_table(mentions, details)


def to_table(mentions: list[Mention], details: bool) -> pa.Table:
    columns = {
        "mention_id": [f"b2b-{i:07d}" for i in range(len(mentions))],
        "source": [m.source for m in mentions],
        "account_name": [m.account_name for m in mentions],
        "email": [m.email for m in mentions],
        "crm_account_id": [m.crm_account_id for m in mentions],
        "true_account": [m.true_account for m in mentions],
    }
    if details:
        columns |= {"name_variant": [m.name_variant for m in mentions],
                    "email_kind": [m.email_kind for m in mentions],
                    "crm_form": [m.crm_form for m in mentions],
                    "canonical_name": [m.canonical_name for m in mentions]}
    return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})


if __name__ == "__main__":
    n, seed = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (30, 7)
    table = generate(n, seed, details=True)
    for row in table.to_pylist():
        print(" | ".join("" if row[c] is None else str(row[c]) for c in
                         ["mention_id", "source", "account_name", "email", "crm_account_id", "true_account",
                          "name_variant", "email_kind"]))
