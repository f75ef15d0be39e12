"""An Excel workbook (Office Open XML, ECMA-376) of one sheet of text and numbers, written row
by row: the little of the format that a table download needs, at a few microseconds a cell.

A workbook is a zip of XML parts. Every part but the sheet is fixed; the sheet's cells are
written as inline strings (`t="inlineStr"`), so nothing is kept per row and a long list goes
straight to the file. Text is stored as text, never parsed as a number, a date or a formula.
"""

import itertools
import math
import re
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_NAME = "Sheet"
ROWS_PER_WRITE = 500

_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_FIXED_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT_TYPE}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_CONTENT_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CONTENT_TYPE}.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f'<sheets><sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # The one style every cell has (Excel's "Normal"): the smallest style sheet Excel accepts.
    "xl/styles.xml": (
        f'<styleSheet xmlns="{MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}

# What text needs more than being copied: XML's markup characters, characters XML 1.0 cannot
# hold at all, a carriage return, and text that Excel would read as one of its own escapes.
# (Two searches: a pattern of alternatives is tried at every character, about four times
# slower than a set of characters and a look for "_x".)
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def _needs_care(text: str) -> bool:
    return bool(_SPECIAL.search(text) or ("_x" in text and _ESCAPE_LIKE.search(text)))


# XML's white space: a text that starts or ends with it needs xml:space="preserve" to keep it.
_SPACE = (" ", "\t", "\n")
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def _inline_string(value: str) -> str:
    """Text as the content of an inline-string cell, escaped where it has to be."""
    space = ' xml:space="preserve"' if value != value.strip() else ""
    if _needs_care(value):
        # Line ends as line feeds, as an XML reader would deliver them anyway.
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        # Excel reads _xHHHH_ as the character HHHH: a literal one keeps its underscore as
        # _x005F_, and a character that XML cannot hold is written in that form (ECMA-376,
        # ST_Xstring).
        value = _EXCEL_ESCAPE.sub("_x005F_", value)
        value = _UNWRITABLE.sub(lambda match: f"_x{ord(match.group()):04X}_", value)
    return f"<is><t{space}>{value}</t></is>"


def _column_letters(count: int) -> list[str]:
    letters = []
    for number in range(1, count + 1):
        name = ""
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


# The same look in the texts' UTF-8, where each is one search of bytes: a byte of XML's markup,
# a carriage return or a control character that XML cannot hold (in UTF-8 no byte of another
# character is below 0x80), U+FFFE and U+FFFF (whose bytes appear only as themselves), Excel's
# escapes, and spaces at the texts' ends. (Five times faster than the searches of the text.)
_SPECIAL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]) + b"&<>\r"
_PLAIN_BYTES = bytes(sorted(set(range(256)) - set(_SPECIAL_BYTES)))
_ESCAPE_LIKE_BYTES = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_SPACE_BYTES = (b" ", b"\n")
_TAB_AS_SPACE = bytes.maketrans(b"\t", b" ")


def _copied_as_is(texts) -> bool:
    """Whether each of `texts` (None: an empty cell) goes into a cell as it is: one look at all
    of them joined by line feeds."""
    try:
        joined = "\n".join(filter(None, texts)).encode()
    except UnicodeEncodeError:  # a surrogate, which XML cannot hold
        return False
    if joined.translate(None, _PLAIN_BYTES):  # what is left: the special bytes
        return False
    if b"\xef\xbf" in joined and (b"\xef\xbf\xbe" in joined or b"\xef\xbf\xbf" in joined):
        return False
    if b"_x" in joined and _ESCAPE_LIKE_BYTES.search(joined):
        return False
    # A text that starts or ends with white space, among texts joined by line feeds (with each
    # tab read as a space: three looks instead of five).
    spaced = joined.translate(_TAB_AS_SPACE)
    return not (
        spaced.startswith(_SPACE_BYTES)
        or spaced.endswith(_SPACE_BYTES)
        or b"\n " in spaced
        or b" \n" in spaced
        or b"\n\n" in spaced
    )


