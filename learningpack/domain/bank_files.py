"""Files in the knowledge bank: what a file is (from its content, never its name) and where it lies.

Allowed: PDF, Word (DOCX), PowerPoint (PPTX), PNG and JPEG, up to ``MAX_FILE_BYTES``. A file is
known by its first bytes (PDF, PNG, JPEG) or, for DOCX and PPTX, by being a ZIP archive holding
the Office parts of that kind. Anything else (an HTML page named ``.pdf``, a renamed program, a
ZIP of something else) is refused. Files are stored under a random key in a folder outside the
web root and are only ever served as attachments.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from learningpack.domain.refusals import Refused

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILE_MB = MAX_FILE_BYTES // (1024 * 1024)


class BankRefused(Refused):
    """A change to the knowledge bank the rules do not allow."""


@dataclass(frozen=True)
class FileKind:
    key: str
    extension: str
    mimetype: str


KINDS = {
    k.key: k
    for k in (
        FileKind("pdf", ".pdf", "application/pdf"),
        FileKind(
            "docx",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileKind(
            "pptx",
            ".pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        FileKind("png", ".png", "image/png"),
        FileKind("jpeg", ".jpg", "image/jpeg"),
    )
}
# The names a user may give each kind (the name must not claim another kind than the content).
_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".pptx": "pptx",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}
# The part an Office file of each kind must hold.
_OFFICE_PARTS = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml"}


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, part in _OFFICE_PARTS.items() if part in names), None)


def detect_kind(data: bytes) -> str | None:
    """The kind of file the bytes are (``pdf``, ``docx``, ``pptx``, ``png``, ``jpeg``) or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def extension_of(filename: str) -> str:
    return os.path.splitext(filename.strip().lower())[1]


def check_file(data: bytes, filename: str) -> FileKind:
    """The file's kind, or a refusal saying why it cannot be shared."""
    if not data:
        raise BankRefused.one("file_empty")
    if len(data) > MAX_FILE_BYTES:
        raise BankRefused.one("file_too_large", max=MAX_FILE_MB)
    kind = detect_kind(data)
    if kind is None:
        raise BankRefused.one("file_type")
    claimed = _EXTENSIONS.get(extension_of(filename))
    if claimed is not None and claimed != kind:
        raise BankRefused.one("file_mismatch", extension=extension_of(filename))
    return KINDS[kind]


_UNSAFE = re.compile(r"[^\w .()-]+")


def download_name(filename: str, kind: FileKind) -> str:
    """A name to save the file under: the user's name, tidied, with the extension of its kind."""
    stem = os.path.splitext(os.path.basename(filename.replace("\\", "/")))[0]
    stem = _UNSAFE.sub("-", stem).strip(" .-")[:120] or "materiale"
    return stem + kind.extension


_KEY = re.compile(r"[0-9a-f]{32}")


def store_file(folder: Path, data: bytes) -> str:
    """Write the bytes under a new random key in the folder; the key."""
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16)
    partial = folder / f"{key}.part"
    partial.write_bytes(data)
    partial.replace(folder / key)
    return key


def stored_path(folder: Path, key: str) -> Path | None:
    """Where a stored file lies, if the key is one of ours and the file is there."""
    if not _KEY.fullmatch(key):
        return None
    path = folder / key
    return path if path.is_file() else None
