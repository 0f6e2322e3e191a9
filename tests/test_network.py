"""The partner network, its measures, the Rhodes reading, DNA and graph export (altena_qca.network)."""
from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from altena_qca.errors import CodebookError
from altena_qca.model import Codebook
from altena_qca.network import (
    affiliation_network,
    analyse_network,
    degree_centralization,
    dna_edges_frame,
    dna_projection,
    dna_statements,
    export_gexf,
    export_graphml,
    gini,
    graph_measures,
    load_gazetteer,
    node_measures,
    partner_network,
    presence,
    rhodes_config,
    rhodes_reading,
    with_measures,
)

SAFETY = "openbare orde en veiligheid"
FIGURE_1_EXTERNAL = {"cit", "vluchtelingenwerk", "mid_zuid", "mee", "bazalt_wonen", "trema", "ggd_west_brabant",
                     "kredietbank", "ggz_breburg", "thebe", "smo_breda", "mijzo", "politie", "jeugdzorg", "rivas"}
# Bold in Figure 1 = a respondent works there (l. 355). Seven are certain; the wijk-GGD'er's employer is never
# named (Tabel 3; the MaSS observation at l. 211 lists 'de wijk-GGD’er' and 'een medewerker van GGD West-Brabant'
# as two parties), so GGD West-Brabant is not drawn as interviewed.
BOLD = {"cit", "smo_breda", "thebe", "ggz_breburg", "trema", "rivas", "bazalt_wonen"}


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def result(study, gaz):
    return analyse_network(study, gaz)


@pytest.fixture(scope="module")
def G(result):
    return result.graph


# --------------------------------------------------------------------------- the partner network

def test_fifteen_external_figure_1_partners_with_domains(G, gaz):
    ext = {n for n, d in G.nodes(data=True) if d["in_figure_1"] and d["side"] == "extern"}
    assert ext == FIGURE_1_EXTERNAL
    for n in ext:
        assert G.nodes[n]["domain"] == gaz[n].domain and G.nodes[n]["ring"] == 3
    assert {n for n in ext if G.nodes[n]["domain"] == SAFETY} == {"cit", "politie"}
    assert {n for n in ext if SAFETY in G.nodes[n]["domains"]} == {"cit", "politie", "ggd_west_brabant",
                                                                    "ggz_breburg"}
    # Bold in Figure 1 = a respondent works there (l. 355), derived from respondents.csv.
    assert {n for n in ext if G.nodes[n]["interviewed"]} == BOLD
    assert G.nodes["gemeente_altena"]["respondents"] == "R01 R03 R05 R06 R09"
    # Laws and domains are gazetteer entries, not organisations.
    assert not any(d["kind"] in ("law", "domain") for _, d in G.nodes(data=True))
    assert {"team_voorveld", "team_toegang", "team_samenleving", "team_regie"} <= set(G)


def test_edges_mentions_comentions_and_mass_presence(G, study, result, gaz):
    assert not list(nx.selfloop_edges(G))
    # R02 (CIT): "De GGZ wilde de medische gegevens van een cliënt niet delen" (and three more segments).
    assert G["cit"]["ggz_breburg"]["mentions"] >= 1 and not G.has_edge("ggz_breburg", "cit")
    # R09 (Wmo-regisseur, gemeente): the huisarts who would not share.
    assert G["gemeente_altena"]["huisarts"]["mentions"] >= 1
    for u, v, d in G.edges(data=True):
        assert d["weight"] == d["mentions"] + d["comentions"] + d["copresence"] > 0
        if d["comentions"] or d["copresence"]:  # symmetric layers are stored both ways
            assert (d["comentions"], d["copresence"]) == (G[v][u]["comentions"], G[v][u]["copresence"])
    # The MaSS meeting of 6 April 2023: who was there (l. 211), by organisation; the 'werk en inkomen
    # consulent' is a P-wet consulent of Team Toegang (Figure 1).
    present = presence(study.corpus, result.mentions, gaz)
    assert present == {"MaSS-2023-04-06": sorted([
        "ggz_breburg", "ggd_west_brabant", "gemeente_altena", "thebe", "mee", "trema", "bazalt_wonen",
        "woonstichting_land_van_altena", "bemoeizorgteam", "team_regie", "politie", "team_toegang"])}
    assert G["mee"]["woonstichting_land_van_altena"]["copresence"] == 1


