"""Tables as downloads: CSV (semicolon-separated, as Danish Excel expects) or an Excel workbook.

Every cell passes through `_cell`: text that a spreadsheet would read as a formula (it starts
with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, so a name typed by
anyone (say `=HYPERLINK(...)` in an offer's name) arrives as text, never as a live formula.
In the workbook every text cell is also stored as a string, never parsed.
"""

import csv
import io
import itertools
import re
import tempfile

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

from .xlsx import write_workbook

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# In a row's texts, each preceded by a NUL character: a text that starts with one of
# FORMULA_STARTS. (A pattern that begins with one literal character is searched for quickly.)
_FORMULA_IN_ROW = re.compile("\x00[=+@\t\r-]")
LINES_PER_CHUNK = 500


def _cell(value):
    """Numbers and None stay as they are; everything else becomes text that cannot be read
    as a formula."""
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cells(row):
    """`_cell` for every value of a row. A row of plain text that starts harmlessly (nearly
    every row) is checked in one search of its texts joined, without a step per cell, and
    handed on as it is: a long export has tens of thousands of cells."""
    try:
        joined = "\x00" + "\x00".join(row)
    except TypeError:  # a number, None or a lazy text among them
        pass
    else:
        if not _FORMULA_IN_ROW.search(joined):
            return row
    return [_cell(value) for value in row]


def _guarded(rows):
    """`_cells` for every row of `rows`, a few hundred rows at a time: a chunk of plain text
    that starts harmlessly (nearly every chunk) is checked in one search of all its texts
    joined, and handed on as it is."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, LINES_PER_CHUNK)):
        try:
            joined = "\x00" + "\x00".join(itertools.chain.from_iterable(chunk))
        except TypeError:  # a number, None or a lazy text among them
            yield from map(_cells, chunk)
        else:
            if _FORMULA_IN_ROW.search(joined):
                yield from map(_cells, chunk)
            else:
                yield from chunk


# What makes csv.writer quote a field (QUOTE_MINIMAL, ";" and "\r\n"): the delimiter, the quote
# character, or a character of the line end. (Four looks for one character each: a search
# for a set of characters takes several times as long.)
_CSV_QUOTED = (";", '"', "\r", "\n")


def _plain_lines(rows):
    """The CSV lines of `rows` as csv.writer writes them, when every field is text that needs
    no quotes (nearly every chunk of a long export): the rows joined at once, without a step
    per field. None when some row needs the writer (a number, None, a field to quote, a row of
    fewer than two fields: the writer quotes a row's one empty field)."""
    if not rows:
        return ""
    if min(map(len, rows)) < 2:
        return None
    try:
        fields = "\x00".join(itertools.chain.from_iterable(rows))
    except TypeError:  # a number, None or a lazy text among them
        return None
    if any(character in fields for character in _CSV_QUOTED):
        return None
    return "\r\n".join(map(";".join, rows)) + "\r\n"


def _csv_chunks(headers, rows):
    """The CSV's text a few hundred lines at a time (each chunk is encoded and sent on its
    own), the first with the BOM that tells Excel the file is UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    chunk = "\ufeff" + buffer.getvalue()
    while chunk:
        yield chunk
        lines = list(itertools.islice(rows, LINES_PER_CHUNK))
        chunk = _plain_lines(lines)
        if chunk is None:
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(lines)
            chunk = buffer.getvalue()


def table_response(*, fmt: str, filename: str, headers: list, rows, stream=False):
    """`rows` may be any iterable. With `stream=True` a long list never sits in memory: a CSV
    goes out a line at a time as the rows are read; a workbook is written row by row
    (common.xlsx) to a temporary file, which is then sent from disk."""
    if fmt not in FORMATS:
        raise Http404
    headers = [_cell(header) for header in headers]
    rows = _guarded(rows)
    if fmt == "csv" and stream:
        response = StreamingHttpResponse(_csv_chunks(headers, rows), content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
        return response
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(headers)
        writer.writerows(rows)
        content = "\ufeff" + buffer.getvalue()  # the BOM tells Excel the file is UTF-8
    elif stream:
        target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
        try:
            write_workbook(target, itertools.chain([headers], rows))
        except BaseException:
            target.close()
            raise
        target.seek(0)
        return FileResponse(
            target, as_attachment=True, filename=f"{filename}.{fmt}", content_type=FORMATS[fmt]
        )
    else:
        buffer = io.BytesIO()
        write_workbook(buffer, itertools.chain([headers], rows))
        content = buffer.getvalue()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
