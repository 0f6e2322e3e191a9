"""Low-level python-docx helpers for the Word report: page, styles, fields, tables.

Kept apart from :mod:`altena_qca.report.docx_report`, which holds the
content. Everything here is deterministic: no clock is read, element ids
come from counters.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # python-docx is imported when a report is built
    from docx.text.paragraph import Paragraph

__all__ = ["FIXED_TIME", "Builder"]

#: Creation and modification time written into the report (the thesis's month).
FIXED_TIME = dt.datetime(2023, 7, 1, 0, 0, 0)
_FONT = "Arial"
_HEADING_COLOUR = (0x1F, 0x4E, 0x79)
_HEADER_FILL = "DCE6F0"


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn
    return qn(tag)


def _el(tag: str, **attrs):
    from docx.oxml import OxmlElement
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(_qn(k), str(v))
    return e


def _child(parent, tag: str):
    """The first ``tag`` child of the XML element ``parent``; made and appended when there is none."""
    el = parent.find(_qn(tag))
    if el is None:
        el = _el(tag)
        parent.append(el)
    return el


class Builder:
    """A python-docx document with A4 pages, Dutch styles and a few helpers.

    Headings go through :meth:`heading` so they are recorded for the table
    of contents, which :meth:`finish_toc` fills in at the place
    :meth:`toc` reserved.
    """

    def __init__(self, title: str, subject: str = "", keywords: str = ""):
        import docx
        from docx.shared import Cm, Pt, RGBColor

        self.doc = docx.Document()
        self.headings: list[tuple[int, str, str]] = []  # (level, text, bookmark name)
        self.figures = 0
        self.tables = 0
        self._toc_anchor: Paragraph | None = None
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.25)
        sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name, normal.font.size = _FONT, Pt(10.5)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.15
        self._lang(normal, "nl-NL")
        for name, size in (("Title", 26), ("Subtitle", 14), ("Heading 1", 16), ("Heading 2", 13),
                           ("Heading 3", 11), ("Caption", 9), ("Quote", 10.5), ("TOC Heading", 16)):
            st = styles[name]
            st.font.name, st.font.size = _FONT, Pt(size)
            self._ascii_font(st, _FONT)
            if name.startswith("Heading") or name in ("Title", "TOC Heading"):
                st.font.color.rgb = RGBColor(*_HEADING_COLOUR)
        styles["Heading 1"].paragraph_format.space_before = Pt(18)
        styles["Heading 1"].paragraph_format.page_break_before = False
        styles["Caption"].font.italic = True
        styles["Caption"].font.color.rgb = RGBColor(0x40, 0x40, 0x40)
        quote = styles["Quote"]
        quote.font.italic = True
        quote.paragraph_format.left_indent = Cm(0.8)
        quote.paragraph_format.right_indent = Cm(0.8)
        self._ascii_font(normal, _FONT)
        from docx.enum.style import WD_STYLE_TYPE
        for level in (1, 2):
            st = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
            st.base_style = normal
            st.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            st.paragraph_format.space_after = Pt(2)
            from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
            st.paragraph_format.tab_stops.add_tab_stop(Cm(16.4), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            if level == 1:
                st.font.bold = True
        cp = self.doc.core_properties
        cp.title, cp.subject, cp.keywords = title, subject, keywords
        cp.author = cp.last_modified_by = "altena-qca"
        cp.language, cp.category, cp.comments = "nl-NL", "rapport", ""
        cp.created = cp.modified = FIXED_TIME
        cp.last_printed = FIXED_TIME
        cp.revision = 1

    # ------------------------------------------------------------------ styles
    @staticmethod
    def _ascii_font(style, name: str) -> None:
        fonts = _child(style.element.get_or_add_rPr(), "w:rFonts")
        for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(_qn(key), name)
        for key in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            if fonts.get(_qn(key)) is not None:
                del fonts.attrib[_qn(key)]

    @staticmethod
    def _lang(style, lang: str) -> None:
        _child(style.element.get_or_add_rPr(), "w:lang").set(_qn("w:val"), lang)

    # ------------------------------------------------------------------ text
    def heading(self, text: str, level: int = 1):
        """A heading with a bookmark (``_Toc<n>``) the table of contents refers to for its page number."""
        name = f"_Toc{len(self.headings) + 1:04d}"
        self.headings.append((level, text, name))
        h = self.doc.add_heading(text, level)
        bid = str(len(self.headings))
        h._p.insert(1 if h._p.pPr is not None else 0, _el("w:bookmarkStart", **{"w:id": bid, "w:name": name}))
        h._p.append(_el("w:bookmarkEnd", **{"w:id": bid}))
        return h

    def para(self, text: str = "", style: str | None = None, bold: bool = False, italic: bool = False):
        p = self.doc.add_paragraph(style=style)
        if text:
            r = p.add_run(text)
            r.bold, r.italic = bold or None, italic or None
        return p

    def rich(self, parts: Sequence[tuple[str, str]], style: str | None = None):
        """A paragraph of runs: ``(text, flags)`` with flags from ``b`` (bold) and ``i`` (italic)."""
        p = self.doc.add_paragraph(style=style)
        for text, flags in parts:
            r = p.add_run(text)
            r.bold = True if "b" in flags else None
            r.italic = True if "i" in flags else None
        return p

    def bullet(self, text: str, bold_lead: str | None = None):
        """A bullet point; ``bold_lead`` (in bold) before the text."""
        p = self.doc.add_paragraph(style="List Bullet")
        if bold_lead:
            p.add_run(bold_lead).bold = True
        p.add_run(text)
        return p

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def notice(self, text: str, title: str = "Let op") -> None:
        """A shaded, bordered box (one-cell table) with a bold lead."""
        from docx.shared import Pt
        t = self.doc.add_table(rows=1, cols=1)
        t.style = self.doc.styles["Table Grid"]
        cell = t.cell(0, 0)
        self._shade(cell, "FFF4D6")
        p = cell.paragraphs[0]
        p.add_run(f"{title}: ").bold = True
        p.add_run(text)
        p.paragraph_format.space_after = Pt(2)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(0)

    # ------------------------------------------------------------------ fields
    def _field(self, paragraph, instr: str, shown: str = "") -> None:
        r = paragraph.add_run()
        r._r.append(_el("w:fldChar", **{"w:fldCharType": "begin"}))
        r = paragraph.add_run()
        it = _el("w:instrText")
        it.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        it.text = f" {instr} "
        r._r.append(it)
        r = paragraph.add_run()
        r._r.append(_el("w:fldChar", **{"w:fldCharType": "separate"}))
        paragraph.add_run(shown)
        r = paragraph.add_run()
        r._r.append(_el("w:fldChar", **{"w:fldCharType": "end"}))

    def toc(self, title: str = "Inhoud") -> None:
        """Reserve the table of contents here (filled by :meth:`finish_toc`)."""
        self.doc.add_paragraph(title, style="TOC Heading")
        self._toc_anchor = self.doc.add_paragraph()

    def finish_toc(self, levels: int = 2) -> None:
        """Write the table of contents: one line per recorded heading with a PAGEREF page number.

        Each line links to the heading's bookmark and carries a ``PAGEREF``
        field: LibreOffice computes it on opening, Word when it updates the
        fields (the settings ask it to). A TOC field would show only its
        cached result in LibreOffice (no page numbers).
        """
        anchor = self._toc_anchor
        if anchor is None:
            return
        entries = [(lvl, text, name) for lvl, text, name in self.headings if lvl <= levels] or [(1, "", "")]
        for lvl, text, name in entries:
            p = anchor.insert_paragraph_before(style=f"toc {lvl}")
            if not name:
                continue
            link = _el("w:hyperlink", **{"w:anchor": name, "w:history": "1"})
            p._p.append(link)
            r = _el("w:r")
            t = _el("w:t")
            t.text = text
            r.append(t)
            link.append(r)
            p.add_run("\t")
            self._field(p, f"PAGEREF {name} \\h", "")
        anchor._p.getparent().remove(anchor._p)
        settings = self.doc.settings.element
        if settings.find(_qn("w:updateFields")) is None:
            settings.append(_el("w:updateFields", **{"w:val": "true"}))

    def footer(self, text: str) -> None:
        """Footer with ``text`` and the page number; none on the title page."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt
        sec = self.doc.sections[0]
        sec.different_first_page_header_footer = True
        p = sec.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(f"{text}  ·  pagina ")
        r.font.size = Pt(8)
        self._field(p, "PAGE", "1")
        for run in p.runs:
            run.font.size = Pt(8)

    # ------------------------------------------------------------------ figures and tables
    def figure(self, png_path, caption: str, width_cm: float = 16.5, max_height_cm: float = 22.0) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm
        from PIL import Image  # matplotlib depends on Pillow
        with Image.open(png_path) as im:
            w, h = im.size
        width = min(width_cm, max_height_cm * w / h)
        self.figures += 1
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(str(png_path), width=Cm(width))
        self.doc.add_paragraph(f"Figuur {self.figures}: {caption}", style="Caption")

    @staticmethod
    def _shade(cell, fill: str) -> None:
        tcpr = cell._tc.get_or_add_tcPr()
        tcpr.append(_el("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": fill}))

    def table(self, header: Sequence[str], rows: Sequence[Sequence], caption: str | None = None,
              widths_cm: Sequence[float] | None = None, font_pt: float = 9, align_right: Sequence[int] = ()):
        """A table with a shaded, repeating header row; ``caption`` goes above it."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt
        if caption:
            self.tables += 1
            cap = self.doc.add_paragraph(f"Tabel {self.tables}: {caption}", style="Caption")
            cap.paragraph_format.keep_with_next = True
        t = self.doc.add_table(rows=1, cols=len(header))
        t.style = self.doc.styles["Table Grid"]
        if widths_cm is None:  # share 16.5 cm by the longest text of each column
            longest = [max([len(str(h))] + [len(str(r[j])) for r in rows]) for j, h in enumerate(header)]
            widths_cm = [16.5 * min(max(n, 6), 60) / sum(min(max(m, 6), 60) for m in longest) for n in longest]
        t.autofit = False
        tblpr = t._tbl.tblPr
        tblpr.append(_el("w:tblLayout", **{"w:type": "fixed"}))
        hdr = t.rows[0]
        trpr = hdr._tr.get_or_add_trPr()
        trpr.append(_el("w:tblHeader", **{"w:val": "true"}))
        for j, text in enumerate(header):
            cell = hdr.cells[j]
            self._shade(cell, _HEADER_FILL)
            run = cell.paragraphs[0].add_run(str(text))
            run.bold = True
            run.font.size = Pt(font_pt)
        for row in rows:
            cells = t.add_row().cells
            for j, value in enumerate(row):
                p = cells[j].paragraphs[0]
                run = p.add_run("" if value is None else str(value))
                run.font.size = Pt(font_pt)
                if j in align_right:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for r in t.rows:
            r._tr.get_or_add_trPr().append(_el("w:cantSplit", **{"w:val": "true"}))
            for c in r.cells:
                for p in c.paragraphs:
                    p.paragraph_format.space_after = Pt(1)
                    p.paragraph_format.line_spacing = 1.0
        for j, w in enumerate(widths_cm):
            t.columns[j].width = Cm(w)
            for r in t.rows:
                r.cells[j].width = Cm(w)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(2)
        return t

    def save(self, path) -> None:
        self.doc.save(str(path))
