"""Figures of a study (matplotlib), written as PNG and SVG.

Four figures, each a plain function from analysis results to files:

* :func:`plot_effects` — effects per group today beside the expectation
  under the Wams (thesis 4.2.3 and 4.3.1): the core message at a glance;
* :func:`plot_effect_cooccurrence` — per effect, how often each group's
  problem code and each stance are told in the same interview;
* :func:`plot_code_frequencies` — which themes intern and extern
  respondents raise (share of respondents per side);
* :func:`~altena_qca.report.network_figure.plot_network` — the partner network in the spirit of Figure 1 of
  the thesis: the gemeente and its teams at the centre, partners around by
  domain, interviewed partners in bold.

Every figure has Dutch labels, an Okabe-Ito or cividis palette (safe for
colour-blind readers), fonts of at least 8 pt at 16.5 cm wide (the text
width of an A4 page), a title that says what it shows and the footnote
:data:`FOOTNOTE`. Figures are built on :class:`matplotlib.figure.Figure`
with the Agg canvas, never pyplot, so no global backend is switched.
Output is deterministic: fixed SVG hash salt and ids, no dates in the
metadata, text kept as text in SVG (so :func:`altena_qca.privacy.find_leaks`
can read it).

Examples
--------
>>> import tempfile, pathlib
>>> from altena_qca import load_study
>>> from altena_qca.report.results import compute_results
>>> res = compute_results(load_study(pseudonymise=False), network=False)  # doctest: +SKIP
>>> paths = plot_effects(res.effects_today, res.effects_wams, res.groups,
...                      pathlib.Path(tempfile.mkdtemp()) / "effecten")  # doctest: +SKIP
>>> [p.suffix for p in paths]  # doctest: +SKIP
['.png', '.svg']
"""
from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .style import (
    _TEXT,
    _WIDTH,
    DOMAIN_COLOURS,
    FOOTNOTE,
    OKABE_ITO,
    _axes,
    _footnote,
    _header,
    _new_figure,
    figure_style,
    figure_text,
    save_figure,
)
from .wording import EFFECT_NL, ROW_NL, STANCE_NL

__all__ = ["plot_effect_panel", "figure_text", "FOOTNOTE", "OKABE_ITO", "DOMAIN_COLOURS", "STANCE_NL", "FIGURES", "figure_style",
           "save_figure", "plot_effects", "plot_effect_cooccurrence", "plot_code_frequencies",
           "write_figures"]

#: Figure file stems written by :func:`write_figures`, in report order.
FIGURES = ("effecten_per_groep", "effecten_nu", "effecten_wams", "samenhang_per_effect", "codes_intern_extern",
           "beleidsnetwerk")

#: Unfavourable (vermillion), favourable (blue), no change (grey).
_STANCE_COLOUR = {"negative": OKABE_ITO["vermillion"], "positive": OKABE_ITO["blue"],
                  "improves": OKABE_ITO["blue"], "same": OKABE_ITO["grey"], "unclear": OKABE_ITO["yellow"]}
_OTHER_COLOUR = {"wams_details": OKABE_ITO["blue"], "wams_other": OKABE_ITO["vermillion"]}

def _luminance(rgb) -> float:
    r, g, b = rgb[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _tint(colour: str, share: float):
    """``colour`` mixed with white: share 0 is a faint tint, share 1 the full colour."""
    from matplotlib.colors import to_rgb
    r, g, b = to_rgb(colour)
    a = 0.10 + 0.90 * max(0.0, min(1.0, share))
    return (1 - a + a * r, 1 - a + a * g, 1 - a + a * b)


def _group_sizes(groups: pd.DataFrame) -> dict[int, int]:
    placed = groups[groups["group"].notna()]
    return {int(g): int(n) for g, n in placed.groupby("group").size().items()}


def _group_labels(groups: pd.DataFrame) -> dict[int, str]:
    placed = groups[groups["group"].notna()]
    return {int(g): str(lbl) for g, lbl in zip(placed["group"], placed["group_label"])}


def _group_ids(table: pd.DataFrame) -> list[int]:
    return [int(c.split("_", 1)[1]) for c in table.columns if c.startswith("group_")]


# --------------------------------------------------------------------------- (a) effects

def _cell_grid(ax, rows: list[dict], gids: list[int], sizes: Mapping[int, int], share_text: bool = True) -> None:
    """Draw one row per dict (``counts`` per group, ``colour``) as tinted cells with k/n and the share;
    a row with ``blank`` stays empty (it keeps the two panels aligned)."""
    from matplotlib.patches import Rectangle
    ax.set_xlim(0, len(gids))
    ax.set_ylim(len(rows), 0)
    for i, row in enumerate(rows):
        if row.get("blank"):
            continue
        for j, g in enumerate(gids):
            n = sizes.get(g, 0)
            k = int(row["counts"].get(g, 0))
            share = k / n if n else 0.0
            face = _tint(row["colour"], share) if k else (0.97, 0.97, 0.97)
            ax.add_patch(Rectangle((j + 0.04, i + 0.06), 0.92, 0.88, facecolor=face, edgecolor="none"))
            colour = "white" if k and _luminance(face) < 0.56 else ("#222222" if k else "#9A9A9A")
            text = f"{k}/{n}" + (f"\n{round(100 * share)}%" if k and share_text else "")
            ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=8,
                    color=colour, fontweight="bold" if k and share >= 0.5 else "normal", linespacing=0.85)
    ax.set_xticks([j + 0.5 for j in range(len(gids))])
    ax.set_xticklabels([f"Groep {g}\n(n = {sizes.get(g, 0)})" for g in gids])
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)


