"""Reports as PDF and as XLSX, both written from one description (:class:`Report`): a title, then
sections, each with a text, key figures (:class:`Figure`) and tables (:class:`TableBlock`).

* :func:`report_pdf` — A4 portrait, fpdf2 with its built-in Helvetica (no font file to install,
  like ``competitions.certificates``): the title block on the first page, the report's title at
  the top of the next ones, page numbers ``x / y`` at the bottom, key figures in a grid of three,
  tables whose header row is repeated on every page they run onto, the document's title,
  subject and language in its metadata.
* :func:`report_xlsx` — openpyxl (write-only, so tables of many thousands of rows stay light): a
  summary sheet (title, figures, section texts, where each table is) and one sheet per table,
  header row bold and frozen, numbers and dates as such, text made safe from formula injection
  (:func:`lumbung.core.csvsafe.safe_cell`).

Texts are written as given: the caller formats them (``generated``, figures' values) and picks
the language; the few words the files add themselves (the summary sheet's name, "yes"/"no",
"No rows.") are translated into the active language. ``Report.lang`` is the documents' declared
language (metadata).

The core fonts only have Latin-1: typographic marks become their plain forms, other letters lose
their marks (see :func:`latin1`), as on the certificates.

The PDF's tables are laid out here, not with ``FPDF.table()``: that one lays every cell out twice
through ``multi_cell`` and took 6 s for 5,000 rows of 6 columns, where this takes 0.4 s
(measured with fpdf2 2.8). Columns share the page's width as in a browser's table layout; cells
are wrapped on words (a word wider than its column is cut), and a row is never taller than a page
(a longer cell is cut, ending with "...").
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import CORE_FONTS_CHARWIDTHS
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lumbung.core.csvsafe import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class Figure:
    """A key figure: ``Figure("Units replicating", "18 of 30")``."""

    label: str
    value: str


@dataclass(frozen=True)
class TableBlock:
    """A table: its rows hold values (text, numbers, dates, booleans, None); ``numeric`` says,
    per column, which are right-aligned (numbers). Missing entries of ``numeric`` are False."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    numeric: tuple[bool, ...] = ()

    def is_numeric(self, column: int) -> bool:
        return column < len(self.numeric) and self.numeric[column]


@dataclass(frozen=True)
class Section:
    heading: str
    text: str = ""
    figures: tuple[Figure, ...] = ()
    tables: tuple[TableBlock, ...] = ()


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    #: when the report was made, already formatted by the caller
    generated: str
    sections: tuple[Section, ...]
    #: the documents' language (metadata), a BCP 47 tag
    lang: str = "id"


# --- text in Latin-1 ----------------------------------------------------------------------------
#: typographic characters the core fonts lack, written as their plain forms
_PLAIN = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "…": "...",
        "•": "-",
        "€": "EUR",
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def latin1(text: str) -> str:
    """The text in the core fonts' Latin-1 (as ``competitions.certificates`` writes it):
    typographic marks plain, other letters without their marks (accents Latin-1 has are kept:
    ``é``), control characters dropped, anything else left ``?``."""
    text = _CONTROL.sub("", text.translate(_PLAIN))
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
            continue
        plain = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
        out.append(plain or "?")
    return "".join(out)


