"""Source specs: the short YAML file that declares one survey source.

A spec says where a department's exports land, which format they are in, and which of their
columns feed the unified schema. Specs are validated before anything runs; a wrong one raises
:class:`SpecError` naming the file, the key and what was expected.

>>> spec = parse_spec({"name": "nps", "department": "product", "survey": "NPS", "format": "csv",
...                    "path": "landing/nps/*.csv", "responded_at": "submitted",
...                    "account": {"email": "email"},
...                    "scores": [{"column": "nps", "metric": "nps", "scale": [0, 10]}]})
>>> spec.scores[0].higher_is_better
True
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

__all__ = [
    "SourceSpec",
    "Score",
    "Timestamp",
    "AccountColumns",
    "SpecExpectation",
    "Topic",
    "SpecError",
    "load_spec",
    "parse_spec",
    "explain_validation_error",
    "DEFAULT_MAX_REJECT_RATE",
]

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")

# A source whose share of rejected rows in one run exceeds this fails that run's validation check.
DEFAULT_MAX_REJECT_RATE = 0.05


class SpecError(ValueError):
    """A source spec that cannot be used; the message names the file, the key and what was expected."""

    def __init__(self, file: str | Path | None, key: str, expected: str):
        self.file, self.key, self.expected = (str(file) if file else "<spec>"), key, expected
        super().__init__(f"{self.file}: key '{key}': {expected}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Timestamp(_Strict):
    """When the customer responded. Without ``format`` ISO 8601 and common layouts are tried."""

    column: str
    timezone: str = "UTC"  # zone of values that carry no offset of their own
    format: str | list[str] | None = None  # strptime format(s), e.g. "%m/%d/%Y"
    # Times before this are misread, not old: a two-digit year read as "%Y" (8/25/22 as the year 22), a
    # spreadsheet's zero date (1899-12-30). Rows before it are rejected as responded_at_implausible.
    earliest: dt.date = dt.date(1990, 1, 1)

    @property
    def formats(self) -> list[str]:
        if self.format is None:
            return []
        return [self.format] if isinstance(self.format, str) else list(self.format)


class AccountColumns(_Strict):
    """The columns that name the customer; any of them may be absent.

    All absent is allowed: many Google Forms, Typeform and Microsoft Forms surveys ask nobody who they are.
    Their responses load with no account (``account_id`` empty), and ``sources check`` and the run say so.
    """

    name: str | None = None
    email: str | None = None
    crm_id: str | None = None

    @property
    def names_customer(self) -> bool:
        return bool(self.name or self.email or self.crm_id)


class Topic(_Strict):
    """The topic column; a multi-select answer is split on ``separator`` (JSON lists are read as lists)."""

    column: str
    separator: str | None = None


class Score(_Strict):
    """One score column, its metric and scale. ``values`` maps choice text to numbers, ``no_score`` lists the
    answers that carry none (``[-1, "N/A"]``)."""

    column: str
    metric: str
    scale: tuple[float, float]
    higher_is_better: bool = True
    values: dict[str, float] | None = None
    # Answers that mean "no score" (Qualtrics codes "N/A" / "no basis for evaluation" as -1): the response
    # loads without this metric instead of being rejected as off the scale.
    no_score: list[float | str] = Field(default_factory=list)

    @field_validator("metric")
    @classmethod
    def _metric_snake_case(cls, value: str) -> str:
        if not SNAKE_CASE.match(value):
            raise ValueError(f"a snake_case metric name, got {value!r}")
        return value

    @model_validator(mode="after")
    def _nps_is_zero_to_ten(self) -> Score:
        if self.metric == "nps" and tuple(self.scale) != (0, 10):
            raise ValueError(f"scale [0, 10] for metric nps (promoters 9-10, detractors 0-6), got {list(self.scale)}")
        return self

    @field_validator("scale")
    @classmethod
    def _scale_ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        if value[0] >= value[1]:
            raise ValueError(f"[min, max] with min < max, got {list(value)}")
        return value


# The expectations a spec may add, each with the arguments it takes (GX's success keys, less `mostly`).
# Each judges every row on its own: GX sees the staged rows in chunks and every row it reports is
# quarantined, so a check across rows (unique, increasing, not_be_outliers), over a whole column (mean, ...)
# or passing while some rows fail (`mostly`) would judge one chunk at a time. GX runs its LIKE-pattern
# checks on SQL only; `..._match_regex` does the same on our pandas chunks.
ROW_EXPECTATIONS: dict[str, frozenset[str]] = {
    "expect_column_values_to_be_between": frozenset({"min_value", "max_value", "strict_min", "strict_max"}),
    "expect_column_values_to_be_in_set": frozenset({"value_set"}),
    "expect_column_values_to_not_be_in_set": frozenset({"value_set"}),
    "expect_column_values_to_be_null": frozenset(),
    "expect_column_values_to_not_be_null": frozenset(),
    "expect_column_values_to_match_regex": frozenset({"regex"}),
    "expect_column_values_to_not_match_regex": frozenset({"regex"}),
    "expect_column_values_to_match_regex_list": frozenset({"regex_list", "match_on"}),
    "expect_column_values_to_not_match_regex_list": frozenset({"regex_list"}),
    "expect_column_values_to_match_strftime_format": frozenset({"strftime_format"}),
    "expect_column_values_to_be_dateutil_parseable": frozenset(),
    "expect_column_values_to_be_json_parseable": frozenset(),
    "expect_column_values_to_match_json_schema": frozenset({"json_schema"}),
    "expect_column_value_lengths_to_be_between": frozenset({"min_value", "max_value", "strict_min", "strict_max"}),
    "expect_column_value_lengths_to_equal": frozenset({"value"}),
}


class SpecExpectation(_Strict):
    """An extra Great Expectations check on one source column, e.g.
    ``{expect: expect_column_values_to_be_in_set, column: Region, kwargs: {value_set: [EMEA, AMER]}}``."""

    expect: str
    column: str
    kwargs: dict[str, Any] = Field(default_factory=dict)
    rule: str | None = None  # name in quarantine.rejects; defaults to the expectation's name
    expected: str | None = None  # what a failure message says was expected

    @field_validator("expect")
    @classmethod
    def _row_expectation(cls, value: str) -> str:
        if value not in ROW_EXPECTATIONS:
            raise ValueError(f"one of the expectations that judge each row on its own ({', '.join(ROW_EXPECTATIONS)}), "
                             f"got {value!r}: rows are validated in chunks and every row a check reports is "
                             "quarantined, so a check across rows or over a whole column would judge one chunk at a time")
        return value

    @field_validator("kwargs")
    @classmethod
    def _known_arguments(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        allowed = ROW_EXPECTATIONS.get(info.data.get("expect", ""), frozenset())
        if "mostly" in value:
            raise ValueError("'mostly' is not supported: every row that fails the check is quarantined")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ValueError(f"arguments of {info.data.get('expect')}: {sorted(allowed) or 'none'}, got {unknown}")
        return value

    @property
    def expectation_class(self) -> str:
        return "".join(part.capitalize() for part in self.expect.split("_"))


class SourceSpec(_Strict):
    """One survey source: where its files land, their format and how their columns map."""

    name: str
    department: str
    survey: str
    # What each response says about a deal: `lost` (a lost-business survey: every response is a lost deal,
    # counted in lost_reasons and at-risk signals), `won`, or none for surveys that are not about a deal.
    outcome: Literal["lost", "won"] | None = None
    format: str
    path: str
    id: str | None = None
    responded_at: Timestamp
    account: AccountColumns = Field(default_factory=AccountColumns)
    topic: Topic | None = None
    comment: str | None = None
    scores: list[Score] = Field(default_factory=list)
    attributes: list[str] = Field(default_factory=list)
    encoding: str | None = None
    # The format's reader options, as its connector's ``Options`` model declares them (checked by
    # warehouse.sources.check_spec, where the connector is known).
    options: dict[str, Any] = Field(default_factory=dict)
    max_reject_rate: float = Field(default=DEFAULT_MAX_REJECT_RATE, ge=0, le=1)
    expectations: list[SpecExpectation] = Field(default_factory=list)
    description: str | None = None

    @field_validator("name", "department", "format")
    @classmethod
    def _snake_case(cls, value: str) -> str:
        if not SNAKE_CASE.match(value):
            raise ValueError(f"a snake_case name, got {value!r}")
        return value

    @field_validator("responded_at", mode="before")
    @classmethod
    def _timestamp_shorthand(cls, value: Any) -> Any:
        return {"column": value} if isinstance(value, str) else value

    @field_validator("account", mode="before")
    @classmethod
    def _no_account_columns(cls, value: Any) -> Any:
        return {} if value is None else value  # `account:` left empty

    @field_validator("topic", mode="before")
    @classmethod
    def _topic_shorthand(cls, value: Any) -> Any:
        return {"column": value} if isinstance(value, str) else value

    @field_validator("path")
    @classmethod
    def _relative_path(cls, value: str) -> str:
        # Only landing/ holds exports: a glob reaching elsewhere would load the home's secrets or databases.
        parts = Path(value).parts
        if Path(value).is_absolute() or ".." in parts or parts[:1] != ("landing",) or len(parts) < 2 \
                or any(part.startswith(".") for part in parts):
            raise ValueError(f"a glob under landing/ relative to the home with no hidden part, "
                             f"e.g. landing/service/*.csv, got {value!r}")
        return value

    @model_validator(mode="after")
    def _metrics_unique(self) -> SourceSpec:
        metrics = [s.metric for s in self.scores]
        duplicates = sorted({m for m in metrics if metrics.count(m) > 1})
        if duplicates:
            raise ValueError(f"each metric once per source, got {duplicates} more than once")
        return self

    def mapped_columns(self) -> list[str]:
        """Every source column the spec reads, in a stable order."""
        names = [self.id, self.responded_at.column, self.account.name, self.account.email,
                 self.account.crm_id, self.topic.column if self.topic else None, self.comment,
                 *(s.column for s in self.scores), *self.attributes]
        return list(dict.fromkeys(n for n in names if n))

    @property
    def unattributed_warning(self) -> str | None:
        """What to tell the operator of a source whose responses name no customer."""
        if self.account.names_customer:
            return None
        return (f"source {self.name} names no customer column (`account:` has no name, email or crm_id): its "
                "responses load unattributed, with no account")

    def required_columns(self) -> list[str]:
        """Columns a file must have to be loaded at all (attributes may come and go)."""
        return [c for c in self.mapped_columns() if c not in self.attributes]


# pydantic's wording of what it wanted, as what a spec was expected to hold.
_WORDING = (("Input should be greater", "a number greater"), ("Input should be less", "a number less"),
            ("Input should be ", ""), ("String should have ", "a string with "),
            ("String should match ", "a string matching "), ("List should have ", "a list with "),
            ("Dictionary should have ", "a mapping with "))
_UNION_MEMBER = object()  # the next step of an error's location names a member of a union, not a key


def _step(annotation: Any, item: Any) -> Any:
    """The annotation of what ``item`` (a field, an index, a mapping's key) names inside ``annotation``."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        annotation = members[0] if len(members) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(item) if isinstance(item, str) else None
        annotation = field.annotation if field else None
    elif get_origin(annotation) in (list, tuple) and isinstance(item, int):
        annotation = get_args(annotation)[0]
    elif get_origin(annotation) is dict:
        annotation = get_args(annotation)[1]
    else:
        return None
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    several = get_origin(annotation) in (Union, UnionType) and len(
        [a for a in get_args(annotation) if a is not type(None)]) > 1
    return _UNION_MEMBER if several else annotation


def _key_of(error: dict[str, Any], model: type[BaseModel]) -> str:
    """The key as a spec writes it (``scores[0].no_score[1]``), without the steps pydantic adds: a union's
    member (``format.str``), a validator (``function-after``), a mapping's key (``[key]``)."""
    parts: list[str] = []
    annotation: Any = model
    for item in error["loc"]:
        if annotation is _UNION_MEMBER:
            annotation = None
        elif item in ("function-after", "function-before", "[key]"):
            continue
        elif isinstance(item, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{item}]"]
        else:
            parts.append(str(item))
        if annotation is not None:
            annotation = _step(annotation, item)
    return ".".join(parts) or "<root>"


def _wanted(error: dict[str, Any]) -> str:
    message = error["msg"]
    for prefix, wording in _WORDING:
        if message.startswith(prefix):
            return wording + message.removeprefix(prefix)
    return message[0].lower() + message[1:]


def _expected_of(errors: list[dict[str, Any]]) -> str:
    """What was expected at the first error's key; a union's members each add what they would take."""
    first = errors[0]
    if first["type"] == "missing":
        return "is required"
    if first["type"] == "extra_forbidden":
        return "is not a known key (check its spelling)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "value_error":
        return message if message.startswith("expected") else f"expected {message}"
    wanted = " or ".join(dict.fromkeys(_wanted(e) for e in errors if e["type"] != "value_error"))
    return f"expected {wanted}, got {first.get('input')!r}"


def explain_validation_error(exc: ValidationError, model: type[BaseModel]) -> tuple[str, str]:
    """The key of the first error ``model`` found (``scores[0].scale``) and what was expected there."""
    errors = exc.errors()
    key = _key_of(errors[0], model)
    return key, _expected_of([e for e in errors if _key_of(e, model) == key])


def parse_spec(data: Any, file: str | Path | None = None) -> SourceSpec:
    """Validate an already parsed spec mapping.

    ``options`` is checked only as a mapping here: which options a format takes is its connector's to say
    (``warehouse.sources.check_spec`` checks them), and this package imports no connector.
    """
    if not isinstance(data, dict):
        raise SpecError(file, "<root>", f"expected a mapping of keys, got {type(data).__name__}")
    try:
        spec = SourceSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(file, *explain_validation_error(exc, SourceSpec)) from None
    if spec.id and spec.id == spec.account.email:  # source_response_id is published, addresses never are
        raise SpecError(file, "id", f"expected a response id column other than the e-mail column {spec.id!r} "
                                    "(account.email), whose addresses must not be published; omit id to identify "
                                    "responses by their content")
    return spec


def load_spec(path: str | Path) -> SourceSpec:
    """Read and validate one YAML spec file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "<root>"
        raise SpecError(path, where, f"expected valid YAML: {getattr(exc, 'problem', exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(path, "<file>", f"expected a readable UTF-8 file: {exc}") from None
    return parse_spec(data, path)
