"""The per-home secret salt that turns e-mail addresses into ``respondent_hash``."""

from __future__ import annotations

import os
import secrets

from warehouse.home import Home

__all__ = ["pii_salt"]


def pii_salt(home: Home) -> str:
    """``$SILOBRIDGE_PII_SALT``, else the home's own salt, generated once and readable by its owner only."""
    if os.environ.get("SILOBRIDGE_PII_SALT"):
        return os.environ["SILOBRIDGE_PII_SALT"]
    path = home.secrets / "pii_salt"
    if not path.exists():
        home.secrets.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
