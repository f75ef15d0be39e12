"""A page number from the address is read as Django's paginator reads it, within bounds."""

import pytest

from common.params import MAX_PAGE, page_param


@pytest.mark.parametrize(
    ("text", "number"),
    [("2", 2), ("1", 1), ("", 1), (None, 1), ("x", 1), ("1.5", 1), ("²", 1), ("-", 1),
     ("0", 0), ("-1", 0), ("1000000", MAX_PAGE), ("9" * 30, MAX_PAGE)],
)  # fmt: skip
def test_a_page_number_is_a_whole_number_within_bounds(text, number):
    # 0: the paginator shows the last page, as for any number below 1.
    assert page_param(text) == number
