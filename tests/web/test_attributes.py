"""Form fields' attributes are written exactly as WTForms writes them (web/attributes.py)."""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import Markup
from wtforms.widgets import core

from learningpack.web.attributes import ORIGINAL, html_params

CASES: list[dict[str, Any]] = [
    {},
    {"id": "navn", "name": "navn", "type": "text", "value": "Åse"},
    {"value": "Skriv \"hej\" <b>&</b> 'x'"},
    {"value": Markup("<i>kept</i>")},
    {"required": True, "disabled": False, "checked": True},
    {"class_": "felt", "for_": "navn", "data_role_name": "x", "aria_describedby": "navn-hjælp"},
    {"maxlength": 120, "min": 0, "step": 0.5, "value": None},
    {"data_": "trailing", "aria__x": "y", "x_y": "underscore kept"},
    {"value": "line\nbreak\ttab"},
    {"name": '"><script>'},
]


@pytest.mark.parametrize("kwargs", CASES)
def test_the_same_string_as_wtforms(kwargs: dict[str, Any]) -> None:
    ours, theirs = html_params(**kwargs), ORIGINAL(**kwargs)
    assert ours == theirs
    assert isinstance(ours, Markup)


def test_installed_wherever_wtforms_looks_it_up(app: Any) -> None:
    import wtforms.widgets

    assert core.html_params is html_params
    assert wtforms.widgets.html_params is html_params  # labels
    assert core.Input.html_params is html_params  # text, hidden, password, submit, …
    assert core.SubmitInput.html_params is html_params
    assert core.TextInput.html_params is html_params


def test_a_form_renders_as_before(app: Any) -> None:
    from wtforms import Form, SelectChoice, SelectField, StringField, TextAreaField

    class Sample(Form):
        name = StringField('Navn <og> "efternavn"', render_kw={"aria_describedby": "hj"})
        text = TextAreaField("Tekst")
        choice = SelectField(
            "Valg", choices=[SelectChoice("a", "Å <a>"), SelectChoice("b", 'B "b"')]
        )

    form = Sample(data={"name": 'x<"y">', "text": "t & t", "choice": "b"})
    assert str(form.name()) == (
        '<input aria-describedby="hj" id="name" name="name" type="text" '
        'value="x&lt;&#34;y&#34;&gt;">'
    )
    assert str(form.name.label) == ('<label for="name">Navn &lt;og&gt; &#34;efternavn&#34;</label>')
    assert str(form.text()) == '<textarea id="text" name="text">\r\nt &amp; t</textarea>'
    assert str(form.choice()) == (
        '<select id="choice" name="choice"><option value="a">Å &lt;a&gt;</option>'
        '<option selected value="b">B &#34;b&#34;</option></select>'
    )
