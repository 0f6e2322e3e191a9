"""The actor gazetteer (altena_qca/resources/codebook/actors.yaml) and mention extraction (network.actors, network.mentions)."""
from __future__ import annotations

import re

import pytest
from conftest import SHARED

from altena_qca.errors import CodebookError
from altena_qca.network import (
    find_candidates,
    find_mentions,
    load_gazetteer,
    read_gazetteer_file,
    respondent_actors,
    validate_gazetteer,
)

# Figure 1 (thesis l. 1164-1208): the fifteen external partners, as the figure writes them.
FIGURE_1_EXTERNAL = {
    "cit": "Crisisinterventieteam Jeugdbescherming West", "vluchtelingenwerk": "Vluchtelingenwerk",
    "mid_zuid": "Mid-Zuid", "mee": "Stichting MEE", "bazalt_wonen": "Bazalt Wonen", "trema": "Trema Welzijn",
    "ggd_west_brabant": "GGD West-Brabant", "kredietbank": "Kredietbank Nederland", "ggz_breburg": "GGZ-Breburg",
    "thebe": "Thebe Wijkverpleging", "smo_breda": "Smo Breda e.o.", "mijzo": "MijZo",
    "politie": "Politie gemeente Altena", "jeugdzorg": "Jeugdzorg", "rivas": "Rivas Wijkverpleging",
}
SAFETY = "openbare orde en veiligheid"
SOCIAL = "sociaal domein"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


# --------------------------------------------------------------------------- the gazetteer

def test_figure_1_external_partners(gaz):
    ext = {a.id: a.name for a in gaz if a.in_figure_1 and a.side == "extern" and a.kind == "organisation"}
    assert ext == FIGURE_1_EXTERNAL


def test_figure_1_centre_laws_and_teams(gaz):
    fig = {a.id: a for a in gaz if a.in_figure_1 and a.side == "intern"}
    assert {i for i, a in fig.items() if a.kind == "law"} == {"participatiewet", "jeugdwet", "wmo", "wgs"}
    assert {a.name for a in fig.values() if a.kind == "team"} == {
        "Team Voorveld", "Team Toegang", "Team Samenleving", "Team Regie"}
    assert fig["sociaal_domein"].kind == "domain" and fig["sociaal_domein"].ring == 0
    # l. 207: the Wet gemeentelijke schuldhulpverlening is ranked under the Participatiewet.
    assert gaz["wgs"].parent == "participatiewet"
    assert all(a.parent == "gemeente_altena" for a in fig.values() if a.kind == "team")
    assert {a.ring for a in fig.values() if a.kind == "law"} == {1}


def test_domains_follow_the_thesis(gaz):
    # Police and the crisis team are safety-domain organisations.
    assert gaz["politie"].domain == SAFETY and gaz["cit"].domain == SAFETY
    # l. 211: the CIT-medewerker, the wijk-GGD'er and the GGZ-Breburg casemanager also deal with safety.
    for aid in ("cit", "ggd_west_brabant", "ggz_breburg"):
        assert set(gaz[aid].domains) == {SOCIAL, SAFETY}, aid
    # l. 211: the Smo-, Trema-, Thebe-, Rivas-respondents and the woonconsulent work from the social
    # domain's laws only.
    for aid in ("smo_breda", "trema", "thebe", "rivas", "bazalt_wonen"):
        assert gaz[aid].domains == (SOCIAL,), aid
    assert all(gaz[a].domain in (SOCIAL, SAFETY) for a in FIGURE_1_EXTERNAL)


def test_interviewed_is_derived_from_respondents(study, gaz):
    own = respondent_actors(study.corpus, gaz)
    # Tabel 3: the five internal respondents work at the gemeente; of the eight external ones seven work at a
    # partner the thesis names. The wijk-GGD'er's employer is never named (Tabel 3 gives the function only;
    # the MaSS observation, l. 211, lists the wijk-GGD'er and a GGD West-Brabant employee as two parties).
    assert len(own) == 12 and "R07" not in own
    assert {r for r, a in own.items() if a == "gemeente_altena"} == {"R01", "R03", "R05", "R06", "R09"}
    assert {a for a in own.values() if a != "gemeente_altena"} == {
        "cit", "smo_breda", "thebe", "ggz_breburg", "trema", "rivas", "bazalt_wonen"}
    for rid, aid in own.items():
        assert study.corpus.respondents[rid].side == gaz[aid].side, rid


