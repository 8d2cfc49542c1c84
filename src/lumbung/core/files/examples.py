"""Example documents for the demo data: real, whole PDFs (the uploads' check parses them), made
with fpdf2's core fonts, marked as examples."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from fpdf import FPDF


@cache
def example_pdf(title: str) -> bytes:
    """A one-page PDF titled ``title`` that says it is demo data, not a real document."""
    pdf = FPDF(format="A4")
    # the same bytes every time: the demo loads idempotently
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 8, "Data contoh Lumbung - bukan dokumen nyata.")
    return bytes(pdf.output())