def test_measures_of_the_bundled_network(G, result):
    nodes = node_measures(G).set_index("id")
    # The gemeente coordinates (§3.2): the hub of the network.
    assert nodes["degree"].idxmax() == "gemeente_altena"
    assert nodes["betweenness"].idxmax() == "gemeente_altena"
    assert nodes["eigenvector"].idxmax() == "gemeente_altena"
    # Figure-1 partners the reconstructed corpus never names are isolates.
    assert set(nodes.index[nodes["degree"] == 0]) == {"vluchtelingenwerk", "mid_zuid", "kredietbank", "mijzo",
                                                     "jeugdzorg", "team_voorveld", "team_samenleving"}
    s = result.summary
    assert s["n_nodes"] == G.number_of_nodes() and s["n_isolates"] == 7 and s["n_components"] == 8
    assert 0 < s["density"] < 1 and 0 <= s["degree_centralization_connected"] <= 1


def test_measures_on_tiny_graphs():
    assert degree_centralization(nx.star_graph(4)) == 1.0
    assert degree_centralization(nx.complete_graph(5)) == 0.0
    assert gini([1, 1, 1, 1]) == 0.0 and gini([0, 0, 0, 4]) == 0.75 and gini([]) == 0.0
    # A directed partner network: mentions a->b twice, co-mentioned once (both directions).
    D = nx.DiGraph()
    D.add_edge("a", "b", mentions=2, comentions=1, copresence=0, weight=3.0)
    D.add_edge("b", "a", mentions=0, comentions=1, copresence=0, weight=1.0)
    D.add_node("c")
    nm = node_measures(D).set_index("id")
    assert nm.loc["a", "weighted_degree"] == 3.0 and nm.loc["a", "out_degree"] == 1
    assert nm.loc["b", "in_degree"] == 1 and nm.loc["c", "degree"] == 0
    gm = graph_measures(D)
    assert gm["n_ties"] == 1 and gm["n_mention_edges"] == 1 and gm["n_isolates"] == 1


# --------------------------------------------------------------------------- Rhodes model

def test_rhodes_reading_is_a_beleidsgemeenschap(result, thesis_text):
    reading = result.rhodes
    assert reading.classification == "beleidsgemeenschap"
    p = reading.principles.set_index("principle")
    assert list(p.index) == ["stability", "inclusion", "dependence"]
    assert (p["verdict"] == "beleidsgemeenschap").all()
    assert (p["n_respondents"] == 13).all() and (p["n_community"] == 13).all()
    # §4.1.1: only the CIT-medewerker and the Thebe-wijkverpleegkundige stress own interests.
    assert p.loc["inclusion", "n_issue"] == 2 and "CIT-medewerker" in p.loc["inclusion", "evidence"]
    assert p.loc["stability", "n_issue"] == 0 and p.loc["dependence", "n_issue"] == 0
    # The graph checks are reported next to the codings, never instead of them.
    assert "degree_centralization_connected" in p.loc["stability", "graph_checks"]
    assert p.loc["stability", "graph_support"] in ("ja", "deels", "nee")
    # Each principle's example is one of the thesis's own quotes in §4.1.1.
    for example in p["example"]:
        quote = example.split("’’")[0].lstrip("‘’")
        assert quote and quote in thesis_text, example
    frame = reading.to_frame()
    assert frame.iloc[-1]["principle"] == "classification" and frame.iloc[-1]["verdict"] == "beleidsgemeenschap"


def _recode(codings: pd.DataFrame, mapping: dict) -> pd.DataFrame:
    out = codings.copy()
    out["code"] = out["code"].replace(mapping)
    return out


def test_rhodes_reading_follows_the_codings(study):
    args = (study.corpus, study.codebook)
    issue = _recode(study.codings, {"network.say.equal": "network.say.unequal",
                                    "network.relations.horizontal": "network.relations.hierarchical",
                                    "network.interests.shared": "network.interests.different",
                                    "network.dependence.high": "network.dependence.none"})
    assert rhodes_reading(*args, issue).classification == "issuenetwerk"
    mixed = _recode(study.codings, {"network.dependence.high": "network.dependence.none"})
    r = rhodes_reading(*args, mixed)
    assert r.classification == "gemengd"
    assert r.principles.set_index("principle").loc["dependence", "verdict"] == "issuenetwerk"
    none = study.codings[~study.codings["code"].str.startswith("network.say")
                         & ~study.codings["code"].str.startswith("network.relations")]
    r = rhodes_reading(*args, none)
    assert r.principles.set_index("principle").loc["stability", "verdict"] == "onbeslist"


