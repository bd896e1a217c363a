"""The rules that turn a column's profile into a guess: its scale, its timestamp layout, its role.

Pure functions over the numbers :mod:`warehouse.inference.profile` computes in DuckDB, so each rule
can be tested with a table of cases and no file.

>>> detect_scale({1: 3, 4: 2, 5: 7}).scale
(1, 5)
>>> detect_timestamp(TimestampCounts(n_filled=4, n_offset=0, n_iso=0,
...                                  by_format={"%m/%d/%Y": 4, "%d/%m/%Y": 1})).format
'%m/%d/%Y'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Thresholds", "THRESHOLDS", "ScaleGuess", "detect_scale", "TimestampCounts", "TimestampGuess",
           "detect_timestamp", "TIMESTAMP_FORMATS", "ChoiceScale", "CHOICE_SCALES", "detect_choice_scale",
           "leading_number", "tokens", "snake_case", "Hints", "HINTS"]


@dataclass(frozen=True)
class Thresholds:
    """How sure a share of the sample must make us. Shares are of the column's non-empty values."""

    # values one timestamp rule reads, to call the column a timestamp: a majority, so that a row typed by hand
    # into the linked Sheet (09.04.2024 14:30 among 3/18/2024 9:02:11) is a rejected row, not a refused file
    timestamp_parsed: float = 0.5
    timestamp_sure: float = 0.98       # below this, the timestamp is marked as a guess (rejects would follow)
    email_share: float = 0.8           # values shaped like an e-mail address
    crm_id_share: float = 0.9          # values shaped like a Salesforce id
    numeric_share: float = 0.9         # values that are numbers, for a score column ("n/a" happens)
    integer_share: float = 0.95        # of those numbers, whole ones: scales are whole points
    in_scale_share: float = 0.95       # of the whole numbers, inside the scale (a few typos happen)
    unique_share: float = 0.98         # distinct values, for a response id (re-sent copies happen)
    id_filled_share: float = 0.9       # rows that have a response id at all
    topic_list_share: float = 0.5      # values that are JSON lists, for a multi-select topic
    topic_separator_share: float = 0.2  # values holding the separator, for a multi-select topic
    choice_max_distinct: int = 40      # a choice column has few distinct answers
    comment_mean_length: int = 25      # characters, for free text without a telling name
    topic_mean_length: int = 60        # characters; longer is free text, not a topic
    personal_share: float = 0.8        # values shaped like personal data (phone, address, a person's name)


THRESHOLDS = Thresholds()


# --- scales -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScaleGuess:
    """A scale read off the whole numbers of a column: ``kind`` is nps_like, csat_like or effort_like."""

    scale: tuple[int, int]
    kind: str
    sure: bool


# Tried smallest first: a column of 1..5 answers is CSAT-like even though 0..10 would also hold it.
_SCALES = (((1, 5), "csat_like"), ((1, 7), "effort_like"), ((0, 10), "nps_like"))


def detect_scale(histogram: dict[int, int], hint: str | None = None,
                 thresholds: Thresholds = THRESHOLDS) -> ScaleGuess | None:
    """The scale whole-number answers (value → count) fit, or None when they fit none.

    ``hint`` is the kind a column's name suggests (``nps_like`` for "recommend"), which decides when the
    sample alone cannot: three answers of 2, 3 and 4 fit 1–5, but a "recommend" question is 0–10.
    """
    total = sum(histogram.values())
    distinct = [v for v, n in histogram.items() if n]
    if total == 0 or len(distinct) < 2 or max(distinct) < 3:
        return None  # a constant is a wave number, 0/1 a flag: neither is an answer on a scale
    for scale, kind in _SCALES:
        inside = sum(n for v, n in histogram.items() if scale[0] <= v <= scale[1])
        if inside / total >= thresholds.in_scale_share:
            break
    else:
        return None
    if hint in {k for _, k in _SCALES} and hint != kind:
        wanted = dict((k, s) for s, k in _SCALES)[hint]
        if all(wanted[0] <= v <= wanted[1] for v in distinct if histogram[v]):
            return ScaleGuess(wanted, hint, True)
    # Sure when the name agrees, or the answers reach the top of the scale (a sample of 2..4 may be 1-7).
    top = max(v for v in distinct if scale[0] <= v <= scale[1])
    return ScaleGuess(scale, kind, hint == kind or top == scale[1])


