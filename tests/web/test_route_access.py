"""Every route, every role (DESIGN.md §1, §10).

The routes come from ``app.url_map``. Each rule must be classified twice: in ``AREAS`` (who the
route is for and which URL variables name a school's object; this must match what the view
declares through ``access.py``) and in ``EXPECTED`` (the status each role gets). A route added
later without both entries, or without an access declaration, makes these tests fail with a
message saying what to add.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from learningpack.content import Package
from learningpack.models import Action, Role, Team, User
from learningpack.web.access import API_TOKEN, PUBLIC, access_area
from tests.factories import PASSWORD, login
from tests.helpers import page_of
from tests.routes import ROLES, Ids, build, own_ids, routes, user_for
from tests.world import (
    World,
    two_schools,
)

LOGIN = "login"  # a redirect to the login page
NOT_ON = "not on it"  # 403: the role may use the route, but this user is not on the action
API_PREFIX = "/api/"  # anonymous requests here get 401 JSON instead of a redirect

# Who a route is for, as the view declares it in access.py.
STAFF = frozenset({Role.LEADER, Role.TEACHER})
LEADER = frozenset({Role.LEADER})
PUF = frozenset({Role.PUF})
LEADER_OR_PUF = frozenset({Role.LEADER, Role.PUF})
EVERYONE = frozenset({Role.LEADER, Role.TEACHER, Role.PUF})  # any logged-in user

# URL variables and what they name. School-owned ones are looked up through access.py's scoped
# helpers: another school's value answers 404 (for anyone the route lets in at all).
# A resource of the knowledge bank is school-owned until PUF publishes it: the world's are
# proposals, so another school's answers 404 to staff.
SCHOOL_OWNED = {
    "action_id", "school_id", "user_id", "team_id", "resource_id",
    "entry_id", "meeting_id", "question_id", "reflection_id",
}  # fmt: skip
# A module slug is looked up in the user's own school's run; an API token id among the PUF user's
# own tokens (another PUF user's answers 404); an e-mailed link's token is checked by its hash.
# A sharing event is PUF's (a school reaches only the events it presents at); a local approach
# version number is looked up in the user's own school.
NOT_SCHOOL_OWNED = {
    "slug", "code", "token", "token_id", "event_id", "version", "draft_id", "quote_id", "provider",
    "area_id", "notice_id", "holiday_id",
}  # fmt: skip

# endpoint -> (area, URL variables naming school-owned objects)
AREAS: dict[str, tuple[object, frozenset[str]]] = {
    "auth.login": (PUBLIC, frozenset()),
    "auth.logout": (PUBLIC, frozenset()),
    "auth.set_language": (PUBLIC, frozenset()),
    "main.index": (PUBLIC, frozenset()),
    "main.accessibility": (PUBLIC, frozenset()),
    "main.health": (PUBLIC, frozenset()),
    "main.ready": (PUBLIC, frozenset()),
    "main.metrics": (PUBLIC, frozenset()),
    "school.home": (STAFF, frozenset()),
    "school.start": (LEADER, frozenset()),
    "school.module": (STAFF, frozenset()),
    "school.new_meeting": (LEADER, frozenset()),
    "school.new_action": (LEADER, frozenset()),
    "school.edit_action": (LEADER, frozenset({"action_id"})),
    "school.follow_up": (LEADER, frozenset({"action_id"})),
    "school.summary": (LEADER, frozenset()),
    "school.adaptation": (LEADER, frozenset()),
    "school.complete": (LEADER, frozenset()),
    "school.reopen": (LEADER, frozenset()),
    "teacher.my_actions_page": (STAFF, frozenset()),
    "teacher.kept_page": (STAFF, frozenset()),
    "teacher.log_entry": (STAFF, frozenset({"action_id"})),
    "school.question": (LEADER, frozenset({"team_id"})),
    "school.reflection": (LEADER, frozenset({"team_id"})),
    "school.second_round": (LEADER, frozenset({"action_id"})),
    "school.action_sheet": (STAFF, frozenset({"action_id"})),
    # Correcting and deleting records (school/corrections.py, teacher/corrections.py).
    "teacher.edit_log": (STAFF, frozenset({"entry_id"})),
    "teacher.delete_log": (STAFF, frozenset({"entry_id"})),
    "teacher.edit_action_texts": (STAFF, frozenset({"action_id"})),
    "school.edit_meeting_page": (LEADER, frozenset({"meeting_id"})),
    "school.delete_meeting": (LEADER, frozenset({"meeting_id"})),
    "school.delete_action": (LEADER, frozenset({"action_id"})),
    "school.delete_follow_up": (LEADER, frozenset({"action_id"})),
    "school.delete_question": (LEADER, frozenset({"question_id"})),
    "school.delete_reflection": (LEADER, frozenset({"reflection_id"})),
    "school.blank_template": (STAFF, frozenset()),
    "puf.overview": (PUF, frozenset()),
    "puf.overview_csv": (PUF, frozenset()),
    "puf.overview_xlsx": (PUF, frozenset()),
    "puf.digest": (PUF, frozenset()),
    "puf.digest_csv": (PUF, frozenset()),
    "puf.digest_xlsx": (PUF, frozenset()),
    "puf.school": (PUF, frozenset({"school_id"})),
    "puf.module": (PUF, frozenset({"school_id"})),
    "puf.unlock": (PUF, frozenset({"school_id"})),
    "puf.audit_log": (PUF, frozenset()),
    "school.data_export": (LEADER, frozenset()),
    "puf.school_data_export": (PUF, frozenset({"school_id"})),
    "auth.account": (EVERYONE, frozenset()),
    "auth.change_password": (EVERYONE, frozenset()),
    "auth.preferences": (EVERYONE, frozenset()),
    "auth.totp_setup": (EVERYONE, frozenset()),
    "auth.recovery_codes": (EVERYONE, frozenset()),
    "auth.totp_disable": (EVERYONE, frozenset()),
    "auth.login_code": (PUBLIC, frozenset()),
    "auth.forgot_password": (PUBLIC, frozenset()),
    "auth.reset_password": (PUBLIC, frozenset()),
    "auth.accept_invitation": (PUBLIC, frozenset()),
    "auth.unsubscribe": (PUBLIC, frozenset()),
    "auth.mail_settings": (EVERYONE, frozenset()),
    "auth.oidc_start": (PUBLIC, frozenset()),
    "auth.oidc_callback": (PUBLIC, frozenset()),
    "auth.sign_in_settings": (LEADER, frozenset()),
    "admin.schools_page": (PUF, frozenset()),
    "admin.new_school": (PUF, frozenset()),
    "admin.school": (PUF, frozenset({"school_id"})),
    "admin.deactivate_school": (PUF, frozenset({"school_id"})),
    "admin.reactivate_school": (PUF, frozenset({"school_id"})),
    "admin.import_schools": (PUF, frozenset()),
    "admin.invite_leader": (PUF, frozenset({"school_id"})),
    "admin.deactivate_user": (PUF, frozenset({"user_id"})),
    "admin.reactivate_user": (PUF, frozenset({"user_id"})),
    "admin.anonymise_user": (PUF, frozenset({"user_id"})),
    "admin.renew_invitation": (PUF, frozenset({"user_id"})),
    "admin.areas_page": (PUF, frozenset()),
    "admin.area": (PUF, frozenset()),
    "admin.remove_area": (PUF, frozenset()),
    "school.staff": (LEADER, frozenset()),
    "school.invite": (LEADER, frozenset()),
    "school.reinvite": (LEADER, frozenset({"user_id"})),
    "school.deactivate": (LEADER, frozenset({"user_id"})),
    "school.reactivate": (LEADER, frozenset({"user_id"})),
    "school.change_role": (LEADER, frozenset({"user_id"})),
    "school.anonymise": (LEADER, frozenset({"user_id"})),
    "school.new_team": (LEADER, frozenset()),
    "school.edit_team": (LEADER, frozenset({"team_id"})),
    "puf.api_keys": (PUF, frozenset()),
    "puf.create_api_key": (PUF, frozenset()),
    "puf.revoke_api_key": (PUF, frozenset()),
    "school.parents": (STAFF, frozenset()),
    "school.parents_pdf": (STAFF, frozenset()),
    "school.board": (STAFF, frozenset()),
    "school.board_pdf": (STAFF, frozenset()),
    "school.board_pptx": (STAFF, frozenset()),
    "school.year_report_page": (STAFF, frozenset()),
    "school.year_report_pdf": (STAFF, frozenset()),
    "school.presentation": (STAFF, frozenset()),
    "school.action_template": (STAFF, frozenset()),
    "school.action_template_pdf": (STAFF, frozenset()),
    "puf.year_report": (PUF, frozenset({"school_id"})),
    "puf.year_report_pdf": (PUF, frozenset({"school_id"})),
    "main.common_approach": (EVERYONE, frozenset()),
    "school.local_approach": (STAFF, frozenset()),
    "school.save_approach": (LEADER, frozenset()),
    "school.local_approach_history": (STAFF, frozenset()),
    "school.local_approach_version": (STAFF, frozenset()),
    "school.local_approach_pdf": (STAFF, frozenset()),
    "school.event_pitch_pptx": (STAFF, frozenset()),
    "puf.events_page": (PUF, frozenset()),
    "puf.new_event": (PUF, frozenset()),
    "puf.event": (PUF, frozenset()),
    "puf.mark": (PUF, frozenset()),
    "puf.unmark": (PUF, frozenset()),
    "puf.event_programme": (PUF, frozenset()),
    "puf.event_programme_pdf": (PUF, frozenset()),
    "puf.pitch": (PUF, frozenset({"school_id"})),
    "puf.local_approach": (PUF, frozenset({"school_id"})),
    "api.openapi": (PUBLIC, frozenset()),
    "api.schools": (API_TOKEN, frozenset()),
    "api.school": (API_TOKEN, frozenset({"school_id"})),
    "api.progress": (API_TOKEN, frozenset()),
    "api.summary": (API_TOKEN, frozenset()),
    "bank.search": (EVERYONE, frozenset()),
    "bank.resource": (EVERYONE, frozenset({"resource_id"})),
    "bank.download": (EVERYONE, frozenset({"resource_id"})),
    "bank.our_proposals": (STAFF, frozenset()),
    "bank.propose": (LEADER, frozenset()),
    "bank.curation": (PUF, frozenset()),
    "bank.add": (PUF, frozenset()),
    "bank.edit": (PUF, frozenset({"resource_id"})),
    "bank.publish": (PUF, frozenset({"resource_id"})),
    "bank.unpublish": (PUF, frozenset({"resource_id"})),
    "bank.reject": (PUF, frozenset({"resource_id"})),
    "api.report": (API_TOKEN, frozenset()),
    # Progress over time, the half-yearly report (PUF's own drafts), notes to a school.
    "puf.progress": (PUF, frozenset()),
    "puf.reports_page": (PUF, frozenset()),
    "puf.new_report": (PUF, frozenset()),
    "puf.report": (PUF, frozenset()),
    "puf.save_report": (PUF, frozenset()),
    "puf.pick_quote": (PUF, frozenset()),
    "puf.edit_quote": (PUF, frozenset()),
    "puf.report_word": (PUF, frozenset()),
    "puf.report_print": (PUF, frozenset()),
    "puf.school_note": (PUF, frozenset({"school_id"})),
    "school.answer_note": (LEADER, frozenset()),
    # Notices (each user's own), reminders, school holidays, the follow-up meeting's date.
    "main.notices_list": (EVERYONE, frozenset()),
    "main.open_notice": (EVERYONE, frozenset()),
    "main.mark_notice_read": (EVERYONE, frozenset()),
    "main.mark_all_notices_read": (EVERYONE, frozenset()),
    "puf.reminders": (PUF, frozenset()),
    "puf.save_reminder_days": (PUF, frozenset()),
    "puf.add_holiday": (PUF, frozenset()),
    "puf.edit_holiday": (PUF, frozenset()),
    "puf.delete_holiday": (PUF, frozenset()),
    "school.follow_up_date": (LEADER, frozenset()),
    "school.reminder_settings": (LEADER, frozenset()),
}


def row(anon: Any, leader: Any, teacher: Any, teacher2: Any, puf: Any) -> dict[str, Any]:
    return dict(zip(ROLES, (anon, leader, teacher, teacher2, puf), strict=True))


# The status each role gets on each route, for URLs naming our own school's objects. POSTs carry
# no data, so a form re-renders with errors (400) and a button refuses or flashes.
# ``teacher`` is in the team of the action in the URL; ``teacher2`` is in another team. A plain
# 403 refuses the role whatever the id (so it does not tell whether another school's id exists).
EXPECTED: dict[tuple[str, str], dict[str, Any]] = {
    ("auth.login", "GET"): row(200, 302, 302, 302, 302),
    ("auth.login", "POST"): row(200, 302, 302, 302, 302),
    ("auth.logout", "POST"): row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("auth.set_language", "POST"): row(302, 302, 302, 302, 302),
    ("main.index", "GET"): row(LOGIN, 302, 302, 302, 302),
    ("main.accessibility", "GET"): row(200, 200, 200, 200, 200),
    ("main.health", "GET"): row(200, 200, 200, 200, 200),
    # The test schema is made without migrations: not ready, for anyone alike.
    ("main.ready", "GET"): row(503, 503, 503, 503, 503),
    # No METRICS_TOKEN in the test config: there are no metrics to fetch.
    ("main.metrics", "GET"): row(404, 404, 404, 404, 404),
    ("school.home", "GET"): row(LOGIN, 200, 200, 200, 403),
    # The school has a run in progress: a second start goes back to the school page.
    ("school.start", "POST"): row(LOGIN, 302, 403, 403, 403),
    ("school.module", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.new_meeting", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.new_meeting", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.new_action", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.new_action", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.edit_action", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.edit_action", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.follow_up", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.follow_up", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.summary", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.summary", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.adaptation", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.adaptation", "POST"): row(LOGIN, 302, 403, 403, 403),  # both fields optional
    ("school.complete", "POST"): row(LOGIN, 409, 403, 403, 403),
    ("school.reopen", "POST"): row(LOGIN, 302, 403, 403, 403),  # refused with a flash
    ("teacher.my_actions_page", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("teacher.kept_page", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("teacher.log_entry", "GET"): row(LOGIN, 200, 200, NOT_ON, 403),
    ("teacher.log_entry", "POST"): row(LOGIN, 400, 400, NOT_ON, 403),
    # The action-learning records: a team's question and reflection, a second round, the
    # printable action template (filled for an action, or blank for the module).
    ("school.question", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.question", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.reflection", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.reflection", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.second_round", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.second_round", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.action_sheet", "GET"): row(LOGIN, 200, 200, 200, 403),
    # Corrections: the entry is ``teacher``'s (its author edits; the leader may delete it); the
    # action names no owners, so its team's members correct its texts. A bare POST deletes
    # nothing (the confirmation is missing) and saves nothing (required fields are missing).
    ("teacher.edit_log", "GET"): row(LOGIN, NOT_ON, 200, NOT_ON, 403),
    ("teacher.edit_log", "POST"): row(LOGIN, NOT_ON, 400, NOT_ON, 403),
    ("teacher.delete_log", "GET"): row(LOGIN, 200, 200, NOT_ON, 403),
    ("teacher.delete_log", "POST"): row(LOGIN, 400, 400, NOT_ON, 403),
    ("teacher.edit_action_texts", "GET"): row(LOGIN, 200, 200, NOT_ON, 403),
    ("teacher.edit_action_texts", "POST"): row(LOGIN, 400, 400, NOT_ON, 403),
    ("school.edit_meeting_page", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.edit_meeting_page", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.delete_meeting", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.delete_meeting", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.delete_action", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.delete_action", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.delete_follow_up", "GET"): row(LOGIN, 404, 403, 403, 403),  # none recorded yet
    ("school.delete_follow_up", "POST"): row(LOGIN, 404, 403, 403, 403),
    ("school.delete_question", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.delete_question", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.delete_reflection", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.delete_reflection", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.blank_template", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("puf.overview", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.overview_csv", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.overview_xlsx", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.digest", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.digest_csv", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.digest_xlsx", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.school", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.module", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.unlock", "POST"): row(LOGIN, 403, 403, 403, 400),  # no reason given
    ("puf.audit_log", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("school.data_export", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("puf.school_data_export", "GET"): row(LOGIN, 403, 403, 403, 200),
    # The own account: everyone logged in. Empty POSTs re-render with errors.
    ("auth.account", "GET"): row(LOGIN, 200, 200, 200, 200),
    ("auth.change_password", "POST"): row(LOGIN, 400, 400, 400, 400),
    ("auth.preferences", "POST"): row(LOGIN, 400, 400, 400, 400),
    ("auth.totp_setup", "GET"): row(LOGIN, 200, 200, 200, 200),
    ("auth.totp_setup", "POST"): row(LOGIN, 400, 400, 400, 400),
    # Shown once, right after setup; otherwise back to the account page.
    ("auth.recovery_codes", "GET"): row(LOGIN, 302, 302, 302, 302),
    ("auth.totp_disable", "POST"): row(LOGIN, 400, 400, 400, 400),
    # Public: the code step needs a password step first; links with an unknown token are gone.
    ("auth.login_code", "GET"): row(LOGIN, 302, 302, 302, 302),
    ("auth.login_code", "POST"): row(LOGIN, 302, 302, 302, 302),
    ("auth.forgot_password", "GET"): row(200, 200, 200, 200, 200),
    ("auth.forgot_password", "POST"): row(400, 400, 400, 400, 400),
    ("auth.reset_password", "GET"): row(410, 410, 410, 410, 410),
    ("auth.reset_password", "POST"): row(410, 410, 410, 410, 410),
    ("auth.accept_invitation", "GET"): row(410, 410, 410, 410, 410),
    ("auth.accept_invitation", "POST"): row(410, 410, 410, 410, 410),
    # Reminder e-mails: the choices (unchecked boxes turn all off), and an unsubscribe link
    # whose token is not signed by us (the real link: tests/ops/test_notify.py).
    ("auth.mail_settings", "POST"): row(LOGIN, 302, 302, 302, 302),
    ("auth.unsubscribe", "GET"): row(404, 404, 404, 404, 404),
    ("auth.unsubscribe", "POST"): row(404, 404, 404, 404, 404),
    # Single sign-on: no provider is configured here, so the provider in the URL is unknown
    # (404); a logged-in user goes to their start page. The flow itself: tests/auth/test_oidc.py.
    ("auth.oidc_start", "GET"): row(404, 302, 302, 302, 302),
    ("auth.oidc_callback", "GET"): row(404, 302, 302, 302, 302),
    ("auth.sign_in_settings", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("auth.sign_in_settings", "POST"): row(LOGIN, 302, 403, 403, 403),
    # PUF's administration of schools and accounts (any school, any user).
    ("admin.schools_page", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.new_school", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.new_school", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("admin.school", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.school", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("admin.deactivate_school", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("admin.reactivate_school", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("admin.import_schools", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.import_schools", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("admin.invite_leader", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.invite_leader", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("admin.deactivate_user", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("admin.reactivate_user", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("admin.anonymise_user", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.anonymise_user", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("admin.renew_invitation", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("admin.areas_page", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.areas_page", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("admin.area", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.area", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("admin.remove_area", "POST"): row(LOGIN, 403, 403, 403, 302),
    # The leader's staff and teams, own school only.
    ("school.staff", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.invite", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.invite", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.reinvite", "POST"): row(LOGIN, 302, 403, 403, 403),  # already accepted: a flash
    ("school.deactivate", "POST"): row(LOGIN, 302, 403, 403, 403),
    ("school.reactivate", "POST"): row(LOGIN, 302, 403, 403, 403),
    ("school.change_role", "POST"): row(LOGIN, 302, 403, 403, 403),  # no role: a flash
    ("school.anonymise", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.anonymise", "POST"): row(LOGIN, 302, 403, 403, 403),
    ("school.new_team", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.new_team", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("school.edit_team", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.edit_team", "POST"): row(LOGIN, 400, 403, 403, 403),
    # PUF's own API tokens; the JSON API itself opens only with a bearer token (not a session).
    ("puf.api_keys", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.create_api_key", "POST"): row(LOGIN, 403, 403, 403, 400),  # no name given
    ("puf.revoke_api_key", "POST"): row(LOGIN, 403, 403, 403, 302),
    # What the school's work carries outside the staff room (read-only; issue 12).
    ("school.parents", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.parents_pdf", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.board", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.board_pdf", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.board_pptx", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.year_report_page", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.year_report_pdf", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.presentation", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.action_template", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.action_template_pdf", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("puf.year_report", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.year_report_pdf", "GET"): row(LOGIN, 403, 403, 403, 200),
    # The common approach, the school's local approach, sharing events (issue 12).
    ("main.common_approach", "GET"): row(LOGIN, 200, 200, 200, 200),
    ("school.local_approach", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.save_approach", "POST"): row(LOGIN, 400, 403, 403, 403),  # no text
    ("school.local_approach_history", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.local_approach_version", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.local_approach_pdf", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("school.event_pitch_pptx", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("puf.events_page", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.new_event", "POST"): row(LOGIN, 403, 403, 403, 400),  # no title
    ("puf.event", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.mark", "POST"): row(LOGIN, 403, 403, 403, 400),  # no example chosen
    ("puf.unmark", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("puf.event_programme", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.event_programme_pdf", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.pitch", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.local_approach", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("api.openapi", "GET"): row(200, 200, 200, 200, 200),
    ("api.schools", "GET"): row(401, 401, 401, 401, 401),
    ("api.school", "GET"): row(401, 401, 401, 401, 401),
    ("api.progress", "GET"): row(401, 401, 401, 401, 401),
    ("api.summary", "GET"): row(401, 401, 401, 401, 401),
    # The knowledge bank: everyone logged in searches it; our own proposal is seen by our staff
    # and PUF; leaders propose (an empty form: 400); PUF curates.
    ("bank.search", "GET"): row(LOGIN, 200, 200, 200, 200),
    ("bank.resource", "GET"): row(LOGIN, 200, 200, 200, 200),
    ("bank.download", "GET"): row(LOGIN, 200, 200, 200, 200),
    ("bank.our_proposals", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("bank.propose", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("bank.propose", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("bank.curation", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("bank.add", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("bank.add", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("bank.edit", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("bank.edit", "POST"): row(LOGIN, 403, 403, 403, 302),  # no data: the saved values stay
    ("bank.publish", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("bank.unpublish", "POST"): row(LOGIN, 403, 403, 403, 302),  # refused with a flash
    ("bank.reject", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("bank.reject", "POST"): row(LOGIN, 403, 403, 403, 400),  # no reason given
    ("api.report", "GET"): row(401, 401, 401, 401, 401),
    ("puf.progress", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.reports_page", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.new_report", "POST"): row(LOGIN, 403, 403, 403, 400),  # no period given
    ("puf.report", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.save_report", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("puf.pick_quote", "POST"): row(LOGIN, 403, 403, 403, 302),  # nothing picked: a flash
    ("puf.edit_quote", "POST"): row(LOGIN, 403, 403, 403, 400),  # no text given
    ("puf.report_word", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.report_print", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.school_note", "POST"): row(LOGIN, 403, 403, 403, 400),  # no text given
    ("school.answer_note", "POST"): row(LOGIN, 400, 403, 403, 403),  # no text given
    # Each user's own notices: the world's notice is PUF's, so anyone else gets 404 for it.
    ("main.notices_list", "GET"): row(LOGIN, 200, 200, 200, 200),
    ("main.open_notice", "POST"): row(LOGIN, 404, 404, 404, 302),
    ("main.mark_notice_read", "POST"): row(LOGIN, 404, 404, 404, 302),
    ("main.mark_all_notices_read", "POST"): row(LOGIN, 302, 302, 302, 302),
    ("puf.reminders", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.save_reminder_days", "POST"): row(LOGIN, 403, 403, 403, 400),  # no number given
    ("puf.add_holiday", "POST"): row(LOGIN, 403, 403, 403, 400),  # no name or dates
    ("puf.edit_holiday", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.edit_holiday", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("puf.delete_holiday", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("school.follow_up_date", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.follow_up_date", "POST"): row(LOGIN, 302, 403, 403, 403),  # empty: no date
    ("school.reminder_settings", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("school.reminder_settings", "POST"): row(LOGIN, 302, 403, 403, 403),  # empty: PUF's
}

# A very late request: it ends the session.


def outcome(response: Any) -> Any:
    """The status, with a redirect to the login page told apart from other redirects."""
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return LOGIN
    return response.status_code


@pytest.fixture
def world(package: Package) -> World:
    return two_schools(package)


OURS = (
    "Kildeskolens fredagsbesked",
    "Kildeskolens forældreråd",
    "Kildeskolens mødenoter",
    "Kildeskolens logning",
    "Kildeskolens besked fra PUF",
)
THEIRS = (
    "Fjordskolens forældrekaffe",
    "Fjordskolens SFO-aktion",
    "Fjordskolens mødenoter",
    "Fjordskolens besked fra PUF",
)


def readable(response: Any) -> str:
    """A page's text; for a ZIP download, the text of every file in it; a PDF's or a PPTX's."""
    import io

    if response.mimetype == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    if response.mimetype.endswith("presentationml.presentation"):
        from pptx import Presentation

        deck = Presentation(io.BytesIO(response.data))
        return "\n".join(s.text_frame.text for d in deck.slides for s in d.placeholders)
    if response.mimetype == "application/zip":
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            return "\n".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    return page_of(response)


