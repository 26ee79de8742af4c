"""Numbers on pages are written as Flask-Babel writes them, in each language
(web/templating.numberformat takes a short cut for the small whole numbers of the overview)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, format_number

from learningpack.web.templating import numberformat

NUMBERS: list[Any] = [0, 1, 7, 42, 999, 1000, 1234, 12345, 1234567, -1, -999, -1234, 2.5]


@pytest.mark.parametrize("locale", ["da", "en"])
def test_the_same_as_babel(app: Flask, locale: str) -> None:
    with app.test_request_context(), force_locale(locale):
        for number in NUMBERS:
            assert numberformat(number) == format_number(number), number
        assert numberformat(1234) == ("1.234" if locale == "da" else "1,234")


def test_pages_use_it(app: Flask) -> None:
    assert app.jinja_env.filters["numberformat"] is numberformat
