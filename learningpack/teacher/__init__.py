"""Teachers and pedagogues: the school's open module and their own actions."""

from flask import Blueprint

bp = Blueprint("teacher", __name__, url_prefix="/mine-aktioner")

from learningpack.teacher import corrections, routes  # noqa: E402, F401  (views attach to bp)
