"""SQL expressions that turn a source's raw text columns into unified values.

Shared by the staging model (which selects them) and the row rules (which test them). Values travel as
parameters (:class:`Params`), identifiers are quoted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schemas.spec import Score, SourceSpec
from schemas.sql_names import quote
from schemas.unified import STAGED_FEEDBACK


__all__ = ["Params", "text", "responded_at", "topics", "score_value", "score_text", "scores", "feedback_id", "attributes",
           "FALLBACK_TIMESTAMP_FORMATS", "nps_category"]

# Tried when a spec gives no format. Only layouts that cannot be misread: day/month order must be declared.
FALLBACK_TIMESTAMP_FORMATS = ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d.%m.%Y %H:%M:%S",
                              "%d.%m.%Y %H:%M", "%d.%m.%Y"]


@dataclass
class Params:
    """Collects the values of a generated statement and hands out their ``$pN`` placeholders."""

    values: dict[str, Any] = field(default_factory=dict)

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def text(column: str | None) -> str:
    return f"sb_text({quote(column)})" if column else "null::varchar"


def responded_at(spec: SourceSpec, p: Params) -> str:
    value = text(spec.responded_at.column)
    with_zone = [f for f in spec.responded_at.formats if "%z" in f or "%Z" in f]
    local = [f for f in spec.responded_at.formats if f not in with_zone] or (
        [] if spec.responded_at.formats else FALLBACK_TIMESTAMP_FORMATS)
    branches = [f"case when sb_has_offset({value}) then try_cast({value} as timestamptz) end"]
    if with_zone:
        branches.append(f"try_strptime({value}, {p(with_zone)})")
    if not spec.responded_at.formats:
        branches.append(f"timezone({p(spec.responded_at.timezone)}, try_cast({value} as timestamp))")
    if local:
        branches.append(f"timezone({p(spec.responded_at.timezone)}, try_strptime({value}, {p(local)})::timestamp)")
    return f"coalesce({', '.join(branches)})"


def topics(spec: SourceSpec, p: Params) -> str:
    if spec.topic is None:
        return "[]::varchar[]"
    value = text(spec.topic.column)
    split = f"string_split({value}, {p(spec.topic.separator)})" if spec.topic.separator else f"[{value}]"
    listed = (f"case when {value} is null then []::varchar[] "
              f"when left({value}, 1) = '[' and json_valid({value}) then from_json({value}, '[\"VARCHAR\"]') "
              f"else {split} end")
    return f"list_filter(list_transform({listed}, lambda t: nullif(trim(sb_redact(t)), '')), lambda t: t is not null)"


def score_value(score: Score, p: Params) -> str:
    """The number a score cell holds: numeric text, or choice text mapped by the spec's ``values``; none for an
    answer the spec lists under ``no_score``."""
    value = score_text(score, p)
    number = f"try_cast({value} as double)"
    if not score.values:
        return number
    choices = " ".join(f"when {p(choice.strip().lower())} then {p(float(number))}"
                       for choice, number in score.values.items())
    return f"coalesce({number}, case lower({value}) {choices} end)"


def score_text(score: Score, p: Params) -> str:
    """The score cell's text, absent where the answer is one of ``no_score`` (by number, or by text)."""
    value = text(score.column)
    if not score.no_score:
        return value
    numbers = [float(v) for v in score.no_score if isinstance(v, float)]
    texts = [str(v).strip().lower() for v in score.no_score if not isinstance(v, float)]
    listed = " or ".join([*([f"list_contains({p(numbers)}::double[], try_cast({value} as double))"] if numbers else []),
                          *([f"list_contains({p(texts)}::varchar[], lower({value}))"] if texts else [])])
    return f"case when {listed} then null else {value} end"


def score_struct(score: Score, p: Params) -> str:
    value = score_value(score, p)
    low, high = p(float(score.scale[0])), p(float(score.scale[1]))
    pct = f"({value} - {low}) / ({high} - {low}) * 100"
    pct = pct if score.higher_is_better else f"100 - {pct}"
    category = nps_category(value) if score.metric == "nps" else "null::varchar"
    return (f"{{'metric': {p(score.metric)}, 'score': {value}, 'scale_min': {low}, 'scale_max': {high}, "
            f"'score_pct': {pct}, 'nps_category': {category}}}")


def nps_category(value: str) -> str:
    """Promoter 9-10, passive 7-8, detractor 0-6."""
    return (f"case when {value} >= 9 then 'promoter' when {value} >= 7 then 'passive' "
            f"when {value} >= 0 then 'detractor' end")


def scores(spec: SourceSpec, p: Params) -> str:
    if not spec.scores:
        return f"[]::{STAGED_FEEDBACK.column('scores').sql_type}"
    structs = ", ".join(score_struct(s, p) for s in spec.scores)
    return f"list_filter([{structs}], lambda s: s.score is not null)"


def feedback_id(spec: SourceSpec, p: Params) -> str:
    if spec.id:
        return f"'fb_' || sb_hash({p(spec.name)} || chr(31) || {text(spec.id)})"
    content = ", ".join(text(c) for c in spec.mapped_columns())
    return f"'fb_' || sb_hash(to_json([{p(spec.name)}, {content}]))"


def attributes(spec: SourceSpec, p: Params) -> str:
    pairs = ", ".join(f"{p(c)}, {attribute_value(text(c))}" for c in spec.attributes)
    return f"json_object({pairs})"


def attribute_value(value: str) -> str:
    """A multi-select answer (a JSON list, as the survey-tool connectors give it) stays a list; else text."""
    redacted = f"sb_redact({value})"
    return (f"case when left({value}, 1) = '[' and json_valid({value}) then json({redacted}) "
            f"else to_json({redacted}) end")
