"""From a file's column profiles to a proposed spec: which column plays which role, and how sure we are.

Roles are given in a fixed order, each from the columns not yet taken: the response time (required),
the customer's e-mail, CRM id and company (at least one required), the response id, scores (numbers
on a known scale, or answer texts of a labelled scale), the topic, the free-text comment, and the
rest as attributes, except columns that hold personal data. Every choice carries a note; a note
marked as a guess is printed as ``# guess: ...`` beside the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectors import not_response_rules
from schemas.spec import DEFAULT_MAX_REJECT_RATE

from warehouse.inference.profile import ColumnProfile, FileProfile
from warehouse.inference.detect import (HINTS, THRESHOLDS, ChoiceScale, detect_choice_scale, detect_scale,
                                       detect_timestamp, leading_number, snake_case, tokens)

__all__ = ["Note", "Proposal", "InferenceError", "propose", "default_name"]

_GENERIC_FOLDERS = {"samples", "sample", "tmp", "temp", "downloads", "download", "landing", "exports", "export",
                    "data", "files", "inbox", "desktop", "home", "work"}
_ACRONYMS = {"nps", "csat", "ces", "crm", "api", "ux", "b2b", "saas"}
_NPS_GROUP = re.compile(r"(_nps_group|\bnps group| - group)$", re.IGNORECASE)


class InferenceError(ValueError):
    """The file cannot become a survey source as it is (no response time, no customer column)."""


@dataclass(frozen=True)
class Note:
    text: str
    guess: bool = False


@dataclass
class Proposal:
    """A spec as data, in the order it is written, with a note per key or list item.

    ``notes`` are keyed by path: ``"id"``, ``"responded_at"``, ``"scores[1]"``, ``"attributes[0]"``;
    ``absent`` holds a note for a key left out on purpose (printed as a comment line in its place).
    """

    spec: dict[str, Any]
    notes: dict[str, Note] = field(default_factory=dict)
    absent: dict[str, Note] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    sample_rejects: dict[str, int] = field(default_factory=dict)  # rule → sample rows the spec would reject
    maybe_scores: dict[str, str] = field(default_factory=dict)  # column → why it might be a score after all

    def note(self, key: str, text: str, guess: bool = False) -> None:
        self.notes[key] = Note(text, guess)

    @property
    def guesses(self) -> list[str]:
        return [k for k, n in {**self.notes, **self.absent}.items() if n.guess]


def default_name(file: Path) -> str:
    """A source name from a file name: snake_case, dated parts dropped (``followup_2024-03.csv`` → ``followup``)."""
    words = [w for w in snake_case(file.stem).split("_") if w]
    while len(words) > 1 and re.search(r"\d", words[-1]):
        words.pop()
    name = "_".join(words) or "survey"
    return name if name[0].isalpha() else f"source_{name}"


def _department(file: Path) -> tuple[str, bool]:
    folder = snake_case(file.parent.name)
    if folder and folder[0].isalpha() and folder not in _GENERIC_FOLDERS and not folder.startswith("tmp"):
        return folder, False
    return "unassigned", True


def _label(column: ColumnProfile) -> str:
    return f"{column.name}: {column.description}" if column.description else column.name


def _asked(column: ColumnProfile, text: str) -> str:
    """A note led by the column's question text, when the export names columns by id."""
    return f"{column.description} — {text}" if column.description and text else column.description or text


def _words(column: ColumnProfile) -> set[str]:
    return tokens(column.name, column.description)


def _weight(column: ColumnProfile, weights: dict[str, int]) -> int | None:
    found = [weights[w] for w in _words(column) if w in weights]
    return max(found) if found else None


@dataclass
class _Columns:
    """The profiled columns not yet given a role, in file order."""

    free: list[ColumnProfile]
    n_rows: int  # rows profiled

    def take(self, column: ColumnProfile | None) -> ColumnProfile | None:
        if column is not None:
            self.free.remove(column)
        return column


