"""One paginator for the overview, the digest, the audit log and the API; one Danish sort key."""

from __future__ import annotations

import pytest

from learningpack.reads.pagination import Page, danish_key, page_number, paginate

ROWS = list(range(1, 8))  # seven rows, three per page: pages of 3, 3 and 1


@pytest.mark.parametrize(
    ("requested", "shown", "items"),
    [(1, 1, [1, 2, 3]), (3, 3, [7]), (0, 1, [1, 2, 3]), (99, 3, [7])],
)
def test_pages_move_a_page_out_of_range_to_the_nearest(
    requested: int, shown: int, items: list[int]
) -> None:
    page = paginate(ROWS, requested, 3)
    assert (page.page, page.items, page.total, page.pages) == (shown, items, 7, 3)


def test_the_api_gets_an_empty_page_past_the_end() -> None:
    page = paginate(ROWS, 4, 3, clamp=False)
    assert (page.page, page.items, page.total, page.pages) == (4, [], 7, 3)


def test_first_and_last_position_on_the_page() -> None:
    assert (paginate(ROWS, 3, 3).first, paginate(ROWS, 3, 3).last) == (7, 7)
    assert (paginate(ROWS, 2, 3).first, paginate(ROWS, 2, 3).last) == (4, 6)
    empty: Page[int] = paginate([], 5, 3)
    assert (empty.page, empty.pages, empty.first, empty.last) == (1, 1, 0, 0)
    assert page_number(5, 0, 3) == 1


def test_danish_order() -> None:
    names = ["Åby", "Aarslev", "Ørum", "Ærø", "Zebra", "Anker"]
    assert sorted(names, key=danish_key) == ["Anker", "Zebra", "Ærø", "Ørum", "Åby", "Aarslev"]
