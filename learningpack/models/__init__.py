"""The data model (DESIGN.md §4)."""

from learningpack.models import page_versions  # noqa: F401  (its flush hook)
from learningpack.models.accounts import AccountToken, RecoveryCode, TokenKind
from learningpack.models.api import ApiToken
from learningpack.models.audit import AuditEvent
from learningpack.models.bank import (
    Resource,
    ResourceCategory,
    ResourceFinding,
    ResourceModule,
    ResourceStatus,
)
from learningpack.models.notices import HolidayPeriod, MunicipalSettings, Notice
from learningpack.models.notify import MailChoice, MailStatus, OutboxMail
from learningpack.models.people import Area, Role, School, Team, User, normalise_email, team_member
from learningpack.models.program import (
    Action,
    ActionStatus,
    Cycle,
    CyclePhase,
    CycleState,
    FollowUp,
    LogEntry,
    LogKind,
    Meeting,
    MeetingKind,
    Outcome,
    Reflection,
    Run,
    TeamQuestion,
    action_owner,
)
from learningpack.models.reporting import (
    ProgressSnapshot,
    ProgressTally,
    ReportDraft,
    ReportQuote,
    SchoolNote,
)
from learningpack.models.sharing import EventExample, LocalApproachVersion, SharingEvent
from learningpack.models.sign_on import OidcIdentity
from learningpack.models.submission import FormSubmission
from learningpack.models.summary import SchoolProgress
from learningpack.models.types import utcnow

__all__ = [
    "AccountToken",
    "Action",
    "ActionStatus",
    "ApiToken",
    "Area",
    "AuditEvent",
    "Cycle",
    "CyclePhase",
    "CycleState",
    "EventExample",
    "FollowUp",
    "FormSubmission",
    "HolidayPeriod",
    "LocalApproachVersion",
    "LogEntry",
    "LogKind",
    "MailChoice",
    "MailStatus",
    "Meeting",
    "MeetingKind",
    "MunicipalSettings",
    "Notice",
    "OidcIdentity",
    "OutboxMail",
    "Outcome",
    "ProgressSnapshot",
    "ProgressTally",
    "RecoveryCode",
    "Reflection",
    "ReportDraft",
    "ReportQuote",
    "Resource",
    "ResourceCategory",
    "ResourceFinding",
    "ResourceModule",
    "ResourceStatus",
    "Role",
    "Run",
    "School",
    "SchoolNote",
    "SchoolProgress",
    "SharingEvent",
    "Team",
    "TeamQuestion",
    "TokenKind",
    "User",
    "action_owner",
    "normalise_email",
    "team_member",
    "utcnow",
]
