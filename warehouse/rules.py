"""Row rules: what a staged row must satisfy to reach core, derived from the spec and the schema.

Each rule is a SQL condition that is true when a row BREAKS it, and a detail expression naming the
column, the value and what was expected. Staging evaluates them into each row's ``_errors``.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.spec import SourceSpec

from warehouse import expressions as ex
from warehouse.expressions import Params

__all__ = ["RowRule", "row_rules", "FUTURE_TOLERANCE"]

# Exports are stamped by other machines' clocks: a response up to a day "ahead" is clock skew, not an error.
FUTURE_TOLERANCE = "interval 1 day"


@dataclass(frozen=True)
class RowRule:
    name: str
    column: str
    condition: str  # true when the row breaks the rule
    detail: str  # SQL expression: column, value, expectation
    description: str


def _detail(p: Params, column: str, value_sql: str | None, expected: str) -> str:
    if value_sql is None:
        return p(f"column '{column}': {expected}")
    return f"{p(f'column {column!r}: value ')} || '''' || left({value_sql}, 200) || '''' || {p(f', {expected}')}"


def _identity_rules(spec: SourceSpec, p: Params) -> list[RowRule]:
    if not spec.id:
        return []
    return [RowRule("id_missing", spec.id, f"{ex.text(spec.id)} is null",
                    _detail(p, spec.id, None, "is empty, expected a response id"),
                    "Every response carries its id.")]


def _timestamp_rules(spec: SourceSpec, p: Params) -> list[RowRule]:
    column, value, parsed = spec.responded_at.column, ex.text(spec.responded_at.column), ex.responded_at(spec, p)
    layout = " or ".join(spec.responded_at.formats) or "ISO 8601 (declare `format:` for other layouts)"
    return [
        RowRule("responded_at_missing", column, f"{value} is null",
                _detail(p, column, None, "is empty, expected when the customer responded"),
                "Every response says when it was given."),
        RowRule("responded_at_unparseable", column, f"{value} is not null and {parsed} is null",
                _detail(p, column, value, f"expected a timestamp as {layout}"),
                "The response time parses with the spec's format."),
        RowRule("responded_at_in_future", column, f"{parsed} > now() + {FUTURE_TOLERANCE}",
                _detail(p, column, value, "expected a time that is not in the future"),
                "A response cannot come from the future."),
    ]


def _score_rules(spec: SourceSpec, p: Params) -> list[RowRule]:
    rules = []
    for score in spec.scores:
        value, number = ex.text(score.column), ex.score_value(score, p)
        low, high = score.scale
        choices = f" or one of {sorted(score.values)}" if score.values else ""
        rules += [
            RowRule("score_not_numeric", score.column, f"{value} is not null and {number} is null",
                    _detail(p, score.column, value, f"expected a number{choices}"),
                    f"{score.metric} is a number."),
            RowRule("score_out_of_range", score.column,
                    f"{number} < {p(float(low))} or {number} > {p(float(high))}",
                    _detail(p, score.column, value, f"expected {score.metric} between {low:g} and {high:g}"),
                    f"{score.metric} lies inside its scale."),
        ]
    return rules


def _email_rules(spec: SourceSpec, p: Params) -> list[RowRule]:
    if not spec.account.email:
        return []
    column, value = spec.account.email, ex.text(spec.account.email)
    return [RowRule("email_malformed", column, f"{value} is not null and not sb_is_email({value})",
                    _detail(p, column, value, "expected an e-mail address like name@example.com"),
                    "E-mail addresses are well-formed when present.")]


def row_rules(spec: SourceSpec, p: Params) -> list[RowRule]:
    """Every rule a row of this source must satisfy, in the order they are reported."""
    return [*_identity_rules(spec, p), *_timestamp_rules(spec, p), *_score_rules(spec, p), *_email_rules(spec, p)]
