"""Render a :class:`~scoring.report_model.ReportPage` to one self-contained HTML file.

Jinja2 with autoescape on: every string from a case (claims, titles, notes, URLs) is
escaped. The stylesheet is inlined and allowed by its hash in a Content-Security-Policy
meta tag that forbids every other load (no scripts, images, fonts, frames or connections),
so the page works offline and fetches nothing.

The templates are compiled ahead of time: ``scoring/report/compiled/`` holds the Python that
Jinja generates from each template (``python .ci/compile_templates.py`` writes it; a test
checks it is current). A run uses it only while its fingerprint (the template's text, the
Jinja version and the environment's options) matches, and compiles the template otherwise,
so a stale or missing module costs time, never a wrong page.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib
import re
import sys
from collections.abc import MutableMapping
from importlib import resources
from typing import Any

import jinja2
import markupsafe

from .model import ReportPage
from .parts import Link, Num

_FLAG = '<abbr class="flag" title="rests on a scenario assumption or change">assumed</abbr>'


COMPILED = "scoring.report.compiled"  # the package of the templates compiled ahead of time


def fingerprint(env: jinja2.Environment, source: str) -> str:
    """What the Python Jinja generates from ``source`` depends on: the text, the Jinja
    version and the options that change lexing or code generation."""
    options = (jinja2.__version__, env.block_start_string, env.block_end_string,
               env.variable_start_string, env.variable_end_string, env.comment_start_string,
               env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
               env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
               env.keep_trailing_newline, env.optimized, env.autoescape is True,
               env.finalize is None, sorted(env.extensions))
    return hashlib.sha256(f"{options!r}\n{source}".encode()).hexdigest()


def compiled_module_name(template: str) -> str:
    """The module of ``COMPILED`` that holds ``template`` compiled (report.html: t_report_html)."""
    return "t_" + re.sub(r"\W", "_", template)


def compiled_source(env: jinja2.Environment, template: str) -> str:
    """The text of the module holding ``template`` compiled: Jinja's own module form (as
    ``Environment.compile_templates`` writes it) and the fingerprint it was made from."""
    assert env.loader is not None
    source, filename, _ = env.loader.get_source(env, template)
    code = env.compile(source, template, filename, raw=True, defer_init=True)
    return (f"# Generated from scoring/report/templates/{template} by Jinja "
            f"{jinja2.__version__} (python .ci/compile_templates.py); do not edit.\n"
            f"FINGERPRINT = {fingerprint(env, source)!r}\n{code}\n")


class Loader(jinja2.PackageLoader):
    """The package's templates, each from its module compiled ahead of time when that
    module's fingerprint matches, else compiled from the template here."""

    def load(self, environment: jinja2.Environment, name: str,
             globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        source, filename, uptodate = self.get_source(environment, name)
        namespace = compiled_namespace(name, fingerprint(environment, source))
        if namespace is None:
            code = environment.compile(source, name, filename)
            return environment.template_class.from_code(environment, code, globals or {},
                                                        uptodate)
        namespace["__file__"] = filename
        return environment.template_class.from_module_dict(environment, namespace,
                                                           globals or {})


def compiled_namespace(template: str, expected: str) -> dict[str, Any] | None:
    """The namespace of the template's compiled module, freshly executed (from Python's
    cached bytecode where there is one), or None when there is no such module or its
    fingerprint is not ``expected``. As Jinja's ``ModuleLoader`` does, the module is not
    kept in ``sys.modules``: each environment gets its own namespace (Jinja binds the
    environment into it)."""
    name = f"{COMPILED}.{compiled_module_name(template)}"
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    finally:
        sys.modules.pop(name, None)
    namespace = module.__dict__
    return namespace if namespace.get("FINGERPRINT") == expected else None


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment of every page (autoescape on), made once per process. Templates
    are never compiled to a cache on disk at run time: a report writes nothing but its
    output, and loads code only from the package (``COMPILED``)."""
    return jinja2.Environment(
        loader=Loader("scoring.report", "templates"),
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