def propose(profile: FileProfile, name: str | None = None) -> Proposal:
    """The proposed spec for a profiled sample export. Raises InferenceError when it cannot be a source."""
    proposal = Proposal({})
    _source_keys(proposal, profile, name or default_name(profile.file))
    columns = _Columns(list(profile.columns), profile.n_profiled)
    _responded_at(proposal, columns, profile.zones)
    _account(proposal, columns)
    _response_id(proposal, columns)
    _scores(proposal, columns)
    _topic(proposal, columns)
    _comment(proposal, columns)
    _attributes(proposal, columns)
    _reject_rate(proposal, profile)
    return proposal


def _source_keys(proposal: Proposal, profile: FileProfile, name: str) -> None:
    """name, department, survey, format, path, encoding and reader options."""
    department, department_guessed = _department(profile.file)
    spec = proposal.spec
    spec["name"] = name
    spec["department"] = department
    proposal.note("department", "the department that runs this survey (sales, service, product ...)"
                  if department_guessed else "from the folder the file is in", guess=True)
    title = " ".join(w.upper() if w in _ACRONYMS else w for w in name.split("_"))
    spec["survey"] = title[:1].upper() + title[1:]
    proposal.note("survey", "a title for people; name the survey as the department knows it", guess=True)
    spec["format"] = profile.format
    spec["path"] = f"landing/{name}/{profile.file.name}"
    proposal.note("path", f"this one file; landing/{name}/*{profile.file.suffix} takes every export dropped there")
    if profile.encoding:
        spec["encoding"] = profile.encoding
        if profile.encoding_guessed:
            proposal.note("encoding", "the file is not UTF-8; Windows' Western European code page assumed "
                          "(check accented names in the dry run)", guess=True)
    if profile.options:
        spec["options"] = dict(profile.options)
        proposal.note("options", "reader options the file needed")
    elif profile.named_by_id:
        spec["options"] = {"columns_by": "column_id"}
        proposal.note("options", "columns by id; each column's question text is in the comment beside it")


# --- response time ----------------------------------------------------------------------------------------

def _responded_at(proposal: Proposal, columns: _Columns, stated_zones: dict[str, str]) -> None:
    found = [(c, g) for c in columns.free if c.n_filled and (g := detect_timestamp(c.timestamp_counts))]
    if not found:
        raise InferenceError("no column holds timestamps (ISO 8601, or dates such as 03/12/2024 or 31.12.2024): "
                             "a source needs the time of each response (`responded_at`)")
    ranked = sorted(found, key=lambda cg: (-(_weight(cg[0], HINTS.timestamp) or 1), -cg[1].share,
                                           cg[0].position))
    column, guess = ranked[0]
    columns.take(column)
    value: dict[str, Any] = {"column": column.name}
    if guess.format:
        value["format"] = guess.format
    value["timezone"] = stated_zones.get(column.name, "UTC")
    proposal.spec["responded_at"] = value
    notes, unsure = [], False
    if guess.has_offset:
        notes.append("the values carry their UTC offset, so the timezone does not matter")
    elif column.name in stated_zones:
        notes.append(f"the export says its times are in {value['timezone']}")
    elif {"utc", "gmt"} & tokens(column.name):
        notes.append("the column's name says the values are UTC")
    else:
        notes.append("no offset in the values: UTC assumed, set the zone the tool exports in")
        unsure = True
    if guess.ambiguous_with:
        notes.append(f"day and month cannot be told apart in the sample ({guess.ambiguous_with} reads it too)")
        unsure = True
    if guess.share < THRESHOLDS.timestamp_sure:
        notes.append(f"{1 - guess.share:.0%} of the sample's values do not parse")
        proposal.sample_rejects["responded_at_unparseable"] = round((1 - guess.share) * column.n_filled)
        unsure = True
    others = [c.name for c, _ in ranked[1:]]
    if others:
        notes.append(f"other timestamps: {', '.join(others)}")
        unsure = unsure or _weight(ranked[1][0], HINTS.timestamp) == _weight(column, HINTS.timestamp)
    proposal.note("responded_at", _asked(column, "; ".join(notes)), guess=unsure)


# --- customer ---------------------------------------------------------------------------------------------

