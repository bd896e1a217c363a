"""Write a proposed spec as YAML text with comments: a note beside each key, ``# guess:`` where unsure.

PyYAML cannot write comments, so the text is put together here, in the layout of the built-in specs
(flow mappings on one line, lists one item per line). Every scalar is written plain only when YAML
reads it back as the same string, else double-quoted; :func:`render` then parses the whole text
again and refuses to return anything that does not read back as the proposal's data.

>>> scalar("Response ID"), scalar("Q3: recommend?"), scalar("yes"), scalar(10)
('Response ID', '"Q3: recommend?"', '"yes"', '10')
"""

from __future__ import annotations

import json
import math
from typing import Any

import yaml

from warehouse.inference.propose import Note, Proposal

__all__ = ["render", "scalar", "comment"]

# Keys in the order a reader expects them; a note on an absent key is printed where it would be.
KEY_ORDER = ("name", "department", "survey", "format", "path", "encoding", "options", "id", "responded_at",
             "account", "topic", "comment", "scores", "attributes", "max_reject_rate")


def scalar(value: Any) -> str:
    """One YAML scalar that reads back as ``value`` in block and flow context alike."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"no YAML for {value!r} in a spec")
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value)
    if _reads_plain(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars
    return quoted if _reads_back(quoted, text) else json.dumps(text)


def _reads_plain(text: str) -> bool:
    if not text or text != text.strip() or any(c in text for c in "#,;[]{}\n\r\t\"'`&*!|>%@?:\\"):
        return False
    return _reads_back(text, text)


def _reads_back(written: str, text: str) -> bool:
    try:
        return yaml.safe_load(f"k: {written}") == {"k": text} and yaml.safe_load(f"[{written}]") == [text]
    except yaml.YAMLError:
        return False


def flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def comment(note: Note | None) -> str:
    """A note as an end-of-line comment (one line: line breaks in question texts become spaces)."""
    if note is None:
        return ""
    text = " ".join(note.text.split())
    return f"  # {'guess: ' if note.guess else ''}{text}"


def _key_lines(proposal: Proposal, key: str) -> list[str]:
    value = proposal.spec[key]
    note = proposal.notes.get(key)
    if key in ("scores", "attributes") and isinstance(value, list):
        lines = [f"{key}:"]
        for i, item in enumerate(value):
            lines.extend(_item_lines(item, proposal.notes.get(f"{key}[{i}]")))
        return lines
    return [f"{scalar(key)}: {flow(value)}{comment(note)}"]


def _item_lines(item: Any, note: Note | None) -> list[str]:
    if isinstance(item, dict) and "values" in item:  # a mapping of answer texts reads better as a block
        first, *rest = item.items()
        lines = [f"  - {scalar(first[0])}: {flow(first[1])}{comment(note)}"]
        lines.extend(f"    {scalar(k)}: {flow(v)}" for k, v in rest if k != "values")
        lines.append("    values:")
        lines.extend(f"      {scalar(k)}: {flow(v)}" for k, v in item["values"].items())
        return lines
    return [f"  - {flow(item)}{comment(note)}"]


def _absent_line(key: str, note: Note, present: bool) -> str:
    text = " ".join(note.text.split())
    return f"#{' guess:' if note.guess else ''} {'' if present else key + ': '}{text}"


def render(proposal: Proposal) -> str:
    """The proposal as YAML text; reading it back gives exactly ``proposal.spec``."""
    lines = [f"# {line}" if line else "#" for line in proposal.header]
    keys = [k for k in KEY_ORDER if k in proposal.spec or k in proposal.absent]
    keys += [k for k in proposal.spec if k not in keys]
    for key in keys:
        if key in proposal.spec:
            lines.extend(_key_lines(proposal, key))
        if key in proposal.absent:
            lines.append(_absent_line(key, proposal.absent[key], key in proposal.spec))
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != proposal.spec:
        raise AssertionError(f"the proposed spec does not read back as written:\n{text}")
    return text