def _other_rows(table: pd.DataFrame, gids: list) -> list[dict]:
    """The rows below the five effects (privacy, other Wams effects) with their colour and counts per group."""
    return [{"label": ROW_NL.get(str(r.stance), str(r.label_nl)), "colour": _OTHER_COLOUR.get(r.section, OKABE_ITO["grey"]),
             "counts": {g: getattr(r, f"group_{g}") for g in gids}}
            for r in table[table["section"] != "effects"].itertuples(index=False)]


def _effect_rows(table: pd.DataFrame, effect_labels: Mapping[str, str]) -> list[dict]:
    gids = _group_ids(table)
    rows = []
    for r in table[table["section"] == "effects"].itertuples(index=False):
        if r.stance == "unclear" and not int(r.total):
            continue  # the third state only where the source contradicts itself
        rows.append({"effect": r.effect, "effect_nl": effect_labels.get(r.effect, r.effect),
                     "stance": r.stance, "stance_nl": STANCE_NL.get(r.stance, r.stance),
                     "colour": _STANCE_COLOUR.get(r.stance, OKABE_ITO["grey"]),
                     "counts": {g: getattr(r, f"group_{g}") for g in gids}})
    return rows


def _aligned(left: list[dict], right: list[dict]) -> tuple[list[dict], list[dict]]:
    """Both panels with the same number of rows per effect (blank rows fill the shorter side)."""
    order = list(dict.fromkeys([r["effect"] for r in left] + [r["effect"] for r in right]))
    out_l, out_r = [], []
    for e in order:
        a = [r for r in left if r["effect"] == e]
        b = [r for r in right if r["effect"] == e]
        name = (a or b)[0]["effect_nl"]
        n = max(len(a), len(b))
        out_l += a + [{"blank": True, "effect": e, "effect_nl": name, "stance_nl": ""}] * (n - len(a))
        out_r += b + [{"blank": True, "effect": e, "effect_nl": name, "stance_nl": ""}] * (n - len(b))
    return out_l, out_r


