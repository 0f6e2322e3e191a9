"""Figures: every one written as PNG and SVG, sized for A4, readable, deterministic."""
from __future__ import annotations

import re

import networkx as nx
import pytest
from _report_results import report_results, written_report  # noqa: F401  (fixtures)

from altena_qca.report import FIGURES, FOOTNOTE, plot_network, write_figures

PIL = pytest.importorskip("PIL.Image")

#: What each figure must say it shows (its Dutch title).
TITLES = {
    "effecten_per_groep": "Effecten van gegevensuitwisseling op de samenwerking, per groep",
    "effecten_nu": "Effecten van gegevensuitwisseling nu, per groep",
    "effecten_wams": "Verwachte effecten onder de Wams, per groep",
    "samenhang_per_effect": "Samenhang tussen ervaren probleem en effect, per effect",
    "codes_intern_extern": "Welke thema's noemen interne en externe respondenten?",
    "beleidsnetwerk": "Het beleidsnetwerk rond een cliënt met meervoudige problematiek",
}


def _svg(figures, stem) -> str:
    return next(p for p in figures[stem] if p.suffix == ".svg").read_text(encoding="utf-8")


def test_every_figure_is_written_as_png_and_svg(written_report):
    _, figures = written_report
    assert list(figures) == list(FIGURES)
    for stem, paths in figures.items():
        assert [p.suffix for p in paths] == [".png", ".svg"], stem
        assert all(p.exists() and p.stat().st_size > 5_000 for p in paths), stem


def test_png_is_a4_text_width_and_fits_a_page(written_report):
    _, figures = written_report
    for stem, paths in figures.items():
        with PIL.open(paths[0]) as im:
            w, h = im.size
        assert w == 1300, stem                # 16.5 cm at 200 dpi: placed 1:1, fonts print at their size
        assert 600 <= h <= 1700, (stem, h)    # at most 21.6 cm high: fits an A4 page with caption


def test_svg_keeps_text_as_text_with_dutch_title_and_footnote(written_report):
    _, figures = written_report
    for stem in figures:
        svg = _svg(figures, stem)
        assert "<text" in svg, stem            # svg.fonttype none: readable, searchable, checkable
        assert FOOTNOTE in svg, stem
        title = TITLES[stem].replace("'", "&#39;")
        assert title in svg or TITLES[stem] in svg, stem


def test_fonts_are_at_least_8_pt(written_report):
    _, figures = written_report
    for stem in figures:
        svg = _svg(figures, stem)
        sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
        assert sizes and min(sizes) >= 8, (stem, min(sizes))   # 1 px = 1 pt: the SVG is sized in pt


def test_colour_blind_safe_colours(written_report):
    _, figures = written_report
    svg = _svg(figures, "effecten_per_groep").lower()
    assert "#d55e00" in svg and "#0072b2" in svg          # Okabe-Ito vermillion and blue
    for red_green in ("#d62728", "#2ca02c", "#ff0000", "#00ff00"):
        assert red_green not in svg


def test_figures_are_byte_identical_across_two_runs(report_results, tmp_path):
    one = write_figures(report_results, tmp_path / "one")
    two = write_figures(report_results, tmp_path / "two")
    for stem in one:
        for a, b in zip(one[stem], two[stem]):
            assert a.read_bytes() == b.read_bytes(), a.name
        svg = _svg(one, stem)
        assert "<dc:date>" not in svg, stem


def test_network_figure_marks_interviewed_partners_and_domains(written_report):
    _, figures = written_report
    svg = _svg(figures, "beleidsnetwerk")
    for text in ("sociaal domein", "openbare orde en veiligheid", "een respondent werkt hier (vet)",
                 "Gemeente Altena", "Bazalt Wonen", "Team Toegang"):
        assert text in svg, text


def test_network_figure_on_a_tiny_graph(tmp_path):
    G = nx.DiGraph()
    G.add_node("gem", label="Gemeente", side="intern", domain="sociaal domein", parent="", in_figure_1=False,
               interviewed=True, n_respondents=2)
    G.add_node("team", label="Team Zorg", side="intern", domain="sociaal domein", parent="gem",
               in_figure_1=True, interviewed=False)
    G.add_node("pol", label="Politie", side="extern", domain="openbare orde en veiligheid", parent="",
               in_figure_1=True, interviewed=False)
    G.add_edge("gem", "pol", mentions=3, comentions=1, copresence=0, weight=4.0)
    png, svg = plot_network(G, tmp_path / "klein")
    assert png.exists() and svg.exists()
    assert "Politie" in svg.read_text(encoding="utf-8")
