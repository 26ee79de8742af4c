"""WSGI entry point: ``flask --app app …`` and ``gunicorn app:app`` find the application here."""

from learningpack import create_app

app = create_app()