def plot_effects(today: pd.DataFrame, wams: pd.DataFrame, groups: pd.DataFrame, stem: str | Path, *,
                 effect_labels: Mapping[str, str] | None = None) -> list[Path]:
    """Effects per group, today beside the expectation under the Wams.

    Parameters
    ----------
    today, wams : pandas.DataFrame
        :func:`~altena_qca.analysis.effects.effects_matrix` with
        ``when="today"`` and ``when="wams"``.
    groups : pandas.DataFrame
        :func:`~altena_qca.analysis.typology.assign_groups` (group sizes and
        labels).
    stem : str or Path
        Output path without suffix; ``.png`` and ``.svg`` are written.
    effect_labels : mapping, optional
        Dutch name per effect key (default: the thesis's names).

    Returns
    -------
    list of Path
        The PNG and the SVG.
    """
    from matplotlib.patches import Rectangle
    labels = {**EFFECT_NL, **dict(effect_labels or {})}
    sizes = _group_sizes(groups)
    gids = _group_ids(today)
    left_rows, right_rows = _aligned(_effect_rows(today, labels), _effect_rows(wams, labels))
    other = _other_rows(wams, gids)
    cell_w, cell_h = 0.5, 0.28
    panel_w = cell_w * len(gids)
    n_main = max(len(left_rows), len(right_rows))
    main_h = cell_h * n_main
    other_h = cell_h * len(other)
    group_key = sorted(_group_labels(groups).items())
    legend_h = 0.18 * (4 if any(r.get("stance") == "unclear" for r in right_rows) else 3) + 0.24 \
        + 0.17 * len(group_key)
    height = 0.75 + 0.5 + main_h + (0.7 + other_h if other else 0) + 0.3 + legend_h + 0.35
    with figure_style():
        fig = _new_figure(_WIDTH, height)
        _header(fig, "Effecten van gegevensuitwisseling op de samenwerking, per groep",
                "Per groep: wie een effect noemt (aandeel van de groep), nu"
                + (" (§4.2.3)" if _TEXT.get("thesis") else "") + " en onder de Wams"
                + (" (§4.3.1)" if _TEXT.get("thesis") else ""))
        x_effect, x_left = 0.1, 1.55
        x_right = x_left + panel_w + 0.82
        top = height - 0.75 - 0.5
        ax_l = _axes(fig, x_left, top - main_h, panel_w, main_h)
        _cell_grid(ax_l, left_rows, gids, sizes)
        ax_l.set_yticks([i + 0.5 for i in range(len(left_rows))])
        ax_l.set_yticklabels([r["stance_nl"] for r in left_rows])
        ax_l.set_title("Nu", fontweight="bold", pad=26)
        ax_r = _axes(fig, x_right, top - main_h, panel_w, main_h)
        _cell_grid(ax_r, right_rows, gids, sizes)
        ax_r.set_yticks([i + 0.5 for i in range(len(right_rows))])
        ax_r.set_yticklabels([r["stance_nl"] for r in right_rows])
        ax_r.set_title("Verwacht onder de Wams", fontweight="bold", pad=26)
        # effect names once, at the far left, spanning their stance rows
        H = height
        seen: dict[str, list[int]] = {}
        for i, r in enumerate(left_rows):
            seen.setdefault(r["effect_nl"], []).append(i)
        for name, idx in seen.items():
            y = top - cell_h * (sum(idx) / len(idx) + 0.5)
            fig.text(x_effect / _WIDTH, y / H, textwrap.fill(name, 13, break_long_words=False), ha="left",
                     va="center",
                     fontweight="bold", linespacing=1.1)
            if idx[0] > 0:
                yline = top - cell_h * idx[0]
                for ax in (ax_l, ax_r):
                    ax.axhline(idx[0], color="#BBBBBB", lw=0.6, xmin=0, xmax=1)
                fig.add_artist(_line(fig, x_effect, x_left - 0.6, yline))
        bottom = top - main_h
        if other:
            obottom = bottom - 0.7 - other_h
            ax_o = _axes(fig, x_right, obottom, panel_w, other_h)
            _cell_grid(ax_o, other, gids, sizes)
            ax_o.set_yticks([i + 0.5 for i in range(len(other))])
            ax_o.set_yticklabels([textwrap.fill(r["label"], 52) for r in other])
            ax_o.set_title("Verder verwacht onder de Wams", fontweight="bold", pad=26, loc="right")
            bottom = obottom
        # legend and group key
        y = bottom - 0.3
        keys = [(OKABE_ITO["vermillion"], "ongunstig (negatief effect, privacyrisico)"),
                (OKABE_ITO["blue"], "gunstig (positief effect, verbetering)"),
                (OKABE_ITO["grey"], "geen verandering verwacht")]
        if any(r.get("stance") == "unclear" for r in right_rows):
            keys.append((OKABE_ITO["yellow"], "onduidelijk: de bron spreekt zich over deze respondent tegen"))
        for colour, text in keys:
            ax = _axes(fig, x_effect, y - 0.06, 0.22, 0.13)
            ax.add_patch(Rectangle((0, 0), 1, 1, facecolor=colour, edgecolor="none"))
            ax.set_axis_off()
            fig.text((x_effect + 0.3) / _WIDTH, y / H, text, va="center")
            y -= 0.18
        fig.text(x_effect / _WIDTH, y / H, "Getal = respondenten dat het noemt / groepsgrootte, met het aandeel; "
                 "sterkere kleur = groter deel van de groep.", va="center")
        y -= 0.24
        for g, lbl in group_key:
            fig.text(x_effect / _WIDTH, y / H, f"Groep {g}: {lbl}", va="center")
            y -= 0.17
        _footnote(fig)
        return save_figure(fig, stem, title="Effecten per groep: nu en onder de Wams")


