"""The workbook writer: a file that a spreadsheet reads back cell for cell."""

import io
import xml.etree.ElementTree as ET
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from common.xlsx import _column_letters, _row, write_workbook


def _write(rows) -> bytes:
    target = io.BytesIO()
    write_workbook(target, rows)
    return target.getvalue()


def _sheet_xml(content: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()


def test_every_part_is_well_formed_xml_and_the_sheet_reads_back():
    content = _write([["Navn", "Antal"], ["Gåtur", 3], ["Svømning", 2.5]])
    package = zipfile.ZipFile(io.BytesIO(content))
    for name in package.namelist():
        ET.fromstring(package.read(name))  # raises on anything malformed
    sheet = load_workbook(io.BytesIO(content)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Navn", "Antal"],
        ["Gåtur", 3],
        ["Svømning", 2.5],
    ]
    assert [cell.data_type for cell in sheet[2]] == ["s", "n"]


def test_markup_characters_spaces_and_line_ends_arrive_as_typed():
    values = ["Mor & barn <3>", "  indrykket  ", "to\r\nlinjer", "en\rlinje", "tab\there"]
    sheet = load_workbook(io.BytesIO(_write([values]))).active
    assert [cell.value for cell in sheet[1]] == [
        "Mor & barn <3>",
        "  indrykket  ",
        "to\nlinjer",  # line ends as line feeds
        "en\nlinje",
        "tab\there",
    ]


def test_text_that_looks_like_a_number_a_date_or_a_formula_stays_text():
    values = ["007", "1,5", "2026-11-27", "'=SUM(A1)", "TRUE"]
    sheet = load_workbook(io.BytesIO(_write([values]))).active
    assert [(cell.value, cell.data_type) for cell in sheet[1]] == [(v, "s") for v in values]


def test_numbers_and_booleans_are_values_and_empty_cells_keep_their_column():
    sheet = load_workbook(io.BytesIO(_write([[1, None, "", True, -0.25, "sidst"]]))).active
    assert [cell.value for cell in sheet[1]] == [1, None, None, True, -0.25, "sidst"]
    assert sheet["F1"].value == "sidst"


def test_columns_past_z_are_named_as_a_spreadsheet_names_them():
    sheet = load_workbook(io.BytesIO(_write([[f"k{n}" for n in range(1, 55)]]))).active
    assert (sheet["Z1"].value, sheet["AA1"].value, sheet["BB1"].value) == ("k26", "k27", "k54")


def test_characters_xml_cannot_hold_and_excels_own_escapes_are_escaped_excels_way():
    xml = _sheet_xml(_write([["klokke\x07", "_x0041_", "ren tekst"]]))
    # Excel shows _x0007_ as the character itself and _x005F_ as an underscore.
    assert "<t>klokke_x0007_</t>" in xml
    assert "<t>_x005F_x0041_</t>" in xml
    assert "<t>ren tekst</t>" in xml
    ET.fromstring(xml)


def test_only_text_with_spaces_at_its_ends_is_marked_to_keep_them():
    xml = _sheet_xml(_write([["  indrykket", "midt i"], ["slut ", "x"]]))
    assert '<t xml:space="preserve">  indrykket</t>' in xml
    assert '<t xml:space="preserve">slut </t>' in xml
    assert "<t>midt i</t>" in xml and "<t>x</t>" in xml


def test_a_long_table_is_written_in_pieces_with_every_row_in_order():
    rows = [[f"række {n}", n] for n in range(1, 1202)]
    sheet = load_workbook(io.BytesIO(_write(rows))).active
    assert sheet.max_row == 1201
    assert [sheet.cell(row=n, column=2).value for n in (1, 500, 501, 1201)] == [1, 500, 501, 1201]


_TEXT = st.text(st.characters(codec="utf-8"), max_size=6) | st.sampled_from(["", " a", "b "])


@settings(max_examples=60, deadline=None)  # (a workbook per example)
@given(st.lists(st.lists(_TEXT | st.none(), min_size=1, max_size=5), min_size=1, max_size=8))
def test_rows_of_text_are_written_as_each_row_alone_would_be(rows):
    # Chunks of plain text go through the rows' templates; the rest row by row: both the same.
    starts = [f'<c r="{letter}' for letter in _column_letters(5)]
    expected = "".join(_row(number, row, starts) for number, row in enumerate(rows, start=1))
    assert f"<sheetData>{expected}</sheetData>" in _sheet_xml(_write(rows))
