"""The application object for a WSGI server: ``gunicorn learningpack.wsgi:app``.

Works from an installed package as well as from a checkout (``app.py`` there says the same).

Once the app is built, what it holds for its whole life (code, templates, the content library,
the message catalogues) is moved out of the garbage collector's reach (``gc.freeze``): a full
collection no longer walks those objects in the middle of a request, which was most of the
worst response times of a page (bench: GC_FREEZE=0 measures without it).
"""

import gc
import os

from learningpack import create_app

app = create_app()

if os.environ.get("GC_FREEZE", "1") != "0":
    gc.collect()
    gc.freeze()
