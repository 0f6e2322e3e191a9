"""House style of every figure: palette, fonts, sizes, header and footnote, deterministic saving.

Shared by :mod:`~altena_qca.report.figures` (the thesis figures) and
:mod:`~altena_qca.report.network_figure`, which both import it; neither
imports the other.
"""
from __future__ import annotations

import contextlib
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._io import atomic_path

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["FOOTNOTE", "OKABE_ITO", "DOMAIN_COLOURS", "figure_style", "figure_text", "save_figure"]

#: The footnote on every figure.
FOOTNOTE = "Gereconstrueerde data (uit de gepubliceerde scriptie)"
#: Okabe & Ito (2008), a palette distinguishable with every common colour-vision deficiency.
OKABE_ITO = {"orange": "#E69F00", "skyblue": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
             "grey": "#7F7F7F"}
#: Colour of each policy domain in the network figure.
DOMAIN_COLOURS = {"sociaal domein": OKABE_ITO["skyblue"], "openbare orde en veiligheid": OKABE_ITO["orange"],
                  "gezondheid": OKABE_ITO["green"], "onderwijs": OKABE_ITO["yellow"],
                  "bestuur en toezicht": OKABE_ITO["purple"]}
_WIDTH = 6.5  # inches: 16.5 cm, the text width of A4 with 2.25 cm margins
_STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans", "font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8,
    "xtick.labelsize": 8, "ytick.labelsize": 8, "legend.fontsize": 8, "figure.titlesize": 10,
    "svg.fonttype": "none", "svg.hashsalt": "altena-qca", "svg.id": "altena-qca-figure",
    "axes.spines.top": False, "axes.spines.right": False, "savefig.dpi": 200,
    "path.simplify": False, "image.interpolation": "nearest",
}


# --------------------------------------------------------------------------- plumbing

@contextlib.contextmanager
def figure_style():
    """Matplotlib settings of every altena-qca figure (a context manager)."""
    import matplotlib
    with matplotlib.rc_context(_STYLE):
        yield


def _new_figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _axes(fig, left: float, bottom: float, width: float, height: float):
    """Axes placed in inches from the figure's bottom-left corner."""
    W, H = fig.get_size_inches()
    return fig.add_axes((left / W, bottom / H, width / W, height / H))


def _header(fig, title: str, subtitle: str | None = None) -> None:
    H = fig.get_size_inches()[1]
    fig.text(0.1 / _WIDTH, 1 - 0.12 / H, title, ha="left", va="top", fontsize=10, fontweight="bold")
    if subtitle:
        fig.text(0.1 / _WIDTH, 1 - 0.36 / H, subtitle, ha="left", va="top", fontsize=8, color="#333333")


#: What the figures say about their study; set by :func:`figure_text` (the default is the thesis study).
_TEXT: dict = {"footnote": FOOTNOTE, "thesis": True, "municipality": "gemeente Altena"}


@contextmanager
def figure_text(*, footnote: str | None, thesis: bool, municipality: str = ""):
    """Study-specific words for the figures drawn inside the block.

    ``footnote`` is printed under every figure (None: none), ``thesis``
    adds the thesis's section references, ``municipality`` names the
    centre of the network figure.
    """
    old = dict(_TEXT)
    _TEXT.update(footnote=footnote, thesis=thesis, municipality=municipality)
    try:
        yield
    finally:
        _TEXT.clear()
        _TEXT.update(old)


def _footnote(fig, extra: str | None = None) -> None:
    H = fig.get_size_inches()[1]
    base = _TEXT.get("footnote")
    text = " · ".join(t for t in (extra, base) if t)
    if not text:
        return
    fig.text(0.1 / _WIDTH, 0.08 / H, text, ha="left", va="bottom", fontsize=8, style="italic", color="#555555")


def save_figure(fig, stem: str | Path, formats: Sequence[str] = ("png", "svg"),
                title: str | None = None) -> list[Path]:
    """Write ``fig`` as ``<stem>.png`` and ``<stem>.svg``, deterministically and atomically.

    PNG metadata hold no time; SVG metadata hold no date, its ids come from
    a fixed hash salt and text stays text (``svg.fonttype='none'``).

    Returns
    -------
    list of Path
        The files written, in ``formats`` order.
    """
    stem = Path(stem)
    out = []
    with figure_style():
        for fmt in formats:
            path = stem.with_name(stem.name + f".{fmt}")
            meta: dict[str, str | None] = {"Title": title} if title else {}
            if fmt == "svg":
                meta.update({"Date": None, "Creator": "altena-qca (matplotlib)"})
            elif fmt == "png":
                meta.update({"Software": "altena-qca (matplotlib)"})
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=fmt, metadata=meta, facecolor="white")
            out.append(path)
    return out
