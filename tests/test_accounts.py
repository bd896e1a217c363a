"""Account resolution: normalisation, each kind of evidence, what is never evidence, anti-chaining, fuzzy
names, overrides and stable ids (real DuckDB, through ``resolve_mentions``)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from warehouse.accounts import FuzzyNameMatch, Overrides, OverridesError, ResolverSettings, resolve_mentions
from warehouse.accounts.resolve import legal_suffix_pattern
from warehouse.db import connect, run_sql, scalar

MENTION_COLUMNS = ["mention_id", "source", "account_name", "email_domain", "crm_id"]


def resolve(rows: list[tuple], overrides: Overrides | None = None, previous: dict[str, str] | None = None,
            settings: ResolverSettings = ResolverSettings(), changes: list | None = None) -> dict[str, tuple]:
    connection = connect(":memory:")
    try:
        connection.register("input_mentions", pa.table(dict(zip(MENTION_COLUMNS, map(list, zip(*rows))))))
        previous_sql = None
        if previous:
            connection.register("previous_ids", pa.table({"mention_id": list(previous), "account_id": list(previous.values())}))
            previous_sql = "select * from previous_ids"
        out = resolve_mentions(connection, "select *, 1 as weight from input_mentions", settings, overrides, previous_sql)
        if changes is not None:
            changes.extend(connection.execute("select change_kind, previous_account_id, account_id from resolver_changes "
                                              "order by all").fetchall())
    finally:
        connection.close()
    return {r["mention_id"]: (r["account_id"], r["match_method"], r["confidence"]) for r in out.to_pylist()}


def name_key(name: str) -> str:
    connection = connect(":memory:")
    try:
        run_sql(connection, "accounts/sql/create_resolver_macros.sql")
        return scalar(connection, "select sb_name_key(sb_clean_name($n), $p)", {"n": name, "p": legal_suffix_pattern()})
    finally:
        connection.close()


@pytest.mark.parametrize(("name", "key"), [
    ("ACME Corp.", "acme"),
    ("The Acme Company", "acme"),
    ("Großmann Bau GmbH", "grossmann bau"),
    ("Müller & Söhne GmbH & Co. KG", "muller and sohne"),
    ("Mueller und Soehne", "muller and sohne"),
    ("Øresund Shipping A/S", "oresund shipping"),
    ("Kjær Teknik ApS", "kjar teknik"),
    ("Tōyō Shōji Co., Ltd.", "toyo shoji"),
    ("Touyou Shouji K.K.", "toyo shoji"),
    ("Nordic Steel AB (publ)", "nordic steel"),
    ("Acme L.L.C.", "acme"),
    ("Henkel AG & Co. KGaA", "henkel"),
    ("Rossi S.p.A.", "rossi"),
    ("Verein Hilfe e. V.", "verein hilfe"),
    ("Peña Construcciones S.L.U.", "pena construcciones"),
    ("Sol y Mar S.A.", "sol and mar"),
    ("Société Générale Société Anonyme", "societe generale"),
    ("Bełchatów Energia Sp. z o.o.", "belchatow energia"),
    ("Takahashi Kabushiki Kaisha", "takahashi"),
    ("AB", "ab"),  # a name that is only a legal form keeps it
])
def test_normalised_name_keys(name: str, key: str) -> None:
    assert name_key(name) == key


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


CRM_A, CRM_B = "0015g00000Aaa11", "0015g00000Bbb22"


@pytest.mark.parametrize(("a", "b"), [
    ("Globex Corporation", "Globex Capital Partners"),
    ("Nordic Steel AB", "Nordic Steel Trading AB"),
    ("Acme Corp", "Acme Logistics GmbH"),
    ("Initech Inc.", "Initrode Inc."),
    ("Acme Corp", "Acne Corp"),  # one letter apart, but both are placed by their own CRM record
])
def test_look_alikes_with_their_own_evidence_stay_apart(a: str, b: str) -> None:
    out = resolve([("1", "crm", a, None, CRM_A), ("2", "crm", b, None, CRM_B),
                   ("3", "s", a, "gmail.com", None), ("4", "s", b, None, None)])
    assert out["1"][0] == out["3"][0] != out["2"][0] == out["4"][0]


@pytest.mark.parametrize(("placed", "typed", "method"), [
    ("Acme Corporation", "Acme Corporatoin", "fuzzy_name"),     # transposed letters
    ("Nordic Steel Elektro AG", "Nordic Stel Elektro AG", "fuzzy_name"),  # a letter dropped
    ("Initech Inc.", "Initech Inxc.", "fuzzy_name"),            # a slip in the legal form
    ("Peña Construcciones S.L.", "Penya Construcciones", "fuzzy_name"),  # ñ written ny
    ("Globex Corporation", "Gloex Corporation", "fuzzy_name"),  # a typo that makes a digraph ("oe")
    ("Globex Corporation", "GLOBEX CORP", "exact_name"),
])
def test_typos_join_the_account_their_name_is_placed_in(placed: str, typed: str, method: str) -> None:
    out = resolve([("1", "crm", placed, None, CRM_A), ("2", "crm", placed, None, CRM_A),
                   ("3", "service", typed, None, None)])
    assert out["3"][0] == out["1"][0] and out["3"][1] == method
    assert 0 < out["3"][2] <= 0.9


def test_short_names_are_never_matched_fuzzily() -> None:
    out = resolve([("1", "crm", "Acme", None, CRM_A), ("2", "s", "Acne", None, None)])
    assert out["1"][0] != out["2"][0]
    strict = resolve([("1", "crm", "Acme Corporation", None, CRM_A), ("2", "s", "Acme Corporatoin", None, None)],
                     settings=ResolverSettings(fuzzy=FuzzyNameMatch(max_edits=0)))
    assert strict["1"][0] != strict["2"][0]


def test_a_typo_between_two_customers_joins_neither() -> None:
    out = resolve([("1", "crm", "Nordic Steel", None, CRM_A), ("2", "crm", "Nordic Steal", None, CRM_B),
                   ("3", "s", "Nordic Stel", None, None)])
    assert len({out[i][0] for i in "123"}) == 3 and out["3"][1] == "exact_name"


def test_a_fuzzy_match_is_never_followed_beyond_the_edit_budget() -> None:
    # Hartmat -> Hartman -> Hartmann: each one edit, but Hartmat is two edits from the CRM account.
    crm = [(f"c{i}", "crm", "Hartmann Logistics", None, CRM_A) for i in range(5)]
    near = [(f"n{i}", "s", "Hartman Logistics", None, None) for i in range(3)]
    out = resolve([*crm, *near, ("far", "s", "Hartmat Logistics", None, None)])
    assert out["n0"][0] == out["c0"][0] and out["n0"][1] == "fuzzy_name"
    assert out["far"][0] != out["c0"][0] and out["far"][1] == "exact_name"


def test_duplicate_crm_records_of_one_company_are_one_account() -> None:
    # Two Salesforce records of Acme (a duplicate the CRM never merged), both living at acme.com.
    rows = [("1", "crm", "Acme", "acme.com", CRM_A), ("2", "crm", "ACME Corporation", "acme.com", CRM_B),
            ("3", "s", "Acme", "acme.com", None), ("4", "s", None, "acme.com", None),
            ("5", "s", "Acme Corp", None, CRM_B), ("6", "crm", "Acme", "acme.com", CRM_A)]
    out = resolve(rows)
    assert len({out[str(i)][0] for i in range(1, 7)}) == 1
    assert out["4"][1] == "domain" and out["2"][1] == "crm_id"


def test_crm_records_of_different_companies_are_never_chained_by_a_shared_domain_or_name() -> None:
    # An ISP's domain two CRM customers use, and a name both records are seen with once.
    rows = [("1", "crm", "Stosyn", "hccnet.nl", CRM_A), ("2", "crm", "Veldhuis", "hccnet.nl", CRM_B),
            ("3", "crm", "Stosyn", None, CRM_A), ("4", "crm", "Veldhuis", None, CRM_B),
            ("5", "s", "Stosyn", "hccnet.nl", None), ("6", "s", "Veldhuis", "hccnet.nl", None)]
    out = resolve(rows)
    assert out["1"][0] == out["3"][0] == out["5"][0] != out["2"][0] == out["4"][0] == out["6"][0]


def test_a_domain_follows_the_crm_record_that_dominates_it() -> None:
    # A contact of another customer (Hooli) filed with an acme.com address does not take the domain.
    rows = [(str(i), "crm", "Acme", "acme.com", CRM_A) for i in range(9)]
    rows += [("9", "crm", "Hooli", "acme.com", CRM_B), ("10", "s", None, "acme.com", None)]
    out = resolve(rows)
    assert out["10"][0] == out["0"][0] != out["9"][0] and out["10"][1] == "domain"


def test_name_only_domain_and_crm_mentions_meet_through_the_name() -> None:
    # Sales has the CRM id but no e-mail, service the e-mail but no CRM id: the name joins them.
    out = resolve([("1", "sales", "Acme Corp", None, CRM_A), ("2", "service", "ACME", "acme.com", None),
                   ("3", "product", None, "acme.com", None), ("4", "product", "Acme Inc.", "acme.com", None)])
    assert out["1"][0] == out["2"][0] == out["3"][0] and out["3"][1] == "domain"


def test_overrides_split_and_merge_and_win() -> None:
    rows = [("1", "crm", "Globex Corporation", None, CRM_A), ("2", "s", "Globex Corp.", "globex-capital.com", None),
            ("3", "crm", "Hooli", None, CRM_B), ("4", "s", "Hooli XYZ", "hooli.com", None)]
    overrides = Overrides.from_mapping({"merge": [[{"crm_id": CRM_B}, {"domain": "HOOLI.com"}]],
                                        "split": [[{"domain": "Globex-Capital.com"}]]})
    out = resolve(rows, overrides)
    assert out["1"][0] != out["2"][0] and out["2"][1:] == ("override", 1.0)
    assert out["3"][0] == out["4"][0] and out["4"][1] == "override"


@pytest.mark.parametrize("document", [
    {"merge": [[{"nickname": "Acme"}]]}, {"merge": [[]]}, {"split": [[{"name": ""}]]}, {"unmerge": []}, ["merge"],
])
def test_overrides_are_checked(document: object) -> None:
    with pytest.raises(OverridesError):
        Overrides.from_mapping(document)


def test_previous_ids_are_kept_and_merges_and_splits_recorded() -> None:
    first = [("1", "crm", "Alpha", None, CRM_A), ("1b", "crm", "Alpha", None, CRM_A),
             ("2", "s", "Alpha Holdings", None, None), ("3", "s", "Beta", "beta.io", None), ("4", "s", "Beta", "beta.de", None)]
    previous = {"1": "acc_alpha", "1b": "acc_alpha", "2": "acc_alpha_holdings", "3": "acc_beta", "4": "acc_beta"}
    # Now a CRM mention says "Alpha Holdings" is Alpha, and a steward splits one Beta mention off.
    second = first + [("5", "crm", "Alpha Holdings", None, CRM_A)]
    changes: list = []
    out = resolve(second, Overrides.from_mapping({"split": [[{"domain": "beta.de"}]]}), previous,
                  changes=changes)
    assert out["1"][0] == out["2"][0] == out["5"][0] == "acc_alpha"
    assert out["3"][0] == "acc_beta" != out["4"][0]
    assert changes == [("merge", "acc_alpha_holdings", "acc_alpha"), ("split", "acc_beta", out["4"][0])]


def test_an_unlisted_free_mail_domain_does_not_chain_a_company_into_another() -> None:
    # hccnet.nl is on no free-mail list and a CRM record uses it; Groenveld writes from it once.
    rows = [("1", "crm", "Stosyn BV", "hccnet.nl", CRM_A), ("2", "crm", "Stosyn", "hccnet.nl", CRM_A),
            ("3", "s", "Stosyn", "hccnet.nl", None), ("4", "s", "Groenveld Vastgoed BV", "hccnet.nl", None)]
    rows += [(str(i), "s", "Groenveld Vastgoed", "gmail.com", None) for i in range(5, 8)]
    out = resolve(rows)
    assert out["1"][0] == out["3"][0] and out["3"][1] == "domain"
    assert {out[str(i)][0] for i in range(4, 8)} == {out["4"][0]} != {out["1"][0]}
    assert out["4"][1] == "exact_name"


def test_a_typo_written_from_the_company_domain_stays_with_the_company() -> None:
    # The typo is one edit from this company and from a near twin, so no fuzzy match is made: the domain decides.
    rows = [("1", "crm", "Nordic Steel Elektro AG", "nse.de", CRM_A), ("2", "crm", "Noridc Steel Elekto", None, CRM_B),
            ("3", "s", "Noridc Steel Elektro AG", "nse.de", None), ("4", "s", "Noridc Steel Elektro AG", "nse.de", None)]
    out = resolve(rows)
    assert out["3"][0] == out["4"][0] == out["1"][0] != out["2"][0] and out["3"][1] == "domain"


def test_a_contact_filed_under_a_client_record_does_not_take_the_consultancy_into_the_client() -> None:
    # A Deloitte consultant is a contact under Heineken's Salesforce account; Deloitte's own people answer
    # from deloitte.com, from gmail and without an address.
    rows = [("1", "crm", "Heineken N.V.", "deloitte.com", CRM_A), ("2", "s", "Deloitte", "deloitte.com", None),
            ("3", "s", "Deloitte", "deloitte.com", None), ("4", "p", "Deloitte", None, None),
            ("5", "p", "Deloitte LLP", "gmail.com", None), ("6", "crm", "Heineken", None, CRM_A)]
    out = resolve(rows)
    assert out["1"][0] == out["6"][0] and out["1"][1] == "crm_id"
    assert {out[m][0] for m in "2345"} == {out["2"][0]} != {out["1"][0]}


@pytest.mark.parametrize("crm_name, domain, survey_name", [
    ("International Business Machines Corp", "ibm.com", "IBM"),       # the initials are the name people give
    ("Bayerische Motoren Werke AG", "bmw.de", "BMW Group Services"),   # ... or the domain
    ("Heineken N.V.", "heineken.com", "HNK Brewing Ops"),              # the record's name is the domain's own
])
def test_a_crm_record_under_its_legal_name_still_speaks_for_its_own_domain(crm_name, domain, survey_name) -> None:
    rows = [("1", "crm", crm_name, domain, CRM_A)] + [(str(i), "s", survey_name, domain, None) for i in range(2, 5)]
    out = resolve(rows)
    assert {out[str(i)][0] for i in range(1, 5)} == {out["1"][0]} and out["2"][1] == "domain"


def test_a_domain_two_crm_records_share_still_links_nothing() -> None:
    rows = [("1", "crm", "Stosyn", "hccnet.nl", CRM_A), ("2", "crm", "Veldhuis", "hccnet.nl", CRM_B)]
    rows += [(str(i), "s", "Groenveld Vastgoed", "hccnet.nl", None) for i in range(3, 7)]
    rows += [("7", "s", None, "hccnet.nl", None), ("8", "s", "Van Dijk", "hccnet.nl", None)]
    out = resolve(rows)
    assert out["7"][0] is None and out["8"][0] != out["3"][0] and out["3"][1] == "exact_name"


def test_a_crm_record_carrying_half_of_a_domain_speaks_for_it_whatever_the_names() -> None:
    # The CRM holds the legal name, the survey the name people use: the record's own weight decides.
    rows = [("1", "crm", "International Business Machines", "ibm.com", CRM_A),
            ("2", "crm", "International Business Machines", "ibm.com", CRM_A), ("3", "s", "IBM", "ibm.com", None)]
    out = resolve(rows)
    assert out["1"][0] == out["2"][0] == out["3"][0] and out["3"][1] == "domain"


@pytest.mark.parametrize("domain", ["hotmail.es", "outlook.de", "yahoo.com.br", "live.com.au", "bigpond.com"])
def test_country_domains_of_free_mail_providers_do_not_join_companies(domain) -> None:
    rows = [("1", "s", "Mapfre", domain, None), ("2", "s", "Mapfre", domain, None), ("3", "s", "Telefónica", domain, None),
            ("4", "s", None, domain, None)]
    out = resolve(rows)
    assert out["1"][0] != out["3"][0]
    assert out["4"][0] is None  # an address at a free-mail provider says nothing of the company


def test_corporate_domains_of_a_free_mail_brand_are_not_free_mail() -> None:
    rows = [("1", "s", "Yahoo Inc", "yahoo-inc.com", None), ("2", "s", None, "yahoo-inc.com", None)]
    out = resolve(rows)
    assert out["2"][0] == out["1"][0] and out["2"][1] == "domain"


@pytest.mark.parametrize("placeholder", ["N/A", "n.a.", "none", "Self-employed", "N.A", "Unknown", "Privat", "k. A.",
                                         "Privé", "Particular", "Privato", "n.v.t.", "Keine Angabe", "Ingen"])
def test_a_placeholder_for_a_company_is_no_name(placeholder) -> None:
    rows = [("1", "s", placeholder, "unilever.com", None), ("2", "s", "Unilever", "unilever.com", None),
            ("3", "s", placeholder, "roche.com", None), ("4", "s", "Roche", "roche.com", None),
            ("5", "s", placeholder, None, None)]
    out = resolve(rows)
    assert out["1"][0] == out["2"][0] != out["3"][0] == out["4"][0]
    assert out["5"][0] is None


@pytest.mark.parametrize("name, key", [("Grupo Bimbo, S.A.B. de C.V.", "grupo bimbo"), ("Natura Cosméticos Ltda.", "natura cosmeticos"),
                                       ("Cementos Pacasmayo S.A.A.", "cementos pacasmayo"),
                                       ("Podravka d.d.", "podravka"), ("PT Telkom Indonesia Tbk", "telkom indonesia"),
                                       ("OOO Yandex", "yandex"), ("ソニー株式会社", "ソニー"), ("株式会社トヨタ", "トヨタ"),
                                       ("阿里巴巴有限公司", "阿里巴巴"),
                                       ("Gazprom PJSC", "gazprom"), ("PJSC Gazprom", "gazprom"),
                                       ("PTC Inc", "ptc"), ("Ptarmigan Ltd", "ptarmigan")])  # not prefixes
def test_more_legal_forms_are_ignored(name, key) -> None:
    assert name_key(name) == key


def test_the_display_name_is_the_accounts_own_name_before_one_that_joined_it() -> None:
    # A respondent at deloitte.com types "Deloitte", the consultancy's CRM record is under its legal name.
    rows = [("1", "s", "Deloitte", "deloitte.com", None), ("2", "s", "Deloitte LLP", "deloitte.com", None),
            ("3", "crm", "Deloitte Touche Tohmatsu Limited", "deloitte.com", CRM_A)]
    connection = connect(":memory:")
    try:
        connection.register("input_mentions", pa.table(dict(zip(MENTION_COLUMNS, map(list, zip(*rows))))))
        out = resolve_mentions(connection, "select *, 1 as weight from input_mentions").to_pylist()
    finally:
        connection.close()
    assert {r["account_name"] for r in out} == {"Deloitte Touche Tohmatsu Limited"}


# Issue 16: a company's own e-mail domain is strong evidence, whatever its people type.
@pytest.mark.parametrize(("domain", "spellings"), [
    ("socgen.com", ["SocGen", "Société Générale", "SocGen", "Societe Generale SA", "SG"]),      # abbreviation, initials
    ("mueller-gmbh.de", ["MÜLLER G.m.b.H.", "Müller GmbH", "Mueller", "Müller GmbH"]),         # the domain's label
    ("morgan.co.uk", ["Morgan", "Morgan Group", "Morgan Grp", "Morran Grp", "Morgan Grp"]),   # generic words, a typo
    ("globex.com", ["Globex Corp (EMEA)", "Globex Corporation", "Globex - UK", "Globex Corporation"]),  # regions
    ("ibm.com", ["IBM", "International Business Machines", "IBM Deutschland", "I.B.M."]),
    ("toyota-tsusho.com", ["Toyota Tsusho Corporation", "TTC", "Toyota Tsusho"]),               # initials with legal form
    ("falcon-holdings.com", ["Falcon Holdings", "FalHol"]),                                    # abbreviation of it
])
def test_every_spelling_written_from_a_company_domain_is_one_account(domain, spellings) -> None:
    rows = [(str(i), "s", name, domain, None) for i, name in enumerate(spellings)]
    rows += [("blank", "s", None, domain, None), ("generic", "s", "Finance Dept", domain, None),
             ("free", "p", spellings[0], "gmail.com", None)]  # the same spelling from a private address
    out = resolve(rows)
    assert len({account for account, _, _ in out.values()}) == 1, out
    assert out["blank"][1] == "domain" and out["free"][1] == "exact_name"


def test_names_at_a_shared_host_stay_apart_and_a_blank_name_there_is_unattributed() -> None:
    names = ["Bakkerij Jansen", "Van Dijk Transport", "Hovenier De Groot", "Bakkerij Jansen", "Kapsalon Anouk"]
    rows = [(str(i), "s", name, "kpnmail.nl", None) for i, name in enumerate(names)] + [("blank", "s", None, "kpnmail.nl", None)]
    out = resolve(rows)
    assert len({out[str(i)][0] for i in range(len(names))}) == 4
    assert out["blank"][0] is None


def test_a_consultant_naming_the_client_from_the_consultancy_domain_is_the_clients_feedback() -> None:
    rows = [("1", "s", "Deloitte", "deloitte.com", None), ("2", "s", "Deloitte LLP", "deloitte.com", None),
            ("3", "s", "Deloitte", "deloitte.com", None), ("4", "s", "Heineken N.V.", "deloitte.com", None),
            ("5", "s", "Heineken", "heineken.com", None), ("6", "s", None, "heineken.com", None)]
    out = resolve(rows)
    assert out["1"][0] == out["2"][0] == out["3"][0] != out["4"][0]
    assert out["4"][0] == out["5"][0] == out["6"][0]


def test_a_subsidiary_with_its_own_domain_stays_apart_from_its_parent() -> None:
    rows = [("1", "s", "Siemens AG", "siemens.com", None), ("2", "s", "Siemens", "siemens.com", None),
            ("3", "s", "Siemens Healthineers", "siemens-healthineers.com", None),
            ("4", "s", "Siemens Healthineers AG", "siemens-healthineers.com", None),
            ("5", "s", "Siemens Healthineers", None, None)]
    out = resolve(rows)
    assert out["1"][0] == out["2"][0] != out["3"][0] == out["4"][0] == out["5"][0]


def test_a_crm_record_whose_name_differs_from_the_domains_spelling_is_the_domains_account() -> None:
    rows = [("1", "crm", "Société Générale S.A.", "socgen.com", CRM_A)]
    rows += [(str(i), "s", "SocGen", "socgen.com", None) for i in range(2, 7)]
    rows += [("7", "p", "SocGen", None, None), ("8", "p", "Société Générale", "gmail.com", None)]
    out = resolve(rows)
    assert len({account for account, _, _ in out.values()}) == 1
    assert out["2"][1] == "domain"


def test_a_companys_second_domain_and_its_duplicate_crm_record_are_the_same_account() -> None:
    rows = [("1", "s", "Globex Corporation", "globex.com", None), ("2", "s", "GLOBEX CORP.", "globex.com", None),
            ("3", "crm", "Globex Corporation", "globex.com", CRM_A), ("4", "crm", "Globex Corp", "globex.co.uk", CRM_B),
            ("5", "s", "Globex - UK", "globex.co.uk", None), ("6", "s", None, "globex.co.uk", None),
            ("7", "s", "ACME", "acme.co.uk", None), ("8", "s", "Acme Corporation (UK)", "acme.co.uk", None),
            ("9", "crm", "Acme Corporation", "acme.com", "0011t00000AcMeC"), ("10", "s", "Acme Corp", "acme.com", None)]
    out = resolve(rows)
    assert len({out[str(i)][0] for i in range(1, 7)}) == 1
    assert len({out[str(i)][0] for i in range(7, 11)}) == 1 != out["1"][0]


def test_a_short_name_of_one_company_does_not_take_another_companys_domain_into_it() -> None:
    # "Bärwald" is Bärwald & Hofmann's short name at its domain, and the name of Bärwald KG at baerwald.at.
    rows = [("1", "crm", "Bärwald & Hofmann SE", "baerwald-hofmann.de", CRM_A),
            ("2", "s", "Bärwald & Hofmann", "baerwald-hofmann.de", None), ("3", "s", "Bärwald", "baerwald-hofmann.de", None),
            ("4", "crm", "Bärwald", None, CRM_A), ("5", "s", "Bärwald KG", "baerwald.at", None),
            ("6", "s", "Bärwald", "baerwald.at", None), ("7", "s", None, "baerwald.at", None)]
    out = resolve(rows)
    assert out["1"][0] == out["2"][0] == out["3"][0] == out["4"][0] != out["5"][0] == out["6"][0] == out["7"][0]


def test_a_contracted_leading_word_at_the_company_domain_is_the_company() -> None:
    rows = [("1", "s", "Société Générale", "socgen.com", None), ("2", "s", "Sté Générale", "socgen.com", None),
            ("3", "s", "Société Générale", "socgen.com", None)]
    out = resolve(rows)
    assert out["1"][0] == out["2"][0] and out["2"][1] == "domain"