def _row(number: int, row, starts) -> str:
    """A row's XML; `starts` holds the start of each column's cells (`<c r="A`)."""
    # One look at all the row's text at once: nearly every row is copied as it is.
    texts = [value for value in row if value.__class__ is str]
    only_text = len(texts) == len(row)
    plain = _copied_as_is(texts)
    if plain and only_text:  # (an empty cell is not written at all)
        cells = [
            f'{start}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            for start, value in zip(starts, row, strict=False)
            if value
        ]
        return f'<row r="{number}">{"".join(cells)}</row>'
    cells = []
    for start, value in zip(starts, row, strict=False):
        if value.__class__ is str:
            if not value:
                continue  # an empty cell is not written at all
            if plain:
                cells.append(f'{start}{number}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                cells.append(f'{start}{number}" t="inlineStr">{_inline_string(value)}</c>')
        elif value is None:
            continue
        elif isinstance(value, bool):
            cells.append(f'{start}{number}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int):
            cells.append(f'{start}{number}"><v>{int(value)}</v></c>')
        elif isinstance(value, float) and math.isfinite(value):
            cells.append(f'{start}{number}"><v>{float(value)!r}</v></c>')
        else:
            cells.append(f'{start}{number}" t="inlineStr">{_inline_string(str(value))}</c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


# The rows of text that are copied as they are (nearly every row of a long export) are written
# without cell references: ECMA-376 Part 1 makes `r` optional on a row (§18.3.1.73) and on a
# cell (§18.3.1.4), and a row or cell without it is the one after the one before it. So every
# cell of such a row is written, an empty one as an empty cell (`<c/>`, no value, as blank as a
# cell left out), and each cell keeps its place; the rows written by `_row` keep their
# references, which continue the count. A chunk of such rows is then a few joins of its texts
# with the markup between them, without a step per cell, and a fifth less XML to compress.
_ROW_START = '<row><c t="inlineStr"><is><t>'
_BETWEEN_CELLS = '</t></is></c><c t="inlineStr"><is><t>'
_BETWEEN_ROWS = '</t></is></c></row><row><c t="inlineStr"><is><t>'
_ROW_END = "</t></is></c></row>"
# An empty text between the markup; nothing else has `<t></t>`, as a plain text has no `<`.
_EMPTY_TEXT_CELL = b'<c t="inlineStr"><is><t></t></is></c>'


def _plain_rows(rows) -> bytes | None:
    """The XML of `rows`, or None unless every row holds only text that is copied as it is
    (the rows then go through `_row`)."""
    if min(map(len, rows)) == 0:
        return None
    try:
        xml = _ROW_START + _BETWEEN_ROWS.join(map(_BETWEEN_CELLS.join, rows)) + _ROW_END
    except TypeError:  # a number, None or a lazy text among them
        return None
    if not _copied_as_is(itertools.chain.from_iterable(rows)):
        return None
    return xml.encode().replace(_EMPTY_TEXT_CELL, b"<c/>")


def write_workbook(target, rows) -> None:
    """Write `rows` (lists of str, int, float, bool or None; the first row is the headers)
    as the one sheet of a workbook to the binary file `target`."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, xml in _FIXED_PARTS.items():
            package.writestr(name, HEAD + xml)
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'{HEAD}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            rows, starts, number = iter(rows), [], 0
            while chunk := list(itertools.islice(rows, ROWS_PER_WRITE)):
                if (longest := max(map(len, chunk))) > len(starts):
                    starts = [f'<c r="{letter}' for letter in _column_letters(longest)]
                if (xml := _plain_rows(chunk)) is None:
                    lines = [
                        _row(row_number, row, starts)
                        for row_number, row in enumerate(chunk, start=number + 1)
                    ]
                    xml = "".join(lines).encode()
                number += len(chunk)
                sheet.write(xml)
            sheet.write(b"</sheetData></worksheet>")
