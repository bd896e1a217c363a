"""Which source specs a home uses: its own ``sources/*.yaml``, else the built-in seed silos.

The built-in specs of the seed silos are used when the home declares no source of its own, or next to
its own when ``silobridge.yaml`` says ``builtin_sources: true``. A home that declares its own sources
without that switch no longer loads the seed silos: :attr:`HomeSources.builtin_unused` names them, so
``sources list`` and ``run`` can say so instead of dropping them silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from connectors import OptionsError, available_formats, parse_options
from schemas import builtin_sources_dir
from schemas.spec import SourceSpec, SpecError, load_spec

from warehouse.home import Home

__all__ = ["HomeSources", "read_sources", "load_sources", "spec_files", "check_spec"]


@dataclass(frozen=True)
class HomeSources:
    """The usable specs of a home, the spec files that cannot be used, and the seed silos left out."""

    specs: list[SourceSpec] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # the file of each spec, in the same order
    errors: list[SpecError] = field(default_factory=list)
    builtin_unused: list[str] = field(default_factory=list)  # seed silos the home's own specs replace

    @property
    def origin(self) -> str:
        """'built-in', 'home' or 'home and built-in': whose specs are used."""
        builtin = [f for f in self.files if f.parent == builtin_sources_dir()]
        if not builtin:
            return "home"
        return "built-in" if len(builtin) == len(self.files) and not self.errors else "home and built-in"


def _own_spec_files(home: Home) -> list[Path]:
    return sorted(home.sources.glob("*.yaml")) + sorted(home.sources.glob("*.yml"))


def _builtin_spec_files() -> list[Path]:
    return sorted(builtin_sources_dir().glob("*.yaml"))


def spec_files(home: Home) -> list[Path]:
    """The spec files the home uses: its own, plus the built-in ones when it has none or asks for them."""
    own = _own_spec_files(home)
    if not own or home.settings().builtin_sources:
        return own + _builtin_spec_files()
    return own


def check_spec(spec: SourceSpec, file: Path) -> SourceSpec:
    """Checks that need the format's connector: it must exist, and take the spec's ``options``."""
    if spec.format not in available_formats():
        raise SpecError(file, "format", f"expected one of {sorted(available_formats())}, got {spec.format!r}")
    try:
        parse_options(spec.format, spec.options)
    except OptionsError as error:
        raise SpecError(file, error.key, error.expected) from None
    return spec


def read_sources(home: Home) -> HomeSources:
    """Every spec of the home that can be used, and an error for each one that cannot.

    One wrong spec does not stop the others: the run loads every good source and fails the wrong one
    with its message. A home's own spec wins over a built-in one of the same name.
    """
    specs: list[SourceSpec] = []
    files: list[Path] = []
    errors: list[SpecError] = []
    for path in spec_files(home):
        try:
            spec = check_spec(load_spec(path), path)
        except SpecError as error:
            errors.append(error)
            continue
        if spec.name in {s.name for s in specs}:
            if path.parent != builtin_sources_dir():
                errors.append(SpecError(path, "name", f"expected a unique source name, {spec.name!r} is used twice"))
            continue
        specs.append(spec)
        files.append(path)
    return HomeSources(specs, files, errors, _builtin_unused(home, specs))


def _builtin_unused(home: Home, specs: list[SourceSpec]) -> list[str]:
    if spec_files(home) != _own_spec_files(home):
        return []
    used = {spec.name for spec in specs} | {path.stem for path in _own_spec_files(home)}  # a broken copy counts
    return [path.stem for path in _builtin_spec_files() if path.stem not in used]


def load_sources(home: Home) -> list[SourceSpec]:
    """Every spec of the home, validated; refuses the lot if any one is wrong (``sources check``, tests)."""
    sources = read_sources(home)
    if sources.errors:
        raise sources.errors[0]
    return sources.specs