def plot_effect_panel(table: pd.DataFrame, groups: pd.DataFrame, stem: str | Path, *, when: str,
                      effect_labels: Mapping[str, str] | None = None) -> list[Path]:
    """One moment of :func:`plot_effects` on its own, sized to share a page with text (the report's figure).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`~altena_qca.analysis.effects.effects_matrix` of that moment.
    groups : pandas.DataFrame
        :func:`~altena_qca.analysis.typology.assign_groups`.
    stem : str or Path
        Output path without suffix.
    when : {"today", "wams"}
        The moment; ``wams`` adds the coordinated approach and the other Wams effects below the five effects.
    effect_labels : mapping, optional
        Dutch name per effect key.

    Returns
    -------
    list of Path
        The PNG and the SVG.
    """
    from matplotlib.patches import Rectangle
    labels = {**EFFECT_NL, **dict(effect_labels or {})}
    sizes = _group_sizes(groups)
    gids = _group_ids(table)
    rows = _effect_rows(table, labels)
    other = _other_rows(table, gids)
    cell_w, cell_h = 0.95, 0.22
    panel_w = cell_w * len(gids)
    main_h, other_h = cell_h * len(rows), 0.32 * len(other)   # the other rows' labels take two lines
    keys = [(OKABE_ITO["vermillion"], "ongunstig (negatief effect, privacyrisico)"),
            (OKABE_ITO["blue"], "gunstig (positief effect, verbetering)")]
    if when == "wams":
        keys.append((OKABE_ITO["grey"], "geen verandering verwacht"))
    if any(r.get("stance") == "unclear" for r in rows):
        keys.append((OKABE_ITO["yellow"], "onduidelijk: de bron spreekt zich over deze respondent tegen"))
    legend_h = 0.17 * len(keys) + 0.2
    height = 0.62 + 0.42 + main_h + (0.55 + other_h if other else 0) + 0.2 + legend_h + 0.3
    thesis = bool(_TEXT.get("thesis"))
    title = ("Effecten van gegevensuitwisseling nu, per groep" if when == "today"
             else "Verwachte effecten onder de Wams, per groep")
    sub = ("Aantal respondenten per groep dat het effect noemt, met het aandeel van de groep"
           + ((" (§4.2.3)" if when == "today" else " (§4.3.1)") if thesis else ""))
    with figure_style():
        fig = _new_figure(_WIDTH, height)
        _header(fig, title, sub)
        x_effect, x_grid = 0.1, _WIDTH - 0.1 - panel_w
        top = height - 0.62 - 0.42
        ax = _axes(fig, x_grid, top - main_h, panel_w, main_h)
        _cell_grid(ax, rows, gids, sizes, share_text=False)
        for i, r in enumerate(rows):  # k/n and the share on one line: the cells are wide here
            for j, g in enumerate(gids):
                n, k = sizes.get(g, 0), int(r["counts"].get(g, 0))
                if k and n:
                    ax.texts[i * len(gids) + j].set_text(f"{k}/{n}  {round(100 * k / n)}%")
        ax.set_yticks([i + 0.5 for i in range(len(rows))])
        ax.set_yticklabels([r["stance_nl"] for r in rows])
        H = height
        seen: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            seen.setdefault(r["effect_nl"], []).append(i)
        for name, idx in seen.items():
            y = top - cell_h * (sum(idx) / len(idx) + 0.5)
            fig.text(x_effect / _WIDTH, y / H, name, ha="left", va="center", fontweight="bold")
            if idx[0] > 0:
                ax.axhline(idx[0], color="#BBBBBB", lw=0.6)
                fig.add_artist(_line(fig, x_effect, x_grid - 0.9, top - cell_h * idx[0]))
        bottom = top - main_h
        if other:
            obottom = bottom - 0.55 - other_h
            ax_o = _axes(fig, x_grid, obottom, panel_w, other_h)
            _cell_grid(ax_o, other, gids, sizes, share_text=False)
            for i, r in enumerate(other):
                for j, g in enumerate(gids):
                    n, k = sizes.get(g, 0), int(r["counts"].get(g, 0))
                    if k and n:
                        ax_o.texts[i * len(gids) + j].set_text(f"{k}/{n}  {round(100 * k / n)}%")
            ax_o.set_yticks([i + 0.5 for i in range(len(other))])
            ax_o.set_yticklabels([textwrap.fill(r["label"], 34) for r in other], linespacing=1.0)
            ax_o.set_xticklabels([])
            fig.text(x_effect / _WIDTH, (obottom + other_h + 0.12) / H, "Verder verwacht onder de Wams",
                     fontweight="bold", va="bottom")
            bottom = obottom
        y = bottom - 0.2
        for colour, text in keys:
            a = _axes(fig, x_effect, y - 0.06, 0.22, 0.12)
            a.add_patch(Rectangle((0, 0), 1, 1, facecolor=colour, edgecolor="none"))
            a.set_axis_off()
            fig.text((x_effect + 0.3) / _WIDTH, y / H, text, va="center")
            y -= 0.17
        fig.text(x_effect / _WIDTH, y / H, "Getal = respondenten dat het noemt / groepsgrootte, met het aandeel; "
                 "sterkere kleur = groter deel van de groep.", va="center")
        _footnote(fig)
        return save_figure(fig, stem, title=title)


