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

from .model import EvidenceRow, ReportPage
from .parts import Derivation, Link, Num

_ASSUMED_ROW = ' class="assumption"'
_ASSUMPTION_LABEL = ' <span class="label-assumption">assumption</span>'
_STALE_LABEL = ' <span class="label-assumption">stale</span>'
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


def _escape(text: str) -> str:
    """``markupsafe.escape(text)`` as a plain str, character for character (``&<>'"``), without
    making a Markup of every string: a page escapes tens of thousands."""
    if "&" in text or "<" in text or ">" in text or "'" in text or '"' in text:
        return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                .replace("'", "&#39;").replace('"', "&#34;"))
    return text


class Fragments:
    """The HTML of a number, an input, a list of links, the evidence tables' rows and the
    derivations appendix, as the template shows them; a number's and an input's written
    once per page: a number is linked from many derivations, and a page of a 50-item case
    holds thousands of such links."""

    def __init__(self) -> None:
        # By id, with the part it was written for: the page's model makes one part per id,
        # so a hit is almost always the very same object (no dataclass hash per lookup).
        self._num: dict[str, tuple[Num, markupsafe.Markup]] = {}
        self._ref: dict[str, tuple[Num | Link, str]] = {}

    def num(self, n: Num) -> markupsafe.Markup:
        """``<a class="num" …>shown</a>``, flagged when the number rests on an assumption."""
        hit = self._num.get(n.id)
        if hit is not None and (hit[0] is n or hit[0] == n):
            return hit[1]
        e = _escape
        html = markupsafe.Markup(f'<a class="num" href="#{e(n.id)}" data-value="{e(n.raw)}">'
                                 f'{e(n.display)}</a>{_FLAG if n.assumed else ""}')
        self._num[n.id] = (n, html)
        return html

    def _ref_html(self, x: Num | Link) -> str:
        """An input of a derivation: its id and value (a number) or its id (a leaf)."""
        hit = self._ref.get(x.id)
        if hit is not None and (hit[0] is x or hit[0] == x):
            return hit[1]
        e = _escape
        html = (f'<a href="#{e(x.id)}" data-value="{e(x.raw)}"><code>{e(x.id)}</code> = '
                f'{e(x.display)}</a>' if isinstance(x, Num)
                else f'<a href="#{e(x.id)}"><code>{e(x.text)}</code></a>')
        self._ref[x.id] = (x, html)
        return html

    def _refs_html(self, xs: tuple[Num | Link, ...]) -> str:
        return "".join([f"{self._ref_html(x)} " for x in xs])

    @staticmethod
    def _links_html(xs: tuple[Link, ...]) -> str:
        e = _escape
        return ", ".join([f'<a href="#{e(x.id)}">{e(x.text)}</a>' for x in xs])

    def refs(self, xs: tuple[Num | Link, ...]) -> markupsafe.Markup:
        """The inputs of a derivation, each followed by a space."""
        return markupsafe.Markup(self._refs_html(xs))

    def links(self, xs: tuple[Link, ...]) -> markupsafe.Markup:
        return markupsafe.Markup(self._links_html(xs))

    def evidence_rows(self, rows: tuple[EvidenceRow, ...]) -> markupsafe.Markup:
        """The rows of a factor's evidence table (item, claim, value, score, risk value,
        confidence, reliability, decay, effective weight, share, changes), or a row saying
        there is none: a page holds one per item and scenario."""
        if not rows:
            return markupsafe.Markup('<tr><td colspan="11">No evidence in this scenario.</td></tr>\n')
        e, num, links = _escape, self.num, self._links_html
        out = []
        for r in rows:
            out.append(
                f'<tr{_ASSUMED_ROW if r.assumption else ""}><th scope="row">'
                f'<a href="#{e(r.item.id)}">{e(r.item.text)}</a>'
                f'{_ASSUMPTION_LABEL if r.assumption else ""}{_STALE_LABEL if r.stale else ""}'
                f'</th><td>{e(r.claim)}</td><td class="n">{num(r.value)}</td>'
                f'<td class="n">{num(r.score) if r.score else "—"}</td>'
                f'<td class="n">{num(r.risk_value)}</td><td class="n">{num(r.confidence)}</td>'
                f'<td class="n">{num(r.reliability)} ({e(r.grade)})</td>'
                f'<td class="n">{num(r.decay)}</td><td class="n">{num(r.effective_weight)}</td>'
                f'<td class="n">{num(r.share)}</td>'
                f'<td>{links(r.changed_by) if r.changed_by else "—"}</td></tr>\n')
        return markupsafe.Markup("".join(out))

    def derivations(self, ds: tuple[Derivation, ...]) -> markupsafe.Markup:
        """The derivations appendix's entries, each a ``div.deriv``: its id, label and value,
        formula, operation and expression, inputs and assumptions. A page holds thousands;
        written here in one pass rather than a template loop of a dozen lookups each."""
        e, refs, links = _escape, self._refs_html, self._links_html
        out: list[str] = []
        add = out.append
        for d in ds:
            v = d.value
            rid, raw = e(d.id), e(v.raw)
            add(f'<div class="deriv" id="{rid}">\n<h4><code>{rid}</code> · {e(d.label)} = '
                f'<span data-value="{raw}">{e(v.display)}</span> '
                f'<span class="raw">exact {raw or "n/a"}</span></h4>\n')
            if d.formula:
                add(f"<p>Formula: <code>{e(d.formula)}</code></p>")
            add(f"<p>{e(d.op)}: <code>{e(d.expression)}</code></p>\n")
            if d.inputs:
                add(f'<p class="inputs">From: {refs(d.inputs)}</p>')
            if d.assumptions:
                add('<p><span class="label-assumption">Rests on assumptions:</span> '
                    f"{links(d.assumptions)}</p>")
            add("</div>\n")
        return markupsafe.Markup("".join(out))


def render_report(page: ReportPage) -> str:
    """The report as HTML text."""
    css = stylesheet()
    template = environment().get_template("report.html")
    parts = Fragments()
    return template.render(page=page, css=markupsafe.Markup(css),
                           csp=content_security_policy(css), num=parts.num, refs=parts.refs,
                           links=parts.links, evidence_rows=parts.evidence_rows,
                           derivations=parts.derivations)
