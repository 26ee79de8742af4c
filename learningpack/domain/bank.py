"""The knowledge bank's writes: schools propose, PUF curates, everyone's use is counted.

Functions here change the models and ``flush``; the caller commits. Every change is audited
(who, what, which resource, the school it came from). A resource's life:

    proposed ──publish──▶ published ──unpublish──▶ unpublished ──publish──▶ published
        └──reject (reason)──▶ rejected ──publish──▶ published

Material PUF adds from outside (e.g. a parent organisation) is published at once. Every text is
guarded against CPR numbers; a file must pass ``bank_files.check_file``. After each write the
resource's search entry is brought up to date (``bank_index``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import update

from learningpack.domain.bank_files import BankRefused, check_file, download_name, store_file
from learningpack.domain.bank_index import reindex
from learningpack.domain.privacy import guard_free_text
from learningpack.extensions import db
from learningpack.models import (
    Resource,
    ResourceCategory,
    ResourceFinding,
    ResourceModule,
    ResourceStatus,
    User,
    utcnow,
)
from learningpack.models.audit import record


@dataclass(frozen=True)
class Upload:
    """A file as sent: its bytes and the name it had on the sender's machine."""

    data: bytes
    filename: str


@dataclass(frozen=True)
class Draft:
    """What a resource says: the fields of the propose, add and edit forms."""

    title: str
    category: ResourceCategory
    body: str = ""
    link: str = ""
    modules: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    source_name: str = ""
    upload: Upload | None = None
    remove_file: bool = False


_EDITABLE = ("title", "category", "body", "link", "source_name")


def _check_link(link: str) -> None:
    if not link:
        return
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BankRefused.one("url_invalid")


def _apply(resource: Resource, draft: Draft, upload_dir: Path) -> list[str]:
    """Write the draft onto the resource; the names of the fields that changed."""
    title, body = draft.title.strip(), draft.body.strip()
    link, source = draft.link.strip(), draft.source_name.strip()
    guard_free_text(title=title, body=body, link=link, source_name=source)
    if not title:
        raise BankRefused.one("title_missing")
    _check_link(link)
    kind = check_file(draft.upload.data, draft.upload.filename) if draft.upload else None
    keeps_file = bool(resource.file_key) and not draft.remove_file
    if not (body or link or kind or keeps_file):
        raise BankRefused.one("resource_empty")
    if kind is not None and draft.upload is not None:
        name = download_name(draft.upload.filename, kind)
        guard_free_text(file_name=name)
    new = {"title": title, "category": draft.category, "body": body, "link": link}
    new["source_name"] = source
    changed = [k for k in _EDITABLE if getattr(resource, k) != new[k]]
    for key, value in new.items():
        setattr(resource, key, value)
    if sorted(set(draft.modules)) != resource.module_slugs:
        resource.modules = [ResourceModule(module_slug=s) for s in sorted(set(draft.modules))]
        changed.append("modules")
    if sorted(set(draft.findings)) != resource.finding_keys:
        resource.findings = [ResourceFinding(finding_key=k) for k in sorted(set(draft.findings))]
        changed.append("findings")
    if kind is not None and draft.upload is not None:
        resource.file_key = store_file(upload_dir, draft.upload.data)
        resource.file_name, resource.file_type = name, kind.key
        resource.file_size = len(draft.upload.data)
        changed.append("file")
    elif draft.remove_file and resource.file_key:
        resource.file_key, resource.file_name, resource.file_type = None, "", ""
        resource.file_size = 0
        changed.append("file")
    return changed


def _saved(resource: Resource, verb: str, actor: User, **detail: object) -> Resource:
    resource.updated_at = utcnow()
    db.session.add(resource)
    db.session.flush()
    reindex(resource)
    record(
        verb,
        actor=actor,
        obj=resource,
        school_id=resource.source_school_id,
        title=resource.title,
        **detail,
    )
    db.session.flush()
    return resource


def propose(draft: Draft, *, school_id: int, actor: User, upload_dir: Path) -> Resource:
    """A school proposes its practice or a material; PUF sees it among the proposals."""
    resource = Resource(
        source_school_id=school_id,
        proposed_by_id=actor.id,
        status=ResourceStatus.PROPOSED,
        title="",
        body="",
        link="",
        source_name="",
    )
    _apply(resource, draft, upload_dir)
    return _saved(resource, "resource_proposed", actor)


def add_external(draft: Draft, *, actor: User, upload_dir: Path) -> Resource:
    """PUF adds material from outside (or its own), published at once."""
    resource = Resource(
        source_school_id=None,
        proposed_by_id=actor.id,
        status=ResourceStatus.PUBLISHED,
        published_at=utcnow(),
        title="",
        body="",
        link="",
        source_name="",
    )
    _apply(resource, draft, upload_dir)
    return _saved(resource, "resource_added", actor)


def edit(resource: Resource, draft: Draft, *, actor: User, upload_dir: Path) -> Resource:
    """PUF edits a resource in any state; the fields that changed go to the audit log (an edit
    that changes nothing is no event)."""
    changed = _apply(resource, draft, upload_dir)
    if not changed:
        return resource
    return _saved(resource, "resource_edited", actor, fields=", ".join(changed))


def publish(resource: Resource, *, actor: User) -> Resource:
    """Publish a proposal (or a rejected or unpublished resource): every school can find it."""
    if resource.status == ResourceStatus.PUBLISHED:
        raise BankRefused.one("already_published")
    resource.status = ResourceStatus.PUBLISHED
    resource.published_at = resource.published_at or utcnow()
    resource.rejection_reason = ""
    return _saved(resource, "resource_published", actor)


def reject(resource: Resource, *, reason: str, actor: User) -> Resource:
    """Reject a proposal with a reason the proposing school sees."""
    if resource.status != ResourceStatus.PROPOSED:
        raise BankRefused.one("not_a_proposal")
    reason = reason.strip()
    guard_free_text(reason=reason)
    if not reason:
        raise BankRefused.one("rejection_reason_missing")
    resource.status = ResourceStatus.REJECTED
    resource.rejection_reason = reason
    return _saved(resource, "resource_rejected", actor, reason=reason)


def unpublish(resource: Resource, *, actor: User) -> Resource:
    """Take a published resource out of the bank (it can be published again)."""
    if resource.status != ResourceStatus.PUBLISHED:
        raise BankRefused.one("not_published")
    resource.status = ResourceStatus.UNPUBLISHED
    return _saved(resource, "resource_unpublished", actor)


def count_use(resource_id: int) -> None:
    """One more view or download of a published resource (one UPDATE; no lost counts)."""
    db.session.execute(
        update(Resource)
        .where(Resource.id == resource_id, Resource.status == ResourceStatus.PUBLISHED)
        .values(use_count=Resource.use_count + 1)
        .execution_options(synchronize_session=False)
    )
