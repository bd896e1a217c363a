"""Deterministic account resolution: each kind of evidence, and what is never evidence."""

from __future__ import annotations

import pyarrow as pa
import pytest

from warehouse.accounts import resolve_mentions
from warehouse.db import connect, scalar

MENTION_COLUMNS = ["mention_id", "source", "account_name", "email_domain", "crm_id"]


def resolve(rows: list[tuple]) -> dict[str, tuple]:
    connection = connect(":memory:")
    try:
        connection.register("input_mentions", pa.table(dict(zip(MENTION_COLUMNS, map(list, zip(*rows))))))
        out = resolve_mentions(connection, "select *, 1 as weight from input_mentions")
    finally:
        connection.close()
    return {r["mention_id"]: (r["account_id"], r["match_method"], r["confidence"]) for r in out.to_pylist()}


@pytest.mark.parametrize(("a", "b"), [
    ("ACME Corp.", "acme corporation"),
    ("The Acme Company", "ACME"),
    ("Société Générale S.A.", "societe generale"),
    ("Müller & Söhne GmbH & Co. KG", "Muller and Sohne"),
    ("Globex, Inc.", "GLOBEX INC"),
    ("Nakatomi 株式会社", "Nakatomi"),
])
def test_spellings_of_one_name_are_one_account(a: str, b: str) -> None:
    out = resolve([("1", "s", a, None, None), ("2", "t", b, None, None)])
    assert out["1"][0] == out["2"][0] and out["1"][1] == "exact_name"


@pytest.mark.parametrize(("a", "b"), [
    ("Globex Corporation", "Globex Capital Partners"),
    ("Acme Corp", "Acme Logistics GmbH"),
    ("Initech", "Initrode"),
])
def test_different_companies_stay_apart(a: str, b: str) -> None:
    out = resolve([("1", "s", a, None, None), ("2", "t", b, None, None)])
    assert out["1"][0] != out["2"][0]


def test_fifteen_and_eighteen_character_crm_ids_are_one_record() -> None:
    out = resolve([("1", "crm", "Alpha", None, "0015g00000Xyz12"), ("2", "crm", "Beta", None, "0015g00000Xyz12AAB"),
                   ("3", "crm", "Gamma", None, "0015G00000XYZ12AAB".lower())])
    assert out["1"][0] == out["2"][0] == out["3"][0]
    assert out["1"][1:] == ("crm_id", 1.0)


def test_corporate_domain_links_but_free_mail_does_not() -> None:
    out = resolve([("1", "s", "Alpha", "alpha.io", None), ("2", "t", "Alpha Europe", "alpha.io", None),
                   ("3", "s", "Beta", "gmail.com", None), ("4", "t", "Gamma", "gmail.com", None),
                   ("5", "t", "Delta", "web.de", None), ("6", "t", "Epsilon", "orange.fr", None)])
    assert out["1"][0] == out["2"][0] and out["2"][1] == "domain"
    assert len({out[i][0] for i in "3456"}) == 4


def test_a_mention_without_evidence_has_no_account() -> None:
    out = resolve([("1", "s", None, "gmail.com", None), ("2", "s", "  ", None, "")])
    assert out["1"][0] is None and out["2"][0] is None


def test_account_ids_are_stable_when_new_mentions_arrive() -> None:
    first = resolve([("1", "crm", "Alpha", None, "0015g00000Xyz12"), ("2", "s", "Beta", "beta.com", None)])
    second = resolve([("9", "s", "alpha inc", None, None), ("1", "crm", "Alpha", None, "0015g00000Xyz12"),
                      ("2", "s", "Beta", "beta.com", None), ("3", "t", "Zeta", None, None)])
    assert first["1"][0] == second["1"][0] == second["9"][0]
    assert first["2"][0] == second["2"][0]


def test_crm_macros_round_trip() -> None:
    connection = connect(":memory:")
    try:
        assert scalar(connection, "select sb_crm18('0015g00000Xyz12')") == "0015g00000Xyz12AAB"
        assert scalar(connection, "select sb_crm_key(lower('0015g00000Xyz12AAB'))") == "0015g00000Xyz12"
    finally:
        connection.close()


def test_a_domain_many_companies_share_is_no_evidence() -> None:
    # hotmail.es is on no free-mail list here: the mentions themselves show it is not one company's domain.
    names = ["Alfa Logistica", "Beta Seguros", "Gamma Textil", "Delta Foods", "Epsilon Bank", "Zeta Motors"]
    out = resolve([(str(i), "s", name, "hotmail.es", None) for i, name in enumerate(names)])
    assert len({out[str(i)][0] for i in range(len(names))}) == len(names)
    assert all(out[str(i)][1] == "exact_name" for i in range(len(names)))


def test_a_company_domain_links_its_spellings_and_typos() -> None:
    rows = [("1", "s", "Acme", "acme.io", None), ("2", "s", "ACME", "acme.io", None),
            ("3", "t", "Acme Corp", "acme.io", None), ("4", "t", "Acem", "acme.io", None),
            ("5", "t", None, "acme.io", None), ("6", "u", "Acme Inc.", "acme.io", None)]
    out = resolve(rows)
    assert len({out[r[0]][0] for r in rows}) == 1
