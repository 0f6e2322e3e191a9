"""Dutch sentences phrased from the computed tables, for the Word report.

Nothing here states a finding of its own: every sentence is built from the
counts of a :class:`~altena_qca.report.results.Results` bundle ("7 van de 13
respondenten ..."), and a sentence whose condition does not hold in the
data is left out or phrased the other way. Run the report on other
transcripts and the text follows their numbers.

Examples
--------
>>> n_of(7, 13)
'7 van de 13 respondenten'
>>> n_of(13, 13), n_of(0, 6, "respondenten")
('alle 13 respondenten', 'geen van de 6 respondenten')
>>> join(["vertrouwen", "netwerkrelaties", "besluitvorming"])
'vertrouwen, netwerkrelaties en besluitvorming'
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

__all__ = ["RECONSTRUCTION_NOTICE", "QUOTE_THEMES", "EFFECT_NL", "STANCE_NL", "ROW_NL", "n_of", "num", "join", "nl_date", "is_reconstruction",
           "reconstruction_counts", "Facts"]

RECONSTRUCTION_NOTICE = (
    "De oorspronkelijke interviews zijn vertrouwelijk. De meegeleverde gegevens zijn een reconstructie uit "
    "de gepubliceerde scriptie: letterlijke citaten uit de scriptie en korte parafrasen van elke bevinding "
    "die de scriptie aan een respondent toeschrijft. Aantallen zeggen dus hoe vaak de scriptie een bevinding "
    "voor een respondent rapporteert, niet hoe vaak iemand iets heeft gezegd.")
#: Themes of the quotes section: (theme key, Heading 2 title).
QUOTE_THEMES = (("trust", "Vertrouwen"), ("relations", "Netwerkrelaties"), ("coordination", "Coördinatie"),
                ("decisions", "Besluitvorming"), ("goals", "Gezamenlijke netwerkdoelen"),
                ("privacy", "Privacy en de vertrouwensband met de cliënt"))
#: Dutch names of the five effects (figure labels when the codebook gives none).
EFFECT_NL = {key: title for key, title in QUOTE_THEMES if key != "privacy"}
#: Dutch words for the stances of ``analysis.effects`` (figures and tables).
STANCE_NL = {"negative": "negatief", "positive": "positief", "improves": "verbetert", "same": "blijft gelijk",
             "unclear": "onduidelijk"}
_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december")
#: What a respondent who reports the Wams stance 'improves' expects, as a noun phrase.
_WAMS_NL = {"trust": "meer vertrouwen", "relations": "sterkere netwerkrelaties",
            "coordination": "een betere coördinatie van taken",
            "decisions": "(nog) effectievere besluitvorming", "goals": "het (sneller) behalen van het gezamenlijke doel",
            "coordination_approach": "een gecoördineerde aanpak die beter van de grond komt",
            "coordination_tasks": "taken die beter op elkaar zijn afgestemd"}
_SIDE_NL = {"intern": "intern", "extern": "extern"}
#: The typology code of the group that experiences too little sharing: the research question's cause.
SHORTAGE_CODE = "problems.insufficient"
#: Plain Dutch for the extra Wams rows (``wams_details``, ``wams_other``); else the code's label.
ROW_NL = {"coordination_approach": "Gecoördineerde aanpak komt beter van de grond",
          "coordination": "Coördinatie van taken",
          "coordination_tasks": "Taken beter op elkaar afgestemd",
          "privacy_risk": "Privacy van de cliënt moet beter gewaarborgd",
          "client_trust_damage": "Schade aan de vertrouwensband met de cliënt",
          "professional_secrecy": "Terugvallen op het beroepsgeheim"}


_WORDS = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf")


def num(k: int) -> str:
    """A count standing on its own, in words up to twelve (Dutch style): 1 → 'één', 13 → '13'.

    >>> num(1), num(6), num(13)
    ('één', 'zes', '13')
    """
    return _WORDS[k] if 0 <= k < len(_WORDS) else str(k)


def _respondents(k: int) -> str:
    """``"1 respondent"`` or ``"2 respondenten"``.

    >>> _respondents(1), _respondents(3)
    ('1 respondent', '3 respondenten')
    """
    return f"{k} respondent" if k == 1 else f"{k} respondenten"


def n_of(k: int, n: int, noun: str = "respondenten") -> str:
    """'k van de n respondenten', 'alle n ...', 'geen van de n ...'."""
    if n and k == n:
        return f"alle {n} {noun}" if n > 1 else f"de enige van de {n}"
    if k == 0:
        return f"geen van de {n} {noun}"
    return f"{k} van de {n} {noun}"


def _dec(x: float, digits: int = 2) -> str:
    """A number with a Dutch decimal comma."""
    return f"{x:.{digits}f}".replace(".", ",")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def join(items: Iterable[str], last: str = "en") -> str:
    items = [str(i) for i in items if str(i)]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def nl_date(iso: str | None) -> str:
    """'2023-04-12' → '12 april 2023' (empty for a missing date)."""
    if not iso or not isinstance(iso, str) or len(iso) < 10:
        return ""
    y, m, d = iso[:10].split("-")
    return f"{int(d)} {_MONTHS[int(m) - 1]} {y}"


def is_reconstruction(study, results) -> bool:
    """True for the bundled reconstructed corpus (paraphrases or the reconstruction header)."""
    if results.codings_summary.get("paraphrases", 0) > 0:
        return True
    return any("[Reconstructie" in d.text[:2000] for d in study.corpus)


def reconstruction_counts(results) -> str:
    s = results.codings_summary
    return (f"Van de gecodeerde passages in de interviews zijn er {s['quotes']} letterlijke citaten en "
            f"{s['paraphrases']} parafrasen.")


class Facts:
    """The numbers of a :class:`~altena_qca.report.results.Results` bundle, as Dutch sentences."""

    def __init__(self, results):
        from .text import ReportText
        self.r = results
        self.t = results.text or ReportText(title="", thesis=True, reconstructed=True,
                                            municipality="gemeente Altena", commissioner="gemeente Altena")
        resp = results.respondents
        self.n = len(resp)
        self.n_intern = int((resp["side"] == "intern").sum())
        self.n_extern = int((resp["side"] == "extern").sum())
        self.n_obs = int(results.n_observations)
        cb = results.codebook.to_frame()
        self.n_codes = len(cb)
        self.n_deductive = int((cb["kind"] == "deductive").sum())
        self.n_inductive = int((cb["kind"] == "inductive").sum())
        g = results.groups
        self.label_of = dict(zip(resp["id"], resp["label"]))
        self.group_defs = results.group_defs
        self.group_label = {int(r.group): str(r.label_nl) for r in results.group_defs.itertuples(index=False)}
        placed = g[g["group"].notna()]
        self.members = {gid: sorted(placed.loc[placed["group"] == gid, "respondent"]) for gid in self.group_label}
        self.size = {gid: len(m) for gid, m in self.members.items()}
        self.unplaced = g[g["group"].isna()]
        self.effect_nl = dict(results.effect_labels)
        self.per = results.respondent_effects
        #: Quotes already placed in the report; each appears once.
        self.used_quotes: set[str] = set()

    # ------------------------------------------------------------------ helpers
    def labels(self, ids: Iterable[str]) -> str:
        return join(f"de {self.label_of.get(i, i)}" for i in ids)

    def who(self, key: str, among: Iterable[str] | None = None) -> list[str]:
        """Respondent ids with the effect-stance ``key`` (a column of respondent_effects)."""
        if key not in self.per.columns:
            return []
        sel = self.per[self.per[key].astype(bool)]
        ids = list(sel["respondent"])
        if among is not None:
            among = set(among)
            ids = [i for i in ids if i in among]
        return sorted(ids)

    def _named_groups(self, gids: Sequence[int]) -> list[int]:
        """The groups of ``gids`` a sentence names: those with members (all, when none has any)."""
        return [g for g in gids if self.size.get(g)] or list(gids)

    def _group_phrase(self, gids: Sequence[int]) -> str:
        named = self._named_groups(gids)
        if len(named) == 1:
            return f"groep {named[0]}"
        return "de groepen " + join(str(g) for g in named)

    def _rows(self, when: str, section: str = "effects") -> pd.DataFrame:
        t = self.r.effects_today if when == "today" else self.r.effects_wams
        return t[t["section"] == section] if section else t

    def date_range(self) -> str:
        dates = sorted(d for d in self.r.respondents["interview_date"].dropna() if isinstance(d, str))
        if not dates:
            return ""
        return f", tussen {nl_date(dates[0])} en {nl_date(dates[-1])}"

    def respondent_rows(self):
        g = dict(zip(self.r.groups["respondent"], self.r.groups["group"]))
        for row in self.r.respondents.sort_values(["side", "label"], key=lambda s: s.str.casefold()
                                                   ).itertuples(index=False):
            grp = g.get(row.id)
            yield row.label, _SIDE_NL.get(row.side, row.side), row.interview_date, \
                ("" if grp is None or pd.isna(grp) else str(int(grp)))

    def who_any(self, keys: Iterable[str]) -> list[str]:
        """Respondent ids with at least one of the effect-stance ``keys``."""
        return sorted({i for k in keys for i in self.who(k)})

    # ------------------------------------------------------------------ effects without a table row
    def unplaced_effects_count(self) -> int:
        u = self.r.unplaced_effects
        return int(u["respondent"].nunique()) if len(u) else 0

    def unplaced_effects_sentence(self, short: bool = False) -> str:
        """Codings that name an effect but fit no row of the effects tables, or ``""``."""
        u = self.r.unplaced_effects
        k = self.unplaced_effects_count()
        if not k:
            return ""
        if short:
            return (f"Bij {_respondents(k)} is wel een effect gecodeerd zonder moment of richting; "
                    f"daarover zeggen de tabellen nog niets.")
        per = u.groupby("effect", sort=False)["respondent"].nunique()
        effects = join(f"{self.effect_nl.get(e, e).lower()} ({n})" for e, n in per.items())
        return (f"Bij {_respondents(k)} is daarnaast een effect gecodeerd op een algemene code, zonder dat de "
                f"codering zegt of het nu of onder de Wams speelt en in welke richting: {effects} "
                f"(aantal respondenten). Die {len(u)} {'codering telt' if len(u) == 1 else 'coderingen tellen'} "
                f"in de tabellen hieronder niet mee; codeer ze op een van de effectcodes met moment en richting.")

    # ------------------------------------------------------------------ groups
    def group_sentence(self) -> str:
        parts = [f"groep {gid} ({self.size.get(gid, 0)}): {self.group_label[gid][:1].lower()}"
                 f"{self.group_label[gid][1:]}" for gid in sorted(self.group_label) if self.size.get(gid)]
        if parts:
            text = (f"De {self.n} respondenten ervaren het delen van gegevens verschillend: "
                    + "; ".join(parts) + ".")
        else:
            text = f"Geen van de {self.n} respondenten is in één van de vier groepen ingedeeld."
        tied, uncoded = self._unplaced_split()
        if len(tied):
            verb = "past" if len(tied) == 1 else "passen"
            text += (f" {_respondents(len(tied))} {verb} niet eenduidig in één groep (even vaak gecodeerd "
                     f"voor meer dan één groep): {self.labels(tied['respondent'])}.")
        if len(uncoded):
            verb = "heeft" if len(uncoded) == 1 else "hebben"
            text += (f" {_respondents(len(uncoded))} {verb} geen codering voor ervaren problemen en "
                     f"{'is' if len(uncoded) == 1 else 'zijn'} daarom niet ingedeeld: "
                     f"{self.labels(uncoded['respondent'])}.")
        return text

    def group_paragraphs(self) -> list[str]:
        out = [self.group_sentence()]
        big = max(self.size, key=lambda g: (self.size[g], -g)) if self.size else None
        if big is not None and self.size[big] * 2 > self.n:
            out.append(f"De grootste groep is groep {big}: {n_of(self.size[big], self.n)}, iets meer dan de helft.")
        mixed: list[str] = []
        only: dict[str, list[str]] = {"intern": [], "extern": []}
        for gid in sorted(self.group_label):
            sides = {self._side(i) for i in self.members.get(gid, [])}
            if len(sides) > 1:
                ni = sum(1 for i in self.members[gid] if self._side(i) == "intern")
                mixed.append(f"groep {gid} ({ni} intern, {self.size[gid] - ni} extern)")
            elif sides:
                only[sides.pop()].append(str(gid))
        bits = []
        if mixed:
            bits.append(join(mixed) + (" bestaat" if len(mixed) == 1 else " bestaan") + " uit interne en externe "
                        "respondenten")
        for side, word in (("intern", "interne"), ("extern", "externe")):
            if only[side]:
                gl = only[side]
                bits.append(f"{'groep' if len(gl) == 1 else 'de groepen'} {join(gl)} "
                            f"{'bestaat' if len(gl) == 1 else 'bestaan'} alleen uit {word} respondenten")
        if bits:
            out.append(_cap("; ".join(bits)) + ".")
        return out

    def _side(self, rid: str) -> str:
        s = self.r.respondents.set_index("id")["side"]
        return str(s.get(rid, ""))

    def group_rows(self):
        rows = []
        for gid in sorted(self.group_label):
            ids = self.members.get(gid, [])
            rows.append((str(gid), self.group_label[gid], str(len(ids)),
                         ", ".join(self.label_of.get(i, i) for i in ids)))
        tied, uncoded = self._unplaced_split()
        for part, what in ((tied, "Niet eenduidig geplaatst (even vaak gecodeerd voor meer dan één groep)"),
                           (uncoded, "Niet ingedeeld (geen codering voor ervaren problemen)")):
            if len(part):
                rows.append(("–", what, str(len(part)),
                             ", ".join(self.label_of.get(i, i) for i in part["respondent"])))
        return rows

    def _unplaced_split(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The unplaced respondents: (tied between groups, without any problem coding)."""
        status = self.unplaced.get("status", pd.Series("ambiguous", index=self.unplaced.index))
        return self.unplaced[status == "ambiguous"], self.unplaced[status != "ambiguous"]

    # ------------------------------------------------------------------ effects today
    def _neg_groups(self) -> list[int]:
        t = self._rows("today")
        t = t[t["stance"] == "negative"]
        return sorted(g for g in self.group_label if int(t[f"group_{g}"].sum()) > 0)

    def _shortage(self, gids: Iterable[int]) -> list[int]:
        """The groups among ``gids`` placed by the code for too little sharing (:data:`SHORTAGE_CODE`).

        Only of them may a sentence say that their negative effects come from
        a shortage; another group that names a negative effect (too easy
        sharing, say) is reported without that cause.
        """
        codes = dict(zip(self.group_defs["group"].astype(int), self.group_defs["code"]))
        return [g for g in gids if codes.get(g) == SHORTAGE_CODE]

    def _by_cause(self, gids: Sequence[int]) -> tuple[list[int], list[int]]:
        """``gids`` split: (the groups that experience a shortage, the others)."""
        short = self._shortage(gids)
        return short, [g for g in gids if g not in short]

    def _groups_verb(self, gids: Sequence[int], one: str, many: str) -> str:
        """The verb for :meth:`_group_phrase` as subject: 'groep 1 noemt', 'de groepen 1 en 2 noemen'."""
        return one if len(self._named_groups(gids)) == 1 else many

    def _named_by(self, rows: pd.DataFrame, gids: Sequence[int]) -> list[str]:
        """'effect (k van de n)' for each effect row named by k > 0 members of groups ``gids`` (n members)."""
        size = sum(self.size[g] for g in gids)
        out = []
        for r in rows.itertuples(index=False):
            k = sum(getattr(r, f"group_{g}") for g in gids)
            if k > 0:
                out.append(f"{self.effect_nl.get(r.effect, r.effect).lower()} ({k} van de {size})")
        return out

    def today_paragraphs(self) -> list[str]:
        t = self._rows("today")
        neg_g = self._neg_groups()
        out = []
        neg = t[t["stance"] == "negative"]
        pos = t[t["stance"] == "positive"]
        short, other = self._by_cause(neg_g)
        lead = "Alleen " if len(neg_g) < len(self.group_label) and not other else ""
        if short:
            size = sum(self.size[g] for g in short)
            out.append(_cap(f"{lead}{self._group_phrase(short)} ({n_of(size, self.n)}) "
                            f"{self._groups_verb(short, 'noemt', 'noemen')} nu negatieve effecten van te weinig "
                            f"gegevensuitwisseling op de samenwerking: " + join(self._named_by(neg, short)) + "."))
        if other:  # a negative effect named by respondents who experience no shortage: no cause is claimed
            size = sum(self.size[g] for g in other)
            what = "; ".join(self.group_label[g][:1].lower() + self.group_label[g][1:] for g in other
                             if self.size.get(g))
            out.append(_cap(f"{'ook ' if short else ''}{self._group_phrase(other)} ({n_of(size, self.n)}"
                            + (f"; ervaring: {what}" if what else "") + ") "
                            f"{self._groups_verb(other, 'noemt', 'noemen')} nu negatieve effecten op de "
                            f"samenwerking: " + join(self._named_by(neg, other)) + "; "
                            f"{self._groups_verb(other, 'deze groep ervaart', 'deze groepen ervaren')} geen tekort "
                            f"aan gegevensuitwisseling."))
        rest = [g for g in sorted(self.group_label) if g not in neg_g and self.size.get(g)]
        if rest:
            size = sum(self.size[g] for g in rest)
            pos_items = self._named_by(pos, rest)
            if pos_items:
                out.append(f"In {self._group_phrase(rest)} ({num(size)} respondenten) noemt niemand een negatief "
                           f"effect; zij ervaren positieve effecten door voldoende uitwisseling: "
                           + join(pos_items) + ".")
        for g in neg_g:  # some members also report the positive stance
            alone: list[str] = []  # effects the group's only member names both ways: one sentence
            for r in t[t["stance"] == "positive"].itertuples(index=False):
                k = getattr(r, f"group_{g}")
                if not k:
                    continue
                ids = self.who(f"{r.effect}.today.positive", self.members[g])
                kn = int(neg.loc[neg["effect"] == r.effect, f"group_{g}"].sum())
                name = self.effect_nl.get(r.effect, r.effect).lower()
                if kn == self.size[g] == 1:
                    alone.append(name)
                elif kn == self.size[g]:
                    out.append(f"In groep {g} noemen alle {kn} een negatief effect op {name}; "
                               f"{self.labels(ids)} {self._verb(len(ids), 'ziet', 'zien')} daarnaast ook positieve "
                               f"kanten.")
                else:
                    out.append(f"Over {name} is groep {g} verdeeld: {n_of(kn, self.size[g], 'leden')} "
                               f"{self._verb(kn, 'noemt', 'noemen')} een negatief effect, {self.labels(ids)} "
                               f"{self._verb(len(ids), 'ervaart', 'ervaren')} het als positief.")
            if alone:
                out.append(f"In groep {g} noemt de enige respondent, {self.labels(self.members[g])}, een negatief "
                           f"effect op {join(alone)}, maar ziet daarnaast ook positieve kanten.")
        return out

    # ------------------------------------------------------------------ effects under the Wams
    def _wams_items(self) -> list[tuple[str, pd.Series]]:
        """(key, row) for each Wams improvement: effects whose details exist are replaced by them."""
        t = self.r.effects_wams
        items = [(row["stance"], row) for _, row in t[t["section"] == "wams_details"].iterrows()]
        for _, row in t[(t["section"] == "effects") & (t["stance"] == "improves")].iterrows():
            items.append((row["effect"], row))
        return items

    def wams_paragraphs(self) -> list[str]:
        out = []
        all_items: list[tuple[str, pd.Series]] = []
        some: list[tuple[str, pd.Series]] = []
        for key, row in self._wams_items():
            (all_items if int(row["total"]) == self.n else some).append((key, row))
        if all_items:
            out.append(f"{_cap(n_of(self.n, self.n))} verwachten onder de Wams "
                       + join(_WAMS_NL.get(k, str(r["label_nl"]).lower()) for k, r in all_items) + ".")
        by_groups: dict[tuple[int, ...], list[str]] = {}
        for key, row in some:
            gids = tuple(g for g in sorted(self.group_label) if int(row[f"group_{g}"]) > 0)
            if not gids:
                continue
            size = sum(self.size[g] for g in gids)
            k = int(sum(row[f"group_{g}"] for g in gids))
            by_groups.setdefault(gids, []).append(f"{_WAMS_NL.get(key, str(row['label_nl']).lower())} "
                                                  f"({k} van de {size})")
        for gids, items in by_groups.items():
            lead = "Alleen " if len(gids) < len([g for g in self.group_label if self.size.get(g)]) else ""
            also = " daarnaast" if all_items else ""
            out.append(_cap(f"{lead}{self._group_phrase(gids)} verwacht{also} " + join(items) + "."))
        same = self._rows("wams")
        same = same[(same["stance"] == "same") & (same["total"] > 0)]
        if len(same):
            named = sorted(g for g in self.group_label if int(same[f"group_{g}"].sum()) > 0)
            items = self._named_by(same, named)  # every row: its total > 0 lies within these groups
            today = self._rows("today")
            already = all(int(today.loc[(today["effect"] == r.effect) & (today["stance"] == "positive"),
                                        [f"group_{g}" for g in named]].to_numpy().sum()) >= int(r.total)
                          for r in same.itertuples(index=False))
            why = ", omdat zij die nu al als positief ervaren" if already else ""
            out.append(f"In {self._group_phrase(named)} verwacht men geen verandering in " + join(items) + why + ".")
        out += self.unclear_sentences()
        return out

    def unclear_sentences(self) -> list[str]:
        """One sentence per Wams stance the source leaves unclear for some respondents (a third state)."""
        t = self._rows("wams")
        out = []
        for r in t[(t["stance"] == "unclear") & (t["total"] > 0)].itertuples(index=False):
            ids = self.who(f"{r.effect}.wams.unclear")
            if not ids:
                continue
            one = len(ids) == 1
            out.append(f"Voor {self.labels(ids)} is onduidelijk of {'die' if one else 'zij'} "
                       f"{_WAMS_NL.get(r.effect, self.effect_nl.get(r.effect, r.effect).lower())} "
                       f"verwacht{'' if one else 'en'}: de bron spreekt zich daarover tegen. "
                       f"{'Deze respondent telt' if one else 'Zij tellen'} daarom bij geen van beide mee.")
        return out

    def effects_table(self, when: str) -> tuple[list[str], list[list[str]]]:
        t = self.r.effects_today if when == "today" else self.r.effects_wams
        gids = sorted(self.group_label)
        n_unplaced = len(self.unplaced)
        header = (["Effect", "Houding"] + [f"Groep {g} (n={self.size.get(g, 0)})" for g in gids]
                  + ([f"Zonder groep (n={n_unplaced})"] if n_unplaced else []) + [f"Totaal (n={self.n})"])
        stance_nl = {**STANCE_NL, "unclear": "onduidelijk in de bron"}  # a table row says where it comes from
        rows = []
        for r in t.itertuples(index=False):
            if r.section == "effects":
                if r.stance == "unclear" and not int(r.total):
                    continue  # a third state only where the source contradicts itself
                name, stance = self.effect_nl.get(r.effect, r.effect), stance_nl.get(r.stance, r.stance)
            elif r.section == "wams_details":
                name, stance = ROW_NL.get(str(r.stance), str(r.label_nl)), "verbetert"
            else:
                name, stance = "Andere effecten", ROW_NL.get(str(r.stance), str(r.label_nl))
            counts = [int(getattr(r, f"group_{g}")) for g in gids]
            # respondents outside every group still count in the total: show them, so the row adds up
            rest = [str(int(r.total) - sum(counts))] if n_unplaced else []
            rows.append([name, stance] + [str(c) for c in counts] + rest + [str(r.total)])
        return header, rows

    # ------------------------------------------------------------------ privacy
    def _other(self, stance: str):
        t = self.r.effects_wams
        row = t[(t["section"] == "wams_other") & (t["stance"] == stance)]
        return None if row.empty else row.iloc[0]

    def privacy_paragraphs(self) -> list[str]:
        out = []
        risk = self._other("privacy_risk")
        if risk is not None:
            k = int(risk["total"])
            if k:
                out.append(f"{_cap(n_of(k, self.n))} {self._verb(k, 'vindt', 'vinden')} dat de privacy van cliënten "
                           f"onder de Wams nog beter gewaarborgd moet worden: noodzakelijke gegevens kunnen dan "
                           f"makkelijker zonder toestemming worden gedeeld, en dat kan de privacy van de cliënt in "
                           f"het geding brengen.")
        careful = self._freq("wams.careful_now")
        if careful:
            rest = [i for i in self.r.respondents["id"] if i not in set(self._having("wams.careful_now"))]
            tail = f" (niet {self.labels(rest)})" if 0 < len(rest) <= 3 else ""
            out.append(f"{_cap(n_of(careful, self.n))}{tail} {self._verb(careful, 'vindt', 'vinden')} dat "
                       f"professionals nu al zorgvuldig met persoonsgegevens omgaan.")
        pos, neg = self._freq("wams.collaboration.positive"), self._freq("wams.collaboration.negative")
        if pos:
            out.append(f"{_cap(n_of(pos, self.n))} {self._verb(pos, 'verwacht', 'verwachten')} dat de Wams de "
                       f"samenwerking verbetert" + ("; niemand verwacht dat de samenwerking erdoor verslechtert."
                                                    if not neg and pos == self.n else "."))
        damage = self._other("client_trust_damage")
        if damage is not None and int(damage["total"]):
            ids = self.who("wams_other.client_trust_damage")
            out.append(f"{_cap(self.labels(ids))} ({len(ids)} van de {self.n}) vragen zich af of het delen zonder "
                       f"toestemming de vertrouwensband tussen professional en cliënt schaadt.")
        secrecy = self._other("professional_secrecy")
        if secrecy is not None and int(secrecy["total"]):
            ids = self.who("wams_other.professional_secrecy")
            out.append(f"{_cap(self.labels(ids))} verwacht{'en' if len(ids) > 1 else ''} dat professionals "
                       f"ook onder de Wams terugvallen op hun beroepsgeheim.")
        nec = self._freq("wams.necessity")
        if nec:
            out.append(f"{_cap(n_of(nec, self.n))} {self._verb(nec, 'noemt', 'noemen')} dat 'noodzakelijk' nog "
                       f"gedefinieerd moet worden: wat de één noodzakelijk vindt om te delen, vindt de ander niet "
                       f"relevant.")
        return out

    @staticmethod
    def _verb(k: int, one: str, many: str) -> str:
        return one if k == 1 else many

    def _having(self, code: str) -> list[str]:
        """Respondent ids with a coding of ``code`` or a code below it."""
        cb = self.r.codebook
        if code not in cb:
            return []
        c = self._codings_with_respondents()
        if c is None:
            return []
        return sorted(set(c.loc[c["code"].isin(cb.descendants(code)), "respondent"].dropna()))

    def _codings_with_respondents(self) -> pd.DataFrame | None:
        """The study's codings with their respondents, joined once (a large study has 10⁵–10⁶ codings)."""
        if not hasattr(self, "_with_respondents"):
            from ..analysis.frequencies import attach_respondents
            c = self.r.codings if hasattr(self.r, "codings") else None
            self._with_respondents = None if c is None else attach_respondents(c, self.r.corpus)
        return self._with_respondents

    def _freq(self, code: str) -> int:
        f = self.r.frequencies
        row = f[f["code"] == code]
        return 0 if row.empty else int(row["respondents"].iloc[0])

    # ------------------------------------------------------------------ network
    def network_paragraphs(self, thesis: bool = False) -> list[str]:
        from ..network import tie_graph
        from .network_figure import visible_graph
        net = self.r.network
        G = visible_graph(net.graph, thesis, self.t.municipality)
        H = tie_graph(G)
        if not G.number_of_nodes():
            return ["In de interviews" + (" en de observatie" if self.n_obs else "")
                    + " worden geen organisaties uit de lijst van bekende actoren genoemd."]
        ext_fig = [n for n, d in G.nodes(data=True) if d.get("side") == "extern" and d.get("in_figure_1")]
        seen = [n for n in ext_fig if int(G.nodes[n].get("mentioned", 0) or 0) + int(G.nodes[n].get("present", 0) or 0)
                or (n in H and H.degree(n))]
        unseen = sorted((G.nodes[n].get("label", n) for n in ext_fig if n not in seen), key=str.casefold)
        interviewed = [n for n, d in G.nodes(data=True) if d.get("interviewed") and d.get("side") == "extern"]
        teams = [n for n, d in G.nodes(data=True) if d.get("side") == "intern" and d.get("parent")]
        n_nodes = G.number_of_nodes()
        where = "in de interviews" + (" en de observatie" if self.n_obs else "")
        if thesis:
            team_text = f"de gemeente en haar {num(len(teams))} teams" if teams else "de gemeente"
            first = (f"Rond een cliënt met meervoudige problematiek werken {team_text} samen met externe partners. "
                     f"De netwerkfiguur toont {n_nodes} organisaties en teams die {where} genoemd worden of er "
                     f"samen in voorkomen.")
        else:
            names = sorted((str(d.get("label", n)) for n, d in G.nodes(data=True)), key=str.casefold)
            first = (f"{_cap(where)} {'wordt' if n_nodes == 1 else 'worden'} {num(n_nodes)} "
                     f"{'organisatie of team' if n_nodes == 1 else 'organisaties en teams'} genoemd"
                     + (f": {join(names)}." if n_nodes <= 12 else "; de netwerkfiguur toont ze naar domein."))
        if ext_fig and thesis:
            first += (f" De scriptie tekent in Figuur 1 {num(len(ext_fig))} externe partners, gekozen op hoe vaak ze in "
                      f"de interviews en de observatie genoemd werden (§4.1.1); in de gereconstrueerde gegevens "
                      f"komen er {num(len(seen))} van terug")
            first += (f", {num(len(unseen))} niet ({join(unseen)}): die zijn in de figuur gearceerd, omdat de "
                      f"reconstructie ze niet kan onderbouwen." if unseen else ".")
        if interviewed:
            unknown = self.n_extern - sum(int(G.nodes[n].get("n_respondents", 0) or 0) for n in interviewed)
            first += (f" Bij {num(len(interviewed))} externe "
                      f"{'partner' if len(interviewed) == 1 else 'partners'} werkt een geïnterviewde respondent (vet)"
                      + (f"; van {'één externe respondent' if unknown == 1 else f'{unknown} externe respondenten'} "
                         + ("noemt de bron de werkgever niet." if thesis else
                            "staat de werkgever niet als organisatie in het netwerk (niet opgegeven, of onbekend "
                            "in de lijst met organisaties).") if unknown > 0 else "."))
        out = [first]
        wdeg = {n: v for n, v in H.degree(weight="weight") if v > 0} if H.number_of_edges() else {}
        n_ties = H.number_of_edges()
        if wdeg and n_ties >= 3:
            ranked = sorted(wdeg.items(), key=lambda x: (-x[1], str(x[0])))
            cut = ranked[min(2, len(ranked) - 1)][1]
            top = [n for n, v in ranked if v >= cut]
            strongest = join(G.nodes[n].get("label", n) for n in top)
            out.append(f"Organisaties worden in de interviews vaak samen genoemd: het netwerk telt {n_ties} "
                       f"verbindingen. Gewogen naar hoe vaak ze samen genoemd worden, "
                       f"{'is' if len(top) == 1 else 'zijn'} {strongest} het sterkst verbonden.")
        elif n_ties:
            pairs = join(f"{G.nodes[u].get('label', u)} en {G.nodes[v].get('label', v)}" for u, v in H.edges())
            out.append(f"Samen genoemd worden alleen {pairs}: te weinig verbindingen om over een netwerkstructuur "
                       f"te spreken.")
        k = self._freq("network.description")
        if k * 2 > self.n:
            out.append(f"{_cap(n_of(k, self.n))} {self._verb(k, 'zegt', 'zeggen')} dat per cliënt steeds een ander, "
                       f"kleiner deel van dit netwerk betrokken is, afhankelijk van de hulpvraag.")
        return out

    def rhodes_coded(self) -> bool:
        """Whether any respondent is coded on a Rhodes principle (else the model says nothing here)."""
        p = self.r.network.rhodes.principles if self.r.network is not None else None
        return p is not None and len(p) > 0 and int((p["n_community"] + p["n_issue"]).sum()) > 0

    def rhodes_rows(self):
        rows = []
        for p in self.r.network.rhodes.principles.itertuples(index=False):
            rows.append((p.label_nl, f"{p.n_community} van {p.n_respondents}", f"{p.n_issue} van {p.n_respondents}",
                         str(p.verdict)))
        return rows

    def rhodes_paragraphs(self) -> list[str]:
        rh = self.r.network.rhodes
        p = rh.principles
        out = []
        if rh.classification == "beleidsgemeenschap":
            out.append("Alle drie principes wijzen op een beleidsgemeenschap: " + join(
                f"{str(x.label_nl)[:1].lower() + str(x.label_nl)[1:]} ({x.n_community} van de {x.n_respondents})"
                for x in p.itertuples(index=False)) + "."
                + (" Dat sluit aan bij de conclusie van de scriptie (§4.1.1)." if self.t.thesis else ""))
        else:
            out.append(f"De principes wijzen niet eenduidig dezelfde kant op; het netwerk is volgens de gegevens "
                       f"'{rh.classification}'.")
        issue = p[p["n_issue"] > 0]
        for x in issue.itertuples(index=False):
            k = int(x.n_issue)
            out.append(f"Bij '{str(x.label_nl).lower()}' {self._verb(k, 'noemt', 'noemen')} {_respondents(k)} "
                       f"daarnaast een kenmerk van een issuenetwerk, terwijl {n_of(x.n_community, x.n_respondents)} "
                       f"het kenmerk van een beleidsgemeenschap "
                       f"{'noemt' if int(x.n_community) <= 1 else 'noemen'}.")  # 'geen van de drie noemt'
        s = self.r.network.summary
        if "degree_centralization_connected" in s:
            c, gi = float(s["degree_centralization_connected"]), float(s.get("degree_gini_connected", 0))
            level = "laag" if c < 0.34 else "middelmatig" if c < 0.67 else "hoog"
            out.append(f"Ook de netwerkfiguur zegt iets over de verdeling van invloed: de centralisatie van het "
                       f"verbonden deel van het netwerk is {level} ({_dec(c)}; 0 = iedereen even sterk verbonden, "
                       f"1 = alles via één organisatie) en de Gini-coëfficiënt van het aantal verbindingen is "
                       f"{_dec(gi)} (0 = gelijk verdeeld).")
        return out

    def rhodes_quotes(self) -> list[tuple[str, str, str]]:
        ev = self.r.network_evidence
        if ev is None or ev.empty:
            return []
        cb = self.r.codebook
        out, seen = [], set()
        for x in self.r.network.rhodes.principles.itertuples(index=False):
            codes = {d for c in str(x.community_codes).split() if c in cb for d in cb.descendants(c)}
            sub = ev[ev["code"].isin(codes) & (ev["kind"] == "quote")].sort_values(["document", "start"])
            for q in sub.itertuples(index=False):
                text = " ".join(str(q.quote).split())
                if text not in seen and text not in self.used_quotes:
                    seen.add(text)
                    self.used_quotes.add(text)
                    out.append((text, str(q.label), str(q.source)))
                    break
        return out

    # ------------------------------------------------------------------ summary
    def summary_intro(self) -> str:
        where = f"medewerkers van {self.t.municipality} en haar partners" if self.t.municipality else \
            "de geïnterviewde medewerkers"
        return (f"Dit rapport vat samen hoe {where} het delen van persoonsgegevens ervaren, welke effecten dat "
                f"heeft op hun samenwerking rond cliënten met meervoudige problematiek, en wat zij verwachten "
                f"van de Wams. Het steunt op {self.n} interviews ({self.n_intern} intern, {self.n_extern} "
                f"extern).")

    # ------------------------------------------------------------------ chapter 5: conclusion, discussion
    def research_question(self) -> str:
        where = f" in {self.t.municipality}" if self.t.municipality else ""
        return (f"Welke effecten heeft het niet of onvoldoende delen van persoonsgegevens op de samenwerking "
                f"rond cliënten met meervoudige problematiek{where}, en welk effect heeft de Wams op die "
                f"samenwerking?")

    def conclusion_paragraphs(self) -> list[str]:
        """The answer to the research question, in two parts (today, under the Wams), from the tables."""
        out = []
        neg_g = self._neg_groups()
        t = self._rows("today")
        if neg_g:
            neg = t[t["stance"] == "negative"]

            def names(gids: Sequence[int]) -> str:
                return join(self.effect_nl.get(r.effect, r.effect).lower() for r in neg.itertuples(index=False)
                            if sum(getattr(r, f"group_{g}") for g in gids) > 0)

            short, other = self._by_cause(neg_g)
            shortage_all = self._shortage(self.group_label)
            rest = [g for g in sorted(self.group_label)
                    if g not in neg_g and g not in shortage_all and self.size.get(g)]
            if short:
                size = sum(self.size[g] for g in short)
                text = (f"Het niet of onvoldoende delen van persoonsgegevens heeft volgens de respondenten die dat "
                        f"ervaren ({self._group_phrase(short)}: {n_of(size, self.n)}) negatieve effecten op de "
                        f"samenwerking, op {names(short)}.")
            elif sum(self.size.get(g, 0) for g in shortage_all):
                size = sum(self.size[g] for g in shortage_all)
                text = (f"De respondenten die te weinig gegevensuitwisseling ervaren "
                        f"({self._group_phrase(shortage_all)}: {n_of(size, self.n)}) noemen geen negatief effect "
                        f"op de samenwerking.")
            else:
                text = ("Geen respondent is ingedeeld in de groep die te weinig gegevensuitwisseling ervaart; op "
                        "het eerste deel van de onderzoeksvraag geven de gegevens daarom geen antwoord.")
            if other:
                size = sum(self.size[g] for g in other)
                text += " " + _cap(f"{'ook ' if short else ''}{self._group_phrase(other)} ({n_of(size, self.n)}) "
                                   f"{self._groups_verb(other, 'noemt', 'noemen')} negatieve effecten, op "
                                   f"{names(other)}, maar {self._groups_verb(other, 'ervaart', 'ervaren')} geen "
                                   f"tekort aan gegevensuitwisseling.")
            if rest:
                pos = t[t["stance"] == "positive"]
                named = any(int(getattr(r, f"group_{g}")) > 0 for r in pos.itertuples(index=False) for g in rest)
                text += (f" De andere respondenten ({self._group_phrase(rest)}) ervaren geen tekort"
                         + (" en noemen de positieve effecten van voldoende uitwisseling." if named else "."))
            if len(self.unplaced):
                k = len(self.unplaced)
                text += (f" {_respondents(k)} {'is' if k == 1 else 'zijn'} niet in een groep geplaatst; "
                         f"over {'die' if k == 1 else 'hen'} zegt deze conclusie niets.")
            out.append(text)
        elif self.n:
            named = t[t["stance"] == "negative"]
            k = len(self.who_any([f"{r.effect}.today.negative" for r in named.itertuples(index=False)]))
            if k:
                text = (f"{_cap(n_of(k, self.n))} {'noemt' if k == 1 else 'noemen'} een negatief effect van te "
                        f"weinig gegevensuitwisseling op de samenwerking, maar {'die is' if k == 1 else 'zijn'} "
                        f"in geen van de vier groepen geplaatst; over de groepen zegt dit rapport daarom niets.")
            else:
                text = (f"Geen van de {self.n} respondenten heeft een codering voor een negatief effect van te "
                        f"weinig gegevensuitwisseling op de samenwerking.")
            if self.unplaced_effects_count():
                text += (" " + self.unplaced_effects_sentence(short=True))
            out.append(text)
        items = self._wams_items()
        everyone = [k for k, r in items if int(r["total"]) == self.n and self.n]
        some = [(k, r) for k, r in items if 0 < int(r["total"]) < self.n]
        if everyone:
            text = (f"Over de Wams is veel overeenstemming: alle {self.n} respondenten verwachten "
                    + join(_WAMS_NL.get(k, k) for k in everyone) + ".")
            only = [k for k, r in some if neg_g and all(int(r[f"group_{g}"]) == 0
                                                         for g in self.group_label if g not in neg_g)]
            if only:
                text += (f" Alleen {self._group_phrase(neg_g)} {self._groups_verb(neg_g, 'verwacht', 'verwachten')} "
                         f"daarnaast "
                         + join(_WAMS_NL.get(k, k) for k in only)
                         + "; de anderen vinden dat die nu al op orde zijn.")
            out.append(text)
        risk = self._other("privacy_risk")
        if risk is not None and int(risk["total"]):
            k = int(risk["total"])
            out.append(f"Daar staat tegenover dat {n_of(k, self.n)} vinden dat de privacy van de cliënt onder de "
                       f"Wams nog beter gewaarborgd moet worden.")
        return out

    def _named(self, code: str) -> tuple[int, str]:
        ids = self._having(code)
        return len(ids), self.labels(ids)

    def caveats(self) -> dict:
        """``analysis.source_caveats`` of the codebook: notes about the thesis's source, so shown for the thesis
        study only (a copied codebook keeps them, but they say nothing about another study)."""
        if not (self.t.thesis or self.t.reconstructed):
            return {}
        return dict(self.r.codebook.analysis.get("source_caveats") or {})

    def _caveat(self, code: str) -> str:
        return str(self.caveats().get(code) or "")

    def wams_not_whole_paragraphs(self) -> list[str]:
        """§5.2-style discussion from the boundary codes: what the Wams changes and what it leaves."""
        out = []
        legal = self._freq("boundaries.legal")
        if legal:
            out.append(f"De Wams verandert vooral de juridische grens: noodzakelijke gegevens mogen dan ook zonder "
                       f"toestemming van de cliënt worden gedeeld. {_cap(n_of(legal, self.n))} "
                       f"{self._verb(legal, 'noemt', 'noemen')} nu de wet (de AVG en haar uitzonderingen) als "
                       f"grens bij het delen.")
        k, who = self._named("boundaries.institutional")
        if k:
            text = (f"De institutionele grens blijft: {who} {self._verb(k, 'noemt', 'noemen')} eigen regels van "
                    f"{'de' if k == 1 else 'hun'} organisatie (beroepsregister, geheimhoudingsplicht, strengere "
                    f"regels voor medische gegevens); die regels verandert een wet over gegevensdeling niet.")
            if self._caveat("boundaries.institutional"):
                text += " " + self._caveat("boundaries.institutional")
            out.append(text)
        sec, who_sec = self._named("wams.other.professional_secrecy")
        nec, who_nec = self._named("wams.necessity")
        bits = []
        if sec:
            bits.append(f"{who_sec} {self._verb(sec, 'verwacht', 'verwachten')} dat professionals ook onder de "
                        f"Wams op hun beroepsgeheim terugvallen")
        if nec:
            bits.append(f"{who_nec} {self._verb(nec, 'wil', 'willen')} eerst afspraken over wat 'noodzakelijk' is")
        if bits:
            out.append("De persoonlijke grens verdwijnt maar deels: " + join(bits, last="en") + ".")
        prof, who_p = self._named("boundaries.colleagues.profession")
        notp, who_n = self._named("boundaries.colleagues.not_profession")
        if prof or notp:
            parts = []
            if notp:
                parts.append(f"volgens {who_n} bepaalt niet het beroep maar de persoon of er gedeeld wordt")
            if prof:
                parts.append(f"volgens {who_p} hangt het ook van het beroep af, en een beroep verandert niet door "
                             f"de Wams")
            out.append("De interprofessionele grens speelt een kleinere rol: " + "; ".join(parts) + ".")
        imp = [(c, w) for c, w in (("improvements.meetings", "frequentere of effectievere overleggen"),
                                   ("improvements.planning", "overleggen die makkelijker in te plannen zijn"),
                                   ("improvements.we_culture", "minder werken op eilandjes (een wij-cultuur)"))
               if self._freq(c)]
        if imp:
            out.append("Daarnaast noemen respondenten verbeterpunten waar de Wams niet in voorziet: "
                       + join(f"{w} ({self.labels(self._having(c))})" for c, w in imp) + ".")
        dmg = self._freq("wams.other.client_trust_damage")
        if dmg:
            out.append(f"Tot slot kan de Wams ook iets kosten: {n_of(dmg, self.n)} "
                       f"{self._verb(dmg, 'vraagt', 'vragen')} zich af of delen zonder toestemming de "
                       f"vertrouwensband met de cliënt schaadt.")
        return out

    def follow_up_paragraphs(self) -> list[str]:
        """§5.5-style follow-up questions, each tied to a finding of this study."""
        out = []
        items = [(k, r) for k, r in self._wams_items() if int(r["total"])]
        if items:
            out.append("Of de verwachte effecten van de Wams zich voordoen, kan pas na de invoering worden "
                       "nagegaan. Een vervolgmeting met dezelfde topiclijst kan toetsen of "
                       + join(f"{_WAMS_NL.get(k, k)} ({n_of(int(r['total']), self.n, 'verwachten dat').replace('de enige van de', '1 van de')})"
                              for k, r in items) + (" ook werkelijk optreedt." if len(items) == 1 else
                                                    " ook werkelijk optreden."))
        risk = self._other("privacy_risk")
        if risk is not None and int(risk["total"]):
            out.append(("Onderzoek daarbij ook" if out else "Onderzoek na de invoering van de Wams")
                       + " of de zorg over de privacy van cliënten uitkomt, of dat professionals zorgvuldig genoeg "
                         "blijven delen.")
        bounds = [name for code, name in (("boundaries.institutional", "institutionele"),
                                          ("boundaries.personal", "persoonlijke"),
                                          ("boundaries.interprofessional", "interprofessionele"))
                  if self._freq(code)]
        if bounds:
            out.append(f"Ga na of de {join(bounds)} grenzen na de invoering kleiner zijn geworden, naast de "
                       f"juridische grens die de Wams zelf verandert.")
        return out

    def limitation_paragraphs(self) -> list[str]:
        """§5.6-style limitations from the data and study.yaml."""
        out = []
        if self.n:  # who experiences the shortage the research question is about: the group placed by it
            size = sum(self.size.get(g, 0) for g in self._shortage(self.group_label))
            if 0 < size < self.n:
                out.append(f"De onderzoeksvraag gaat over de effecten van te weinig gegevensuitwisseling, maar "
                           f"{n_of(size, self.n)} {self._verb(size, 'ervaart', 'ervaren')} dat tekort. Het "
                           f"antwoord op dat deel van de vraag rust dus op {'één respondent' if size == 1 else 'hen'}; een "
                           f"vervolgonderzoek kan vooraf vragen wie een tekort ervaart.")
            elif size == 0:
                out.append(f"De onderzoeksvraag gaat over de effecten van te weinig gegevensuitwisseling, maar geen "
                           f"van de {self.n} respondenten is ingedeeld in de groep die dat tekort ervaart. Een "
                           f"vervolgonderzoek kan vooraf vragen wie een tekort ervaart.")
        if self.t.commissioner:
            out.append(f"Het onderzoek is uitgevoerd in opdracht van {self.t.commissioner}. Respondenten die voor "
                       f"of met de opdrachtgever werken, kunnen hun antwoorden daardoor (bewust of onbewust) "
                       f"hebben aangepast; observatie zonder rol van de onderzoeker (etnografisch onderzoek) "
                       f"verkleint die invloed.")
        if self.n:
            step = round(100 / self.n)  # one respondent as a share
            out.append(f"Het gaat om {self.n} interviews" + (" en één observatie" if self.n_obs == 1 else
                                                            f" en {num(self.n_obs)} observaties" if self.n_obs else "")
                       + f". Eén respondent meer of minder verandert een aandeel al met zo'n {step} "
                       f"procentpunt; de aantallen beschrijven deze respondenten en zijn geen steekproef van "
                       f"alle professionals.")
        for code, text in self.caveats().items():
            if code in self.r.codebook and self._freq(code):
                out.append(f"{self.r.codebook[code].label_nl}: {text[:1].lower()}{text[1:]}")
        return out


    def network_sentence(self) -> str:
        if self.r.network is None or not self.rhodes_coded():
            return ""
        rh = self.r.network.rhodes
        if rh.classification != "beleidsgemeenschap":
            return f"Het netwerk is volgens de gegevens '{rh.classification}' (zie 'Het netwerk')."
        p = rh.principles.set_index("principle")
        said = [(int(p.loc[k, "n_community"]), text) for k, text in (
            ("stability", "iedereen evenveel te zeggen heeft"), ("inclusion", "er één gezamenlijk doel is"),
            ("dependence", "zij voor persoonsgegevens sterk van elkaar afhankelijk zijn")) if k in p.index]
        if said and all(k == self.n for k, _ in said):
            body = f"alle {self.n} respondenten zeggen " + join(f"dat {t}" for _, t in said)
        else:
            body = f"van de {self.n} respondenten zeggen " + join(f"{k} dat {t}" for k, t in said)
        return (f"Het netwerk is een beleidsgemeenschap: {body}. Juist in zo'n netwerk doet het ertoe of "
                f"gegevens gedeeld worden.")

    def summary_bullets(self) -> list[tuple[str, str]]:
        """(bold lead, text) per key finding of the management summary."""
        out = []
        net = self.network_sentence()
        if net:
            out.append(("Netwerk. ", net))
        out.append(("Vier groepen. ", self.group_sentence()))
        today = self.today_paragraphs()[:2]
        if today:
            out.append(("Effecten nu. ", " ".join(today)))
        wams = self.wams_paragraphs()[:2]
        if wams:
            out.append(("Onder de Wams. ", " ".join(wams)))
        privacy = self.privacy_paragraphs()
        if privacy:
            out.append(("Privacy. ", privacy[0]))
        return out

    def conclusion(self) -> str:
        clauses = []
        short, other = self._by_cause(self._neg_groups())
        if short:
            size = sum(self.size[g] for g in short)
            clauses.append(f"{n_of(size, self.n)} {self._verb(size, 'ervaart', 'ervaren')} nu te weinig "
                           f"gegevensuitwisseling en {self._verb(size, 'merkt', 'merken')} daarvan negatieve gevolgen "
                           f"voor de samenwerking")
        if other:
            size = sum(self.size[g] for g in other)
            clauses.append(f"{n_of(size, self.n)} {self._verb(size, 'noemt', 'noemen')} "
                           f"{'ook ' if short else ''}negatieve gevolgen voor de samenwerking zonder een tekort aan "
                           f"gegevensuitwisseling te ervaren")
        universal = [k for k, r in self._wams_items() if int(r["total"]) == self.n]
        if universal:
            clauses.append("iedereen verwacht dat de Wams de samenwerking op een aantal punten verbetert")
        risk = self._other("privacy_risk")
        tail = ""
        if risk is not None and int(risk["total"]) * 2 > self.n:
            k = int(risk["total"])
            who = "iedereen" if k == self.n else n_of(k, self.n)
            verb = "vindt" if k == self.n or k == 1 else "vinden"
            tail = (f", maar {who} {verb} ook dat de privacy van de cliënt dan nog beter gewaarborgd moet worden, "
                    f"omdat gegevens makkelijker zonder toestemming gedeeld kunnen worden")
        if not clauses:
            return "De gegevens laten geen eenduidig beeld zien; zie de hoofdstukken hieronder."
        return _cap("; ".join(clauses)) + tail + "."

    # ------------------------------------------------------------------ recommendations
    def recommendation_evidence(self, which: int) -> list[str]:
        codes = {1: [("wams.necessity", "noemen dat de definitie van 'noodzakelijk' onduidelijk is"),
                     ("wams.other.less_privacy", "vinden dat de privacy van de cliënt onder de Wams nog beter "
                                                 "gewaarborgd moet worden")],
                 2: [("effects.coordination.feedback_missing", "missen terugkoppeling over een casus"),
                     ("improvements.meetings", "willen frequentere of effectievere overleggen"),
                     ("improvements.planning", "willen dat overleggen makkelijker in te plannen zijn")]}[which]
        out = []
        for code, text in codes:
            k = self._freq(code)
            if not k:
                continue
            ids = self._having(code)
            names = f": {self.labels(ids)}" if ids and len(ids) <= 9 and len(ids) < self.n else ""
            verb = text if k > 1 else text.replace("missen", "mist").replace("willen", "wil").replace(
                "verwachten", "verwacht").replace("noemen", "noemt").replace("vinden", "vindt")
            out.append(f"{_cap(n_of(k, self.n))} {verb}{names}.")
        return out

    # ------------------------------------------------------------------ quotes and sides
    def theme_quotes(self, theme: str, limit: int = 3) -> list[tuple[str, str, str]]:
        """Up to ``limit`` verbatim quotes of a theme, distinct respondents first."""
        ev = self.r.evidence
        if theme == "privacy":
            sub = ev[ev["section"] == "wams_other"]
        else:
            sub = ev[(ev["section"] == "effects") & (ev["effect"] == theme)]
        sub = sub[sub["kind"] == "quote"]
        picked, seen_text, seen_who = [], set(), set()
        for pass_ in (0, 1):
            for q in sub.itertuples(index=False):
                text = " ".join(str(q.quote).split())
                if text in seen_text or text in self.used_quotes or (pass_ == 0 and q.respondent in seen_who):
                    continue
                seen_text.add(text)
                self.used_quotes.add(text)
                seen_who.add(q.respondent)
                picked.append((text, str(q.label), str(q.source)))
                if len(picked) >= limit:
                    return picked
        return picked

    def side_sentence(self) -> str:
        f = self.r.frequencies
        caveats = set(self.caveats())
        f = f[(f["depth"] == 1) & (f["respondents"] > 0) & ~f["code"].isin(caveats)]
        if not self.n_intern or not self.n_extern or f.empty:
            return ""
        diff = (f["respondents_intern"] / self.n_intern - f["respondents_extern"] / self.n_extern)
        i, e = f.loc[diff.idxmax()], f.loc[diff.idxmin()]
        out = []
        if diff.max() > 0:
            out.append(f"Intern wordt '{i['label_nl']}' vaker genoemd ({i['respondents_intern']} van de "
                       f"{self.n_intern} intern, {i['respondents_extern']} van de {self.n_extern} extern)")
        if diff.min() < 0:
            out.append(f"extern '{e['label_nl']}' ({e['respondents_extern']} van de {self.n_extern} extern, "
                       f"{e['respondents_intern']} van de {self.n_intern} intern)")
        return (_cap("; ".join(out)) + ".") if out else ""
