"""Encryption at rest for small secrets the app must read back (the TOTP seeds).

Fernet (AES-128-CBC with HMAC-SHA256) with a key derived by HKDF from ``TOTP_ENCRYPTION_KEY``,
or from ``SECRET_KEY`` when that is not set. Changing the key makes the stored seeds unreadable:
the users then sign in with a recovery code and set up two-factor again.
"""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_INFO = b"learningpack totp secret v1"


@cache
def _fernet(key_material: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        key_material.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _box() -> Fernet:
    config = current_app.config
    return _fernet(str(config.get("TOTP_ENCRYPTION_KEY") or config["SECRET_KEY"]))


def encrypt(plain: str) -> str:
    return _box().encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str | None:
    """The plain text, or None when it was encrypted with another key (or is damaged)."""
    try:
        return _box().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None
