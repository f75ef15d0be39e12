"""Tables as downloads: CSV (semicolon-separated, as Danish Excel expects) or an Excel workbook."""

import csv
import io

from django.http import Http404, HttpResponse
from openpyxl import Workbook

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _plain(value):
    """Lazy translations and other objects become text; numbers and None stay as they are."""
    return value if value is None or isinstance(value, int | float | str) else str(value)


def table_response(*, fmt: str, filename: str, headers: list, rows: list) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    rows = [[_plain(value) for value in row] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([str(h) for h in headers])
        writer.writerows(rows)
        content = "\ufeff" + buffer.getvalue()  # the BOM tells Excel the file is UTF-8
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append([str(h) for h in headers])
        for row in rows:
            sheet.append(list(row))
        stream = io.BytesIO()
        workbook.save(stream)
        content = stream.getvalue()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