def test_unknown_respondent_organisation_is_a_finding_not_an_error(study, gaz):
    """Issue 13: an organisation missing from the gazetteer is left out of the
    mapping and listed by unresolved_organisations (the network warns, W111)."""
    from dataclasses import replace

    from altena_qca.model import Corpus
    from altena_qca.network.actors import unresolved_organisations
    resp = dict(study.corpus.respondents)
    resp["R04"] = replace(resp["R04"], organisation="Stichting Onbekend")
    corpus = Corpus(documents=study.corpus.documents, respondents=resp)
    own = respondent_actors(corpus, gaz)
    assert "R04" not in own and own == {r: a for r, a in respondent_actors(study.corpus, gaz).items() if r != "R04"}
    assert unresolved_organisations(corpus, gaz) == {"Stichting Onbekend": ["R04"]}


def test_bundled_file_validates_and_aliases_are_unique(gaz):
    data = read_gazetteer_file(gaz.path)
    assert validate_gazetteer(data, gaz.path) == []
    assert gaz.resolve("smo breda e.o.") == "smo_breda"
    assert gaz.resolve("Gemeente  Altena") == "gemeente_altena"
    assert gaz.resolve("Onbekend") is None


# --------------------------------------------------------------------------- malformed files

GOOD = """\
gazetteer:
  domains: [sociaal domein, openbare orde en veiligheid]
actors:
  - id: ggd
    name: GGD West-Brabant
    kind: organisation
    side: extern
    domain: sociaal domein
    in_figure_1: true
    aliases: [GGD]
  - id: politie
    name: Politie
    kind: organisation
    side: extern
    domain: openbare orde en veiligheid
    in_figure_1: true
    aliases: [wijkagent]
    generic: [wijkagent]
"""


@pytest.mark.parametrize("old, new, expected", [
    ("domain: openbare orde en veiligheid\n    in_figure_1", "domain: veiligheid\n    in_figure_1",
     r"line 11, actor 'politie': domain 'veiligheid' is not one of"),
    ("id: politie", "id: ggd", r"line 11, actor 'ggd': duplicate id \(first defined on line 4\)"),
    ("    name: Politie\n", "", r"line 11, actor 'politie': missing required field 'name'"),
    ("aliases: [wijkagent]", "aliases: [wijkagent, GGD]",
     r"actor 'politie': alias 'GGD' is also an alias of actor 'ggd'"),
    ("generic: [wijkagent]", "generic: [agent]", r"actor 'politie': 'generic' lists \['agent'\]"),
    ("    side: extern\n    domain: open", "    sides: extern\n    domain: open",
     r"actor 'politie': unknown field 'sides' \(did you mean 'side'\?\)"),
    ("in_figure_1: true\n    aliases: [wijkagent]", "in_figure_1: ja\n    aliases: [wijkagent]",
     r"actor 'politie': in_figure_1 must be true or false"),
    ("kind: organisation\n    side: extern\n    domain: open", "kind: company\n    side: extern\n    domain: open",
     r"actor 'politie': kind 'company' is not one of"),
    ("aliases: [GGD]", "aliases: [GGD]\n    parent: gemeente", r"actor 'ggd': unknown parent 'gemeente'"),
    ("aliases: [GGD]", "aliases: GGD", r"actor 'ggd': 'aliases' must be a list of non-empty strings"),
    ("  - id: politie", "  - id: politie\n  -  : [", r"cannot parse YAML"),
    ("actors:", "actor:", r"expected a mapping with a top-level 'actors' list"),
    ("gazetteer:", "network:\n  node_kind: [organisation]\ngazetteer:",
     r"unknown setting 'network.node_kind'; allowed: \['node_kinds', 'presence_cues'\]"),
])
def test_malformed_gazetteer_names_file_line_and_actor(tmp_path, old, new, expected):
    assert old in GOOD
    path = tmp_path / "actors.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        load_gazetteer(path)
    msg = str(err.value)
    assert msg.startswith("[E300] ") and str(path) in msg
    assert re.search(expected, msg), msg


