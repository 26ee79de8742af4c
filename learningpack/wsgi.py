"""The application object for a WSGI server: ``gunicorn learningpack.wsgi:app``.

Works from an installed package as well as from a checkout (``app.py`` there says the same).
"""

from learningpack import create_app

app = create_app()
