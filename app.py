"""Entry point in a checkout: ``flask --app app …`` and ``gunicorn app:app`` find the app here."""

from learningpack.wsgi import app

__all__ = ["app"]
