"""Propose a source spec from a sample export: ``silobridge sources infer FILE --format FORMAT``.

The file is read through its format's connector, its first rows profiled in DuckDB, each column given
a role by typed rules, and the result written as YAML with a comment beside every key; what the
rules are unsure of is marked ``# guess:``. The text always parses as a valid spec.

>>> from pathlib import Path
>>> inferred = infer_spec(Path("tests/connector_formats/samples/surveymonkey.csv"), "surveymonkey_csv")
>>> inferred.spec.id, inferred.spec.responded_at.column
('Respondent ID', 'End Date')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from schemas.spec import SourceSpec, parse_spec

from warehouse.inference.profile import SAMPLE_ROWS, FileProfile, profile_file
from warehouse.inference.propose import InferenceError, Proposal, default_name, propose
from warehouse.inference.yaml_text import render
from warehouse.sources import check_spec

__all__ = ["InferredSpec", "InferenceError", "infer_spec", "default_name", "SAMPLE_ROWS"]


@dataclass(frozen=True)
class InferredSpec:
    """A proposed spec: its YAML text (with comments), the validated spec, and the notes behind it."""

    text: str
    spec: SourceSpec
    proposal: Proposal
    profile: FileProfile


def infer_spec(file: Path, fmt: str, name: str | None = None, encoding: str | None = None,
               options: dict[str, Any] | None = None) -> InferredSpec:
    """Propose a spec for exports like ``file``. Raises ConnectorError (unreadable) or InferenceError."""
    profile = profile_file(Path(file), fmt, encoding, options)
    if profile.n_rows == 0:
        raise InferenceError(f"{Path(file).name} has no responses to learn from "
                             f"({sum(profile.reader_rejects.values())} record(s) set aside by the reader)")
    proposal = propose(profile, name)
    proposal.header[:] = _header(profile, proposal)
    text = render(proposal)
    file = Path(f"{proposal.spec['name']}.yaml")
    return InferredSpec(text, check_spec(parse_spec(yaml.safe_load(text), file), file), proposal, profile)


def _header(profile: FileProfile, proposal: Proposal) -> list[str]:
    sampled = (f"{profile.n_profiled:,} of {profile.n_rows:,} responses" if profile.n_profiled < profile.n_rows
               else f"{profile.n_rows:,} response(s)")
    guesses = len(proposal.guesses)
    return [f"Proposed by `silobridge sources infer` from {profile.file.name} ({profile.format}), {sampled} profiled.",
            f"Header: {profile.layout}.",
            f"Review the {guesses} line(s) marked 'guess', save as <home>/sources/{proposal.spec['name']}.yaml,"
            if guesses else f"Save as <home>/sources/{proposal.spec['name']}.yaml,",
            f"and dry-run it: silobridge sources check {proposal.spec['name']}.yaml {profile.file.name}"]
