"""Single sign-on: the link between an OpenID provider's person and an invited account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learningpack.extensions import Model
from learningpack.models.people import User
from learningpack.models.types import UTCDateTime, utcnow


class OidcIdentity(Model):
    """A provider's stable subject (``sub``) linked to one account; made at the first sign-in."""

    __tablename__ = "oidc_identity"
    __table_args__ = (
        UniqueConstraint("provider", "subject", name="uq_oidc_identity_provider_subject"),
        UniqueConstraint("provider", "user_id", name="uq_oidc_identity_provider_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The provider's name in the settings (OIDC_PROVIDERS), e.g. "staff".
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