def _cell_text(value: object) -> str:
    """A table value as the PDF shows it (numbers with the active language's decimal mark)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return number_format(round(value, 4))
    if isinstance(value, int | Decimal):
        return number_format(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- PDF ----------------------------------------------------------------------------------------
FONT = "Helvetica"
BODY_SIZE = 10
TABLE_SIZE = 8
#: table layout, in mm: line height, padding inside cells, narrowest column
LINE = 3.6
PAD_X = 1.2
PAD_Y = 0.7
MIN_COL = 10.0
#: rows looked at to share the page width between columns
WIDTH_SAMPLE = 300
FIGURES_PER_ROW = 3

HEAD_FILL = (226, 233, 243)
FIGURE_FILL = (244, 247, 251)
RULE = (150, 160, 175)
ACCENT = (30, 70, 120)
MUTED = (90, 90, 90)


class _Wrapper:
    """Measures and wraps Latin-1 text in one core font and size (fpdf2's widths, but without
    its per-call overhead: 30,000 cells are measured in a fraction of a second)."""

    def __init__(self, fontkey: str, size_pt: float, k: float) -> None:
        self.widths: dict[str, int] = CORE_FONTS_CHARWIDTHS[fontkey]
        self.scale = size_pt * 0.001 / k  # font units -> mm

    def width(self, text: str) -> float:
        w = self.widths
        return sum(w[c] for c in text) * self.scale

    def lines(self, text: str, width: float) -> list[str]:
        """``text`` broken on spaces into lines no wider than ``width`` mm."""
        if "\n" not in text and self.width(text) <= width:
            return [text]
        out: list[str] = []
        space = self.width(" ")
        for paragraph in text.split("\n"):
            line, line_w = "", 0.0
            for word in paragraph.split(" "):
                word_w = self.width(word)
                if line and line_w + space + word_w <= width:
                    line, line_w = f"{line} {word}", line_w + space + word_w
                    continue
                if line:
                    out.append(line)
                while word_w > width and len(word) > 1:  # a word wider than the column: cut
                    cut = self._fit(word, width)
                    out.append(word[:cut])
                    word = word[cut:]
                    word_w = self.width(word)
                line, line_w = word, word_w
            out.append(line)
        return out

    def _fit(self, word: str, width: float) -> int:
        total = 0.0
        for i, ch in enumerate(word):
            total += self.widths[ch] * self.scale
            if total > width:
                return max(i, 1)
        return len(word)


class _ReportPDF(FPDF):
    def __init__(self, running_title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=16)

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FONT, "", 7)
            self.set_text_color(*MUTED)
            self.set_xy(self.l_margin, 8)
            self.cell(self.epw, 4, self.running_title, align="L")
            self.set_text_color(0, 0, 0)
            self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.page_no()} / {self.str_alias_nb_pages}", align="C")
        self.set_text_color(0, 0, 0)

    def room(self) -> float:
        return float(self.page_break_trigger - self.get_y())

    def need(self, height: float) -> None:
        """A new page unless ``height`` mm fit below the current position."""
        if self.room() < height:
            self.add_page()


def _title_block(pdf: _ReportPDF, report: Report) -> None:
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 9, latin1(report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    if report.subtitle:
        pdf.set_font(FONT, "", 12)
        pdf.multi_cell(0, 6, latin1(report.subtitle), new_x="LMARGIN", new_y="NEXT")
    if report.generated:
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 5, latin1(report.generated), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(5)


def _heading(pdf: _ReportPDF, text: str, size: float, after: float) -> None:
    pdf.need(size * 0.5 + after)  # keep the heading with what follows it
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1.5)


def _figures(pdf: _ReportPDF, figures: Sequence[Figure]) -> None:
    gap = 4.0
    box_w = (pdf.epw - gap * (FIGURES_PER_ROW - 1)) / FIGURES_PER_ROW
    inner = box_w - 2 * 3
    value_font = _Wrapper("helveticaB", 14, pdf.k)
    label_font = _Wrapper("helvetica", 8, pdf.k)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(*FIGURE_FILL)
    for start in range(0, len(figures), FIGURES_PER_ROW):
        group = figures[start : start + FIGURES_PER_ROW]
        laid = [
            (value_font.lines(latin1(f.value), inner), label_font.lines(latin1(f.label), inner))
            for f in group
        ]
        height = max(len(v) * 6.0 + len(label) * 3.6 for v, label in laid) + 5
        pdf.need(height)
        top = pdf.get_y()
        for index, (values, labels) in enumerate(laid):
            x = pdf.l_margin + index * (box_w + gap)
            pdf.rect(x, top, box_w, height, style="DF")
            y = top + 2.5
            pdf.set_font(FONT, "B", 14)
            pdf.set_text_color(*ACCENT)
            for line in values:
                pdf.text(x + 3, y + 4.6, line)
                y += 6.0
            pdf.set_font(FONT, "", 8)
            pdf.set_text_color(*MUTED)
            for line in labels:
                pdf.text(x + 3, y + 2.8, line)
                y += 3.6
        pdf.set_text_color(0, 0, 0)
        pdf.set_y(top + height + gap)


def _column_widths(
    pdf: _ReportPDF, head: list[str], body: Iterable[list[str]], count: int
) -> list[float]:
    """The page's width shared between the columns as browsers lay out tables: each column gets
    at least its longest word (up to 35 mm; a header's or a cell's, so that numbers are never
    broken), then what is left goes to the columns in proportion to how much more their longest
    text (up to 70 mm) wants. Each column is at least :data:`MIN_COL` wide."""
    plain = _Wrapper("helvetica", TABLE_SIZE, pdf.k)
    bold = _Wrapper("helveticaB", TABLE_SIZE, pdf.k)
    words = [0.0] * count
    texts = [0.0] * count
    for i, text in enumerate(head):
        words[i] = max((bold.width(w) for w in text.split()), default=0.0)
        texts[i] = bold.width(text)
    for row in body:
        for i, text in enumerate(row):
            if not text:
                continue
            full = plain.width(text)
            if full > texts[i]:
                texts[i] = full
            if full > words[i]:  # the longest word can only be wider than the widest so far
                words[i] = max(words[i], max(plain.width(w) for w in text.split()))
    least = [max(min(w, 35.0) + 2 * PAD_X, MIN_COL) for w in words]
    wanted = [max(min(t, 70.0) + 2 * PAD_X, low) for t, low in zip(texts, least, strict=True)]
    room = pdf.epw
    if sum(wanted) <= room:  # everything fits on one line: the spare width shared
        return [w * room / sum(wanted) for w in wanted]
    if sum(least) >= room:  # not even the words fit: they are cut
        return [w * room / sum(least) for w in least]
    share = (room - sum(least)) / (sum(wanted) - sum(least))
    return [low + (w - low) * share for w, low in zip(wanted, least, strict=True)]


class _TableWriter:
    """Draws one table: cells wrapped to their column, the header row again on every page."""

    def __init__(self, pdf: _ReportPDF, table: TableBlock) -> None:
        self.pdf = pdf
        self.count = max([len(table.headers), *(len(r) for r in table.rows[:WIDTH_SAMPLE])])
        self.count = max(self.count, 1)
        self.right = [table.is_numeric(i) for i in range(self.count)]
        self.head = [latin1(h) for h in table.headers] + [""] * (self.count - len(table.headers))
        self.plain = _Wrapper("helvetica", TABLE_SIZE, pdf.k)
        self.bold = _Wrapper("helveticaB", TABLE_SIZE, pdf.k)
        sample = (self._texts(r) for r in table.rows[:WIDTH_SAMPLE])
        self.widths = _column_widths(pdf, self.head, sample, self.count)
        self.xs = [pdf.l_margin + sum(self.widths[:i]) for i in range(self.count)]
        self.max_lines = max(int((pdf.page_break_trigger - pdf.t_margin) / LINE) - 6, 1)
        self.head_lines = self._layout(self.head, self.bold)
        self.head_height = self._height(self.head_lines)

    def _texts(self, row: Sequence[object]) -> list[str]:
        texts = [latin1(_cell_text(v)) for v in row[: self.count]]
        return texts + [""] * (self.count - len(texts))

    def _layout(self, texts: list[str], font: _Wrapper) -> list[list[str]]:
        laid = []
        for text, width in zip(texts, self.widths, strict=True):
            lines = font.lines(text, width - 2 * PAD_X) if text else [""]
            if len(lines) > self.max_lines:  # never taller than a page
                lines = [*lines[: self.max_lines - 1], lines[self.max_lines - 1] + " ..."]
            laid.append(lines)
        return laid

    @staticmethod
    def _height(laid: list[list[str]]) -> float:
        return max(len(lines) for lines in laid) * LINE + 2 * PAD_Y

    def _draw(self, laid: list[list[str]], height: float, font: _Wrapper, fill: bool) -> None:
        pdf = self.pdf
        top = pdf.get_y()
        style = "DF" if fill else "D"
        ascent = (LINE + TABLE_SIZE / pdf.k * 0.7) / 2
        for x, width, lines, right in zip(self.xs, self.widths, laid, self.right, strict=True):
            pdf.rect(x, top, width, height, style=style)
            y = top + PAD_Y + ascent
            for line in lines:
                if line:
                    left = x + width - PAD_X - font.width(line) if right else x + PAD_X
                    pdf.text(left, y, line)
                y += LINE
        pdf.set_y(top + height)

    def _draw_head(self) -> None:
        self.pdf.set_font(FONT, "B", TABLE_SIZE)
        self._draw(self.head_lines, self.head_height, self.bold, fill=True)
        self.pdf.set_font(FONT, "", TABLE_SIZE)

    def write(self, rows: Iterable[Sequence[object]]) -> None:
        pdf = self.pdf
        pdf.set_line_width(0.15)
        pdf.set_draw_color(*RULE)
        pdf.set_fill_color(*HEAD_FILL)
        pdf.need(self.head_height + 2 * LINE + 2 * PAD_Y)  # the header not alone on a page
        self._draw_head()
        trigger = pdf.page_break_trigger
        for row in rows:
            laid = self._layout(self._texts(row), self.plain)
            height = self._height(laid)
            if pdf.get_y() + height > trigger:
                pdf.add_page()
                pdf.set_line_width(0.15)
                pdf.set_draw_color(*RULE)
                pdf.set_fill_color(*HEAD_FILL)
                self._draw_head()
            self._draw(laid, height, self.plain, fill=False)


def _table(pdf: _ReportPDF, table: TableBlock) -> None:
    writer = _TableWriter(pdf, table)
    pdf.need(8 + writer.head_height + 2 * LINE + 2 * PAD_Y)
    if table.title:
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, 5, latin1(table.title), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    writer.write(table.rows)
    if not table.rows:
        pdf.set_font(FONT, "I", TABLE_SIZE)
        pdf.cell(0, 5, latin1(_("No rows.")), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)


def report_pdf(report: Report, *, compress: bool = True) -> bytes:
    """The report as an A4 PDF. ``compress=False`` leaves the pages' content readable (tests)."""
    pdf = _ReportPDF(latin1(report.title))
    pdf.set_compression(compress)
    pdf.set_title(report.title)  # metadata keeps the full text (UTF-16 where needed)
    if report.subtitle:
        pdf.set_subject(report.subtitle)
    pdf.set_lang(report.lang)
    pdf.set_creator("Lumbung")
    pdf.add_page()
    _title_block(pdf, report)
    for section in report.sections:
        if section.heading:
            _heading(pdf, section.heading, 14, 30)
        if section.text:
            pdf.set_font(FONT, "", BODY_SIZE)
            pdf.multi_cell(0, 5, latin1(section.text), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        if section.figures:
            _figures(pdf, section.figures)
        for table in section.tables:
            _table(pdf, table)
        pdf.ln(2)
    return bytes(pdf.output())


# --- XLSX ---------------------------------------------------------------------------------------
#: characters a sheet's name cannot hold
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
CELL_TEXT_MAX = 32767
#: rows looked at to size the columns, and the widest column (in characters)
XLSX_WIDTH_SAMPLE = 500
XLSX_MAX_WIDTH = 60


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name for ``title``: no ``[]:*?/\\``, no quote at either end, at most 31
    characters, unlike every name in ``taken`` (compared ignoring case, as spreadsheets do);
    the name is added to ``taken``."""
    base = " ".join(_SHEET_FORBIDDEN.sub(" ", _CONTROL.sub("", title)).split()).strip("'")
    base = base.strip() or _("Table")
    name = base[:SHEET_NAME_MAX].strip()
    number = 1
    while name.lower() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    taken.add(name.lower())
    return name


def _xlsx_value(value: object) -> Any:
    """A value for a cell: numbers, dates and booleans as such, text safe from formulas."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value
    if isinstance(value, dt.date | dt.time):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:CELL_TEXT_MAX]
    return safe_cell(text)


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(part) for part in str(value).split("\n")), default=0)