# --- choice text ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChoiceScale:
    """Answer texts of a labelled scale and the number each stands for."""

    kind: str                 # csat_like, effort_like, agreement, quality
    scale: tuple[int, int]
    values: dict[str, int]
    higher_is_better: bool = True
    note: str = ""
    labels: tuple[str, ...] = ()  # the scale's answers as a spec lists them, unseen ones included


CHOICE_SCALES: tuple[ChoiceScale, ...] = (
    ChoiceScale("csat_like", (1, 5), {
        "very satisfied": 5, "extremely satisfied": 5, "satisfied": 4, "somewhat satisfied": 4, "neutral": 3,
        "neither satisfied nor dissatisfied": 3, "somewhat dissatisfied": 2, "dissatisfied": 2,
        "very dissatisfied": 1, "extremely dissatisfied": 1},
        labels=("Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied")),
    ChoiceScale("agreement", (1, 5), {
        "strongly agree": 5, "agree": 4, "somewhat agree": 4, "neither agree nor disagree": 3, "neutral": 3,
        "somewhat disagree": 2, "disagree": 2, "strongly disagree": 1},
        labels=("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree")),
    ChoiceScale("effort_like", (1, 5), {
        "very easy": 1, "easy": 2, "somewhat easy": 2, "neither easy nor difficult": 3, "neutral": 3,
        "somewhat difficult": 4, "difficult": 4, "very difficult": 5}, higher_is_better=False,
        labels=("Very easy", "Easy", "Neither easy nor difficult", "Difficult", "Very difficult")),
    ChoiceScale("quality", (1, 5), {"excellent": 5, "very good": 4, "good": 3, "fair": 2, "poor": 1},
                labels=("Excellent", "Very good", "Good", "Fair", "Poor")),
    ChoiceScale("csat_like", (1, 5), {"good": 5, "bad": 1},
                note="good/bad ratings as 5/1, so good counts as satisfied (4-5) and bad as 1-2",
                labels=("good", "bad")),
)

_LEADING_NUMBER = re.compile(r"^\s*(\d{1,2})(?:\s*[-–:=.)]\s*|\s+)\S")


def leading_number(text: str) -> int | None:
    """The number a labelled answer starts with: ``"10 - Extremely likely"`` → 10."""
    match = _LEADING_NUMBER.match(text)
    return int(match.group(1)) if match else None


def detect_choice_scale(distinct: list[str]) -> ChoiceScale | None:
    """The labelled scale that names most distinct answers (numbers aside), or None.

    Answers off the scale (an "Other" written in) are left out of ``values``: the spec's reader rejects
    them, and the proposal says which they are.

    Answers that start with their number ("0 - Not at all likely") map to that number whatever the
    labels; the scale is then read off the numbers.
    """
    texts = [t for t in distinct if _number(t) is None]
    if not texts:
        return None
    numbered = {t: leading_number(t) for t in texts}
    if all(n is not None for n in numbered.values()):
        histogram = {n: 1 for n in numbered.values()} | {int(float(t)): 1 for t in distinct
                                                          if _number(t) is not None and float(t).is_integer()}
        guess = detect_scale(histogram)
        if guess is None:
            return None
        return ChoiceScale(guess.kind, guess.scale, {t: n for t, n in numbered.items()},
                           note="answers mapped to the number they start with")
    lowered = {t: t.strip().lower() for t in texts}
    for choice in CHOICE_SCALES:
        on_scale = {t for t, low in lowered.items() if low in choice.values}
        if len({lowered[t] for t in on_scale}) >= 2 and len(on_scale) * 2 > len(texts):
            seen = {t: choice.values[lowered[t]] for t in on_scale}
            unseen = {label: choice.values[label.lower()] for label in choice.labels
                      if label.lower() not in lowered.values()}
            values = dict(sorted({**seen, **unseen}.items(), key=lambda item: -item[1]))
            return ChoiceScale(choice.kind, choice.scale, values, choice.higher_is_better, choice.note)
    return None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# --- timestamps -----------------------------------------------------------------------------------------