def _account(proposal: Proposal, columns: _Columns) -> None:
    account: dict[str, str] = {}
    notes: list[str] = []
    unsure = False
    email = _best(columns, [c for c in columns.free if c.n_email and c.share(c.n_email) >= THRESHOLDS.email_share],
                  HINTS.email)
    if email is None:  # a column named for e-mail that the sample leaves empty
        email = _best(columns, [c for c in columns.free if not c.n_filled and _words(c) & HINTS.email], HINTS.email)
        unsure = email is not None
    if email:
        account["email"] = columns.take(email).name
        notes.append(f"email {_label(email)}" + ("" if email.n_filled else
                                                 " (empty in the sample: does the reader need an option to fill it?)"))
    crm = _crm_id(columns)
    if crm:
        account["crm_id"] = columns.take(crm).name
        accounts_prefix = crm.share(crm.n_crm_account_id) >= THRESHOLDS.crm_id_share
        notes.append(f"crm_id: Salesforce {'account ' if accounts_prefix else ''}ids (15/18 characters)")
        unsure = unsure or not accounts_prefix
    company = _company(columns)
    if company:
        account["name"] = columns.take(company).name
        notes.insert(0, f"name {_label(company)}")
        unsure = unsure or (_weight(company, HINTS.company) or 0) < 6
    if not account:  # an anonymous form: its responses load unattributed, and the spec says so
        proposal.absent["account"] = Note("no column names the customer (no e-mail addresses, Salesforce account "
                                          "ids or company column): responses load with no account; add "
                                          "`account: {name: <column>}` if one does", guess=True)
        return
    ordered = {k: account[k] for k in ("name", "email", "crm_id") if k in account}
    proposal.spec["account"] = ordered
    missing = [k for k in ("name", "email", "crm_id") if k not in account]
    if missing:
        notes.append(f"no {' / '.join(missing)} column found")
    proposal.note("account", "; ".join(notes), guess=unsure)


def _best(columns: _Columns, candidates: list[ColumnProfile], hint: frozenset[str]) -> ColumnProfile | None:
    ranked = sorted(candidates, key=lambda c: (-bool(_words(c) & hint), -c.n_filled, c.position))
    return ranked[0] if ranked else None


def _crm_id(columns: _Columns) -> ColumnProfile | None:
    """Salesforce ids of the customer's account: ids with the 001 key prefix, or a CRM-named id column."""
    candidates = []
    for column in columns.free:
        if not column.n_filled or column.share(column.n_crm_id) < THRESHOLDS.crm_id_share:
            continue
        is_account = column.share(column.n_crm_account_id) >= THRESHOLDS.crm_id_share
        if is_account or _words(column) & HINTS.crm:
            candidates.append((not is_account, column.position, column))
    return min(candidates, key=lambda c: c[:2])[2] if candidates else None


def _company(columns: _Columns) -> ColumnProfile | None:
    candidates = []
    for column in columns.free:
        weight = _weight(column, HINTS.company)
        words = _words(column)
        if weight is None or "id" in words or "email" in words or "domain" in words:
            continue
        if column.n_filled and (column.share(column.n_numeric) > 0.5 or column.mean_length > 80):
            continue
        if not column.n_filled:
            weight -= 5  # named like a company, but empty in the sample
        candidates.append((-(weight + (2 if "name" in words else 0)), column.position, column))
    return min(candidates, key=lambda c: c[:2])[2] if candidates else None


# --- response id ----------------------------------------------------------------------------------------

def _response_id(proposal: Proposal, columns: _Columns) -> None:
    candidates = []
    for column in columns.free:
        words = _words(column)
        if not ({"id", "uuid", "token", "hash"} & words or column.name.strip() == "#") or words & HINTS.not_response_id:
            continue  # Typeform's CSV names its response token "#"; Google Forms' reader adds response_hash
        if column.n_filled < THRESHOLDS.id_filled_share * columns.n_rows:
            continue
        if column.n_distinct < THRESHOLDS.unique_share * column.n_filled or not column.n_filled:
            continue
        candidates.append((-(_weight(column, HINTS.response_id) or 0), column.position, column))
    if not candidates:
        proposal.absent["id"] = Note("no response id found: a hash of each response's content identifies it; "
                                     "if a column is one, add `id: <column>`", guess=True)
        return
    column = columns.take(min(candidates, key=lambda c: c[:2])[2])
    proposal.spec["id"] = column.name
    others = [c[2].name for c in sorted(candidates, key=lambda c: c[:2])[1:]]
    text = "unique in the sample" + (f"; other unique id columns: {', '.join(others)}" if others else "")
    proposal.note("id", _asked(column, text), guess=bool(others))