def test_rhodes_config_errors(study):
    cb = study.codebook
    bad = dict(cb.analysis)
    bad["rhodes"] = {"principles": {"stability": {"community": ["network.say.equall"], "issue": ["network.say"]}}}
    with pytest.raises(CodebookError, match=r"\[E207\].*network.say.equall.*rhodes.principles.stability"):
        rhodes_config(Codebook(cb.codes.values(), analysis=bad, path="cb.yaml"))
    with pytest.raises(CodebookError, match=r"\[E210\].*analysis.rhodes"):
        rhodes_config(Codebook(cb.codes.values(), analysis={}, path="cb.yaml"))


# --------------------------------------------------------------------------- DNA

@pytest.fixture
def tiny():
    """A: x+, y+ ; B: x+, y- ; C: x-."""
    return pd.DataFrame({"actor": ["A", "A", "B", "B", "C"], "concept": ["x", "y", "x", "y", "x"],
                         "qualifier": ["positive", "positive", "positive", "negative", "negative"]})


def test_dna_projections_by_hand(tiny):
    w = lambda G, a, b: G[a][b]["weight"] if G.has_edge(a, b) else 0.0  # noqa: E731
    cong = {n: dna_projection(tiny, "congruence", n) for n in ("no", "average", "jaccard", "cosine")}
    conf = {n: dna_projection(tiny, "conflict", n) for n in ("no", "average", "jaccard", "cosine")}
    # Congruence: only A-B share a pair (x+). Conflict: A-B on y, A-C and B-C on x.
    assert sorted(cong["no"].edges) == [("A", "B")] and w(cong["no"], "A", "B") == 1
    assert sorted(conf["no"].edges) == [("A", "B"), ("A", "C"), ("B", "C")]
    # average: divide by the mean number of statements: A-B (2+2)/2 = 2, A-C (2+1)/2 = 1.5.
    assert w(cong["average"], "A", "B") == 0.5 and w(conf["average"], "A", "C") == pytest.approx(2 / 3, abs=1e-6)
    # jaccard: A-B union {x+, y+, y-} = 3 -> 1/3; A-C union {x+, y+, x-} = 3 -> 1/3.
    assert w(cong["jaccard"], "A", "B") == pytest.approx(1 / 3, abs=1e-6)
    assert w(conf["jaccard"], "A", "C") == pytest.approx(1 / 3, abs=1e-6)
    # cosine: |A| = |B| = sqrt(2) -> 1/2; |C| = 1 -> A-C 1/sqrt(2).
    assert w(cong["cosine"], "A", "B") == 0.5
    assert w(conf["cosine"], "A", "C") == pytest.approx(1 / math.sqrt(2), abs=1e-6)
    assert dna_projection(tiny, "subtract")["B"]["C"]["weight"] == -1


def test_dna_counts_and_affiliation_by_hand(tiny):
    # A states x+ twice (two respondents of one organisation): A = (x+: 2, y+: 1), B = (x+: 1, y-: 1).
    st = pd.concat([tiny, tiny.iloc[[0]]], ignore_index=True)
    e = dna_edges_frame(st).set_index(["source", "target"]).loc[("A", "B")]
    assert e["congruence"] == 2                                  # 2 * 1 on x+
    assert e["congruence_average"] == pytest.approx(2 / 2.5)     # (3 + 2) / 2
    assert e["congruence_jaccard"] == pytest.approx(2 / 4)       # m10 = 1 (y+), m01 = 1 (y-), m11 = 2
    assert e["congruence_cosine"] == pytest.approx(2 / math.sqrt(5 * 2), abs=1e-6)
    A = affiliation_network(st)
    assert A.nodes["A"]["bipartite"] == 0 and A.nodes["x"]["bipartite"] == 1
    assert A["A"]["x"]["positive"] == 2 and A["B"]["y"]["stance"] == "negative"
    assert affiliation_network(pd.concat([tiny, tiny.assign(qualifier="negative")]))["A"]["x"]["stance"] == "mixed"
    with pytest.raises(ValueError):
        dna_projection(tiny, "agreement")


