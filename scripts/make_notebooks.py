#!/usr/bin/env python3
"""Build the four notebooks in ``notebooks/`` from the cells below (reviewable as plain Python).

    python scripts/make_notebooks.py           # (re)write notebooks/*.ipynb, without outputs
    python scripts/make_notebooks.py --check   # exit 1 if a committed notebook differs

The notebooks use only the public API (``altena_qca`` and its subpackages'
re-exports), run top to bottom in a fresh kernel, and write nothing into the
repository (figures and copies go to a temporary folder). They are stored
without outputs; ``tests/test_notebooks.py`` executes them headless.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks"


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    return new_code_cell(text.strip("\n"))


SETUP = code('''
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import Image, display

import altena_qca
from altena_qca import load_study

pd.set_option("display.max_colwidth", 120)
pd.set_option("display.width", 160)
tmp = Path(tempfile.mkdtemp(prefix="altena-notebook-"))   # everything this notebook writes goes here
study = load_study()                                       # the bundled, reconstructed corpus
print("altena-qca", altena_qca.__version__, "—", len(study.corpus.respondents), "respondenten,",
      len(study.codings), "coderingen")
''')

RECONSTRUCTION = md('''
> **Let op — gereconstrueerde data.** De oorspronkelijke interviews zijn vertrouwelijk. `altena_qca/resources/studies/altena/` is
> herbouwd uit de gepubliceerde scriptie: letterlijke citaten en parafrasen (gemarkeerd met `[parafrase]`)
> van elke bevinding die een respondent noemt (zie `altena_qca/resources/studies/altena/SOURCE.md`). Aantallen zeggen hoe vaak de
> scriptie een bevinding rapporteert, niet hoe vaak iemand iets zei.
''')


# --------------------------------------------------------------------------- 01

def notebook_01():
    cells = [
        md('''
# 01 — Hoofdstuk 4 van de scriptie, opnieuw berekend

Dit notebook loopt hoofdstuk 4 van de scriptie paragraaf voor paragraaf door. Bij elke paragraaf staat de
bewering van de scriptie als citaat, met daaronder de tabel die uit de coderingen opnieuw is berekend en de
citaten die het bewijs vormen. Niets in de tabellen is overgenomen: alles komt uit `altena_qca/resources/studies/altena/codings.csv`.
'''),
        RECONSTRUCTION,
        SETUP,
        code('''
from altena_qca.report import compute_results, departures, dutch

res = compute_results(study)        # groups, effects, evidence, co-occurrence, frequencies, network, claims
n = len(res.respondents)
nl = dict(effect_labels=res.effect_labels)   # Dutch column names and values for every table below
quotes = res.evidence[res.evidence["kind"] == "quote"]   # verbatim quotes only, no paraphrases


def evidence(effect, when, stance, k=3):
    """The first k verbatim quotes behind one effect-stance, attributed by function."""
    rows = quotes[(quotes["effect"] == effect) & (quotes["when"] == when) & (quotes["stance"] == stance)]
    return rows[["label", "group", "quote", "source"]].drop_duplicates("quote").head(k)
'''),
        md('''
## 4.1.1 — Het beleidsnetwerk: een beleidsgemeenschap

> "Op basis van de drie punten van het Rhodesmodel […] kan over het netwerk van de aanpak cliënten met
> meervoudige problematiek in gemeente Altena worden geconstateerd dat het een beleidsgemeenschap is."
> — §4.1.1

De drie principes (stabiliteit, inclusie met een gezamenlijk doel, middelenafhankelijkheid) worden uit de
coderingen gelezen; de regels staan in de `analysis.rhodes`-sectie van het codeboek.
'''),
        code('''
reading = res.network.rhodes
print("Type beleidsnetwerk:", reading.classification)
dutch(reading.principles[["label_nl", "n_community", "n_issue", "n_respondents", "verdict", "graph_support"]])
'''),
        code('''
for example in reading.principles["example"]:
    print(example, end="\\n\\n")
'''),
        md('''
## 4.1.2 — De rol van gegevensuitwisseling

> "Alle respondenten zijn het erover eens dat gegevensuitwisseling vooral in de netwerksamenwerking bij de
> aanpak van cliënten met meervoudige problematiek een grote rol speelt." — §4.1.2
'''),
        code('''
freq = res.frequencies.set_index("code")
rows = ["network.data_role", "network.dependence.high", "network.interests.shared", "network.say.equal"]
dutch(freq.loc[rows, ["label_nl", "respondents", "respondents_intern", "respondents_extern"]].assign(van=n))
'''),
        md('''
## 4.2.1 — De afwegingen: vier samenwerkingsgrenzen

> "De afwegingen zijn te verdelen in vier soorten grenzen, namelijk de institutionele, de persoonlijke, de
> interprofessionele en de juridische grenzen." — §4.2

Hoeveel respondenten elke grens noemen, intern en extern:
'''),
        code('''
boundaries = [c for c in study.codebook.children("boundaries")]
caveats = study.codebook.analysis.get("source_caveats", {})
table = dutch(freq.loc[boundaries, ["label_nl", "respondents", "respondents_intern", "respondents_extern"]])
table["let op"] = [("aantal is geen bevinding: " + caveats[c]) if c in caveats else "" for c in boundaries]
table
'''),
        md('''
**Afwijkingen van de scriptie in §4.2** (uit de controle van alle beweringen, onderaan). Bij de institutionele
grens noemt de scriptie 'het leeuwendeel' maar noemt ze er vier bij naam; het aantal hierboven is een
ondergrens, geen bevinding.
'''),
        code('''
departures(res.claims, "4.2")
'''),
        md('''
## 4.2.2 — Vier groepen

> "De eerste groep (De CIT-medewerker, de inkomensconsulent, de Wmo-regisseur, de Smo-medewerker, de
> woonconsulent, de procesregisseur en de Thebe-wijkverpleegkundige) ervaart soms onvoldoende of geen
> persoonsgegevensuitwisseling […] De tweede groep (de kwaliteitsregisseur en de functionaris
> gegevensbescherming) ervaart juist soms een (te) hoge mate van persoonsgegevensuitwisseling […] De derde
> groep (de MaSS-voorzitter en de Trema medewerker) ervaart dat netwerkleden verschillende interpretaties
> hebben […] De laatste groep (de wijk-GGD'er en de Rivas-wijkverpleegkundige) ervaart geen problemen."
> — §4.2.2

De groepen worden herberekend uit de probleemcodes (regel: `analysis.typology` in het codeboek), niet
overgenomen. Een respondent die nergens of in twee groepen even sterk past, wordt gemeld, niet ingedeeld.
'''),
        code('''
groups = res.groups
dutch(groups[["label", "side", "group", "group_label", "status", "evidence"]])
'''),
        code('''
groups.groupby(["group", "group_label"])["label"].apply(", ".join).to_frame("respondenten")
'''),
        md('''
## 4.2.3 — Effecten van onvoldoende gegevensuitwisseling (nu)

> "Bij de bespreking van de effecten van onvoldoende of geen gegevensuitwisseling ervaart louter de eerste
> groep negatieve effecten op de netwerksamenwerking in het beleidsnetwerk, zoals zwakke netwerkrelaties,
> lage mate van vertrouwen, een slechte coördinatie, niet (helemaal) behalen van doelen en ineffectieve
> besluitvorming." — §4.2

Aantal respondenten per groep dat een effect noemt (`group_1` … `group_4`):
'''),
        code('''
today = res.effects_today
dutch(today[["effect", "stance", "group_1", "group_2", "group_3", "group_4", "total"]], **nl)
'''),
        md('''
> "Zo zijn de respondenten uit de eerste groep (met uitzondering van de inkomensconsulent en de
> procesregisseur) van mening dat onvoldoende gegevensuitwisseling ertoe leidt dat taken dubbel of helemaal
> niet worden gedaan" — §4.2.3, coördinatie

Wie in groep 1 noemt een negatief effect op coördinatie, en wie niet?
'''),
        code('''
per = res.respondent_effects
g1 = per[per["group"] == 1]
g1[["label", "coordination.today.negative", "coordination.today.positive"]].rename(columns={
    "label": "respondent", "coordination.today.negative": "coördinatie negatief",
    "coordination.today.positive": "coördinatie positief"}).replace({True: "ja", False: "nee"})
'''),
        md('Het bewijs: letterlijke citaten achter de cellen (parafrasen zijn weggelaten).'),
        code('''
for effect in ["trust", "relations", "coordination", "decisions", "goals"]:
    print("==", res.effect_labels[effect], "— negatief")
    for row in evidence(effect, "today", "negative", k=2).itertuples():
        print(f"  “{row.quote}” – de {row.label} ({row.source})")
'''),
        md('''
## 4.3.1 — Verwachte effecten van de Wams

> "Opvallend is dat iedere respondent beargumenteert dat er positieve effecten zullen zijn op de
> netwerksamenwerking met de invoering van de Wams; de gecoördineerde aanpak komt (beter) van de grond, de
> besluitvorming wordt (nog) effectiever en de gezamenlijke doelen worden (nog) sneller behaald. Echter is
> alleen de groep die onvoldoende gegevensuitwisseling ervaart van mening dat ook de coördinatie van taken,
> het vertrouwen en de netwerkrelaties zullen verbeteren." — inleiding hoofdstuk 4
'''),
        code('''
wams = res.effects_wams
dutch(wams[["section", "effect", "stance", "group_1", "group_2", "group_3", "group_4", "total"]], drop=("section",),
      **nl)
'''),
        code('''
everyone = wams[wams["total"] == n]["label_nl"].tolist()
only_group_1 = wams[(wams["group_1"] > 0) & (wams[["group_2", "group_3", "group_4"]].sum(axis=1) == 0)
                    & (wams["stance"] != "unclear")]
print("Alle", n, "respondenten:", everyone)
print("Alleen groep 1:", only_group_1["label_nl"].tolist())
'''),
        code('''
for effect in ["trust", "relations"]:
    print("==", res.effect_labels[effect])
    for stance in ["improves", "same"]:
        for row in evidence(effect, "wams", stance, k=1).itertuples():
            print(f"  [{stance}] “{row.quote}” – de {row.label} ({row.source})")
'''),
        md('''
## 4.3.1 — Privacy, de vertrouwensband en het beroepsgeheim

> "Alle respondenten zijn het erover eens dat de invoering van de Wams hoogstwaarschijnlijk niet leidt tot
> negatieve effecten op de netwerksamenwerking. Echter stellen alle respondenten dat de privacy van de
> cliënt met de invoering van de Wams nog beter moet worden gewaarborgd." — §4.3.1
'''),
        code('''
dutch(wams[wams["section"] == "wams_other"][["section", "stance", "group_1", "group_2", "group_3", "group_4", "total"]],
      drop=("section",))
'''),
        code('''
other = quotes[quotes["section"] == "wams_other"].drop_duplicates("quote")
for row in other.itertuples():
    print(f"[{row.stance}] “{row.quote}” – de {row.label} ({row.source})")
'''),
        md('''
**Afwijkingen in §4.3.** De coördinatie van taken telt de inkomensconsulent als *onduidelijk in de bron*: de
scriptie zondert hem uit (r. 628 en 632) en noemt hem in dezelfde alinea bij intakes die niet meer dubbel
gebeuren. De gecoördineerde aanpak (alle 13) en de coördinatie van taken (groep 1) zijn twee rijen.
'''),
        code('''
departures(res.claims, "4.3")
'''),
        md('''
## In één figuur

De kernboodschap van hoofdstuk 4: de effecten per groep, nu naast de verwachting onder de Wams.
'''),
        code('''
from altena_qca.report import plot_effects

png, svg = plot_effects(res.effects_today, res.effects_wams, res.groups, tmp / "effecten_per_groep")
display(Image(filename=str(png), width=700))
'''),
        md('''
## Elke controleerbare bewering van hoofdstuk 3 tot en met 5

`claims.yaml` in de studiemap somt elke controleerbare bewering van de scriptie op, met de regel waar ze
staat en hoe ze uit de gegevens berekend wordt. Dezelfde tabel staat in `tables/claims.csv` van
`altena-qca run`, als bijlage C in het rapport, en op de opdrachtregel: `altena-qca claims`.
'''),
        code('''
from altena_qca.report import claims_summary

print(claims_summary(res.claims))
dutch(res.claims[["section", "line", "claim", "expected", "computed", "status", "reason"]].rename(
    columns={"section": "paragraaf"}))
'''),
        md('''
Alleen de afwijkingen, met de reden:
'''),
        code('''
departures(res.claims)
'''),
    ]
    return cells


# --------------------------------------------------------------------------- 02

def notebook_02():
    cells = [
        md('''
# 02 — Het codeboek uitbreiden met een inductieve code

Een student ziet in de interviews steeds terugkomen dat collega's niet weten wat de AVG toestaat. Dat is
geen code uit de theorie, maar een patroon uit de data: een **inductieve** code. Dit notebook laat zien hoe
je zo'n code toevoegt aan een **kopie** van het codeboek, de transcripten automatisch laat coderen met de
offline auto-coder, de suggesties beoordeelt, en ziet wat dat doet met de groepen en de samenhang.

Het origineel `altena_qca/resources/codebook/altena.yaml` blijft onaangeroerd; alles gebeurt in een tijdelijke map.
'''),
        RECONSTRUCTION,
        SETUP,
        md('''
## 1. Een kopie van het codeboek met één nieuwe code

De nieuwe code komt onder `problems.interpretations` (groep 3: verschillende interpretaties). Codes onder een
groepscode tellen mee bij het indelen in groepen — dat gaan we zo merken. De `rules` vertellen de
auto-coder waar hij op moet letten (zie `altena_qca/resources/codebook/README.md`).
'''),
        code('''
import shutil

from altena_qca import load_codebook

codebook_copy = tmp / "codebook.yaml"
shutil.copy(load_codebook().path, codebook_copy)      # a copy of altena_qca/resources/codebook/altena.yaml

NEW_CODE = "problems.interpretations.avg_unclear"
new_entry = f"""
  - id: {NEW_CODE}
    parent: problems.interpretations
    label_nl: Onduidelijkheid over wat de AVG toestaat
    label_en: Unclear what the GDPR allows
    kind: inductive
    definition: Colleagues do not know what the AVG allows, so each applies the privacy rules their own way.
    indicators: [onwetendheid, eigen interpretatie]
    examples: ["Er is onder de collega's een grote onwetendheid over wat wel en niet mag volgens de AVG"]
    rules:
      lemmas: [onwetendheid, onduidelijkheid]
      phrases: ["wat wel en niet mag", "eigen interpretatie", "anders interpreteren", "verschillende interpretaties"]
