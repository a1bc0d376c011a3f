"""Render a :class:`~scoring.report_model.ReportPage` to one self-contained HTML file.

Jinja2 with autoescape on: every string from a case (claims, titles, notes, URLs) is
escaped. The stylesheet is inlined and allowed by its hash in a Content-Security-Policy
meta tag that forbids every other load (no scripts, images, fonts, frames or connections),
so the page works offline and fetches nothing.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from importlib import resources

import jinja2
import markupsafe

from .model import ReportPage


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("scoring.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def stylesheet() -> str:
    return (resources.files("scoring.report") / "templates" / "report.css").read_text(encoding="utf-8")


def content_security_policy(css: str) -> str:
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
            "font-src 'none'; connect-src 'none'; script-src 'none'; object-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def render_report(page: ReportPage) -> str:
    """The report as HTML text."""
    css = stylesheet()
    template = _env().get_template("report.html")
    return template.render(page=page, css=markupsafe.Markup(css),
                           csp=content_security_policy(css))