def variants(world: World, rule: Rule) -> dict[str, Ids]:
    """Our own objects, always; the other school's and a missing one where the URL names one."""
    own = own_ids(world)
    found = {"own": own}
    others = {
        "action_id": world.actions["theirs"].id,
        "school_id": world.other_school.id,
        "user_id": world.other_spare.id,  # type: ignore[attr-defined]
        "team_id": world.other_team.id,
        "token_id": world.token_ids[1],  # type: ignore[attr-defined]
        "resource_id": world.resource_ids[1],  # type: ignore[attr-defined]
        **world.record_ids[1],  # type: ignore[attr-defined]
    }
    for name, other in others.items():
        if name in rule.arguments:
            found["other"] = replace(own, **{name: other})
            found["missing"] = replace(own, **{name: 10**6})
    return found


def expected(role: str, endpoint: str, method: str, rule: Rule, variant: str) -> Any:
    own = EXPECTED[(endpoint, method)][role]
    if role == "anon" and own == LOGIN:
        return anonymous_outcome(rule)
    if variant == "own":
        return 403 if own == NOT_ON else own
    if own in (LOGIN, 401, 403):
        return own  # refused by role (or by the API's token check), whatever the id
    if role == "puf":
        # PUF sees every school and its people; a missing one, or another PUF user's token, is 404.
        return 404 if variant == "missing" or "token_id" in rule.arguments else own
    # Another school's action, person or team, or none: 404 for anyone the route lets in at all.
    return 404 if set(rule.arguments) & (SCHOOL_OWNED - {"school_id"}) else own


