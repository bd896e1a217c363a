"""The home directory: where every piece of silobridge's state lives.

``--home DIR``, else ``$SILOBRIDGE_HOME``, else ``$XDG_DATA_HOME/silobridge``
(``~/.local/share/silobridge``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Home", "resolve_home"]


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def pipeline_db(self) -> Path:
        return self.root / "pipeline.duckdb"

    @property
    def warehouse_db(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def dagster(self) -> Path:
        return self.root / ".dagster"

    @property
    def secrets(self) -> Path:
        return self.root / ".secrets"

    @property
    def accounts(self) -> Path:
        return self.root / "accounts"

    def create(self) -> Home:
        for folder in (self.root, self.sources, self.landing, self.reports, self.dagster):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Home:
    """The home named on the command line, else by the environment, else the default."""
    if explicit:
        return Home(Path(explicit).expanduser().resolve())
    if os.environ.get("SILOBRIDGE_HOME"):
        return Home(Path(os.environ["SILOBRIDGE_HOME"]).expanduser().resolve())
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return Home((data_home / "silobridge").resolve())
