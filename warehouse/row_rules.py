"""Row rules: what a staged row must satisfy to reach core, derived from the spec and the schema.

Each rule is declared once, as a Great Expectations expectation over the flat validation columns that
staging adds (``_v_*``, see :func:`validation_columns`), together with the words that explain a
failure. :mod:`warehouse.validation` runs them with GX; GX's results decide which rows are quarantined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from schemas.spec import SourceSpec
from schemas.sql_names import quote
from schemas.unified import EMAIL_SHAPE, NPS_CATEGORIES

from warehouse import expressions as ex
from warehouse.expressions import Params

__all__ = ["RowRule", "row_rules", "validation_columns", "EMAIL_PATTERN", "FUTURE_TOLERANCE_DAYS"]

# Exports are stamped by other machines' clocks: a response up to a day "ahead" is clock skew, not an error.
FUTURE_TOLERANCE_DAYS = 1
# Python's `$` (end, or before a final newline) spelt `\n?\Z`: pandas runs a pattern with `\s` or `$` through
# Python's `re` row by row, whereas this spelling runs in pyarrow's vectorised RE2 and decides every value the same.
EMAIL_PATTERN = rf"^{EMAIL_SHAPE}\n?\Z"


@dataclass(frozen=True)
class RowRule:
    """One rule: the GX expectation that checks it, and how a failure is explained."""

    name: str  # the rule as quarantine.rejects names it
    column: str  # the source column it is about
    expected: str  # what was expected, in words
    expectation: str  # GX expectation class, e.g. "ExpectColumnValuesToNotBeNull"
    kwargs: dict[str, Any] = field(default_factory=dict)  # its arguments, on validation columns
    shows: str | None = None  # validation column whose value the detail quotes


def _v(name: str) -> str:
    """Name of a flat validation column (pandas-safe: letters, digits, underscores)."""
    return "_v_" + re.sub(r"\W", "_", name)


def validation_columns(spec: SourceSpec, p: Params) -> dict[str, str]:
    """The flat columns the rules read, as SQL expressions over the raw row."""
    columns = {_v("responded_at_text"): ex.text(spec.responded_at.column)}  # the typed value is `responded_at`
    if spec.id:
        columns[_v("id")] = ex.text(spec.id)
    for score in spec.scores:
        columns[_v(f"{score.metric}_text")] = ex.score_text(score, p)  # a no_score answer is no value to check
        columns[_v(score.metric)] = ex.score_value(score, p)
        if score.metric == "nps":
            columns[_v("nps_category")] = ex.nps_category(ex.score_value(score, p))
    if spec.account.email:
        columns[_v("email")] = ex.text(spec.account.email)
    for extra in spec.expectations:
        columns[_v(f"src_{extra.column}")] = ex.text(extra.column)
    return columns


def _identity_rules(spec: SourceSpec) -> list[RowRule]:
    if not spec.id:
        return []
    return [RowRule("id_missing", spec.id, "is empty, expected a response id",
                    "ExpectColumnValuesToNotBeNull", {"column": _v("id")})]


def _timestamp_rules(spec: SourceSpec) -> list[RowRule]:
    column, text, earliest = spec.responded_at.column, _v("responded_at_text"), spec.responded_at.earliest
    layout = " or ".join(spec.responded_at.formats) or "ISO 8601 (declare `format:` for other layouts)"
    return [
        RowRule("responded_at_missing", column, "is empty, expected when the customer responded",
                "ExpectColumnValuesToNotBeNull", {"column": text}),
        RowRule("responded_at_unparseable", column, f"expected a timestamp as {layout}",
                "ExpectColumnValuesToNotBeNull",
                {"column": "responded_at", "row_condition": f"{text}.notnull()", "condition_parser": "pandas"},
                shows=text),
        # One window, one rule: a time before it is misread (a two-digit year read as "%Y"), one after it
        # (more than a day ahead of the run) is a wrong zone, a wrong day/month order or a typed-in date.
        RowRule("responded_at_implausible", column,
                f"expected a time from {earliest:%Y-%m-%d} (`responded_at.earliest`) to a day after the run: a "
                "two-digit year read as four digits? declare `format:` with %y", "ExpectColumnValuesToBeBetween",
                {"column": "responded_at", "min_value": f"{earliest:%Y-%m-%d}T00:00:00+00:00", "max_value": "now"},
                shows=text),
    ]


def _score_rules(spec: SourceSpec) -> list[RowRule]:
    rules = []
    for score in spec.scores:
        text, number = _v(f"{score.metric}_text"), _v(score.metric)
        low, high = score.scale
        choices = f" or one of {sorted(score.values)}" if score.values else ""
        rules += [
            RowRule("score_not_numeric", score.column, f"expected a number{choices}", "ExpectColumnValuesToNotBeNull",
                    {"column": number, "row_condition": f"{text}.notnull()", "condition_parser": "pandas"}, shows=text),
            RowRule("score_out_of_range", score.column, f"expected {score.metric} between {low:g} and {high:g}",
                    "ExpectColumnValuesToBeBetween", {"column": number, "min_value": low, "max_value": high},
                    shows=text),
        ]
    return rules


def _email_rules(spec: SourceSpec) -> list[RowRule]:
    if not spec.account.email:
        return []
    return [RowRule("email_malformed", spec.account.email, "expected an e-mail address like name@example.com",
                    "ExpectColumnValuesToMatchRegex", {"column": _v("email"), "regex": EMAIL_PATTERN},
                    shows=_v("email"))]


def _nps_rules(spec: SourceSpec) -> list[RowRule]:
    # The category is derived from the answer; this guards the derivation, whatever the scale says.
    return [RowRule("nps_category_unknown", s.column, f"expected an NPS category in {list(NPS_CATEGORIES)}",
                    "ExpectColumnValuesToBeInSet", {"column": _v("nps_category"), "value_set": list(NPS_CATEGORIES)},
                    shows=_v(f"{s.metric}_text"))
            for s in spec.scores if s.metric == "nps"]


def _spec_rules(spec: SourceSpec) -> list[RowRule]:
    return [RowRule(extra.rule or extra.expect, extra.column, extra.expected or f"expected {extra.expect}",
                    extra.expectation_class, {**extra.kwargs, "column": _v(f"src_{extra.column}")},
                    shows=_v(f"src_{extra.column}"))
            for extra in spec.expectations]


def row_rules(spec: SourceSpec) -> list[RowRule]:
    """Every rule a row of this source must satisfy, in the order they are reported."""
    return [*_identity_rules(spec), *_timestamp_rules(spec), *_score_rules(spec), *_email_rules(spec),
            *_nps_rules(spec), *_spec_rules(spec)]


def quoted(columns: dict[str, str]) -> str:
    return ", ".join(f"{sql} as {quote(name)}" for name, sql in columns.items())
