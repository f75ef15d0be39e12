"""Tables as downloads: CSV (semicolon-separated, as Danish Excel expects) or an Excel workbook.

Every cell passes through `_cell`: text that a spreadsheet would read as a formula (it starts
with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, so a name typed by
anyone (say `=HYPERLINK(...)` in an offer's name) arrives as text, never as a live formula.
In the workbook every text cell is also stored as a string, never parsed.
"""

import csv
import io
import itertools
import tempfile

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

from .xlsx import write_workbook

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)
LINES_PER_CHUNK = 500


def _cell(value):
    """Numbers and None stay as they are; everything else becomes text that cannot be read
    as a formula."""
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cells(row) -> list:
    """`_cell` for every value of a row. Plain text that starts harmlessly (nearly every cell)
    is checked inline, without a call per cell: a long export has tens of thousands."""
    return [
        value if value.__class__ is str and value[:1] not in _FORMULA_FIRST else _cell(value)
        for value in row
    ]


class _Echo:
    """A file for csv.writer that hands each written line back instead of keeping it."""

    def write(self, value):
        return value


def table_response(*, fmt: str, filename: str, headers: list, rows, stream=False):
    """`rows` may be any iterable. With `stream=True` a long list never sits in memory: a CSV
    goes out a line at a time as the rows are read; a workbook is written row by row
    (common.xlsx) to a temporary file, which is then sent from disk."""
    if fmt not in FORMATS:
        raise Http404
    headers = [_cell(header) for header in headers]
    rows = map(_cells, rows)
    if fmt == "csv" and stream:
        writer = csv.writer(_Echo(), delimiter=";")
        lines = (writer.writerow(row) for row in rows)
        # A few hundred lines to a chunk: the response encodes and sends each chunk separately.
        chunks = iter(lambda: "".join(itertools.islice(lines, LINES_PER_CHUNK)), "")
        response = StreamingHttpResponse(
            itertools.chain(["\ufeff" + writer.writerow(headers)], chunks),
            content_type=FORMATS[fmt],
        )
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
