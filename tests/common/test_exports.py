"""Cells that a spreadsheet would read as a formula are neutralised in every CSV and XLSX."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from common.exports import LINES_PER_CHUNK, _csv_chunks, table_response

DANGEROUS = ['=HYPERLINK("http://x","klik")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def _csv_rows(response):
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_cells_that_start_like_a_formula_are_prefixed_with_a_quote():
    response = table_response(
        fmt="csv", filename="x", headers=["=Navn"], rows=[[value] for value in DANGEROUS]
    )
    rows = _csv_rows(response)
    assert rows[0] == ["'=Navn"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in DANGEROUS]


def test_xlsx_holds_no_formula_and_stores_text_as_text():
    response = table_response(
        fmt="xlsx", filename="x", headers=["Navn"], rows=[[value, 3] for value in DANGEROUS]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    # (XML turns a carriage return into a line feed.)
    assert [cell.value for cell in cells] == ["'" + v.replace("\r", "\n") for v in DANGEROUS]
    # Numbers stay numbers, so the coordinator can still sum a column.
    assert sheet.cell(row=2, column=2).value == 3


@pytest.mark.parametrize("value", ["Gåtur", "", "3 - 4 gange", "1,5", None])
def test_ordinary_values_are_unchanged(value):
    response = table_response(fmt="csv", filename="x", headers=["a"], rows=[[value]])
    assert _csv_rows(response)[1] == ["" if value is None else value]


def test_the_handover_list_export_neutralises_an_offer_name(client, cast):
    cast.offer_a.name = '=HYPERLINK("http://evil.example","Klik")'
    cast.offer_a.save()
    client.force_login(cast.coordinator_a)
    response = client.get("/handovers/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'" + cast.offer_a.name in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_formula_is_neutralised_in_any_column_of_a_row_of_texts():
    # A row of texts is checked as a whole; each of its cells must still be looked at.
    row = ["Gåtur", "=1+1", "a\x00=b", "-", "x\n=y", "@A1"]
    response = table_response(fmt="csv", filename="x", headers=["a"] * 6, rows=[row])
    assert _csv_rows(response)[1] == ["Gåtur", "'=1+1", "a\x00=b", "'-", "x\n=y", "'@A1"]


_FIELD = st.text(st.sampled_from('ab ;"\r\n=-\x00æ'), max_size=4) | st.none() | st.integers()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_FIELD, max_size=4), max_size=LINES_PER_CHUNK + 20))
def test_csv_lines_are_what_the_csv_writer_writes(rows):
    # Chunks of rows of plain text are joined without the writer; all are the writer's text.
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([["Navn", "Hold"], *rows])
    assert "".join(_csv_chunks(["Navn", "Hold"], iter(rows))) == "\ufeff" + buffer.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_in_one_row_of_a_long_list_of_texts_is_neutralised(fmt):
    # Rows are checked a few hundred at a time; the one row among them must still be found.
    rows = [[f"Deltager {n}", "Hold"] for n in range(1, 1200)]
    rows[700][1] = "=1+1"
    response = table_response(fmt=fmt, filename="x", headers=["a", "b"], rows=rows, stream=True)
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        lines = list(csv.reader(io.StringIO(content.decode().lstrip("\ufeff")), delimiter=";"))
        values = [row[1] for row in lines[1:]]
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        values = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert values[700] == "'=1+1"
    assert values.count("Hold") == len(rows) - 1