def _line(fig, x0: float, x1: float, y: float):
    from matplotlib.lines import Line2D
    W, H = fig.get_size_inches()
    return Line2D([x0 / W, x1 / W], [y / H, y / H], transform=fig.transFigure, color="#BBBBBB", lw=0.6)


# --------------------------------------------------------------------------- (b) co-occurrence

def plot_effect_cooccurrence(tables: Mapping[str, pd.DataFrame], stem: str | Path, *,
                             effect_labels: Mapping[str, str] | None = None,
                             groups: pd.DataFrame | None = None) -> list[Path]:
    """Per effect: problem group × stance co-occurrence as small heatmaps.

    Parameters
    ----------
    tables : mapping
        Effect key → :func:`~altena_qca.analysis.cooccurrence.effect_cooccurrence`
        at document level (both moments, ``when=None``).
    stem : str or Path
        Output path without suffix.
    effect_labels : mapping, optional
        Dutch name per effect key.
    groups : pandas.DataFrame, optional
        :func:`~altena_qca.analysis.typology.assign_groups`, for the group key.

    Returns
    -------
    list of Path
        The PNG and the SVG.

    Notes
    -----
    The colour is the c-coefficient ``n12 / (n1 + n2 - n12)`` (cividis, 0–1);
    the number is ``n12``, the interviews in which both codes occur.
    """
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.patches import Rectangle
    labels = {**EFFECT_NL, **dict(effect_labels or {})}
    effects = [e for e, t in tables.items() if len(t)]
    ncols = 3
    nrows = max(1, math.ceil((len(effects) + 1) / ncols))
    cmap, norm = colormaps["cividis"], Normalize(0, 1)
    first = tables[effects[0]] if effects else pd.DataFrame()
    gids = sorted({int(g) for g in first.get("group", [])})
    cell_w, cell_h = 0.36, 0.28
    cols = []  # (when, stance) in table order
    for w, s in zip(first.get("when", []), first.get("stance", [])):
        if (w, s) not in cols:
            cols.append((w, s))
    pw, ph = cell_w * max(1, len(cols)), cell_h * max(1, len(gids))
    title_h, ticks_h, gap = 0.42, 0.42, 0.2
    slot_w, slot_h = (_WIDTH - 0.75) / ncols, title_h + ph + ticks_h + gap
    key = sorted(_group_labels(groups).items()) if groups is not None else []
    height = 0.75 + nrows * slot_h + 0.17 * len(key) + 0.45

    def place(k: int) -> tuple[float, float]:
        r, c = divmod(k, ncols)
        return 0.75 + c * slot_w, height - 0.75 - r * slot_h - title_h - ph

    with figure_style():
        fig = _new_figure(_WIDTH, height)
        _header(fig, "Samenhang tussen ervaren probleem en effect, per effect",
                "Aantal interviews waarin het probleem van de groep en het effect samen voorkomen "
                "(kleur: c-coëfficiënt)")
        for k, effect in enumerate(effects):
            t = tables[effect]
            x, y = place(k)
            ax = _axes(fig, x, y, pw, ph)
            for i, g in enumerate(gids):
                for j, (w, s) in enumerate(cols):
                    cell = t[(t["group"] == g) & (t["when"] == w) & (t["stance"] == s)]
                    n12 = int(cell["n12"].iloc[0]) if len(cell) else 0
                    cc = float(cell["c"].iloc[0]) if len(cell) and pd.notna(cell["c"].iloc[0]) else 0.0
                    face = cmap(norm(cc))
                    ax.add_patch(Rectangle((j + 0.03, i + 0.04), 0.94, 0.92, facecolor=face, edgecolor="none"))
                    ax.text(j + 0.5, i + 0.5, str(n12), ha="center", va="center", fontsize=8,
                            color="white" if _luminance(face) < 0.45 else "black")
            ax.set_xlim(0, len(cols))
            ax.set_ylim(len(gids), 0)
            ax.set_xticks([j + 0.5 for j in range(len(cols))])
            ax.set_xticklabels([("nu" if w == "today" else "Wams") + "\n" + _short_stance(s) for w, s in cols])
            ax.set_yticks([i + 0.5 for i in range(len(gids))])
            ax.set_yticklabels([f"Groep {g}" for g in gids] if k % ncols == 0 else [""] * len(gids))
            ax.tick_params(length=0)
            for side in ax.spines.values():
                side.set_visible(False)
            ax.set_title(textwrap.fill(labels.get(effect, effect), 20), fontweight="bold", fontsize=9,
                         loc="left", linespacing=1.0)
        # colour bar and how to read it, in the next free slot
        x, y = place(len(effects))
        cax = _axes(fig, x, y + ph - 0.12, pw, 0.12)
        from matplotlib.colorbar import ColorbarBase
        cb = ColorbarBase(cax, cmap=cmap, norm=norm, orientation="horizontal")
        cb.set_ticks([0, 0.5, 1])
        cb.set_ticklabels(["0", "0,5", "1"])
        cb.outline.set_visible(False)
        cax.set_title("c-coëfficiënt", fontsize=8, loc="left")
        for i, line in enumerate(["0 = nooit samen,", "1 = altijd samen", "Getal = aantal interviews"]):
            fig.text(x / _WIDTH, (y + ph - 0.55 - 0.17 * i) / height, line, va="center")
        for i, (g, lbl) in enumerate(key):
            fig.text(0.1 / _WIDTH, (0.45 + 0.17 * (len(key) - 1 - i)) / height, f"Groep {g}: {lbl}", va="center")
        _footnote(fig)
        return save_figure(fig, stem, title="Samenhang probleem en effect per effect")


