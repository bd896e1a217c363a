"""Deterministic, labelled account mentions for the account-resolution benchmark.

    generate(n_mentions, seed) -> pyarrow.Table
        mention_id, source, account_name, email, crm_account_id, true_account

Every mention is one customer account named somewhere (a CRM record, a lost deal, a help-desk ticket,
an in-app survey answer). ``true_account`` is the label; everything else is what a silo would export.

What makes it hard, on purpose:

* company names in English, German, French, Spanish, Italian, Dutch, Nordic and romanised Japanese,
  with the legal forms of their jurisdictions (Inc, Corp., LLC, Ltd, PLC, GmbH, AG, KGaA, e.V., SA,
  SAS, S.A., S.L., S.p.A., NV, BV, AB, Oy, K.K., ...);
* spelling variants of one account: case, punctuation, legal form dropped or changed (also forms a
  short legal-form list misses, "L.L.C.", "AB (publ)", "Co., Ltd."), '&' / 'and', a leading 'The', accents
  dropped the way people drop them ("Øresund" -> "Oresund", "Großmann" -> "Grossmann") or transliterated
  ("Müller" -> "Mueller", "Tōyō" -> "Toyo"/"Touyou"), one-character typos and transposed letters;
* e-mail at the account's corporate domain, at a second domain of the same account (a country site, an
  acquired brand), at free-mail providers (gmail, outlook, yahoo, gmx, web.de, orange.fr, ... including
  regional ones such as hotmail.es, outlook.de, telia.com or docomo.ne.jp) and, for some small accounts,
  at shared hosting providers' mail domains (secureserver.net, strato.de, ...) that look corporate but
  are shared by unrelated customers;
* Salesforce account ids in their 15- and 18-character forms (a few 18-character ones re-cased);
* hard negatives: different accounts whose names look alike ("Globex Corporation" / "Globex Capital
  Partners", "Acme Corp" / "Acme Logistics GmbH", "Nordic Steel AB" / "Nordic Steel Trading AB") or
  differ by one letter ("Initech" / "Initrode"-style near twins);
* skewed volumes: account sizes follow a Zipf-like law, a few accounts have thousands of mentions.

``generate(..., details=True)`` adds the columns the benchmark report groups errors by:
``name_variant``, ``email_kind`` and ``crm_form``.

Accounts and their spellings are built in Python (one per account); mentions are drawn with numpy and
assembled with Arrow compute, so a million mentions take a few seconds.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["generate", "salesforce_18", "MENTIONS_PER_ACCOUNT"]

MENTIONS_PER_ACCOUNT = 20  # on average; the number of accounts is n_mentions / 20 (at least 50)

# --------------------------------------------------------------------------------------------------
# Vocabulary, per language: stems (family names, brand words), descriptors (line of business), legal
# forms (canonical spelling -> other spellings of the same form), and where the company is registered.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Language:
    code: str
    stems: tuple[str, ...]
    descriptors: tuple[str, ...]
    legal_forms: dict[str, tuple[str, ...]]
    tlds: tuple[str, ...]
    free_mail: tuple[tuple[str, float], ...]
    conjunction: str = "&"
    weight: float = 1.0
    the_prefix: bool = False


ENGLISH = Language(
    "en",
    ("Globex", "Acme", "Initech", "Umbrella", "Pinnacle", "Summit", "Harbor", "Evergreen", "Redwood", "Bluewater",
     "Silverline", "Ironbridge", "Northgate", "Brightpath", "Clearwater", "Oakridge", "Riverside", "Lighthouse",
     "Keystone", "Sterling", "Beacon", "Cobalt", "Granite", "Falcon", "Meridian", "Horizon", "Atlas", "Vanguard",
     "Crescent", "Whitmore", "Ashford", "Pemberton", "Hawthorne", "Caldwell", "Fairbanks", "Blackwood",
     "Kingsley", "Prescott", "Thornbury", "Wexford"),
    ("Capital Partners", "Logistics", "Software", "Manufacturing", "Health", "Foods", "Energy", "Analytics",
     "Insurance", "Consulting", "Industries", "Labs", "Systems", "Retail", "Media", "Biotech", "Freight",
     "Holdings Group", "Engineering", "Financial Services", "Medical Devices", "Hospitality"),
    {"Inc": ("Inc.", "Incorporated", "INC"), "Corp.": ("Corporation", "Corp", "Co."),
     "LLC": ("L.L.C.", "llc", "LLC."), "Ltd": ("Ltd.", "Limited", "LTD"), "PLC": ("plc", "P.L.C.", "Public Limited Company")},
    ("com", "co.uk", "io", "us"),
    (("gmail.com", 5), ("outlook.com", 2), ("yahoo.com", 2), ("hotmail.co.uk", 1), ("aol.com", 0.5),
     ("btinternet.com", 0.5), ("comcast.net", 0.5), ("icloud.com", 1), ("cox.net", 0.3), ("bigpond.com", 0.3)),
    conjunction="&", weight=3.0, the_prefix=True)

GERMAN = Language(
    "de",
    ("Müller", "Schäfer", "Großmann", "Weißkopf", "Bergmann", "Schröder", "Köhler", "Hoffmann", "Becker", "Lindner",
     "Sonnenschein", "Nordlicht", "Fränkische", "Rheinland", "Bäcker", "Krüger", "Jäger", "Wöhrle", "Stöckl",
     "Hölzl", "Pfeiffer", "Zimmermann", "Kaltenbach", "Eisenhütte", "Süddeutsche", "Oberländer", "Falkenstein"),
    ("Maschinenbau", "Logistik", "Elektrotechnik", "Versicherungen", "Bau", "Werkzeuge", "Druckerei", "Stahlbau",
     "Lebensmittel", "Immobilien", "Energie", "Verpackung", "Medizintechnik", "Automobilzulieferer",
     "Kunststofftechnik", "Handelsgesellschaft"),
    {"GmbH": ("GMBH", "Gmbh", "GmbH & Co. KG", "mbH"), "AG": ("A.G.", "Aktiengesellschaft", "ag"),
     "KGaA": ("KGAA", "AG & Co. KGaA"), "e.V.": ("eV", "e. V."), "SE": ("S.E.", "AG")},
    ("de", "at", "ch", "com"),
    (("gmx.de", 3), ("web.de", 3), ("t-online.de", 2), ("gmail.com", 3), ("outlook.de", 1), ("freenet.de", 0.5),
     ("posteo.de", 0.5), ("gmx.at", 0.5), ("bluewin.ch", 0.5), ("arcor.de", 0.5), ("online.de", 0.3)),
    conjunction="&", weight=2.0)

FRENCH = Language(
    "fr",
    ("Lefèvre", "Dupré", "Bélanger", "Château", "Lumière", "Étoile", "Forêt", "Beaulieu", "Rivière", "Mercier",
     "Gérard", "Méridionale", "Côte", "Provençale", "Hélios", "Fontaine", "Mérieux", "Lacroix", "Bréguet",
     "Audemar", "Vézelay", "Crêpe", "Renée"),
    ("Industries", "Transports", "Assurances", "Énergie", "Constructions", "Services", "Télécom", "Distribution",
     "Alimentaire", "Ingénierie", "Immobilier", "Conseil", "Pharmaceutique"),
    {"SA": ("S.A.", "sa", "Société Anonyme"), "SAS": ("S.A.S.", "SAS.", "sas"), "SARL": ("S.A.R.L.", "Sàrl"),
     "S.A.": ("SA", "S. A.")},
    ("fr", "com", "be", "ch"),
    (("orange.fr", 3), ("gmail.com", 3), ("free.fr", 2), ("sfr.fr", 1), ("wanadoo.fr", 1), ("laposte.net", 1),
     ("hotmail.fr", 1.5), ("outlook.fr", 0.7), ("neuf.fr", 0.3), ("yahoo.fr", 1)),
    conjunction="&", weight=1.5)

SPANISH = Language(
    "es",
    ("Peña", "Muñoz", "Castaño", "Núñez", "Ibáñez", "Solé", "Sol", "Mar", "Cielo", "Hierro", "Alcántara",
     "Cádiz", "León", "Ávila", "Montaña", "Olivares", "Guzmán", "Ferrándiz", "Iberia Norte", "Levante"),
    ("Construcciones", "Logística", "Inversiones", "Alimentación", "Energía", "Telecomunicaciones", "Seguros",
     "Transportes", "Consultores", "Ingeniería", "Distribuciones", "Inmobiliaria"),
    {"S.L.": ("SL", "S.L", "Sociedad Limitada", "S.L.U."), "S.A.": ("SA", "S.A", "Sociedad Anónima")},
    ("es", "com", "mx"),
    (("gmail.com", 5), ("hotmail.es", 2.5), ("yahoo.es", 1), ("outlook.es", 1), ("telefonica.net", 0.5),
     ("hotmail.com", 1)),
    conjunction="y", weight=1.2)

ITALIAN = Language(
    "it",
    ("Rossi", "Bianchi", "Lombardi", "Colombo", "Marchetti", "Galli", "Fontana", "Vitale", "Ricci", "Bruno",
     "Greco", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Esposito", "Caruso", "Ferrara", "Fabbri"),
    ("Costruzioni", "Trasporti", "Meccanica", "Alimentari", "Tessile", "Assicurazioni", "Impianti",
     "Elettronica", "Arredamenti", "Logistica", "Farmaceutici"),
    {"S.p.A.": ("SpA", "S.P.A.", "spa", "S.p.a."), "S.r.l.": ("Srl", "SRL", "s.r.l.")},
    ("it", "com"),
    (("libero.it", 3), ("gmail.com", 3), ("virgilio.it", 1.5), ("alice.it", 1), ("tiscali.it", 0.5),
     ("hotmail.it", 1), ("tin.it", 0.5), ("yahoo.it", 0.5)),
    conjunction="&", weight=1.2)

DUTCH = Language(
    "nl",
    ("Van der Berg", "De Vries", "Jansen", "Bakker", "Visser", "Smit", "Mulder", "De Jong", "Dijkstra",
     "IJsselmeer", "Van Dijk", "Hoekstra", "Brouwer", "Van Leeuwen", "Groenveld", "Zeeland", "Oranjeboom"),
    ("Bouw", "Techniek", "Logistiek", "Verzekeringen", "Installatietechniek", "Handel", "Transport",
     "Groothandel", "Vastgoed", "Adviesgroep", "Scheepvaart"),
    {"BV": ("B.V.", "bv", "B.V"), "NV": ("N.V.", "nv", "N.V")},
    ("nl", "be", "com", "eu"),
    (("gmail.com", 4), ("ziggo.nl", 2), ("kpnmail.nl", 1.5), ("hetnet.nl", 1), ("planet.nl", 0.7),
     ("home.nl", 0.5), ("xs4all.nl", 0.5), ("hotmail.nl", 0.7), ("telenet.be", 0.5)),
    conjunction="&", weight=1.0)

NORDIC = Language(
    "nordic",
    ("Nordic", "Fjord", "Sjöberg", "Åkesson", "Björk", "Lindqvist", "Ström", "Hägglund", "Järvinen", "Mäkinen",
     "Virtanen", "Øresund", "Søndergaard", "Nørgaard", "Kjær", "Fjällräv", "Skåne", "Dalarna", "Norrland",
     "Helsingør", "Lappi", "Vänern"),
    ("Steel", "Steel Trading", "Stål", "Trä", "Bygg", "Teknik", "Frakt", "Energi", "Fastigheter", "Maskin",
     "Shipping", "Data", "Elektro"),
    {"AB": ("Aktiebolag", "ab", "AB (publ)"), "Oy": ("OY", "Oyj", "Ltd"), "AS": ("A/S", "ASA", "as"),
     "ApS": ("Aps", "APS")},
    ("se", "fi", "no", "dk", "com"),
    (("gmail.com", 4), ("hotmail.com", 1.5), ("outlook.com", 1.5), ("telia.com", 1), ("live.se", 0.7),
     ("online.no", 0.5), ("yahoo.se", 0.3), ("jubii.dk", 0.3)),
    conjunction="&", weight=1.0)

JAPANESE = Language(
    "ja",
    ("Takahashi", "Yamamoto", "Nakamura", "Kobayashi", "Sakura", "Fuji", "Hikari", "Asahi", "Mitsuboshi",
     "Daiichi", "Nippon", "Tōyō", "Tōkai", "Kyōwa", "Ōsaka", "Shōwa", "Taiyō", "Kōsei", "Yūki", "Chūō",
     "Hokuriku", "Sanyō", "Meiji", "Kintetsu Ryōkō"),
    ("Shōji", "Seisakusho", "Kōgyō", "Denki", "Sangyō", "Tsūshō", "Kensetsu", "Unyu", "Seiyaku", "Shokuhin",
     "Gijutsu", "Butsuryū"),
    {"K.K.": ("KK", "Kabushiki Kaisha", "Co., Ltd.", "K.K"), "Co., Ltd.": ("Co. Ltd", "K.K.", "Corporation")},
    ("co.jp", "jp", "com"),
    (("yahoo.co.jp", 3), ("gmail.com", 3), ("docomo.ne.jp", 1), ("ezweb.ne.jp", 1), ("nifty.com", 0.5),
     ("icloud.com", 1), ("softbank.ne.jp", 0.5), ("ocn.ne.jp", 0.5)),
    conjunction="&", weight=1.0)

LANGUAGES = (ENGLISH, GERMAN, FRENCH, SPANISH, ITALIAN, DUTCH, NORDIC, JAPANESE)

# Mail domains of hosting providers: they look like a company's own domain but many small customers
# that never registered one share them.
SHARED_HOSTING = ("secureserver.net", "strato.de", "ionos.de", "ovh.net", "one.com", "aruba.it", "hostnet.nl",
                  "sakura.ne.jp", "xserver.jp", "hostinger.com", "mail.hostpoint.ch", "bluehost.com")

SYLLABLES = ("ver", "ta", "lon", "qu", "an", "tix", "zen", "ora", "vel", "nex", "io", "mar", "ka", "del", "ro",
             "syn", "tra", "lu", "mi", "sto", "ne", "va", "cor", "bel", "dyn", "ix", "al", "pha", "sol", "ri")

FIRST_NAMES = ("anna", "ben", "carla", "david", "emma", "felix", "giulia", "hiro", "ines", "jan", "karin",
               "lars", "marie", "nils", "olga", "pedro", "quentin", "rosa", "sven", "tomas", "ulla", "victor",
               "wim", "yuki", "zoe", "lucas", "sofia", "kenji", "chloe", "jurgen", "maria", "pierre", "elena")
LAST_NAMES = ("smith", "mueller", "martin", "garcia", "rossi", "devries", "andersson", "tanaka", "weber",
              "dubois", "lopez", "bianchi", "jansen", "nielsen", "suzuki", "brown", "schmidt", "moreau",
              "fernandez", "romano", "bakker", "virtanen", "sato", "wilson", "fischer", "laurent")
ROLE_MAILBOXES = ("info", "support", "billing", "it", "procurement", "office", "admin", "accounts")

SOURCES = ("crm", "sales", "service", "product")
SOURCE_SHARES = (0.2, 0.15, 0.4, 0.25)
# Chance a mention from each source carries a CRM account id / an e-mail address / a name at all.
CRM_ID_CHANCE = {"crm": 0.93, "sales": 0.85, "service": 0.06, "product": 0.0}
EMAIL_CHANCE = {"crm": 0.35, "sales": 0.5, "service": 0.96, "product": 0.92}
NAME_CHANCE = {"crm": 1.0, "sales": 1.0, "service": 0.93, "product": 0.8}

# Name variants. Canonical spellings dominate in the CRM; people typing into a ticket form vary more.
VARIANTS = ("canonical", "punctuation", "suffix_dropped", "suffix_changed", "ampersand_and", "the_prefix",
            "accents_dropped", "transliterated", "typo", "transposed")
N_PREPARED = 8  # the first eight are prepared per account; typos are made per mention
VARIANT_WEIGHTS = {
    "crm": (0.8, 0.04, 0.04, 0.04, 0.01, 0.01, 0.02, 0.01, 0.02, 0.01),
    "sales": (0.6, 0.07, 0.1, 0.08, 0.02, 0.02, 0.04, 0.02, 0.03, 0.02),
    "service": (0.34, 0.1, 0.22, 0.1, 0.03, 0.03, 0.06, 0.04, 0.05, 0.03),
    "product": (0.3, 0.1, 0.25, 0.1, 0.03, 0.03, 0.06, 0.04, 0.06, 0.03),
}
CASE_WEIGHTS = (0.72, 0.14, 0.1, 0.04)  # as spelled, lower, UPPER, Title

# E-mail of a mention of an account that has its own domain.
EMAIL_KIND_WEIGHTS = {"corporate": 0.84, "alternate_domain": 0.05, "free_mail": 0.11}


@dataclass
class Account:
    name: str                      # canonical display name, legal form included
    core: str                      # the name without legal form
    language: Language
    legal_form: str
    domain: str | None             # own e-mail domain; None when the account mails from free-mail/hosting
    alternate_domain: str | None
    mail_domain_kind: str          # "own", "free_mail_only", "shared_hosting"
    shared_domain: str | None
    crm_15: str = ""
    spellings: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------------

_HUMAN_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ł": "l", "Ł": "L",
                             "œ": "oe", "Œ": "Oe", "đ": "d"})
_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss",
                                "å": "aa", "Å": "Aa", "ø": "oe", "Ø": "Oe", "æ": "ae", "ō": "ou", "Ō": "Ou",
                                "ū": "uu", "Ū": "Uu", "é": "e", "è": "e", "ñ": "ny", "Ñ": "Ny"})
_KEYBOARD = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm", "wqrtyuiopoasdfghjklkzxcvbnmn")}


def strip_accents(text: str) -> str:
    """What a person typing on a plain keyboard writes: "Øresund" -> "Oresund", "Großmann" -> "Grossmann"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_HUMAN_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def has_accents(text: str) -> bool:
    return strip_accents(text) != text


