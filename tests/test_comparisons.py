"""Every "paper vs. measured" row says whether the two are comparable (issue: comparable
numbers only)."""

from __future__ import annotations

import pytest

from beautygraph.artifacts import Comparison, comparison_table


def test_a_row_must_say_whether_it_is_comparable():
    with pytest.raises(ValueError, match="comparable"):
        Comparison("Gini of favourites", "0.48", "0.86")
    with pytest.raises(ValueError, match="comparable"):
        Comparison("Gini of favourites", "0.48", "0.86", "a note", "   ")


def test_the_answer_is_shown_in_the_table():
    row = Comparison("ρ", "0.48", "0.61", "", "no: synthetic degradations, not crowd votes")
    html = comparison_table([row])
    assert "<th>comparable?</th>" in html
    assert "no: synthetic degradations, not crowd votes" in html