def test_good_minimal_gazetteer_and_missing_file(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text(GOOD, encoding="utf-8")
    gaz = load_gazetteer(path)
    assert [a.id for a in gaz] == ["ggd", "politie"]
    with pytest.raises(CodebookError, match=r"\[E300\] .*nope.yaml: file not found"):
        load_gazetteer(tmp_path / "nope.yaml")


# --------------------------------------------------------------------------- mentions

def test_mentions_case_lemma_hyphen_and_longest_match(gaz):
    text = ("Een consulent MEE ging mee naar de wijkagenten.\nDaarna belde de Thebe-wijkverpleegkundige "
            "met GGZ-Breburg en de GGZ, en met de Ministerie van Binnenlandse Zaken en\n   Koninkrijksrelaties.")
    m = find_mentions(text, gaz)
    got = [(r.actor, r.text, r.matcher, r.generic) for r in m.itertuples()]
    assert got == [
        ("mee", "consulent MEE", "cased", False),          # 'ging mee' is no organisation
        ("politie", "wijkagenten", "lemma", True),         # plural through the lemma
        ("thebe", "Thebe", "lower", False),                # hyphen compound split
        ("ggz_breburg", "GGZ-Breburg", "lower", False),    # longest match, not 'GGZ'
        ("ggz_breburg", "GGZ", "lower", True),
        ("ministerie_bzk", "Ministerie van Binnenlandse Zaken en\n   Koninkrijksrelaties", "lower", False),
    ]
    for r in m.itertuples():  # offsets point into the original text, line breaks included
        assert text[r.start:r.end] == r.text


def test_mentions_in_the_bundled_corpus(study, gaz):
    from altena_qca.network import extract_mentions
    m = extract_mentions(study.corpus, gaz)
    for r in m.itertuples():
        assert study.corpus.documents[r.document].text[r.start:r.end] == r.text
    # The wijk-GGD'er (R07): "... alleen deel met de GGZ of Trema Welzijn en niet met de woningbouwcorporatie".
    r07 = m[m["document"] == "R07"]
    seg = r07[r07["text"] == "woningbouwcorporatie"]["segment"].iloc[0]
    assert set(r07[r07["segment"] == seg]["actor"]) == {"ggz_breburg", "trema", "bazalt_wonen"}
    # The MaSS observation names the attendees of l. 211.
    obs = set(m[m["document"] == "MaSS-2023-04-06"]["actor"])
    assert {"ggz_breburg", "ggd_west_brabant", "thebe", "mee", "trema", "bemoeizorgteam", "bazalt_wonen",
            "woonstichting_land_van_altena", "politie", "gemeente_altena", "team_regie"} <= obs


def test_one_pass_gives_the_mentions_and_candidates_of_two(study, gaz, tmp_path):
    # the network analysis reads each segment once for both; the results must not change
    import pandas as pd

    from altena_qca.ingest import read_transcript
    from altena_qca.model import Corpus
    from altena_qca.network import corpus_candidates, extract_mentions, mentions_and_candidates

    path = tmp_path / "X1.txt"
    path.write_text("I: Met wie werk je samen?\nR: Met Stichting Humanitas en het CJIB, en met de\n   wijkagenten.\n",
                    encoding="utf-8")
    extra = read_transcript(path, "X1")
    assert {s.part for s in extra.segments} == {2}  # 'Met wie werk je samen?': the network part (a cue word)
    corpus = Corpus(respondents=study.corpus.respondents, documents={**study.corpus.documents, "X1": extra})
    mentions, candidates = mentions_and_candidates(corpus, gaz)
    pd.testing.assert_frame_equal(mentions, extract_mentions(corpus, gaz))
    pd.testing.assert_frame_equal(candidates, corpus_candidates(corpus, gaz))
    assert {"Stichting Humanitas", "CJIB"} <= set(candidates["text"])
    assert "politie" in set(mentions.loc[mentions["document"] == "X1", "actor"])


# Organisations the four seed documents name, verified by hand: `grep -n -E` for each name (and its
# usual abbreviation) in shared/seeds/00N_*.txt, reading every hit to keep only references to the
# organisation itself (not a URL, not a law named after it). Names split over a line break count
# (seed 002 l. 381, 402-403: the ministries). Generic type words ('GGZ', 'woningcorporaties',
# 'huisartsenpraktijken') are checked separately below.
SEED_ORGANISATIONS = {
    # 001 (consultancy report, Wams in adjacent domains): UWV (33x), VNG (5x), SVB (l. 621), Divosa (l. 1835),
    # Movisie (l. 1805), Autoriteit Persoonsgegevens, Ministerie van VWS/SZW/OCW/BZK, politie/Politie.
    "001": {"uwv", "vng", "svb", "divosa", "movisie", "autoriteit_persoonsgegevens", "ministerie_vws",
            "ministerie_szw", "ministerie_ocw", "ministerie_bzk", "politie"},
    # 002 (data exchange in the social domain): Autoriteit Persoonsgegevens (4x), VNG, UWV, Divosa (l. 1125),
    # Politie (4x, incl. 'Politie-Justitie' l. 1106), reclassering (l. 633, 635), Jeugdzorg (sector, Figure-1
    # entry), Ministerie van BZK (l. 381 'Binnenlandse Zaken en Koninkrijksrelaties') and l. 402-403
    # Justitie en Veiligheid, Onderwijs Cultuur en Wetenschap, Sociale Zaken en Werkgelegenheid,
    # Volksgezondheid Welzijn en Sport.
    "002": {"autoriteit_persoonsgegevens", "vng", "uwv", "divosa", "politie", "reclassering", "jeugdzorg",
            "ministerie_bzk", "ministerie_jenv", "ministerie_ocw", "ministerie_szw", "ministerie_vws"},
    # 003 (Wams implementation): Movisie (6x), Autoriteit Persoonsgegevens (2x), VNG, Veilig Thuis,
    # Ministerie van BZK, politie (2x).
    "003": {"movisie", "autoriteit_persoonsgegevens", "vng", "veilig_thuis", "ministerie_bzk", "politie"},
    # 004 (blog on the coordination task): VNG, reclassering.
    "004": {"vng", "reclassering"},
}
# Type words the seeds use, found through generic aliases (grep as above).
SEED_GENERIC = {"001": {"ggz_breburg", "ggd_west_brabant", "bazalt_wonen", "wijkteam"},
                "003": {"huisarts", "wijkteam", "leerplicht"}, "004": {"wijkteam"}}
# Altena's own partners: no seed names them (grep finds none of these names).
ALTENA_ONLY = {"cit", "vluchtelingenwerk", "mid_zuid", "mee", "bazalt_wonen", "trema", "ggd_west_brabant",
               "kredietbank", "ggz_breburg", "thebe", "smo_breda", "mijzo", "rivas", "woonstichting_land_van_altena"}


def _seed(number: str) -> str:
    files = sorted((SHARED / "seeds").glob(f"{number}_*.txt"))
    if not files:
        pytest.skip(f"seed {number} not found under {SHARED / 'seeds'}")
    return files[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("number", sorted(SEED_ORGANISATIONS))
def test_mentions_in_seed_documents(gaz, number):
    text = _seed(number)
    m = find_mentions(text, gaz)
    orgs = m[m["actor"].map(lambda a: gaz[a].kind == "organisation")]
    assert set(orgs[~orgs["generic"]]["actor"]) == SEED_ORGANISATIONS[number]
    assert SEED_GENERIC.get(number, set()) <= set(m[m["generic"]]["actor"])
    assert not set(m[~m["generic"]]["actor"]) & ALTENA_ONLY
    for r in m.itertuples():
        assert text[r.start:r.end] == r.text


def test_candidates_for_the_gazetteer(gaz):
    text = ("Daarna belde ik Stichting Humanitas en het CJIB. Met de Wams gaat het beter. "
            "Voedselbank Altena helpt. Vandaag sprak ik [PERSOON-1] van de GGD en Bazalt Wonen.")
    c = find_candidates(text, gaz)
    assert c["text"].tolist() == ["Stichting Humanitas", "CJIB", "Voedselbank Altena"]
    assert c["reason"].tolist() == ["multiword", "acronym", "multiword"]
    # Seed 001 names organisations the gazetteer does not hold (l. 621 'CJIB', the CBS).
    seed = find_candidates(_seed("001"), gaz)
    assert {"CJIB", "Centraal Bureau voor de Statistiek"} <= set(seed["text"])
    known = find_mentions(_seed("001"), gaz)
    spans = list(zip(known["start"], known["end"]))
    assert not any(a < e and s < b for s, e in zip(seed["start"], seed["end"]) for a, b in spans)


def test_mentions_and_the_auto_coder_share_one_lemmatiser():
    """One Dutch lemmatiser (coding.nlp) serves both the auto-coder and the actor mentions."""
    from altena_qca.coding.nlp import DutchLemmatizer, lemmatize
    from altena_qca.network.mentions import make_nlp

    assert isinstance(make_nlp().get_pipe("altena_lemmatizer"), DutchLemmatizer)
    # an override (not 'lijden'), a compound head, an irregular verb, hyphen-split tokens aside
    text = "De netwerkleden werden door de wijkagenten en huisartsenpraktijken gebeld"
    mention_lemmas = [t.lemma_ for t in make_nlp()(text)]
    assert mention_lemmas == lemmatize(text)
    assert {"netwerklid", "worden", "wijkagent"} <= set(mention_lemmas)
