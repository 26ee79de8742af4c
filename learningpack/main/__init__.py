"""Pages for everyone: the front door and the accessibility statement."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from learningpack.main import notices, routes  # noqa: E402, F401  (views attach to bp)
