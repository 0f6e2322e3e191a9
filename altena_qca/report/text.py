"""What the report and the figures say about their study: title, municipality, thesis wording.

The bottom of the report package: :mod:`~altena_qca.report.results`,
:mod:`~altena_qca.report.claims` and :mod:`~altena_qca.report.wording` all
read it, and it imports none of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..study import Study

__all__ = ["ReportText", "report_text"]


@dataclass(frozen=True)
class ReportText:
    """What the report and figures say about their study (from its ``study.yaml``).

    ``thesis`` switches on thesis-only wording (§-references, "naar Figuur 1
    van de scriptie"); ``reconstructed`` the reconstruction notice;
    ``coding_source`` is ``manual``, ``suggested`` (auto-coder output, not
    reviewed) or ``none``.
    """

    title: str
    municipality: str = ""
    commissioner: str = ""
    period: str = ""
    slug: str = "altena-qca"
    thesis: bool = False
    reconstructed: bool = False
    coding_source: str = "manual"

    @property
    def short_title(self) -> str:
        """The title for footers: the title, or 'Rapport <gemeente>' when it is long."""
        if len(self.title) <= 60 or not self.municipality:
            return self.title
        return f"Rapport {self.municipality}"

    @property
    def footnote(self) -> str | None:
        """The line under every figure."""
        if self.coding_source == "suggested":
            return "Automatisch gecodeerd, niet beoordeeld"
        if self.reconstructed:
            return "Gereconstrueerde data (uit de gepubliceerde scriptie)"
        return self.short_title or None


def _gemeente(name: str) -> str:
    """'Altena' → 'gemeente Altena' (a name that already says gemeente is kept)."""
    name = " ".join(str(name or "").split())
    if not name or name.casefold().startswith("gemeente "):
        return name[:1].lower() + name[1:] if name.casefold().startswith("gemeente ") else name
    return f"gemeente {name}"


def report_text(study: Study) -> ReportText:
    """:class:`ReportText` from the study's ``study.yaml`` (``study.config``)."""
    cfg = getattr(study, "config", None)
    source = str(getattr(study, "coding_source", "") or ("manual" if len(study.codings) else "none"))
    if cfg is None:  # a Study built by hand
        return ReportText(title="Rapport", coding_source=source)
    return ReportText(title=str(cfg.title or "Rapport"), municipality=_gemeente(cfg.municipality),
                      commissioner=str(cfg.commissioner or ""), period=str(cfg.period or ""),
                      slug=str(cfg.slug or "altena-qca"), thesis=bool(cfg.thesis),
                      reconstructed=bool(cfg.reconstructed), coding_source=source)