# Layouts DuckDB's strptime reads; day-first and month-first twins are both tried, and a sample where
# both read every value is ambiguous.
TIMESTAMP_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%d/%m/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%Y", "%d/%m/%Y",
    "%m/%d/%y %I:%M:%S %p", "%d/%m/%y %I:%M:%S %p", "%m/%d/%y %I:%M %p", "%d/%m/%y %I:%M %p",
    "%m/%d/%y %H:%M:%S", "%d/%m/%y %H:%M:%S", "%m/%d/%y %H:%M", "%d/%m/%y %H:%M", "%m/%d/%y", "%d/%m/%y",
    "%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d.%m.%y",
    "%d-%m-%Y %H:%M:%S", "%m-%d-%Y %H:%M:%S", "%d-%m-%Y", "%m-%d-%Y",
    "%Y-%m-%d %I:%M:%S %p", "%d %b %Y %H:%M", "%d %b %Y", "%b %d, %Y %I:%M %p", "%b %d, %Y",
    "%d/%m/%Y %H:%M:%S %z", "%m/%d/%Y %H:%M:%S %z", "%Y/%m/%d %I:%M:%S %p %Z",  # Google Forms: ... AM GMT+1
)


@dataclass(frozen=True)
class TimestampCounts:
    """How many of a column's non-empty values each timestamp rule reads."""

    n_filled: int
    n_offset: int            # ISO 8601 with an offset or Z (staging reads these whatever the spec says)
    n_iso: int               # ISO 8601 without one
    by_format: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TimestampGuess:
    format: str | None       # None: ISO 8601, read without a format
    has_offset: bool         # the values carry their own offset; the spec's timezone does not matter
    share: float             # of the non-empty values this reads
    ambiguous_with: str | None = None  # the day/month twin that read the sample as well

    @property
    def sure(self) -> bool:
        return self.share >= THRESHOLDS.timestamp_sure and self.ambiguous_with is None


def _twin(fmt: str) -> str | None:
    if "%m" not in fmt or "%d" not in fmt:
        return None
    return fmt.replace("%m", "\0").replace("%d", "%m").replace("\0", "%d")


def detect_timestamp(counts: TimestampCounts, thresholds: Thresholds = THRESHOLDS) -> TimestampGuess | None:
    """The rule that reads the column's values, or None when no rule reads enough of them.

    Values with an offset need no format; ISO 8601 without one needs none either but is read in the
    spec's time zone. Otherwise the layout reading most values wins, month-first before day-first when
    the sample cannot tell them apart (every day of month 12 or less), and the guess says so.
    """
    if counts.n_filled == 0:
        return None
    share = {"offset": counts.n_offset / counts.n_filled, "iso": counts.n_iso / counts.n_filled}
    if share["offset"] > thresholds.timestamp_parsed:
        return TimestampGuess(None, True, share["offset"])
    if share["iso"] + share["offset"] > thresholds.timestamp_parsed:
        return TimestampGuess(None, False, share["iso"] + share["offset"])
    ranked = sorted(counts.by_format.items(), key=lambda item: (-item[1], TIMESTAMP_FORMATS.index(item[0])
                                                                if item[0] in TIMESTAMP_FORMATS else 99))
    if not ranked or ranked[0][1] / counts.n_filled <= thresholds.timestamp_parsed:
        return None
    best, n_best = ranked[0]
    twin = _twin(best)
    ambiguous = twin if twin and counts.by_format.get(twin, 0) == n_best else None
    return TimestampGuess(best, "%z" in best or "%Z" in best, n_best / counts.n_filled, ambiguous)


# --- names ------------------------------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake_case(text: str) -> str:
    """``"ResponseId"`` → ``response_id``, ``"How likely…? - Group"`` → ``how_likely_group``."""
    text = _CAMEL.sub("_", text)
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def tokens(*texts: str | None) -> set[str]:
    """The words of column names and question texts, for the hints below."""
    return {word for text in texts if text for word in snake_case(text).split("_") if word}


