"""A module's page, as the school's staff and PUF see it: one body template, and for the staff
the page kept between changes to their school (issue 13).

A leader's module page reads every record of the cycle (the stepper's rules need them) and
renders up to a hundred KB: 30–60 ms a request on the national data, where a kept page costs a
few. The key is what the page shows, read *before* it is rendered (web/fragment_cache.py):
the viewer, the language, the school's versions (loaded with the user), the module, the content
library and the local date (the stepper and the forms' dates); the path with its query (the team
unfolded, ``?team=``) is in every kept page's key.

The whole page is kept (web/fragment_cache.kept_whole_page: with the header's unread count and the
path in the key, each form's CSRF token put in per request, and rendered afresh when there are
flash messages to show). The knowledge bank's newest resources for the module are not the
school's (PUF publishes them), so that part is rendered per request (one query).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable

from flask import render_template
from markupsafe import Markup

from learningpack.content import Module
from learningpack.domain.refusals import Refusal
from learningpack.reads.bank import module_resources
from learningpack.reads.module import ModuleView, fix_anchor
from learningpack.web.forms import ConfirmForm, Form
from learningpack.web.fragment_cache import kept_whole_page

# Per process and unguessable: no text a user writes can stand in for it.
_BANK_SLOT = f"bank-{secrets.token_hex(16)}"


def _bank(module: Module) -> Markup:
    return Markup(
        render_template(
            "school/_module_bank.html", resources=module_resources(module.slug), module=module
        )
    )


def _body(
    view: ModuleView, refusal: tuple[Refusal, ...], unlock_form: Form | None, bank: Markup
) -> str:
    return render_template(
        "school/_module_body.html",
        view=view,
        refusal=tuple((reason, fix_anchor(view.cycle, reason)) for reason in refusal),
        confirm=ConfirmForm(),
        unlock_form=unlock_form,
        bank=bank,
    )


def _page(module: Module, body: Markup) -> str:
    return render_template("school/module.html", title=module.title, body=body)


def fresh_page(
    view: ModuleView, refusal: tuple[Refusal, ...] = (), unlock_form: Form | None = None
) -> str:
    """The page rendered now, nothing kept: for PUF, and for a refused completion."""
    return _page(view.module, Markup(_body(view, refusal, unlock_form, _bank(view.module))))


def kept_module_page(key: Hashable, module: Module, view_of: Callable[[], ModuleView]) -> str:
    """The page kept under ``key`` (read the key's versions first); ``view_of`` builds the view
    when it is not kept (and may abort, e.g. 404: nothing is kept). The bank's part is live."""

    def render() -> str:
        return _page(module, Markup(_body(view_of(), (), None, Markup(_BANK_SLOT))))

    return kept_whole_page(key, render, live=((_BANK_SLOT, lambda: str(_bank(module))),))
