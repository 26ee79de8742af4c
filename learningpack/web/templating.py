"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, request
from flask_babel import format_number, get_locale, get_timezone, get_translations, to_user_timezone
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from learningpack.output.labels import label, word
from learningpack.web.bell import unread_notices
from learningpack.web.forms import FREE_TEXT_HINT
from learningpack.web.i18n import LANGUAGE_NAMES
from learningpack.web.menu import main_menu


def _local_day(value: datetime) -> date:
    """The user's local date of a timestamp (naive timestamps are UTC): a plain ``astimezone``
    with the request's one time-zone object (no ``normalize``: no arithmetic was done)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(get_timezone()).date()


def local_days() -> Callable[[datetime | None], date | None]:
    """A converter of timestamps to the user's local date, the time zone looked up once: for
    loops over thousands of cells (the exports)."""
    tz = get_timezone()
    utc = UTC

    def day(value: datetime | None) -> date | None:
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=utc)).astimezone(tz).date()

    return day


def datefmt(value: date | datetime | None, fmt: str = "medium") -> str:
    """A date (or the local date of a timestamp) in the user's language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local_day(value)
    return _format_date(value, fmt, formatting_locale())


# Babel's plain "en" is American English (1/10/27, month first). The app's English is for
# readers in Denmark: British English writes dates day first (10/01/2027, 10 Jan 2027).
_FORMAT_LOCALES = {"en": "en_GB"}


def formatting_locale() -> str:
    """The locale dates and times are written in, for the user's language."""
    language = str(get_locale() or "da")
    return _FORMAT_LOCALES.get(language, language)


def date_formatter() -> Callable[..., str]:
    """:func:`datefmt` with the language looked up once: for a loop over many dates."""
    locale = formatting_locale()

    def formatted(value: date | datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = _local_day(value)
        return _format_date(value, fmt, locale)

    return formatted


@lru_cache(maxsize=4096)
def _format_date(value: date, fmt: str, locale: str) -> str:
    """Formatting a date with Babel is slow next to the rest of a page, and pages list the same
    few dates many times (an action's period, log dates), so the results are kept."""
    return babel_format_date(value, fmt, locale=locale)


def datetimefmt(value: datetime | None, fmt: str = "short") -> str:
    """A timestamp in Danish time, in the user's language."""
    if value is None:
        return ""
    return babel_format_datetime(
        to_user_timezone(value), fmt, tzinfo=get_timezone(), locale=formatting_locale()
    )


def render_user_markdown(text: str | None) -> Any:
    """User text as Markdown: raw HTML escaped, so it is safe to mark as HTML."""
    from markupsafe import Markup

    from learningpack.content import render_markdown

    return Markup(render_markdown(text or ""))


@lru_cache(maxsize=16)
def _bound_gettext(translations: Any) -> dict[str, Callable[..., str]]:
    """Jinja's new-style ``gettext``/``ngettext`` bound to one catalogue.

    Flask-Babel's own look the catalogue up through several context locals on every call; a
    module page called them 400 times, a third of its rendering. Put in each template's
    context, these shadow the globals (``_`` resolves ``gettext`` from the context)."""

    @pass_context
    def gettext(context: Context, string: str, **variables: Any) -> str:
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables  # type: ignore[no-any-return]

    @pass_context
    def ngettext(
        context: Context, singular: str, plural: str, count: int, /, **variables: Any
    ) -> str:
        # ``num`` may be given written out ("10.005", with %(num)s), the count picks the form.
        variables.setdefault("num", count)
        text = translations.ungettext(singular, plural, count)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables  # type: ignore[no-any-return]

    return {"gettext": gettext, "ngettext": ngettext}


def numberformat(number: Any) -> str:
    """A number in the user's language: a whole number from 0 to 999 is written the same in
    every language we have, and most of the overview's 140 cells are such counts; the rest
    go to Babel (7 µs a number, a millisecond of the overview's 15)."""
    if type(number) is int and 0 <= number < 1000:
        return str(number)
    return str(format_number(number))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datefmt"] = datefmt
    app.jinja_env.filters["numberformat"] = numberformat  # in place of Flask-Babel's
    app.jinja_env.filters["datetimefmt"] = datetimefmt
    app.jinja_env.filters["label"] = lambda value, kind: label(kind, value)
    app.jinja_env.filters["markdown"] = render_user_markdown
    app.jinja_env.filters["word"] = word  # a domain Refusal, worded
    # Globals (unlike context variables) are visible inside imported macros too.
    app.jinja_env.globals["free_text_hint"] = FREE_TEXT_HINT
    app.jinja_env.globals["main_menu"] = main_menu
    app.jinja_env.globals["unread_notices"] = unread_notices
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject_globals() -> dict[str, Any]:
        return {
            **_bound_gettext(get_translations()),
            "current_locale": str(get_locale() or "da"),
            "language_names": LANGUAGE_NAMES,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