# --- scores -----------------------------------------------------------------------------------------------

def _hinted_kind(column: ColumnProfile, siblings: set[str]) -> str | None:
    words = _words(column)
    if words & HINTS.nps or f"{column.name}_NPS_GROUP".lower() in siblings:
        return "nps_like"
    if words & HINTS.effort:
        return "effort_like"
    if words & HINTS.csat:
        return "csat_like"
    return None


def _is_numeric_score(column: ColumnProfile) -> bool:
    return (column.n_filled > 0 and column.share(column.n_numeric) >= THRESHOLDS.numeric_share
            and column.n_integer >= THRESHOLDS.integer_share * column.n_numeric
            and not (_words(column) & HINTS.not_score) and not _NPS_GROUP.search(column.description or column.name))


_SCALE_WORDS = {"csat_like": "a satisfaction", "effort_like": "an effort", "agreement": "an agreement",
                "quality": "a quality"}


@dataclass(frozen=True)
class _ScoreColumn:
    """A column found to hold answers on a scale, before its metric is named."""

    column: ColumnProfile
    kind: str                         # nps_like, csat_like, effort_like, agreement, quality
    scale: tuple[int, int]
    sure: bool
    higher_is_better: bool = True
    values: dict[str, int] | None = None  # answer text → number, for labelled answers
    why: str = ""


def _score_column(proposal: Proposal, column: ColumnProfile, hint: str | None) -> _ScoreColumn | None:
    if _is_numeric_score(column):
        guess = detect_scale(column.integer_histogram, hint)
        if guess is None:
            return None
        if not (hint or _words(column) & HINTS.score):
            proposal.maybe_scores[column.name] = (
                f"whole numbers {min(column.integer_histogram)}-{max(column.integer_histogram)}: "
                "coded answers, or a score to add under scores?")
            return None
        return _ScoreColumn(column, guess.kind, guess.scale, guess.sure,
                            higher_is_better=not (guess.kind == "effort_like" and hint != "csat_like"))
    if column.distinct_values and column.share(column.n_numeric) < 1:
        choice = detect_choice_scale(column.distinct_values)
        if choice is not None:
            return _ScoreColumn(column, _choice_kind(choice, hint), choice.scale, False, choice.higher_is_better,
                                choice.values, choice.note or f"answer texts of {_SCALE_WORDS[choice.kind]} scale")
    return None


def _scores(proposal: Proposal, columns: _Columns) -> None:
    siblings = {c.name.lower() for c in columns.free}
    hints = {c.name: _hinted_kind(c, siblings) for c in columns.free}
    found = [f for c in list(columns.free) if (f := _score_column(proposal, c, hints[c.name]))]
    used: set[str] = set()
    for i, score in enumerate(found):
        columns.take(score.column)
        labelled = score.kind if score.values and score.kind in ("csat_like", "effort_like") else None
        metric, metric_sure = _metric(score.column, score.kind, used, hints[score.column.name] or labelled)
        used.add(metric)
        entry: dict[str, Any] = {"column": score.column.name, "metric": metric, "scale": list(score.scale)}
        if not score.higher_is_better:
            entry["higher_is_better"] = False
        why = score.why
        if score.values:
            entry["values"] = score.values
            why = _off_scale(proposal, score.column, score.values, why)
        else:
            _out_of_scale(proposal, score.column, score.scale)
        proposal.spec.setdefault("scores", []).append(entry)
        proposal.note(f"scores[{i}]", _asked(score.column, _scale_note(score.kind, score.scale, score.column,
                                                                         score.values, why)),
                      guess=not (score.sure and metric_sure))
    if not found:
        proposal.absent["scores"] = Note("no score column found (numbers on 0-10, 1-5 or 1-7, or answer texts "
                                         "such as Very satisfied)", guess=True)


