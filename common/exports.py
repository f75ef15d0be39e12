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


def _csv_chunks(headers, rows):
    """The CSV's text a few hundred lines at a time (each chunk is encoded and sent on its
    own), the first with the BOM that tells Excel the file is UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    chunk = "\ufeff" + buffer.getvalue()
    while chunk:
        yield chunk
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(itertools.islice(rows, LINES_PER_CHUNK))
        chunk = buffer.getvalue()


def table_response(*, fmt: str, filename: str, headers: list, rows, stream=False):
    """`rows` may be any iterable. With `stream=True` a long list never sits in memory: a CSV
    goes out a line at a time as the rows are read; a workbook is written row by row
    (common.xlsx) to a temporary file, which is then sent from disk."""
    if fmt not in FORMATS:
        raise Http404
    headers = [_cell(header) for header in headers]
    rows = map(_cells, rows)
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