def test_dna_on_the_bundled_study(study, gaz):
    st = dna_statements(study.corpus, study.codebook, study.codings, gaz)
    assert set(st["qualifier"]) == {"positive", "negative"}
    assert st["concept"].nunique() == 5
    e = dna_edges_frame(st).set_index(["source", "target"])
    # Group 1 (CIT, Thebe: negative effects today) against the positive camp (Trema).
    assert e.loc[("cit", "thebe"), "congruence_jaccard"] == 1.0
    assert e.loc[("thebe", "trema"), "congruence"] == 0 and e.loc[("thebe", "trema"), "conflict"] > 0
    by_resp = dna_statements(study.corpus, study.codebook, study.codings, level="respondent")
    assert by_resp["actor"].nunique() > st["actor"].nunique()


# --------------------------------------------------------------------------- export

def _same(a: nx.Graph, b: nx.Graph, ignore=("id",)):
    def edges(g):
        return sorted(e if g.is_directed() else tuple(sorted(e)) for e in g.edges)
    assert sorted(a.nodes) == sorted(b.nodes)
    assert edges(a) == edges(b)
    for n in a.nodes:
        assert a.nodes[n] == b.nodes[n], n
        assert all(type(v) is type(b.nodes[n][k]) for k, v in a.nodes[n].items()), n
    for u, v in a.edges:
        got = {k: x for k, x in b.edges[u, v].items() if k not in ignore}
        assert a.edges[u, v] == got, (u, v)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_files_load_back_unchanged(result, tmp_path, fmt):
    graphs = {"partner": with_measures(result.graph), "affiliation": result.affiliation,
              "congruence": result.congruence}
    write, read = {"graphml": (export_graphml, nx.read_graphml), "gexf": (export_gexf, nx.read_gexf)}[fmt]
    for name, G in graphs.items():
        path = write(G, tmp_path / f"{name}.{fmt}")
        back = read(path)
        assert back.is_directed() == G.is_directed()
        _same(G, back)
        first = path.read_bytes()
        assert write(G, tmp_path / f"again.{fmt}").read_bytes() == first  # deterministic
    partner = read(tmp_path / f"partner.{fmt}")
    assert partner.nodes["thebe"]["interviewed"] is True and partner.nodes["thebe"]["ring"] == 3


def test_partner_network_without_generic_aliases(study, gaz, result):
    G = partner_network(study.corpus, gaz, result.mentions, generic=False)
    assert not G.has_edge("gemeente_altena", "huisarts")   # only ever named as 'huisarts'
    assert FIGURE_1_EXTERNAL <= set(G)


# --------------------------------------------------------------------------- CLI and pipeline

def test_cli_network_writes_tables_and_graphs(tmp_path, monkeypatch, study):
    from click.testing import CliRunner

    import altena_qca.study as study_mod
    from altena_qca.cli import cli
    monkeypatch.setattr(study_mod, "load_study", lambda *a, **k: study)
    res = CliRunner().invoke(cli, ["network", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"network_nodes.csv", "network_edges.csv", "network_rhodes.csv", "network_mentions.csv",
            "network_candidates.csv", "partner_network.graphml", "partner_network.gexf",
            "dna_congruence.graphml"} <= names
    rhodes = pd.read_csv(tmp_path / "network_rhodes.csv")
    assert rhodes.iloc[-1]["verdict"] == "beleidsgemeenschap"


def test_cli_network_reports_a_bad_gazetteer(tmp_path, monkeypatch, study):
    from click.testing import CliRunner

    import altena_qca.study as study_mod
    from altena_qca.cli import cli
    monkeypatch.setattr(study_mod, "load_study", lambda *a, **k: study)
    bad = tmp_path / "actors.yaml"
    bad.write_text("actors:\n  - id: x\n    name: X\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["network", "--out", str(tmp_path / "o"), "--actors", str(bad)])
    assert res.exit_code == 2 and "[E300]" in res.output and "actor 'x'" in res.output


def test_pipeline_has_a_network_stage(study, tmp_path):
    from altena_qca.pipeline import STAGES, run
    stage = dict(STAGES)["network"]
    files = run(study, tmp_path, stages=[("network", stage)])
    assert (tmp_path / "network" / "partner_network.graphml").exists()
    assert (tmp_path / "network" / "partner_network.gexf").exists()
    assert tmp_path / "tables" / "network_nodes.csv" in files