# ---------------------------------------------------------------------------------------------


def area_of(rule: Rule) -> object:
    return AREAS[rule.endpoint][0]


def test_every_route_is_classified_and_declares_its_access(app: Flask) -> None:
    """Each rule in the URL map: in AREAS, in EXPECTED, and its view declares the same area."""
    problems = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if rule.endpoint not in AREAS:
            problems.append(
                f"{rule.rule} ({rule.endpoint}) is not classified: add it to AREAS in "
                "tests/test_route_access.py"
            )
            continue
        area, owned = AREAS[rule.endpoint]
        declared = access_area(app.view_functions[rule.endpoint])
        if declared is None:
            problems.append(
                f"{rule.endpoint} declares no access: decorate it with access.public or "
                "access.role_required"
            )
        elif declared != area:
            problems.append(f"{rule.endpoint} declares {declared}, AREAS says {area}")
        unknown = set(rule.arguments) - SCHOOL_OWNED - NOT_SCHOOL_OWNED
        if unknown:
            problems.append(f"{rule.rule} takes {sorted(unknown)}: say what they name")
        if owned != set(rule.arguments) & SCHOOL_OWNED:
            problems.append(f"{rule.rule}: school-owned variables {sorted(owned)} are wrong")
    present = {(rule.endpoint, method) for rule, method in routes(app)}
    missing = sorted(present - set(EXPECTED))
    stale = sorted(set(EXPECTED) - present) + sorted(set(AREAS) - {e for e, _ in present})
    assert not missing, (
        f"Routes without an expected status per role: {missing}. Add them to EXPECTED in "
        "tests/test_route_access.py (and protect them with access.role_required)."
    )
    assert not stale, f"AREAS or EXPECTED name routes the app no longer has: {stale}"
    assert not problems, "\n".join(problems)


