"""Which source specs a home uses: its own ``sources/*.yaml``, else the built-in seed silos."""

from __future__ import annotations

from pathlib import Path

from connectors import available_formats
from schemas import builtin_sources_dir
from schemas.spec import SourceSpec, SpecError, load_spec

from warehouse.home import Home

__all__ = ["load_sources", "spec_files", "check_spec"]


def spec_files(home: Home) -> list[Path]:
    """The home's spec files, or the built-in ones when it has none."""
    own = sorted(home.sources.glob("*.yaml")) + sorted(home.sources.glob("*.yml"))
    return own or sorted(builtin_sources_dir().glob("*.yaml"))


def check_spec(spec: SourceSpec, file: Path) -> SourceSpec:
    """Checks that need more than the spec itself: the format must have a connector."""
    if spec.format not in available_formats():
        raise SpecError(file, "format", f"expected one of {sorted(available_formats())}, got {spec.format!r}")
    return spec


def load_sources(home: Home) -> list[SourceSpec]:
    """Every spec of the home, validated; refuses the lot if any one is wrong."""
    specs = [check_spec(load_spec(path), path) for path in spec_files(home)]
    seen: dict[str, SourceSpec] = {}
    for path, spec in zip(spec_files(home), specs):
        if spec.name in seen:
            raise SpecError(path, "name", f"expected a unique source name, {spec.name!r} is used twice")
        seen[spec.name] = spec
    return specs