def name_key(text: str) -> str:
    """A strict comparison key for uniqueness checks in the generator (not the resolver's rule)."""
    folded = strip_accents(text).lower().replace("&", " and ")
    words = "".join(c if c.isalnum() else " " for c in folded).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def domain_slug(text: str) -> str:
    return "".join(c for c in strip_accents(text).lower() if c.isalnum())


def salesforce_18(ids_15: np.ndarray) -> np.ndarray:
    """18-character forms of 15-character ids (an ``S15`` array): each 5-char chunk adds one checksum char."""
    codes = ids_15.view(np.uint8).reshape(len(ids_15), 15)
    upper = (codes >= ord("A")) & (codes <= ord("Z"))
    bits = (upper.reshape(-1, 3, 5) * (1 << np.arange(5))).sum(axis=2)
    alphabet = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)
    out = np.concatenate([codes, alphabet[bits]], axis=1)
    return np.ascontiguousarray(out).view("S18").ravel()


def _typo(name: str, kind: int, where: float, pick: float) -> str:
    """One keyboard slip in a letter of the name's first words: 0 substitute, 1 delete, 2 insert, 3 double."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 4:
        return name
    i = letters[min(int(where * len(letters)), len(letters) - 1)]
    c = name[i]
    neighbour = _KEYBOARD.get(c.lower(), "e")
    neighbour = neighbour.upper() if c.isupper() else neighbour
    if kind == 0:
        return name[:i] + neighbour + name[i + 1:]
    if kind == 1:
        return name[:i] + name[i + 1:]
    if kind == 2:
        return name[:i] + neighbour + name[i:]
    return name[:i] + c + name[i:]


def _transpose(name: str, where: float) -> str:
    pairs = [i for i in range(len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()
             and name[i].lower() != name[i + 1].lower()]
    if not pairs:
        return name
    i = pairs[min(int(where * len(pairs)), len(pairs) - 1)]
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


# --------------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------------

FIXTURES = (  # well-known look-alikes the resolver must keep apart, always present as accounts 0..7
    ("Globex Corporation", "Globex", ENGLISH, "Corp."), ("Globex Capital Partners", "Globex Capital Partners", ENGLISH, ""),
    ("Acme Corp", "Acme", ENGLISH, "Corp."), ("Acme Logistics GmbH", "Acme Logistics", GERMAN, "GmbH"),
    ("Nordic Steel AB", "Nordic Steel", NORDIC, "AB"), ("Nordic Steel Trading AB", "Nordic Steel Trading", NORDIC, "AB"),
    ("Initech Inc.", "Initech", ENGLISH, "Inc"), ("Initrode Inc.", "Initrode", ENGLISH, "Inc"),
)


def _brand(rng: np.random.Generator) -> str:
    n = rng.integers(2, 4)
    return "".join(rng.choice(SYLLABLES, size=n)).capitalize()


def _core_name(rng: np.random.Generator, language: Language, cores: list[tuple[str, Language]]) -> tuple[str, str]:
    """A company name without legal form, and how it relates to earlier ones ("new", "lookalike", "twin")."""
    roll = rng.random()
    if cores and roll < 0.12:  # hard negative: an earlier company's stem with another line of business
        stem_core, stem_language = cores[rng.integers(len(cores))]
        stem = stem_core.split(" ")[0] if rng.random() < 0.5 else stem_core
        descriptor = rng.choice(stem_language.descriptors)
        if descriptor.split(" ")[0] in stem:
            descriptor = "Holding Group"
        return f"{stem} {descriptor}", "lookalike"
    if cores and roll < 0.15:  # near twin: one letter away from an earlier company
        base, _ = cores[rng.integers(len(cores))]
        return _typo(base, int(rng.integers(3)), float(rng.random()), 0.0), "twin"
    stem = language.stems[rng.integers(len(language.stems))] if rng.random() < 0.55 else _brand(rng)
    shape = rng.random()
    if shape < 0.45:
        return f"{stem} {rng.choice(language.descriptors)}", "new"
    if shape < 0.6:
        other = language.stems[rng.integers(len(language.stems))]
        if other != stem:
            return f"{stem} {language.conjunction} {other}", "new"
    if shape < 0.8:
        return f"{stem} {_brand(rng)} {rng.choice(language.descriptors)}", "new"
    return f"{stem}{_brand(rng).lower()}", "new"


def _accounts(rng: np.random.Generator, n: int) -> list[Account]:
    language_p = np.array([lang.weight for lang in LANGUAGES])
    language_p /= language_p.sum()
    taken_keys: set[str] = set()
    taken_domains: set[str] = set()
    cores: list[tuple[str, Language]] = []
    specs: list[tuple[str, str, Language, str]] = []
    for name, core, language, form in FIXTURES[:n]:
        specs.append((name, core, language, form))
        taken_keys.add(name_key(core))
        cores.append((core, language))
    while len(specs) < n:
        language = LANGUAGES[rng.choice(len(LANGUAGES), p=language_p)]
        core, _ = _core_name(rng, language, cores)
        key = name_key(core)
        if len(key) < 4 or key in taken_keys:
            continue
        taken_keys.add(key)
        cores.append((core, language))
        forms = list(language.legal_forms)
        form = forms[rng.integers(len(forms))]
        the = "The " if language.the_prefix and rng.random() < 0.05 else ""
        specs.append((f"{the}{core} {form}", core, language, form))

    accounts = []
    for rank, (name, core, language, form) in enumerate(specs):
        tail = rank > n // 4  # small accounts (the weights below fall with the rank)
        roll = rng.random()
        kind = "own"
        if tail and roll < 0.05:
            kind = "free_mail_only"
        elif tail and roll < 0.07:
            kind = "shared_hosting"
        domain = alternate = shared = None
        if kind == "own":
            slug = domain_slug(core)[:24]
            tld = language.tlds[rng.integers(len(language.tlds))]
            domain = f"{slug}.{tld}"
            while domain in taken_domains:
                domain = f"{slug}{rng.integers(2, 99)}.{tld}"
            taken_domains.add(domain)
            if rng.random() < 0.3:
                other = [t for t in language.tlds if t != tld] or ["net"]
                alternate = f"{slug}-group.{rng.choice(other)}" if rng.random() < 0.3 else f"{slug}.{rng.choice(other)}"
                if alternate in taken_domains:
                    alternate = None
                else:
                    taken_domains.add(alternate)
        elif kind == "shared_hosting":
            shared = SHARED_HOSTING[rng.integers(len(SHARED_HOSTING))]
        accounts.append(Account(name, core, language, form, domain, alternate, kind, shared))
    return accounts


def _spellings(rng: np.random.Generator, account: Account) -> None:
    """The prepared variants, in VARIANTS order; a variant that does not apply falls back to canonical."""
    name, core, form = account.name, account.core, account.legal_form
    language = account.language
    has_the = name.startswith("The ")
    bare = name[4:] if has_the else name
    out = [name]
    applied = ["canonical"]

    def add(text: str | None, kind: str) -> None:
        if text and text != name:
            out.append(text)
            applied.append(kind)
        else:
            out.append(name)
            applied.append("canonical")

    # punctuation: a comma before the legal form, dots dropped or added, doubled spaces
    if form:
        choice = rng.integers(3)
        if choice == 0:
            add(f"{core}, {form}", "punctuation")
        elif choice == 1:
            add(f"{core} {form.replace('.', '')}" if "." in form else f"{core}, {form}.", "punctuation")
        else:
            add(f"{core}  {form} ", "punctuation")
    else:
        add(f"{core}.", "punctuation")
    add(core if form or has_the else None, "suffix_dropped")
    # legal form changed: another spelling of the same form, or a subsidiary's form elsewhere
    if form and rng.random() < 0.8:
        other = language.legal_forms[form][rng.integers(len(language.legal_forms[form]))]
    else:
        other_language = LANGUAGES[rng.integers(len(LANGUAGES))]
        other = list(other_language.legal_forms)[rng.integers(len(other_language.legal_forms))]
    add(f"{core} {other}", "suffix_changed")
    if " & " in bare:
        add(bare.replace(" & ", " and "), "ampersand_and")
    elif " and " in bare:
        add(bare.replace(" and ", " & "), "ampersand_and")
    else:
        add(None, "ampersand_and")
    add(bare if has_the else f"The {name}", "the_prefix")
    add(strip_accents(name) if has_accents(name) else None, "accents_dropped")
    translit = name.translate(_TRANSLITERATE)
    add(translit if translit != name else None, "transliterated")
    account.spellings = out
    account.applied = applied


def _account_weights(n: int) -> np.ndarray:
    """Zipf-like sizes: the biggest account has a few per cent of all mentions."""
    weights = 1.0 / np.power(np.arange(n) + 8.0, 1.05)
    return weights / weights.sum()


def _crm_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    alphabet = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    pods = np.array([b"5g0", b"8d0", b"Dn0", b"4x0", b"09z"], dtype="S3")
    while True:
        tail = alphabet[rng.integers(0, 62, size=(n, 7))]
        if len(np.unique(np.ascontiguousarray(tail).view("S7"))) == n:
            break
    head = np.frombuffer(b"001", dtype=np.uint8)
    pod = pods[rng.integers(len(pods), size=n)].view(np.uint8).reshape(n, 3)
    zeros = np.full((n, 2), ord("0"), dtype=np.uint8)
    codes = np.concatenate([np.tile(head, (n, 1)), pod, zeros, tail], axis=1)
    return np.ascontiguousarray(codes).view("S15").ravel()


# --------------------------------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------------------------------


def _choose(rng: np.random.Generator, weights_by_group: np.ndarray, group: np.ndarray) -> np.ndarray:
    """For each row, an index drawn from the weights of its group (rows of ``weights_by_group``)."""
    cumulative = np.cumsum(weights_by_group / weights_by_group.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(group))
    return (u[:, None] > cumulative[group]).sum(axis=1).clip(0, weights_by_group.shape[1] - 1)


def _text(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(str)) if values.dtype.kind == "S" else pa.array(values)


def generate(n_mentions: int, seed: int, details: bool = False) -> pa.Table:
    """``n_mentions`` labelled mentions, the same for the same ``(n_mentions, seed)``."""
    if n_mentions < 1:
        raise ValueError("n_mentions must be positive")
    rng = np.random.default_rng(seed)
    n_accounts = max(50, n_mentions // MENTIONS_PER_ACCOUNT)
    accounts = _accounts(rng, n_accounts)
    for account in accounts:
        _spellings(rng, account)
    crm_15 = _crm_ids(rng, n_accounts)
    crm_18 = salesforce_18(crm_15)

    # Who each mention is about and where it comes from.
    account = rng.choice(n_accounts, size=n_mentions, p=_account_weights(n_accounts))
    source = rng.choice(len(SOURCES), size=n_mentions, p=SOURCE_SHARES)

    # Names: a prepared spelling, or a typo / transposition made for this mention.
    variant = _choose(rng, np.array([VARIANT_WEIGHTS[s] for s in SOURCES]), source)
    flat_spellings = pa.array([s for a in accounts for s in a.spellings])
    applied_codes = np.array([VARIANTS.index(k) for a in accounts for k in a.applied], dtype=np.int8)
    prepared = np.minimum(variant, N_PREPARED - 1)
    take = account * N_PREPARED + prepared
    names = flat_spellings.take(pa.array(take))
    name_variant = np.where(variant < N_PREPARED, applied_codes[take], variant).astype(np.int8)
    slipped = np.flatnonzero(variant >= N_PREPARED)
    if len(slipped):
        kinds, wheres = rng.integers(0, 4, size=len(slipped)), rng.random(len(slipped))
        base_names = [accounts[a].name for a in account[slipped]]
        typed = [_typo(b, int(k), float(w), 0.0) if v == VARIANTS.index("typo") else _transpose(b, float(w))
                 for b, k, w, v in zip(base_names, kinds, wheres, variant[slipped])]
        names = pc.replace_with_mask(names, pa.array(np.isin(np.arange(n_mentions), slipped)), pa.array(typed))
    case = rng.choice(4, size=n_mentions, p=CASE_WEIGHTS)
    names = pc.if_else(pa.array(case == 1), pc.utf8_lower(names), names)
    names = pc.if_else(pa.array(case == 2), pc.utf8_upper(names), names)
    names = pc.if_else(pa.array(case == 3), pc.utf8_title(names), names)
    # E-mail addresses.
    has_email = rng.random(n_mentions) < np.array([EMAIL_CHANCE[s] for s in SOURCES])[source]
    mail_kind_of_account = np.array([("own", "free_mail_only", "shared_hosting").index(a.mail_domain_kind)
                                     for a in accounts])[account]
    has_alternate = np.array([a.alternate_domain is not None for a in accounts])[account]
    kind_p = np.array(list(EMAIL_KIND_WEIGHTS.values()))
    email_kind = rng.choice(3, size=n_mentions, p=kind_p / kind_p.sum())  # 0 corporate, 1 alternate, 2 free
    email_kind = np.where((email_kind == 1) & ~has_alternate, 0, email_kind)
    email_kind = np.where(mail_kind_of_account == 1, 2, email_kind)
    email_kind = np.where(mail_kind_of_account == 2, 3, email_kind)  # 3 shared hosting
    # Free-mail: a provider popular in the account's country.
    language_of = np.array([LANGUAGES.index(a.language) for a in accounts], dtype=np.int64)[account]
    free_domains = sorted({d for lang in LANGUAGES for d, _ in lang.free_mail})
    free_p = np.zeros((len(LANGUAGES), len(free_domains)))
    for i, lang in enumerate(LANGUAGES):
        for d, w in lang.free_mail:
            free_p[i, free_domains.index(d)] = w
    free_domain = _choose(rng, free_p, language_of)
    own = pa.array([a.domain for a in accounts]).take(pa.array(account))
    alternate = pa.array([a.alternate_domain for a in accounts]).take(pa.array(account))
    shared = pa.array([a.shared_domain for a in accounts]).take(pa.array(account))
    domain = pc.case_when(
        pc.make_struct(pa.array(email_kind == 0), pa.array(email_kind == 1), pa.array(email_kind == 2),
                       field_names=["a", "b", "c"]),
        own, alternate, pa.array(free_domains).take(pa.array(free_domain)), shared)
    first = pa.array(FIRST_NAMES).take(pa.array(rng.integers(len(FIRST_NAMES), size=n_mentions)))
    last = pa.array(LAST_NAMES).take(pa.array(rng.integers(len(LAST_NAMES), size=n_mentions)))
    role = pa.array(ROLE_MAILBOXES).take(pa.array(rng.integers(len(ROLE_MAILBOXES), size=n_mentions)))
    digits = pa.array(rng.integers(1, 99, size=n_mentions).astype(str))
    personal = pc.binary_join_element_wise(first, last, ".")
    local = pc.if_else(pa.array(rng.random(n_mentions) < 0.12), role, personal)
    local = pc.if_else(pa.array(email_kind == 2), pc.binary_join_element_wise(personal, digits, ""), local)
    email = pc.binary_join_element_wise(local, domain, "@")
    email = pc.if_else(pa.array(rng.random(n_mentions) < 0.05), pc.utf8_upper(email), email)
    email = pc.if_else(pa.array(has_email), email, pa.scalar(None, pa.string()))
    email_kind = np.where(has_email, email_kind, -1)

    # CRM ids: 15 or 18 characters; some 18-character ones come back re-cased (safe for the 18-char form).
    has_crm = rng.random(n_mentions) < np.array([CRM_ID_CHANCE[s] for s in SOURCES])[source]
    form = rng.choice(3, size=n_mentions, p=(0.5, 0.45, 0.05))  # 15, 18, 18 upper-cased
    ids_15 = _text(crm_15).take(pa.array(account))
    ids_18 = _text(crm_18).take(pa.array(account))
    crm = pc.if_else(pa.array(form == 0), ids_15, pc.if_else(pa.array(form == 1), ids_18, pc.utf8_upper(ids_18)))
    crm = pc.if_else(pa.array(has_crm), crm, pa.scalar(None, pa.string()))
    form = np.where(has_crm, form, -1)

    # A name may be missing only where a CRM id or a company address still identifies the account.
    source_name_chance = np.array([NAME_CHANCE[s] for s in SOURCES])[source]
    identified = has_crm | (email_kind == 0) | (email_kind == 1)
    no_name = (rng.random(n_mentions) >= source_name_chance) & identified
    names = pc.if_else(pa.array(no_name), pa.scalar(None, pa.string()), names)
    name_variant = np.where(no_name, -1, name_variant)

    mention_id = pc.binary_join_element_wise("m", pa.array(np.arange(n_mentions).astype(str)), "")
    table = pa.table({
        "mention_id": mention_id,
        "source": pa.array(SOURCES).take(pa.array(source)),
        "account_name": names,
        "email": email,
        "crm_account_id": crm,
        "true_account": pc.binary_join_element_wise("A", pa.array(account.astype(str)), ""),
    })
    if details:
        table = (table
                 .append_column("name_variant", pa.array(np.array(["missing", *VARIANTS])[name_variant + 1]))
                 .append_column("email_kind", pa.array(np.array(["none", "corporate", "alternate_domain",
                                                                  "free_mail", "shared_hosting"])[email_kind + 1]))
                 .append_column("crm_form", pa.array(np.array(["none", "15", "18", "18_upper"])[form + 1]))
                 .append_column("canonical_name", pa.array([a.name for a in accounts]).take(pa.array(account))))
    return table


if __name__ == "__main__":
    import sys
    import time

    started = time.perf_counter()
    t = generate(int(sys.argv[1]) if len(sys.argv) > 1 else 20, int(sys.argv[2]) if len(sys.argv) > 2 else 7, True)
    print(f"{t.num_rows:,} mentions in {time.perf_counter() - started:.2f} s")
    for row in t.slice(0, 20).to_pylist():
        print(row)