def _off_scale(proposal: Proposal, column: ColumnProfile, values: dict[str, int], why: str) -> str:
    """Answers the mapping leaves out are rejected as score_not_numeric: say which, count them."""
    mapped = {v.strip().lower() for v in values}
    off = {v: n for v, n in (column.value_counts or {}).items()
           if v.strip().lower() not in mapped and leading_number(v) is None and not _is_number(v)}
    if not off:
        return why
    proposal.sample_rejects["score_not_numeric"] = proposal.sample_rejects.get("score_not_numeric", 0) + sum(off.values())
    shown = ", ".join(repr(v) for v in list(off)[:3])
    return f"{why}; off the scale, so rejected: {shown} (map them under values, or drop the score)"


def _out_of_scale(proposal: Proposal, column: ColumnProfile, scale: tuple[int, int]) -> None:
    outside = sum(n for v, n in column.integer_histogram.items() if not scale[0] <= v <= scale[1])
    outside += column.n_filled - column.n_numeric
    if outside:
        proposal.sample_rejects[f"score ({column.name})"] = outside


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _choice_kind(choice: ChoiceScale, hint: str | None) -> str:
    if choice.kind == "effort_like" or choice.kind == "csat_like":
        return choice.kind
    return hint or choice.kind


def _metric(column: ColumnProfile, kind: str, used: set[str], hint: str | None) -> tuple[str, bool]:
    """``nps``/``csat``/``ces`` when the question says so (once each), else a name from the column."""
    standard = {"nps_like": "nps", "csat_like": "csat", "effort_like": "ces"}.get(kind)
    if standard and hint == kind and standard not in used:
        return standard, True
    base = snake_case(column.name)
    if len(base) > 30 and " - " in column.name:  # "Please rate our support team on: - Speed" → speed
        base = snake_case(column.name.rsplit(" - ", 1)[1])
    base = "_".join(base[:40].split("_")[:-1]) if len(base) > 40 else base
    base = base.strip("_") or "score"
    base = base if base[0].isalpha() else f"score_{base}"
    metric, n = base, 2
    while metric in used or (metric == "nps" and kind != "nps_like"):
        metric, n = f"{base}_{n}", n + 1
    return metric, False


def _scale_note(kind: str, scale: tuple[int, int], column: ColumnProfile, values: dict[str, int] | None,
                why: str) -> str:
    span = f"{scale[0]}-{scale[1]}"
    if values:
        return f"{why}; check the numbers"
    seen = f"answers {min(column.integer_histogram)}-{max(column.integer_histogram)}"
    meaning = {"nps_like": "NPS-like (promoters 9-10)", "csat_like": "CSAT-like",
               "effort_like": "effort-like (CES, lower is better)"}[kind]
    return f"{seen}, read as {span} {meaning}"


# --- topic, comment, attributes -------------------------------------------------------------------------

def _topic(proposal: Proposal, columns: _Columns) -> None:
    candidates = []
    for column in columns.free:
        weight = _weight(column, HINTS.topic)
        if weight is None or not column.n_filled or column.share(column.n_numeric) > 0.5:
            continue
        is_list = column.share(column.n_json_list) >= THRESHOLDS.topic_list_share
        if column.mean_length > THRESHOLDS.topic_mean_length and not is_list:
            continue
        candidates.append((-weight, column.position, column, is_list))
    if not candidates:
        return
    _, _, column, is_list = min(candidates, key=lambda c: c[:2])
    columns.take(column)
    separator = None
    if not is_list:
        if column.share(column.n_semicolon) >= THRESHOLDS.topic_separator_share:
            separator = ";"
        elif column.share(column.n_comma) >= THRESHOLDS.topic_separator_share:
            separator = ","
    proposal.spec["topic"] = {"column": column.name, "separator": separator} if separator else column.name
    if is_list:
        text = "lists of answers (each one a topic)"
    elif separator:
        text = f"answers joined by {separator!r}, split into topics"
    else:
        text = "one answer per response"
    others = [c[2].name for c in sorted(candidates, key=lambda c: c[:2])[1:]]
    if others:
        text += f"; other topic-like columns: {', '.join(others)}"
    proposal.note("topic", _asked(column, text), guess=separator == "," or bool(others))


