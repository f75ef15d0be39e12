"""The workbook writer: a file that a spreadsheet reads back cell for cell."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from common.xlsx import _column_letters, write_workbook


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


def _cells(content: bytes) -> dict:
    """Every cell with a value, by its coordinate, as openpyxl reads the workbook back."""
    sheet = load_workbook(io.BytesIO(content)).active
    return {
        cell.coordinate: cell.value
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def _as_read(text: str) -> str:
    """Text as openpyxl reads it back: XML delivers a carriage return as a line feed, and
    openpyxl leaves Excel's _xHHHH_ escapes as they are written (Excel shows the character)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"_(?=x[0-9A-Fa-f]{4}_)", "_x005F_", text)
    return re.sub(
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", lambda m: f"_x{ord(m[0]):04X}_", text
    )


def _expected(rows) -> dict:
    """What each cell should hold: every value but an empty one, at its row and column."""
    return {
        f"{letter}{number}": _as_read(value) if isinstance(value, str) else value
        for number, row in enumerate(rows, start=1)
        for letter, value in zip(_column_letters(len(row)), row, strict=True)
        if value not in ("", None)
    }


def test_rows_of_plain_text_are_written_without_references_and_every_cell_keeps_its_place(
    monkeypatch,
):
    # Chunks of three rows: plain text (written without cell references, every cell written),
    # then a chunk with markup characters and a number (written with references), then plain
    # again, so the references of the middle chunk have to agree with the rows counted before.
    monkeypatch.setattr("common.xlsx.ROWS_PER_WRITE", 3)
    long_text = " ".join(["Opfølgning: ringede, talte med vejleder."] * 200)
    rows = [
        ["Deltager", "Hold", "Status", "Startede den", "Opfølgninger"],
        ["Åse Ærø", "", "Sendt", "", ""],
        ["", "Hold 1", "", "2026-11-07", long_text],
        ["Mor & barn <3>", "", 7, "  indrykket", None],
        ["", "", "", "", "sidst i rækken"],
        ["tab\there", "_x0041_", "klokke\x07", "to\r\nlinjer", ""],  # (see _expected)
        ["Søren", "", "", "", ""],
        ["", "", "", "", ""],
        ["", "Hold 2", "Besvaret", "", long_text],
    ]
    content = _write(rows)
    assert _cells(content) == _expected(rows)
    sheet = load_workbook(io.BytesIO(content)).active
    assert (sheet.max_row, sheet.max_column) == (9, 5)
    xml = _sheet_xml(content)
    assert xml.count("<row>") == 6  # the two plain chunks, without references
    assert '<row r="4">' in xml and '<row r="6">' in xml
    ET.fromstring(xml)


@settings(max_examples=60, deadline=None)  # (a workbook per example)
@given(
    st.lists(st.lists(_TEXT | st.none(), min_size=1, max_size=5), min_size=1, max_size=8),
    st.integers(min_value=1, max_value=4),
)
def test_every_cell_is_read_back_at_its_place(rows, rows_per_write):
    # Chunks of plain text go through one join of the chunk, the rest row by row (with
    # references): a spreadsheet reads the same cells either way.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("common.xlsx.ROWS_PER_WRITE", rows_per_write)
        content = _write(rows)
    expected = _expected(
        [[value.replace("\r", "\n") if value else value for value in row] for row in rows]
    )
    assert _cells(content) == expected
