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
from .parts import Link, Num

_FLAG = '<abbr class="flag" title="rests on a scenario assumption or change">assumed</abbr>'


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment of every page (autoescape on), made once per process. Compiled
    templates are not cached on disk: a report writes nothing but its output, and never
    loads code from a shared temporary folder."""
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


class Fragments:
    """The HTML of a number, an input and a list of links, as the template shows them, each
    written once per page: a number is linked from many derivations, and a page of a
    50-item case holds thousands of such links."""

    def __init__(self) -> None:
        self._num: dict[Num, markupsafe.Markup] = {}
        self._ref: dict[Num | Link, markupsafe.Markup] = {}

    def num(self, n: Num) -> markupsafe.Markup:
        """``<a class="num" …>shown</a>``, flagged when the number rests on an assumption."""
        html = self._num.get(n)
        if html is None:
            e = markupsafe.escape
            html = markupsafe.Markup(f'<a class="num" href="#{e(n.id)}" data-value="{e(n.raw)}">'
                                     f'{e(n.display)}</a>{_FLAG if n.assumed else ""}')
            self._num[n] = html
        return html

    def ref(self, x: Num | Link) -> markupsafe.Markup:
        """An input of a derivation: its id and value (a number) or its id (a leaf)."""
        html = self._ref.get(x)
        if html is None:
            e = markupsafe.escape
            html = markupsafe.Markup(
                f'<a href="#{e(x.id)}" data-value="{e(x.raw)}"><code>{e(x.id)}</code> = '
                f'{e(x.display)}</a>' if isinstance(x, Num)
                else f'<a href="#{e(x.id)}"><code>{e(x.text)}</code></a>')
            self._ref[x] = html
        return html

    def refs(self, xs: tuple[Num | Link, ...]) -> markupsafe.Markup:
        """The inputs of a derivation, each followed by a space."""
        return markupsafe.Markup("".join([f"{self.ref(x)} " for x in xs]))

    @staticmethod
    def links(xs: tuple[Link, ...]) -> markupsafe.Markup:
        e = markupsafe.escape
        return markupsafe.Markup(", ".join(f'<a href="#{e(x.id)}">{e(x.text)}</a>' for x in xs))


def render_report(page: ReportPage) -> str:
    """The report as HTML text."""
    css = stylesheet()
    template = environment().get_template("report.html")
    parts = Fragments()
    return template.render(page=page, css=markupsafe.Markup(css),
                           csp=content_security_policy(css), num=parts.num, refs=parts.refs,
                           links=parts.links)