def _summary(wb: Workbook, report: Report, title: str, names: list[list[str]]) -> None:
    ws = wb.create_sheet(title)
    ws.column_dimensions["A"].width = 45
    ws.column_dimensions["B"].width = 60

    def cell(value: object, **style: Any) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=_xlsx_value(value))
        for key, setting in style.items():
            setattr(c, key, setting)
        return c

    wrap = Alignment(wrap_text=True, vertical="top")
    ws.append([cell(report.title, font=Font(bold=True, size=14))])
    if report.subtitle:
        ws.append([cell(report.subtitle, font=Font(size=12))])
    if report.generated:
        ws.append([cell(report.generated, font=Font(italic=True))])
    for section, sheets in zip(report.sections, names, strict=True):
        ws.append([])
        if section.heading:
            ws.append([cell(section.heading, font=Font(bold=True, size=12))])
        if section.text:
            for paragraph in section.text.split("\n\n"):
                ws.append([cell(paragraph.strip(), alignment=wrap)])
        for figure in section.figures:
            ws.append([cell(figure.label), cell(figure.value, font=Font(bold=True))])
        for table, name in zip(section.tables, sheets, strict=True):
            ws.append([cell(table.title), cell(_("Sheet: %(name)s") % {"name": name})])


def _date_cell(ws: Any, value: dt.date) -> WriteOnlyCell:
    """A date (and time) shown as ISO, whatever the reader's locale."""
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
    return cell