"""
codebook_copy.write_text(codebook_copy.read_text(encoding="utf-8").rstrip("\\n") + "\\n" + new_entry,
                         encoding="utf-8")
cb = load_codebook(codebook_copy)   # validates: a bad id, parent or rule stops here with file and line
print(cb[NEW_CODE].label_nl, "— onder", cb[NEW_CODE].parent, f"({len(cb)} codes)")
'''),
        code('''
study2 = load_study(codebook=codebook_copy)   # the bundled data, coded with the extended codebook
cb = study2.codebook
'''),
        md('''
## 2. Automatisch coderen

De auto-coder werkt volledig offline (spaCy zonder gedownloade modellen). Met `method="rules"` gebruikt hij
alleen de regels uit het codeboek; elke suggestie zegt welke regel vuurde.
'''),
        code('''
from altena_qca.coding import AutoCoder, suggest

coder = AutoCoder(method="rules").fit(codebook=cb)
suggestions = suggest(study2.corpus, cb, coder=coder)
mine = suggestions[suggestions["code"] == NEW_CODE].copy()
texts = {d.id: d.text for d in study2.corpus}
labels = {d.id: (study2.corpus.respondent_of(d.id).label if study2.corpus.respondent_of(d.id) else d.id)
          for d in study2.corpus}
mine["respondent"] = mine["document"].map(labels)
mine["match"] = [texts[d][s:e] for d, s, e in zip(mine["document"], mine["match_start"], mine["match_end"])]
print(len(mine), "suggesties voor de nieuwe code")
mine[["respondent", "rule", "confidence", "match"]]
'''),
        md('''
## 3. Wat als we alles zonder te kijken accepteren?
'''),
        code('''
from altena_qca.analysis import assign_groups
from altena_qca.coding import merge_codings

KEEP = ["document", "start", "end", "code", "coder", "origin", "confidence"]


def accept(rows):
    """Accepted suggestions become manual codings of the student (the review decision)."""
    return rows.assign(origin="manual", coder="student", confidence=1.0)[KEEP]


before = assign_groups(study2.corpus, cb, study2.codings)
all_accepted = merge_codings(study2.codings, accept(mine))
blind = assign_groups(study2.corpus, cb, all_accepted)
compare = before[["label", "group", "status"]].assign(
    group_alles=blind["group"].to_numpy(), status_alles=blind["status"].to_numpy(), evidence=blind["evidence"].to_numpy())
compare[compare["group"].astype(str) != compare["group_alles"].astype(str)]
'''),
        md('''
Twee respondenten verschuiven: wie de nieuwe code vaak krijgt, kan bij de meerderheidsregel in een andere
groep belanden of op een gelijke stand uitkomen (*ambiguous*, niet stilzwijgend ingedeeld). Maar klopt dat?
Kijk naar de treffers: "wat wel en niet mag" staat vaak in een zin over de **verwachting** van de Wams
("Als met de Wams duidelijk wordt wat wel en niet mag …"), niet over een probleem dat iemand nu ervaart.

## 4. Beoordelen

De student beoordeelt elke suggestie. Hier nabootst met één beslisregel: een probleem dat iemand *nu*
ervaart hoort in deel 3 van het interview (*Afwegingen, problemen en effecten*); suggesties uit deel 4
(*Mogelijke effecten van de Wams*) worden afgewezen.
'''),
        code('''
from altena_qca.analysis import coding_parts

mine["deel"] = coding_parts(study2.corpus, mine).to_numpy()     # interview part 1-4 of each suggestion
mine["beslissing"] = mine["deel"].map(lambda p: "accepteren" if p == 3 else "afwijzen")
mine[["respondent", "deel", "match", "beslissing"]]
'''),
        code('''
reviewed = merge_codings(study2.codings, accept(mine[mine["beslissing"] == "accepteren"]))
after = assign_groups(study2.corpus, cb, reviewed)
overview = before[["label", "group"]].rename(columns={"group": "voor"})
overview["alles geaccepteerd"] = blind["group"].astype("string").fillna("?").to_numpy()
overview["na beoordeling"] = after["group"].astype("string").fillna("?").to_numpy()
overview["evidence"] = after["evidence"].to_numpy()
overview
'''),
        md('''
Na beoordeling kan er nog steeds iets verschuiven (`?` = niet eenduidig: een gelijke stand tussen twee
groepscodes). De kolom `evidence` zegt waarom. Zo'n gelijke stand wordt gemeld en nooit stilzwijgend
opgelost: de onderzoeker moet kiezen.
'''),
        md('''
## 5. Wat verandert er in de samenhang?

Per effect: in hoeveel interviews komt het probleem van elke groep samen voor met een houding (nu / Wams)?
We vergelijken de oorspronkelijke coderingen met die na beoordeling.
'''),
        code('''
from altena_qca.analysis import cooccurrence_table, effect_cooccurrence

rows = []
for effect in ["trust", "relations", "coordination", "decisions", "goals"]:
    a = effect_cooccurrence(study2.corpus, cb, study2.codings, effect, level="document")
    b = effect_cooccurrence(study2.corpus, cb, reviewed, effect, level="document")
    diff = a[["group", "when", "stance", "n12"]].assign(n12_na=b["n12"].to_numpy())
    diff = diff[diff["n12"] != diff["n12_na"]]
    rows.append(diff.assign(effect=effect))
changes = pd.concat(rows, ignore_index=True)
changes if len(changes) else "geen verschuivingen in de samenhang per effect"
'''),
        code('''
# Met welke effecten komt de nieuwe code zelf samen voor (zelfde interview)?
targets = [NEW_CODE] + [c for c in cb.descendants("effects") if c.endswith((".negative", ".positive"))
                        and c.count(".") == 3]
table = cooccurrence_table(study2.corpus, cb, reviewed, level="document", codes=targets)
table[(table["code1"] == NEW_CODE) | (table["code2"] == NEW_CODE)].sort_values("c", ascending=False).head(8)
'''),
        md('''
## 6. Een betere plek in de codeboom

Onduidelijkheid over de AVG beschrijft eigenlijk de **juridische grens** (§4.2.1), niet welk probleem iemand
ervaart. De student hangt de code daarom onder `boundaries.legal` — in een nieuwe kopie van het codeboek —
en zet de beoordeelde coderingen over naar de nieuwe id.
'''),
        code('''
MOVED = "boundaries.legal.avg_unclear"
moved_copy = tmp / "codebook_moved.yaml"
moved_copy.write_text(codebook_copy.read_text(encoding="utf-8")
                      .replace(f"id: {NEW_CODE}", f"id: {MOVED}")
                      .replace("parent: problems.interpretations\\n    label_nl: Onduidelijkheid",
                               "parent: boundaries.legal\\n    label_nl: Onduidelijkheid"), encoding="utf-8")
study3 = load_study(codebook=moved_copy)
moved = reviewed.assign(code=reviewed["code"].replace(NEW_CODE, MOVED))
regrouped = assign_groups(study3.corpus, study3.codebook, moved)
overview["code onder juridische grens"] = regrouped["group"].astype("string").fillna("?").to_numpy()
overview[["label", "voor", "na beoordeling", "code onder juridische grens"]]
'''),
        code('''
same = (overview["voor"].astype("string") == overview["code onder juridische grens"]).all()
print("Indeling gelijk aan die van de scriptie:", bool(same))
print(study3.codebook[MOVED].label_nl, "—", int((moved["code"] == MOVED).sum()), "coderingen")
'''),
        md('''
## Wat leer je hiervan?

* Een inductieve code onder een **groepscode** verandert de indeling in groepen: zet hem bewust daar, of juist
  elders (bijvoorbeeld onder `boundaries.legal`) als hij geen probleem *nu* beschrijft.
* Blind accepteren van suggesties verschuift respondenten. Beoordelen helpt, maar de plek van de code in de
  boom beslist: onder de juridische grens verandert de indeling niet, terwijl de samenhang met de effecten
  zichtbaar blijft.
* Het origineel bleef onaangeroerd: alles staat in de tijdelijke map hieronder.
'''),
        code('''
print(tmp)
sorted(p.name for p in tmp.iterdir())
'''),
    ]
    return cells


# --------------------------------------------------------------------------- 03

def notebook_03():
    cells = [
        md('''
# 03 — Het beleidsnetwerk

Wie werkt met wie rond een cliënt met meervoudige problematiek, hoe centraal is de gemeente, en waarom noemt
de scriptie dit netwerk een **beleidsgemeenschap**? En: welke organisaties zeggen hetzelfde over de effecten
van gegevensuitwisseling (congruentie) en welke spreken elkaar tegen (conflict)?
'''),
        RECONSTRUCTION,
        SETUP,
        md('''
## 1. Het partnernetwerk

Organisaties worden in de transcripten herkend met een gazetteer (`altena_qca/resources/codebook/actors.yaml`). Een verbinding
ontstaat als een respondent een andere organisatie noemt, als twee organisaties in één fragment samen genoemd
worden, of als ze samen bij het geobserveerde overleg aanwezig waren.
'''),
        code('''
from altena_qca.network import analyse_network, edges_frame, node_measures

net = analyse_network(study)
G = net.graph
print(G.number_of_nodes(), "organisaties en teams,", G.number_of_edges(), "gerichte verbindingen")
nodes = node_measures(G)
NODE_NL = {"label": "organisatie", "side": "intern/extern", "domain": "domein", "in_figure_1": "in Figuur 1",
           "interviewed": "respondent werkt hier", "degree": "verbindingen", "weighted_degree": "gewogen",
           "betweenness": "tussenpositie", "eigenvector": "eigenvectorcentraliteit", "mentioned": "genoemd"}
(nodes[list(NODE_NL)[:-1]].sort_values(["weighted_degree", "label"], ascending=[False, True]).head(12)
 .rename(columns=NODE_NL).replace({True: "ja", False: "nee"}))
'''),
        code('''
from altena_qca.report import plot_network

png, svg = plot_network(G, tmp / "beleidsnetwerk")
display(Image(filename=str(png), width=700))
'''),
        md('''
Figuur 1 van de scriptie toont vijftien externe partners in het sociaal domein en het domein openbare orde en
veiligheid. Staan ze er allemaal in, met het juiste domein?
'''),
        code('''
external = nodes[(nodes["side"] == "extern") & nodes["in_figure_1"]]
print(len(external), "externe partners uit Figuur 1")
external[["label", "domain", "interviewed", "mentioned"]].rename(columns=NODE_NL).replace({True: "ja", False: "nee"})
'''),
        md('''
**Afwijking van de scriptie.** Figuur 1 is gemaakt uit de partners die in de interviews en de observatie
genoemd werden (§4.1.1, r. 355). Partners die nergens genoemd worden en geen verbinding hebben, kan de
reconstructie niet onderbouwen; in de figuur zijn ze gearceerd. De werkgever van de wijk-GGD'er noemt de
scriptie nergens, dus GGD West-Brabant staat niet als 'respondent werkt hier'.
'''),
        code('''
from altena_qca.report import check_claims, departures

departures(check_claims(study, network=net), "4.1")
'''),
        md('''
## 2. Maten voor het hele netwerk
'''),
        code('''
pd.Series(net.summary).to_frame("waarde")
'''),
        md('''
Organisaties uit Figuur 1 die in het corpus nooit genoemd worden, zijn losse punten (isolates). Daarom staan
er ook maten voor alleen het verbonden deel (`..._connected`): die zeggen meer over hoe geconcentreerd de
invloed is.

## 3. Het Rhodes-model: beleidsgemeenschap of issuenetwerk?

> "Op basis van bovengenoemde kan worden geconcludeerd dat het beleidsnetwerk van de aanpak van cliënten met
> meervoudige problematiek in gemeente Altena een beleidsgemeenschap is" — §4.1.1
'''),
        code('''
reading = net.rhodes
print("Oordeel:", reading.classification)
from altena_qca.report import dutch
dutch(reading.principles[["label_nl", "n_community", "n_issue", "share_community", "verdict", "graph_checks",
                          "graph_support"]])
'''),
        code('''
for row in reading.principles.itertuples():
    print(row.label_nl)
    print("  ", row.evidence)
    print("  ", row.example, end="\\n\\n")
'''),
        md('''
## 4. Discourse-netwerkanalyse: wie zegt hetzelfde?

Naar Leifeld's *Discourse Network Analysis*: elke organisatie doet uitspraken (positief of negatief) over de
vijf effecten van gegevensuitwisseling. Het tweeledige netwerk organisatie × effect wordt geprojecteerd op
de organisaties: **congruentie** (zelfde uitspraak over hetzelfde effect) en **conflict** (tegengestelde
uitspraak).
'''),
        code('''
from altena_qca.network import dna_edges_frame, dna_projection

st = net.statements
st.pivot_table(index="actor", columns="concept", values="qualifier",
               aggfunc=lambda q: "/".join(sorted(set(q)))).fillna("")
'''),
        code('''
def ties(graph, k=8):
    rows = [{"a": G.nodes[u]["label"] if u in G else u, "b": G.nodes[v]["label"] if v in G else v,
             "gewicht": round(d["weight"], 3)} for u, v, d in graph.edges(data=True)]
    return pd.DataFrame(rows).sort_values(["gewicht", "a", "b"], ascending=[False, True, True]).head(k)


ties(dna_projection(st, "congruence", "jaccard"))
'''),
        code('''
ties(dna_projection(st, "conflict", "average"))
'''),
        md('''
Wie congruent is, zit in dezelfde groep van §4.2.2: organisaties met respondenten uit groep 1 delen de
negatieve uitspraken, de andere delen de positieve. De normalisatie bepaalt hoe zwaar een band weegt:
'''),
        code('''
edges = dna_edges_frame(st)
edges.head(10)
'''),
    ]
    return cells


# --------------------------------------------------------------------------- 04

def notebook_04():
    cells = [
        md('''
# 04 — Een eigen studie: van lege map tot rapport

Dit notebook doet wat een onderzoeker met eigen interviews doet (een replicatie in een andere gemeente,
een vervolgstudie): een studiemap maken met `init`, twee interviews toevoegen, de map controleren, de
transcripten automatisch laten coderen, de suggesties beoordelen en de hele analyse draaien. Alles wat dit
notebook schrijft komt in een tijdelijke map. De interviews hieronder zijn verzonnen; het formaat van elk
bestand staat in `docs/study-format.md`.

Op de opdrachtregel is dit:

```bash
altena-qca init mijn-studie --title "..." --municipality Heusden
altena-qca check --data mijn-studie
altena-qca run --data mijn-studie --out out
```
'''),
        code('''
import tempfile
from pathlib import Path

import pandas as pd

from altena_qca import check_study, init_study, load_study
from altena_qca.coding import export_review, import_review, suggest
from altena_qca.pipeline import run

pd.set_option("display.max_colwidth", 100)
tmp = Path(tempfile.mkdtemp(prefix="altena-notebook-"))   # everything this notebook writes goes here
folder = tmp / "heusden"
for path in init_study(folder, title="Samenwerking in het zorgnetwerk van Heusden", municipality="Heusden",
                       period="2024"):
    print(path.relative_to(tmp))
print((folder / "study.yaml").read_text(encoding="utf-8"))
'''),
        md('''
## Twee interviews

`respondents.csv` krijgt per geïnterviewde een regel: nooit een naam, wel een functie en een kort label.
Datums mogen als `2024-03-05`, `05-03-2024` of `5 maart 2024`. Elk transcript heet naar het `id` en
markeert elke beurt met een sprekerlabel (`I:`/`R:`, `Interviewer:`/`Respondent:`). De namen en het
telefoonnummer in het eerste interview zijn er om te laten zien dat ze bij het inlezen worden vervangen.
'''),
        code('''
(folder / "respondents.csv").write_text(
    "id,function,label,side,interview_date,organisation\\n"
    "R01,Beleidsmedewerker sociaal domein,beleidsmedewerker,intern,5 maart 2024,Gemeente Heusden\\n"
    "R02,Casemanager GGZ,casemanager,extern,07-03-2024,GGZ Oost Brabant\\n", encoding="utf-8")
(folder / "transcripts" / "R01.txt").write_text("""\\
I: Wat is uw huidige functie?
R: Ik ben beleidsmedewerker sociaal domein bij de gemeente Heusden.
I: Hoe verloopt de gegevensuitwisseling met uw partners?
R: Er wordt te weinig gedeeld. Als de GGZ iets weet over een cliënt, horen wij dat pas veel later. Dat schaadt het vertrouwen.
I: Kunt u een voorbeeld geven?
R: Mevrouw Marieke van Dongen belde ons op 06-12345678 omdat niemand ons had verteld dat er al een traject liep.
I: Wat verwacht u van de Wams?
R: Ik verwacht dat de Wams helpt, omdat we dan een wettelijke grondslag hebben om gegevens te delen.
""", encoding="utf-8")
_ = (folder / "transcripts" / "R02.txt").write_text("""\\
Interviewer: Wat is uw huidige functie?
Respondent: Ik ben casemanager bij GGZ Oost Brabant.
Interviewer: Hoe verloopt het delen van gegevens met de gemeente?
Respondent: We delen te weinig. Zonder toestemming van de cliënt mag ik bijna niets doorgeven, en dat zorgt voor irritatie.
Interviewer: Wat verwacht u van de Wams?
Respondent: Ik verwacht dat de Wams de samenwerking verbetert, als er duidelijke afspraken komen.
""", encoding="utf-8")
'''),
        md('''
## Controleren voordat er iets draait

`check_study` (op de opdrachtregel `altena-qca check`) leest elk bestand en noemt elk probleem tegelijk,
met bestand en regel. Een fout houdt `run` tegen; een waarschuwing niet. Hier: GGZ Oost Brabant staat niet
in de lijst met organisaties (een *bevinding*: voeg haar toe aan `actors.yaml`), en er zijn nog geen
coderingen.
'''),
        code('''
checked = check_study(folder)
print(checked.summary())
for message in checked.problems + checked.warnings:
    print(message)
'''),
        code('''
(folder / "actors.yaml").write_text("actors:\\n  - name: GGZ Oost Brabant\\n    domain: gezondheid\\n",
                                    encoding="utf-8")
checked = check_study(folder)
print(checked.summary())
print(*checked.warnings, sep="\\n")
'''),
        md('''
## Automatisch coderen en beoordelen

De auto-coder stelt codes voor met de regels van het codeboek (`codebook.yaml` van de studie, een kopie van
het codeboek van de scriptie). De transcripten zijn bij het inlezen gepseudonimiseerd: de naam en het
telefoonnummer zijn tags geworden; organisaties uit `actors.yaml` blijven leesbaar.
'''),
        code('''
study = load_study(folder)
print(study.config.title, "—", study.coding_source)
print(study.corpus.documents["R01"].text.splitlines()[5])
suggestions = suggest(study.corpus, study.codebook)
suggestions[["document", "code", "confidence", "rule"]].head(10)
'''),
        md('''
Een beoordelaar krijgt de suggesties met hun passage in een CSV met een lege kolom `decision`. Hier
accepteren we, ter illustratie, de suggesties met de hoogste zekerheid; in een echte studie leest een
mens elke passage. `import_review` maakt van de geaccepteerde regels handmatige coderingen en schrijft
de `codings.csv` van de studie.
'''),
        code('''
review = export_review(suggestions, study.corpus, tmp / "review.csv", codebook=study.codebook)
decided = review.assign(decision=["accept" if c >= review["confidence"].median() else "reject"
                                  for c in review["confidence"]])
decided.to_csv(tmp / "review.csv", index=False)
codings = import_review(tmp / "review.csv", study.corpus, study.codebook, reviewer="student-a",
                        codings=study.codings, out=folder / "codings.csv")
print(len(codings), "coderingen in", folder / "codings.csv")
'''),
        md('''
## De hele analyse

`run` schrijft alle tabellen, figuren, het Word-rapport en een REFI-QDA-project; de bestandsnamen komen uit
`study.yaml` (`slug`). Met alleen geaccepteerde suggesties van twee interviews zegt de analyse weinig: de
aantallen tonen wat er gecodeerd is, niet meer.
'''),
        code('''
study = load_study(folder)
print(study.coding_source, len(study.codings), "coderingen")
files = run(study, tmp / "out")
print(len(files), "bestanden, o.a.:", *sorted({p.name for p in files if p.suffix in (".docx", ".xlsx", ".qdpx")}))
pd.read_csv(tmp / "out" / "tables" / "code_frequencies.csv").query("codings > 0").head(10)
'''),
    ]
    return cells


NOTEBOOKS = {"01_reproduce_thesis.ipynb": notebook_01, "02_extend_codebook.ipynb": notebook_02,
             "03_policy_network.ipynb": notebook_03, "04_own_study.ipynb": notebook_04}


def build(name: str) -> nbformat.NotebookNode:
    nb = new_notebook(cells=NOTEBOOKS[name](), metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    for i, cell in enumerate(nb.cells):  # stable ids, so rebuilding gives identical files
        cell["id"] = f"{name[:2]}-{i:02d}"
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for name in NOTEBOOKS:
        text = nbformat.writes(build(name)) + "\n"
        path = OUT / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            OUT.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    for p in stale:
        print(f"out of date: {p}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
