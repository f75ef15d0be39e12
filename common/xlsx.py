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


def _copied_as_is(texts) -> bool:
    """Whether each of `texts` (None: an empty cell) goes into a cell as it is: one look at all
    of them joined by line feeds."""
    joined = "\n".join(filter(None, texts))
    return not (
        _needs_care(joined)
        or joined.startswith(_SPACE)
        or joined.endswith(_SPACE)
        # (a text that starts or ends with it, among texts joined by line feeds)
        or "\n " in joined
        or " \n" in joined
        or "\n\t" in joined
        or "\t\n" in joined
        or "\n\n" in joined
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


_NOT_WRITTEN = (str, type(None))  # the types of a row that the templates write (None: no cell)


def _plain_chunk(rows) -> bool:
    """Whether every row of `rows` holds only text (or None) that is copied as it is: one look
    at all the texts of a few hundred rows at once, as `_row` looks at one row's."""
    cells = list(itertools.chain.from_iterable(rows))
    if not set(map(type, cells)).issubset(_NOT_WRITTEN):
        return False
    return _copied_as_is(cells)


def _template(filled: tuple) -> str:
    """A row's XML as a format string of the row's number ({0}) and its cells ({1}, {2}...),
    for a row of plain text whose cells `filled` says are not empty: the markup `_row` writes
    for such a row, worked out once for each pattern of empty cells instead of once a cell."""
    letters = _column_letters(len(filled))
    cells = "".join(
        f'<c r="{letter}{{0}}" t="inlineStr"><is><t>{{{column}}}</t></is></c>'
        for column, (letter, present) in enumerate(zip(letters, filled, strict=True), start=1)
        if present
    )
    return f'<row r="{{0}}">{cells}</row>'


def write_workbook(target, rows) -> None:
    """Write `rows` (lists of str, int, float, bool or None; the first row is the headers)
    as the one sheet of a workbook to the binary file `target`."""
    templates = {}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, xml in _FIXED_PARTS.items():
            package.writestr(name, HEAD + xml)
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'{HEAD}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            rows, starts, number = iter(rows), [], 0
            while chunk := list(itertools.islice(rows, ROWS_PER_WRITE)):
                lines = []
                if _plain_chunk(chunk):
                    # Nearly every chunk: each row is one format of a template.
                    for number, row in enumerate(chunk, start=number + 1):  # noqa: B020
                        filled = tuple(map(bool, row))
                        template = templates.get(filled) or templates.setdefault(
                            filled, _template(filled)
                        )
                        lines.append(template.format(number, *row))
                else:
                    for number, row in enumerate(chunk, start=number + 1):  # noqa: B020
                        if len(row) > len(starts):
                            starts = [f'<c r="{letter}' for letter in _column_letters(len(row))]
                        lines.append(_row(number, row, starts))
                sheet.write("".join(lines).encode())
            sheet.write(b"</sheetData></worksheet>")
