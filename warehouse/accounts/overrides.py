"""A data steward's overrides: ``<home>/accounts/overrides.yaml``.

Overrides win over every kind of evidence, and the mentions they move show ``match_method = override``::

    merge:                          # each rule: every account holding a selected mention becomes one
      - [{account_id: acc_1a2b3c4d5e6f7a8b}, {name: "Acme Holdings"}]
      - [{crm_id: 0015g00000Xyz12}, {domain: acme-group.de}]
    split:                          # each rule: the selected mentions leave their account, as one of their own
      - [{name: "Globex Capital Partners"}]

A selector is ``account_id`` (an id as published), ``name`` (any spelling: it is normalised like the
mentions), ``domain`` or ``crm_id`` (15 or 18 characters). Splits apply before merges.

>>> Overrides.from_mapping({"split": [[{"name": "Globex Capital"}]]}).rows
(('split', 1, 'name', 'Globex Capital'),)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import yaml

__all__ = ["Overrides", "OverridesError", "SELECTOR_KINDS"]

SELECTOR_KINDS = ("account_id", "name", "domain", "crm_id")
_RULE_KINDS = ("merge", "split")


class OverridesError(ValueError):
    """The overrides file is not as documented (the message names the rule and what was expected)."""


@dataclass(frozen=True)
class Overrides:
    rows: tuple[tuple[str, int, str, str], ...] = ()  # (rule_kind, rule_no, selector_kind, selector_value)

    @classmethod
    def load(cls, path: Path) -> Overrides:
        """The overrides in ``path``; none when the file does not exist."""
        if not path.exists():
            return cls()
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise OverridesError(f"{path}: not valid YAML: {error}") from error
        return cls.from_mapping(document, str(path))

    @classmethod
    def from_mapping(cls, document: object, origin: str = "overrides") -> Overrides:
        if not isinstance(document, dict) or set(document) - set(_RULE_KINDS):
            raise OverridesError(f"{origin}: expected a mapping with the keys {' and '.join(_RULE_KINDS)}")
        rows = []
        for kind in _RULE_KINDS:
            for number, rule in enumerate(document.get(kind) or [], start=1):
                where = f"{origin}: {kind} rule {number}"
                rows.extend((kind, number, selector, value) for selector, value in _selectors(rule, where))
        return cls(tuple(rows))

    def register(self, connection: duckdb.DuckDBPyConnection) -> None:
        """The rules as the temp table ``resolver_override_input``."""
        columns = list(zip(*self.rows)) if self.rows else [[], [], [], []]
        table = pa.table({"rule_kind": pa.array(columns[0], pa.string()), "rule_no": pa.array(columns[1], pa.int64()),
                          "selector_kind": pa.array(columns[2], pa.string()),
                          "selector_value": pa.array(columns[3], pa.string())})
        connection.register("resolver_override_rows", table)
        try:
            connection.execute("create or replace temp table resolver_override_input as "
                               "select * from resolver_override_rows")
        finally:
            connection.unregister("resolver_override_rows")


def _selectors(rule: object, where: str) -> list[tuple[str, str]]:
    items = [rule] if isinstance(rule, dict) else rule
    if not isinstance(items, list) or not items:
        raise OverridesError(f"{where}: expected a list of selectors like {{name: Acme Corp}}")
    out = []
    for item in items:
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in SELECTOR_KINDS:
            raise OverridesError(f"{where}: expected one of {', '.join(SELECTOR_KINDS)} per selector, got {item!r}")
        kind, value = next(iter(item.items()))
        if value is None or not str(value).strip():
            raise OverridesError(f"{where}: {kind} is empty")
        out.append((kind, str(value)))
    return out
