"""A constant-memory, truly streaming XLSX writer (the bytes go out while rows are still being read).

openpyxl's write-only mode needs a seekable file and writes about 100,000 cells/s; an export has
~45 columns, so it would top out near 2,000 rows/s and send nothing until the end. An .xlsx is a zip of
XML parts: here each sheet is deflated straight into a non-seekable zip stream (data descriptors,
zip64), cells are inline strings/numbers, and the Summary sheet and workbook parts are written last
(the workbook lists Summary first, so that is the sheet a user sees first). openpyxl and Excel read it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

MAX_DATA_ROWS = 1_048_575  # Excel's 1,048,576 rows per sheet, less the header row
FLUSH_BYTES = 256 * 1024
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ENTITIES = {"\r": "&#13;"}
# Any character _text would remove or escape: most cells have none, and then both steps are skipped
# (escape() alone was ~40 % of an export's Python CPU: four str.replace calls per cell).
_NEEDS_ESCAPING = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" state="frozen"/></sheetView>'
    "</sheetViews><sheetData>"
)
_SHEET_TAIL = "</sheetData></worksheet>"


class _Sink:
    """Write-only, non-seekable file object that hands written bytes back to the generator."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


def _text(value: str) -> str:
    if _NEEDS_ESCAPING.search(value):
        value = _ILLEGAL_XML.sub("", value)
        value = escape(value, _ENTITIES)  # a bare CR would be read back as LF (XML end-of-line handling)
    if value.strip() != value:  # leading or trailing whitespace (one call instead of two slices)
        return f'<c t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def row_xml(values: Iterable[Any]) -> str:
    cells = []
    for value in values:
        if type(value) is str:  # nearly every cell: decided by one test
            cells.append(_text(value) if value else "<c/>")
        elif value is None or value == "":
            cells.append("<c/>")
        elif isinstance(value, str):
            cells.append(_text(value))
        elif isinstance(value, bool):
            cells.append(f'<c t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float | Decimal):
            cells.append(f"<c><v>{value}</v></c>")
        else:
            cells.append(_text(str(value)))
    return "<row>" + "".join(cells) + "</row>"


def _workbook(sheet_names: list[str]) -> dict[str, str]:
    sheets = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheet_names, 1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheet_names) + 1)
    )
    n = len(sheet_names)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": head + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": head + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": head + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": head
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{rels}<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": head + '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>",
    }


class StreamingXlsx:
    """Usage: `yield from StreamingXlsx().stream(headers, rows, summary)`; summary() runs after the rows."""

    def __init__(self, sheet_title: str = "Assets", compresslevel: int = 1) -> None:
        self.sheet_title = sheet_title
        self.compresslevel = compresslevel

    def stream(self, headers: list[str], rows: Iterable[list[Any]], summary) -> Iterator[bytes]:
        sink = _Sink()
        archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel)
        header_xml = row_xml(headers).encode()
        sheet_names: list[str] = []
        part, in_sheet = None, 0

        def open_sheet():
            sheet_names.append(self.sheet_title if not sheet_names else f"{self.sheet_title} ({len(sheet_names) + 1})")
            handle = archive.open(f"xl/worksheets/sheet{len(sheet_names) + 1}.xml", "w", force_zip64=True)
            handle.write(_SHEET_HEAD.encode() + header_xml)
            return handle

        part = open_sheet()
        yield sink.drain()
        batch: list[str] = []
        for row in rows:
            if in_sheet == MAX_DATA_ROWS:
                part.write("".join(batch).encode())
                batch.clear()
                part.write(_SHEET_TAIL.encode())
                part.close()
                part, in_sheet = open_sheet(), 0
            batch.append(row_xml(row))
            in_sheet += 1
            if len(batch) >= 500:
                part.write("".join(batch).encode())
                batch.clear()
                if sink.size >= FLUSH_BYTES:
                    yield sink.drain()
        part.write(("".join(batch) + _SHEET_TAIL).encode())
        part.close()
        self._write_summary(archive, summary())
        for name, xml in _workbook(["Summary", *sheet_names]).items():
            archive.writestr(name, xml)
        archive.close()
        yield sink.drain()

    def _write_summary(self, archive: zipfile.ZipFile, table: list[list[Any]]) -> None:
        # sheet1.xml is the Summary; the asset sheets are sheet2.xml onwards.
        body = "".join(row_xml(r) for r in table)
        xml = _SHEET_HEAD.replace('<pane ySplit="1" topLeftCell="A2" state="frozen"/>', "") + body + _SHEET_TAIL
        archive.writestr("xl/worksheets/sheet1.xml", xml)
