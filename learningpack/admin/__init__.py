"""PUF manages schools and leader accounts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/administration")

from learningpack.admin import areas, routes  # noqa: E402, F401  (views attach to bp)
