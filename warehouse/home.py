"""The home directory: where every piece of silobridge's state lives, and its settings.

``--home DIR``, else ``$SILOBRIDGE_HOME``, else ``$XDG_DATA_HOME/silobridge``
(``~/.local/share/silobridge``). Settings of the home are in ``<home>/silobridge.yaml`` (optional):

>>> HomeSettings.model_validate({"raw_retention_days": 90}).raw_retention_days
90
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["Home", "HomeSettings", "SettingsError", "resolve_home", "owner_only_files"]


class SettingsError(ValueError):
    """``silobridge.yaml`` cannot be used; the message names the file, the key and what was expected."""


class HomeSettings(BaseModel):
    """What ``<home>/silobridge.yaml`` may set; every key is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Raw rows of loaded files older than this many days are deleted from the raw layer (meta.files keeps
    # each file's record). None keeps raw rows forever, so --full-refresh can replay every file.
    raw_retention_days: int | None = Field(default=None, ge=0)
    # DuckDB's memory for the pipeline database, e.g. "1GB" or "512MB". Its default (80% of RAM) kept every
    # staged row and the buffer pool in memory (8 GiB at 5M responses); bounded, it spills to duckdb_temp.
    duckdb_memory_limit: str = Field(default="1GB", pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")
    # The built-in specs of the seed silos are used when the home declares no source of its own; true keeps
    # them next to the home's own specs (false: a home's first spec replaces them, and the run says so).
    builtin_sources: bool = False


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

    @property
    def duckdb_temp(self) -> Path:
        """Where DuckDB spills what does not fit in ``duckdb_memory_limit``."""
        return self.root / ".duckdb_tmp"

    @property
    def settings_file(self) -> Path:
        return self.root / "silobridge.yaml"

    def settings(self) -> HomeSettings:
        """The home's settings; defaults when it has no ``silobridge.yaml``."""
        import yaml

        if not self.settings_file.is_file():
            return HomeSettings()
        try:
            return HomeSettings.model_validate(yaml.safe_load(self.settings_file.read_text(encoding="utf-8")) or {})
        except yaml.YAMLError as error:
            raise SettingsError(f"{self.settings_file}: not valid YAML: {error}") from None
        except ValidationError as error:
            first = error.errors()[0]
            key = ".".join(str(part) for part in first["loc"]) or "<top>"
            raise SettingsError(f"{self.settings_file}: key '{key}': {first['msg']}, "
                                f"got {first.get('input')!r}") from None

    def create(self) -> Home:
        """Create the home's folders, readable by its owner only: the home holds raw PII (pipeline.duckdb,
        quarantine, Dagster's logs)."""
        for folder in (self.root, self.sources, self.landing, self.reports, self.dagster):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.root.chmod(0o700)  # a home created earlier, or by another tool, is closed too
        return self


def owner_only_files() -> None:
    """Files and folders this process creates from now on are its owner's only (umask 077)."""
    os.umask(0o077)


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Home:
    """The home named on the command line, else by the environment, else the default."""
    if explicit:
        return Home(Path(explicit).expanduser().resolve())
    if os.environ.get("SILOBRIDGE_HOME"):
        return Home(Path(os.environ["SILOBRIDGE_HOME"]).expanduser().resolve())
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return Home((data_home / "silobridge").resolve())
