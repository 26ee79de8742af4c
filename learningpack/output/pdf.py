"""PDF from the app's own print pages, rendered by WeasyPrint (DESIGN.md §9).

The page is the same HTML the browser prints (templates/layouts/print.html and print.css), so
the PDF and the print preview agree. WeasyPrint fetches nothing from the network: its URL
fetcher serves the app's static files only (the print stylesheet) and refuses everything else.
The PDF is tagged (PDF/UA-1: headings, reading order, the document's language and title), and
uses the DejaVu fonts of Debian's fonts-dejavu-core, which carry æ, ø and å.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app

STATIC_PREFIX = "/static/"


class FetchRefused(ValueError):
    """A print page asked WeasyPrint for something that is not one of the app's static files."""


def static_fetcher(static_dir: Path) -> Any:
    """A WeasyPrint URL fetcher that reads ``/static/…`` from ``static_dir`` and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = static_dir.resolve()

    class StaticFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = urlsplit(url).path
            if STATIC_PREFIX in path:
                target = (root / path.split(STATIC_PREFIX, 1)[1]).resolve()
                if target.is_relative_to(root) and target.is_file():
                    kind = "text/css" if target.suffix == ".css" else "application/octet-stream"
                    body = target.read_bytes()
                    return URLFetcherResponse(url, body, {"Content-Type": kind})
            raise FetchRefused(url)

    return StaticFetcher()


def html_to_pdf(html: str) -> bytes:
    """The page as a tagged A4 PDF (PDF/UA-1)."""
    from weasyprint import HTML  # imported on use: it loads Pango, which takes a moment

    static_dir = Path(current_app.static_folder or "")
    fetcher = static_fetcher(static_dir)
    document = HTML(string=html, base_url="http://app.invalid/", url_fetcher=fetcher)
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1"))


def attachment(data: bytes, mimetype: str, file_name: str) -> Response:
    """A generated file as a download named ``file_name`` (ASCII, made by the caller)."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def pdf_response(html: str, file_name: str) -> Response:
    """The page as a PDF download named ``file_name``."""
    return attachment(html_to_pdf(html), "application/pdf", file_name)