def test_the_expected_statuses_agree_with_the_areas(app: Flask) -> None:
    """Teachers get 403 on leader and PUF pages, leaders on PUF pages, PUF on school pages."""
    wrong = []
    for (endpoint, method), statuses in EXPECTED.items():
        area = AREAS[endpoint][0]
        if area in (PUBLIC, API_TOKEN):
            continue
        for role in ("leader", "teacher", "teacher2", "puf"):
            allowed = Role(role.rstrip("2")) in area  # type: ignore[operator]
            if not allowed and statuses[role] != 403:
                wrong.append(f"{role} on {method} {endpoint} ({area}): {statuses[role]}")
        if statuses["anon"] != LOGIN:
            wrong.append(f"anon on {method} {endpoint}: {statuses['anon']}")
    assert not wrong, "\n".join(wrong)


def anonymous_outcome(rule: Rule) -> Any:
    return 401 if rule.rule.startswith(API_PREFIX) else LOGIN


def test_anonymous_is_sent_to_login_except_on_public_pages(
    app: Flask, client: FlaskClient, world: World
) -> None:
    wrong = []
    for rule, method in routes(app):
        for variant, ids in variants(world, rule).items():
            url = build(app, rule, method, ids)
            result = outcome(client.open(url, method=method))
            if area_of(rule) == PUBLIC:
                if result != EXPECTED[(rule.endpoint, method)]["anon"]:
                    wrong.append(f"{method} {url} (public): {result}")
            elif result != anonymous_outcome(rule):
                wrong.append(f"{method} {url} ({variant}): {result}, expected a redirect to login")
    assert not wrong, "\n".join(wrong)