@dataclass(frozen=True)
class Hints:
    """Words in a column's name or question text that suggest its role, with a weight where ranked."""

    response_id: dict[str, int]
    not_response_id: frozenset[str]
    timestamp: dict[str, int]
    email: frozenset[str]
    company: dict[str, int]
    crm: frozenset[str]
    nps: frozenset[str]
    csat: frozenset[str]
    effort: frozenset[str]
    score: frozenset[str]
    not_score: frozenset[str]
    topic: dict[str, int]
    comment: dict[str, int]
    not_comment: frozenset[str]
    personal: frozenset[str]     # the header of a column the sample leaves empty
    not_personal: frozenset[str]
    person: frozenset[str]       # a column of name-shaped values under these words names a person
    coordinate: frozenset[str]   # ... of decimals, a place
    sensitive: frozenset[str]    # personal whatever the values look like


HINTS = Hints(
    response_id={"response": 3, "respondent": 3, "submission": 3, "ticket": 2, "opportunity": 2, "record": 2,
                 "survey": 1, "rating": 1, "id": 1, "uuid": 1, "token": 1, "hash": 1},
    not_response_id=frozenset({"collector", "account", "external", "crm", "user", "customer", "org",
                               "organisation", "organization", "contact", "company", "requester", "agent",
                               "assignee", "group", "brand", "form", "recipient", "distribution", "panel",
                               "network", "landing", "session"}),
    timestamp={"submitted": 10, "submit": 10, "recorded": 10, "responded": 10, "completed": 9, "completion": 9, "answered": 9, "end": 8,
               "ended": 8, "finished": 7, "sent": 6, "closed": 6, "close": 6, "timestamp": 5, "response": 4,
               "survey": 4, "date": 3, "time": 3, "created": 3, "at": 2, "landed": 1, "start": 0, "started": 0,
               "updated": 0, "modified": 0, "due": -1, "birth": -5},
    email=frozenset({"email", "mail"}),
    company={"company": 10, "organisation": 10, "organization": 10, "account": 8, "customer": 7, "client": 7,
             "org": 6, "firm": 6, "employer": 6, "business": 5, "kunde": 7, "firma": 7, "unternehmen": 7,
             "societe": 7, "empresa": 7, "tenant": 4},
    crm=frozenset({"crm", "salesforce", "sfdc", "account"}),
    nps=frozenset({"recommend", "nps", "recommendation"}),
    csat=frozenset({"satisfied", "satisfaction", "csat", "satisfy"}),
    effort=frozenset({"effort", "ces", "easy", "ease", "difficult"}),
    score=frozenset({"rate", "rating", "score", "likely", "likelihood", "happy", "experience", "agree",
                     "quality"}),
    not_score=frozenset({"id", "wave", "version", "year", "month", "day", "count", "number", "no", "progress",
                         "duration", "seconds", "age", "amount", "quantity", "qty", "status", "finished",
                         "group", "latitude", "longitude", "accuracy", "zip", "code", "collector", "size",
                         "employees", "revenue", "index"}),
    topic={"reason": 10, "reasons": 10, "category": 9, "topic": 9, "topics": 9, "features": 8, "feature": 8,
           "tag": 7, "tags": 7, "theme": 7, "products": 7, "subject": 6, "area": 5, "issue": 5},
    comment={"comment": 10, "comments": 10, "feedback": 9, "verbatim": 9, "remarks": 9, "remark": 9,
             "kommentar": 9, "commentaire": 9, "better": 10, "improve": 10, "suggestion": 8, "suggestions": 8,
             "else": 7, "anything": 7, "why": 6, "explain": 6, "tell": 6, "text": 3, "notes": 3, "open": 3},
    not_comment=frozenset({"agent", "url", "referer", "referrer", "browser", "platform", "hash", "id", "token",
                           "uuid", "device", "os", "link", "href"}),
    personal=frozenset({"first", "last", "firstname", "lastname", "fullname", "ip", "ipaddress", "latitude",
                        "longitude", "lat", "lng", "lon", "phone", "mobile", "owner", "street", "birthday",
                        "dob", "ssn", "address", "assignee", "requester", "email", "mail"}),
    not_personal=frozenset({"company", "organisation", "organization", "account", "product", "survey",
                            "plan", "team", "org", "customer", "file", "brand", "form"}),
    person=frozenset({"name", "firstname", "lastname", "fullname", "owner", "assignee", "requester", "respondent",
                      "contact", "recipient"}),
    coordinate=frozenset({"latitude", "longitude", "lat", "lng", "lon", "location"}),
    sensitive=frozenset({"birthday", "birth", "dob", "ssn"}),
)
