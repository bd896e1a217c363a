"""The per-home salt behind respondent_hash."""

from __future__ import annotations

import stat

from warehouse.home import Home
from warehouse.privacy import pii_salt


def test_salt_is_generated_once_and_readable_by_its_owner_only(home: Home, monkeypatch) -> None:
    monkeypatch.delenv("SILOBRIDGE_PII_SALT", raising=False)
    salt = pii_salt(home)
    assert len(salt) == 64 and pii_salt(home) == salt
    assert stat.S_IMODE((home.secrets / "pii_salt").stat().st_mode) == 0o600
    assert stat.S_IMODE(home.secrets.stat().st_mode) == 0o700


def test_salt_from_the_environment_wins(home: Home, monkeypatch) -> None:
    monkeypatch.setenv("SILOBRIDGE_PII_SALT", "from-env")
    assert pii_salt(home) == "from-env"
    assert not (home.secrets / "pii_salt").exists()
