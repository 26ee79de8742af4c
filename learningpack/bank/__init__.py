"""The knowledge bank (/videnbank): everyone logged in searches it, schools propose, PUF curates."""

from flask import Blueprint

bp = Blueprint("bank", __name__, url_prefix="/videnbank")

from learningpack.bank import curate, propose, routes  # noqa: E402, F401  (views attach to bp)