def _comment(proposal: Proposal, columns: _Columns) -> None:
    candidates = []
    for column in columns.free:
        if _is_personal(column) or column.share(column.n_numeric) > 0.5 or _words(column) & HINTS.not_comment:
            continue
        weight = _weight(column, HINTS.comment)
        free_text = (column.n_filled and column.mean_length >= THRESHOLDS.comment_mean_length
                     and column.share(column.n_with_space) >= 0.5)
        if weight is None and not free_text:
            continue
        candidates.append((-(weight or 0), -column.n_filled, column.position, column))
    if not candidates:
        return
    ranked = sorted(candidates, key=lambda c: c[:3])
    column = columns.take(ranked[0][3])
    proposal.spec["comment"] = column.name
    others = [c[3].name for c in ranked[1:]]
    text = "free text" + (f"; other free text kept as attributes: {', '.join(others)}" if others else "")
    proposal.note("comment", _asked(column, text), guess=bool(others) or ranked[0][0] == 0)


def _is_personal(column: ColumnProfile) -> bool:
    """Does the column hold personal data? Decided by its values where the sample has some.

    E-mail addresses, phone numbers, IP and street addresses are personal whatever the column is called;
    names and coordinates look like other answers (Dana, Dashboards; 39.7392, 12.5), so those count
    where the header also says so. A question that mentions a street or what a customer did first holds
    answers: kept. A column the sample leaves empty can only be judged by its header.
    """
    words = _words(column)
    if column.n_email:
        return True
    if column.distinct_values and all(v.lower() in column.name.lower() for v in column.distinct_values):
        return False  # a multi-select answer column holds its option's text ("Phone"), nothing personal
    if not column.n_filled:
        return bool(words & HINTS.personal) or ("name" in words and not (words & HINTS.not_personal))
    if words & HINTS.sensitive or any(column.share(n) >= THRESHOLDS.personal_share
                                      for n in (column.n_phone, column.n_ip, column.n_address)):
        return True
    names_a_person = bool(words & HINTS.person) and not (words & HINTS.not_personal)
    if names_a_person and column.share(column.n_name_shaped) >= THRESHOLDS.personal_share:
        return True
    return bool(words & HINTS.coordinate) and column.share(column.n_coordinate) >= THRESHOLDS.personal_share


def _attributes(proposal: Proposal, columns: _Columns) -> None:
    personal = [c for c in columns.free if _is_personal(c)]
    kept = [c for c in columns.free if c not in personal]
    if kept:
        proposal.spec["attributes"] = [c.name for c in kept]
        for i, column in enumerate(kept):
            maybe = proposal.maybe_scores.get(column.name)
            if maybe or column.description:
                proposal.note(f"attributes[{i}]", _asked(column, maybe or ""), guess=bool(maybe))
    if personal:
        proposal.absent["attributes"] = Note(
            "left out, personal data stays out of the warehouse: " + ", ".join(c.name for c in personal))


def _reject_rate(proposal: Proposal, profile: FileProfile) -> None:
    """The reader's rejects count against the reject-rate limit, except records that are not responses."""
    not_responses = not_response_rules()
    counted = {rule: n for rule, n in profile.reader_rejects.items() if rule not in not_responses}
    n_reader = sum(counted.values())
    n_read = profile.n_rows + n_reader
    # The sample's rows the spec would reject: at most the sum over rules (one row may break several).
    scale = profile.n_rows / profile.n_profiled if profile.n_profiled else 1.0
    n_rejected = n_reader + min(profile.n_rows, round(sum(proposal.sample_rejects.values()) * scale))
    if not n_read or n_rejected / n_read <= DEFAULT_MAX_REJECT_RATE:
        return
    rate = min(1.0, round(n_rejected / n_read + DEFAULT_MAX_REJECT_RATE, 2))
    rules = ", ".join(f"{rule} {n}" for rule, n in sorted({**counted,
                                                            **proposal.sample_rejects}.items()))
    proposal.spec["max_reject_rate"] = rate
    proposal.note("max_reject_rate", f"up to {n_rejected} of the sample's {n_read} records would be rejected "
                  f"({rules}), above the default limit of {DEFAULT_MAX_REJECT_RATE:.0%}; lower it for real "
                  "exports", guess=True)
