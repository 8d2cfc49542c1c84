"""Certificates of a published round as PDF (fpdf2, its built-in Helvetica: no font file to
install). One A4 landscape page per award: the round, the award, the innovation, its unit and
agency, the organiser and the date the results were published."""

from __future__ import annotations

import unicodedata

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from .models import Entry, Quota, Round

#: typographic characters the core fonts lack, written as their plain forms
_PLAIN = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."})


def _latin1(text: str) -> str:
    """The text in the core fonts' Latin-1: typographic marks plain, other letters without
    their marks (names keep their accents where Latin-1 has them)."""
    text = text.translate(_PLAIN)
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
        else:
            out.append(
                unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            )
    return "".join(out)


def certificate_pdf(round_: Round, entry: Entry, quota: Quota | None) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(_latin1(f"{round_.title} - {entry.title}"))
    pdf.set_author(_latin1(round_.organiser.name))
    pdf.set_lang("id")
    pdf.add_page()
    pdf.set_draw_color(30, 70, 120)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_font("Helvetica", "B", 28)
    pdf.set_y(32)
    pdf.cell(0, 14, _latin1(_("Certificate")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 10, _latin1(round_.display_title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 13)
    pdf.cell(
        0, 8, _latin1(_("is awarded to the innovation")), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "B", 22)
    pdf.multi_cell(0, 11, _latin1(entry.title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 13)
    pdf.multi_cell(
        0,
        8,
        _latin1(f"{entry.unit.name} - {entry.agency.name}"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    if quota is not None and quota.award_level:
        pdf.set_font("Helvetica", "B", 18)
        pdf.cell(
            0,
            10,
            _latin1(quota.get_award_level_display()),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    published = round_.results_published_at or timezone.now()
    pdf.set_y(170)
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(
        0,
        7,
        _latin1(
            _("%(organiser)s, %(date)s")
            % {
                "organiser": round_.organiser.name,
                "date": date_format(timezone.localtime(published), "DATE_FORMAT"),
            }
        ),
        align="C",
    )
    return bytes(pdf.output())