def _table_sheet(wb: Workbook, table: TableBlock, name: str) -> None:
    ws = wb.create_sheet(name)
    count = max([len(table.headers), *(len(r) for r in table.rows[:XLSX_WIDTH_SAMPLE])], default=0)
    widths = [_width(h) for h in table.headers] + [0] * (count - len(table.headers))
    for row in table.rows[:XLSX_WIDTH_SAMPLE]:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _width(value))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), XLSX_MAX_WIDTH)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in table.headers:
        c = WriteOnlyCell(ws, value=_xlsx_value(text))
        c.font = bold
        header.append(c)
    ws.append(header)
    for row in table.rows:
        values = [_xlsx_value(v) for v in row]
        if any(isinstance(v, dt.date) for v in values):
            values = [_date_cell(ws, v) if isinstance(v, dt.date) else v for v in values]
        ws.append(values)


def report_xlsx(report: Report) -> bytes:
    """The report as an XLSX workbook: a summary sheet, then one sheet per table."""
    wb = Workbook(write_only=True)
    wb.properties.title = report.title
    wb.properties.subject = report.subtitle or None
    wb.properties.language = report.lang
    wb.properties.creator = "Lumbung"
    taken: set[str] = set()
    summary = sheet_name(_("Summary"), taken)
    names = [[sheet_name(t.title, taken) for t in s.tables] for s in report.sections]
    _summary(wb, report, summary, names)
    for section, sheets in zip(report.sections, names, strict=True):
        for table, name in zip(section.tables, sheets, strict=True):
            _table_sheet(wb, table, name)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
