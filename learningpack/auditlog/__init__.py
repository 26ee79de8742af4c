"""PUF's read-only search in the audit log (revisionslog)."""