def test_api_routes_answer_401_json_to_anonymous_users(app: Flask, client: FlaskClient) -> None:
    """The rule is by prefix, so the API (when it comes) needs nothing of its own for it."""
    from learningpack.web.access import role_required

    @app.get("/api/v1/proeve")
    @role_required(Role.PUF)
    def api_probe() -> dict[str, str]:
        return {"ok": "yes"}

    response = client.get("/api/v1/proeve")
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"] == "unauthorized"
    assert client.get("/puf/").status_code == 302


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
def test_each_role_gets_the_expected_status(
    app: Flask, client: FlaskClient, world: World, role: str
) -> None:
    login(client, user_for(world, role))
    wrong = []
    for rule, method in routes(app):
        if (rule.endpoint, method) not in EXPECTED:
            pytest.fail(f"{method} {rule.rule} is missing from EXPECTED in {__file__}")
        for variant, ids in variants(world, rule).items():
            url = build(app, rule, method, ids)
            want = expected(role, rule.endpoint, method, rule, variant)
            got = outcome(client.open(url, method=method))
            if got != want:
                wrong.append(f"{role}: {method} {url} ({variant}) gave {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("viewer", ["other_leader", "other_teacher"])
def test_another_schools_objects_answer_404(
    app: Flask, client: FlaskClient, world: World, viewer: str
) -> None:
    """Every route naming a school-owned object, with school A's ids, as a user of school B."""
    user: User = getattr(world, viewer)
    login(client, user)
    theirs = own_ids(world)  # school A's objects
    checked = []
    for rule, method in routes(app):
        area, owned = AREAS[rule.endpoint]
        if not owned or area in (PUBLIC, API_TOKEN) or Role(user.role) not in area:  # type: ignore[operator]
            continue
        url = build(app, rule, method, theirs)
        response = client.open(url, method=method)
        assert response.status_code == 404, f"{viewer}: {method} {url} gave {response.status_code}"
        checked.append(url)
    assert checked


CSRF_TOKEN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def login_with_csrf(client: FlaskClient, user: User) -> None:
    page = page_of(client.get("/login"))
    match = CSRF_TOKEN.search(page)
    assert match, "no CSRF token on the login page"
    token = match.group(1) or match.group(2)
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, page_of(response)


def allowed(role: str, endpoint: str, method: str) -> bool:
    if AREAS[endpoint][0] == PUBLIC:
        return role == "anon"
    if AREAS[endpoint][0] == API_TOKEN:
        return False  # GET only, and a session opens nothing there
    return EXPECTED[(endpoint, method)][role] not in (403, LOGIN, NOT_ON)


# One-click unsubscribe (RFC 8058): the mail program posts without a form token; the signed link
# is the permission, and all it can do is turn one kind of e-mail off.
CSRF_EXEMPT = {"auth.unsubscribe"}


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
@pytest.mark.parametrize("role", ["anon", "leader", "teacher", "puf"])
def test_every_post_without_a_csrf_token_is_refused(
    app: Flask, client: FlaskClient, world: World, role: str
) -> None:
    """Every POST route, as a role that may use it: no token, 400 with the friendly message."""
    if role != "anon":
        login_with_csrf(client, user_for(world, role))  # type: ignore[arg-type]
    posts = [
        (rule, method)
        for rule, method in routes(app)
        if method != "GET"
        and allowed(role, rule.endpoint, method)
        and rule.endpoint not in CSRF_EXEMPT
    ]
    assert posts
    wrong = []
    for rule, method in posts:
        url = build(app, rule, method, own_ids(world))
        response = client.open(url, method=method, data={})
        if response.status_code != 400 or "Formularen var udløbet" not in page_of(response):
            wrong.append(f"{role}: {method} {url} gave {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_every_post_route_is_checked_for_csrf(app: Flask) -> None:
    unchecked = [
        f"{m} {r.rule}"
        for r, m in routes(app)
        if m != "GET" and not any(allowed(role, r.endpoint, m) for role in ROLES)
    ]
    assert not unchecked, f"POST routes no role may use: {unchecked}"


# School scoping is SQL: every page, both databases.
@pytest.mark.both_backends
@pytest.mark.parametrize(
    ("viewer", "foreign"),
    [
        ("leader", THEIRS),
        ("teacher", THEIRS),
        ("teacher2", THEIRS),
        ("other_leader", OURS),
        ("other_teacher", OURS),
        ("other_teacher2", OURS),
    ],
)
def test_no_school_sees_the_other_schools_data(
    app: Flask, client: FlaskClient, world: World, viewer: str, foreign: tuple[str, ...]
) -> None:
    """Every page a school's user can GET, with their own ids and with the other school's."""
    user = getattr(world, viewer)
    login(client, user)
    ours = viewer.startswith("other_")
    their_action: Action = world.actions["ours" if ours else "theirs"]
    their_school = world.school if ours else world.other_school
    mine: Action = world.actions["theirs" if ours else "ours"]
    my_team: Team = world.other_team if ours else world.team
    assert my_team.school_id == user.school_id
    seen = []
    for rule, method in routes(app):
        if method != "GET":
            continue
        for ids in (
            Ids(world.slug(1), mine.id, user.school_id),
            Ids(world.slug(1), their_action.id, their_school.id),
        ):
            url = build(app, rule, method, ids)
            response = client.get(url, follow_redirects=True)
            page = readable(response)
            leaked = [text for text in foreign if text in page]
            assert not leaked, f"{viewer} sees {leaked} on GET {url}"
            if response.status_code == 200:
                seen.append(url)
    # The check looked at real pages, including the module page with the school's own actions.
    assert f"/skole/modul/{world.slug(1)}" in seen
