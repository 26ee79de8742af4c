"""The data model (DESIGN.md §4)."""

from learningpack.models.accounts import AccountToken, RecoveryCode, TokenKind
from learningpack.models.api import ApiToken
from learningpack.models.audit import AuditEvent
from learningpack.models.bank import Resource, ResourceCategory, ResourceStatus
from learningpack.models.people import Role, School, Team, User, normalise_email, team_member
from learningpack.models.program import (
    Action,
    ActionStatus,
    Cycle,
    CyclePhase,
    CycleState,
    FollowUp,
    LogEntry,
    Meeting,
    MeetingKind,
    Outcome,
    Run,
    action_owner,
)
from learningpack.models.sign_on import OidcIdentity
from learningpack.models.submission import FormSubmission
from learningpack.models.types import utcnow

__all__ = [
    "AccountToken",
    "Action",
    "ActionStatus",
    "ApiToken",
    "AuditEvent",
    "Cycle",
    "CyclePhase",
    "CycleState",
    "FollowUp",
    "FormSubmission",
    "LogEntry",
    "Meeting",
    "MeetingKind",
    "OidcIdentity",
    "Outcome",
    "RecoveryCode",
    "Resource",
    "ResourceCategory",
    "ResourceStatus",
    "Role",
    "Run",
    "School",
    "Team",
    "TokenKind",
    "User",
    "action_owner",
    "normalise_email",
    "team_member",
    "utcnow",
]