def _short_stance(stance: str) -> str:
    return {"negative": "neg.", "positive": "pos.", "improves": "beter", "same": "gelijk"}.get(stance, stance)


# --------------------------------------------------------------------------- (c) frequencies

def plot_code_frequencies(frequencies: pd.DataFrame, respondents: pd.DataFrame, stem: str | Path, *,
                          codebook=None, depth: int = 1) -> list[Path]:
    """Share of intern and extern respondents who raise each theme.

    Parameters
    ----------
    frequencies : pandas.DataFrame
        :func:`~altena_qca.analysis.frequencies.code_frequencies` with
        ``include_descendants=True`` (a theme counts with the codes below it).
    respondents : pandas.DataFrame
        One row per respondent with a ``side`` column (the number per side).
    stem : str or Path
        Output path without suffix.
    codebook : Codebook, optional
        For the main category (root) of each theme; without it themes are
        grouped by the first part of their id.
    depth : int
        Which level of the code tree to show (1: the themes under each main
        category).

    Returns
    -------
    list of Path
        The PNG and the SVG.
    """
    n_side = respondents["side"].value_counts().to_dict()
    ni, ne = int(n_side.get("intern", 0)), int(n_side.get("extern", 0))
    t = frequencies[(frequencies["depth"] == depth) & (frequencies["respondents"] > 0)].copy()
    roots = frequencies[frequencies["depth"] == 0].set_index("code")["label_nl"].to_dict()
    t["root"] = [(codebook.top_level(c) if codebook is not None else c.split(".")[0]) for c in t["code"]]
    t["pi"] = t["respondents_intern"] / ni if ni else 0.0
    t["pe"] = t["respondents_extern"] / ne if ne else 0.0
    items: list[tuple[str, Any]] = []  # ("header", label) or ("row", a row of t)
    for root, sub in t.groupby("root", sort=False):
        items.append(("header", roots.get(root, root)))
        for r in sub.itertuples(index=False):
            items.append(("row", r))
    row_h = 0.17
    plot_h = row_h * max(len(items), 3)
    height = 0.75 + 0.3 + plot_h + 0.65
    with figure_style():
        fig = _new_figure(_WIDTH, height)
        _header(fig, "Welke thema's noemen interne en externe respondenten?",
                f"Aandeel respondenten dat een thema minstens één keer noemt (intern n = {ni}, extern n = {ne})")
        from matplotlib.transforms import blended_transform_factory
        ax = _axes(fig, 2.75, 0.65, _WIDTH - 2.75 - 0.35, plot_h)
        header_at = blended_transform_factory(fig.transFigure, ax.transData)
        ax.set_ylim(max(len(items), 1), 0)
        ax.set_xlim(0, 1.0)
        if not items:
            ax.text(0.5, 0.5, "Geen coderingen: er is (nog) geen thema om te tonen.", ha="center",
                    va="center", transform=ax.transAxes)
        ticks, tick_labels = [], []
        for i, (kind, item) in enumerate(items):
            if kind == "header":
                ax.text(0.1 / _WIDTH, i + 0.6, textwrap.shorten(str(item), 70, placeholder="…"),
                        transform=header_at, ha="left", va="center", fontweight="bold", zorder=5,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
                continue
            r = item
            ax.barh(i + 0.3, r.pi, height=0.36, color=OKABE_ITO["blue"], label="intern" if i == 1 else None)
            ax.barh(i + 0.7, r.pe, height=0.36, color=OKABE_ITO["orange"], label="extern" if i == 1 else None)
            ticks.append(i + 0.5)
            tick_labels.append(textwrap.shorten(str(r.label_nl), 46, placeholder="…"))
        ax.set_yticks(ticks)
        ax.set_yticklabels(tick_labels)
        ax.tick_params(axis="y", length=0)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.set_xticklabels(["0%", "25%", "50%", "75%", "100%"])
        ax.xaxis.tick_top()
        ax.spines["bottom"].set_visible(False)
        ax.spines["left"].set_visible(False)
        ax.spines["top"].set_visible(True)
        ax.grid(axis="x", color="#DDDDDD", lw=0.6)
        ax.set_axisbelow(True)
        from matplotlib.patches import Patch
        fig.legend(handles=[Patch(color=OKABE_ITO["blue"], label=f"intern ({_TEXT.get('municipality') or 'gemeente'}, n = {ni})"),
                            Patch(color=OKABE_ITO["orange"], label=f"extern (partners, n = {ne})")],
                   loc="lower left", bbox_to_anchor=(0.05 / _WIDTH, 0.25 / height), ncol=2, frameon=False)
        _footnote(fig)
        return save_figure(fig, stem, title="Thema's intern en extern")


# --------------------------------------------------------------------------- all

def write_figures(results, out_dir: str | Path) -> dict[str, list[Path]]:
    """Write every figure of a :class:`~altena_qca.report.results.Results` bundle.

    Returns
    -------
    dict
        Figure stem (see :data:`FIGURES`) → the files written. The network
        figure is left out when the bundle has no network.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t = results.text
    with figure_text(footnote=t.footnote if t else FOOTNOTE, thesis=bool(t.thesis) if t else True,
                     municipality=t.municipality if t else ""):
        return _write_figures(results, out)


def _write_figures(results, out: Path) -> dict[str, list[Path]]:
    labels = results.effect_labels
    written = {
        "effecten_per_groep": plot_effects(results.effects_today, results.effects_wams, results.groups,
                                           out / "effecten_per_groep", effect_labels=labels),
        "effecten_nu": plot_effect_panel(results.effects_today, results.groups, out / "effecten_nu",
                                         when="today", effect_labels=labels),
        "effecten_wams": plot_effect_panel(results.effects_wams, results.groups, out / "effecten_wams",
                                           when="wams", effect_labels=labels),
        "samenhang_per_effect": plot_effect_cooccurrence(results.cooccurrence, out / "samenhang_per_effect",
                                                         effect_labels=labels, groups=results.groups),
        "codes_intern_extern": plot_code_frequencies(results.frequencies, results.respondents,
                                                     out / "codes_intern_extern", codebook=results.codebook),
    }
    if results.graph is not None:
        from .network_figure import plot_network, visible_graph
        G = visible_graph(results.graph, thesis=bool(_TEXT.get("thesis")), municipality=_TEXT.get("municipality", ""))
        if G.number_of_nodes():
            written["beleidsnetwerk"] = plot_network(G, out / "beleidsnetwerk")
    return written
