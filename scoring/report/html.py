"""Render a :class:`~scoring.report.model.ReportPage` to one self-contained HTML file.

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

from ..display import visible_marks
from .evidence_table import FactorGroup, ItemInScenario
from .findings import FindingsPanel, FindingView
from .model import ReportPage
from .parts import Cell, Derivation, Link, Num

_ASSUMPTION_LABEL = ' <span class="label-assumption">assumption</span>'
_STALE_LABEL = ' <span class="label-assumption">stale</span>'
_FLAG = '<i class="as">assumed</i>'


INPUTS_LISTED = 12  # a derivation with more inputs, all item numbers, points to the table
ASSUMPTIONS_LISTED = 3  # a derivation resting on more links to its scenario's list of changes
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


def render_page(name: str, **context: Any) -> str:
    """The page of template ``name`` as HTML text. Every page scoring writes (a case's
    report, a universe's index, the tear sheet a PDF is laid out from, a backtest report) is
    rendered here, so that one rule holds for all of them: bidi overrides, isolates and
    marks in any text of the page are shown inert and visible as ``[U+202E]``
    (``display.visible_marks``), never reordering what a reviewer reads. The marker holds
    no character HTML escapes, so it applies to the page as rendered."""
    return visible_marks(environment().get_template(name).render(**context))


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


def _runs(per: tuple[ItemInScenario | Link | None, ...]
          ) -> list[tuple[ItemInScenario | Link | None, int]]:
    """An item's entries per scenario, adjacent scenarios that show the same (the same risk
    value and effective weight, no change; the same drop; absent) as one entry spanning them:
    their numbers share one cell of the derivations too."""
    out: list[tuple[ItemInScenario | Link | None, int]] = []
    for x in per:
        if out and _same(out[-1][0], x):
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((x, 1))
    return out


def _same(a: ItemInScenario | Link | None, b: ItemInScenario | Link | None) -> bool:
    if isinstance(a, ItemInScenario) and isinstance(b, ItemInScenario):
        return (not a.changed_by and not b.changed_by
                and (a.risk_value.raw, a.risk_value.assumed, a.effective_weight.raw,
                     a.effective_weight.assumed)
                == (b.risk_value.raw, b.risk_value.assumed, b.effective_weight.raw,
                    b.effective_weight.assumed))
    return a == b if not isinstance(a, ItemInScenario) else False


def _per_item(inputs: tuple[Num | Link, ...], scenario: str) -> bool:
    """Whether every input is a number of an item of ``scenario`` (``SC/item/ID/x``)."""
    prefix = scenario + "/item/"
    return all(x.id.startswith(prefix) and x.id.count("/") == 3 for x in inputs)


def _short(rid: str, scenario: str) -> str:
    """A link's text in a cell: enough to say what the input is, the id being in the link
    (``rubric: weight``, ``NOTE``, ``change/1`` within its scenario's column)."""
    head, _, rest = rid.partition("/")
    if head == "rubric":
        return "rubric: " + rid.rsplit("/", 1)[-1]
    if head == "source":
        return rest
    return rid.removeprefix(scenario)


def _exact(n: Num) -> str:
    """`` data-value="…"``: the full-precision value beside a rounded one; nothing where the
    number shown is the value itself (0.5500 of 0.55)."""
    if not n.raw or n.raw == n.display:  # no value (n/a), or a text shown as it is
        return ""
    try:
        if float(n.display) == float(n.raw):
            return ""
    except ValueError:
        pass
    return f' data-value="{_escape(n.raw)}"'


def finding_marks(views: tuple[FindingView, ...]) -> str:
    """The markers beside a number of the findings anchored to it: each its id, linked to
    the finding in the panel, in red while it is blocking and not settled."""
    e = _escape
    return "".join([f' <a class="finding{" alarm" if v.alarm else ""}" href="#finding/{e(v.id)}"'
                    f' title="{e(v.severity)}, {e(v.status)}: {e(v.thread[-1].note if v.thread else "")}">'
                    f"{e(v.id)}</a>" for v in views])


class Fragments:
    """The HTML of a number, an input, a list of links, the evidence tables' rows and the
    derivations appendix, as the template shows them; a number's and an input's written
    once per page: a number is linked from many derivations, and a page of a 50-item case
    holds thousands of such links."""

    def __init__(self, findings: FindingsPanel | None = None) -> None:
        # By id, with the part it was written for: the page's model makes one part per id,
        # so a hit is almost always the very same object (no dataclass hash per lookup).
        self._num: dict[str, tuple[Num, markupsafe.Markup]] = {}
        self._ref: dict[str, tuple[Num | Link, str]] = {}
        # By trace id, the markers of the findings anchored there (beside the number)
        self._marks = {rid: finding_marks(vs) for rid, vs in findings.marks.items()} \
            if findings is not None else {}

    def num(self, n: Num) -> markupsafe.Markup:
        """``<a class="num" …>shown</a>``, flagged when the number rests on an assumption."""
        hit = self._num.get(n.id)
        if hit is not None and (hit[0] is n or hit[0] == n):
            return hit[1]
        e = _escape
        html = markupsafe.Markup(f'<a class="num" href="#{e(n.id)}"{_exact(n)}>'
                                 f'{e(n.display)}</a>{_FLAG if n.assumed else ""}'
                                 f'{self._marks.get(n.id, "")}')
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

    def _cell_html(self, c: Cell, expression: bool = True) -> str:
        """A number's derivation in place: the cell is the anchor of each of its ids (one per
        scenario it stands for), and shows the value, the expression with its operands, and
        links to the inputs the table does not show."""
        e, v = _escape, c.value
        span = f' colspan="{c.span}"' if c.span > 1 else ""
        scenario = c.ids[0].partition("/")[0] + "/"
        links = " ".join([f'<a href="#{e(x.id)}">{e(_short(x.id, scenario))}</a>'
                          for x in c.inputs])
        return (f"<td{span}>" + "".join([f'<span id="{e(i)}">' for i in c.ids])
                + f"<b{_exact(v)}>{e(v.display)}</b>{_FLAG if v.assumed else ''}"
                + "</span>" * len(c.ids) + "".join([self._marks.get(i, "") for i in c.ids])
                + (f" <small>{e(c.expression)}</small>"
                   if expression and c.expression and c.op != "input" else "")
                + (f" <small>← {links}</small>" if links else "") + "</td>")

    def cell(self, c: Cell | None, expression: bool = True) -> markupsafe.Markup:
        """A cell's HTML; without its expression where the table's header gives the formula
        and its row the operands (the factor table)."""
        return markupsafe.Markup("<td>—</td>" if c is None else self._cell_html(c, expression))

    def _cells_html(self, cs: tuple[Cell | None, ...]) -> str:
        return "".join(["<td>—</td>" if c is None else self._cell_html(c) for c in cs])

    def evidence_table(self, groups: tuple[FactorGroup, ...],
                       scenarios: tuple[str, ...]) -> markupsafe.Markup:
        """The one evidence table: per factor its score rows, then each item's row (claim,
        excerpt, sources; risk value and effective weight per scenario) and, folded, how each
        of the item's numbers is computed in each scenario."""
        e, num, links = _escape, self.num, self._links_html
        n = len(scenarios)
        heads = "".join([f'<th scope="col">{e(s)}</th>' for s in scenarios])
        out = ['<div class="wrap"><table class="ev">\n<caption>Each item once, by factor: '
               "its risk value <var>r</var> and effective weight <var>w</var> in each scenario "
               "(the factor score is the weighted mean of <var>r</var> by <var>w</var>); how "
               "each number is computed is folded under its item</caption>\n"
               f'<thead><tr><th scope="col">Item</th><th scope="col">Claim, excerpt, sources'
               f"</th>{heads}</tr></thead>\n"]
        add = out.append
        for g in groups:
            add(f'<tbody id="evidence/{e(g.id)}">\n')
            for k, q in enumerate(g.quantities):
                name = (f'<a href="#rubric/factor/{e(g.id)}">{e(g.name)}</a> '
                        f'<span class="muted">({e(g.aggregation)}, {e(g.polarity)})</span>: '
                        if k == 0 else "")
                add(f'<tr class="fac"><th scope="row" colspan="2">{name}{e(q.label)} '
                    f"<code>{e(q.formula)}</code></th>{self._cells_html(q.cells)}</tr>\n")
            for r in g.rows:
                rid = f' id="{e(r.anchor)}"' if r.anchor else ""
                cls = ' class="assumption"' if r.assumption else ""
                head = (f"<code>{e(r.item.text)}</code>{self._marks.get(r.anchor, '')}"
                        if r.anchor else
                        f'<a href="#{e(r.item.id)}">{e(r.item.text)}</a>'
                        f'{_ASSUMPTION_LABEL if r.assumption else ""}')
                text = [e(r.claim)]
                if r.excerpt:
                    text.append(f"<br>“{e(r.excerpt)}” (excerpt <strong>"
                                f"{e(r.verification or '')}</strong>)")
                text.append(f'<br><span class="muted">{e(r.facts)}</span>')
                if r.sources:
                    text.append("<br>Sources: " + "; ".join([
                        f'<a href="#{e(s.source.id)}">{e(s.source.text)}</a> {e(s.title)}'
                        + (f' via <a href="#{e(s.via.id)}">{e(s.via.text)}</a>' if s.via else "")
                        + f' <span class="muted">at {e(s.locator)}</span>' for s in r.sources]))
                cols = []
                for x, span in _runs(r.scenarios):
                    cs = f' colspan="{span}"' if span > 1 else ""
                    if x is None:
                        cols.append(f"<td{cs}>—</td>")
                    elif isinstance(x, Link):
                        cols.append(f'<td{cs}>dropped by <a href="#{e(x.id)}">{e(x.text)}</a></td>')
                    else:
                        ch = (f"<br><small>changed by {links(x.changed_by)}</small>"
                              if x.changed_by else "")
                        cols.append(f'<td class="n"{cs}><var>r</var> {num(x.risk_value)}<br>'
                                    f"<var>w</var> {num(x.effective_weight)}{ch}</td>")
                add(f'<tr{rid}{cls}><th scope="row">{head}'
                    f'{_STALE_LABEL if r.stale else ""}</th><td>{"".join(text)}</td>'
                    f'{"".join(cols)}</tr>\n')
                rows = "".join([f"<tr><th>{e(q.label)}</th>"
                                f"{self._cells_html(q.cells)}</tr>" for q in r.quantities])
                add(f'<tr class="dv"><td colspan="{n + 2}"><details><summary>How '
                    f"{e(r.item.text)}'s numbers are computed</summary><table class=\"dt\">"
                    f'<thead><tr><th scope="col">Number</th>{heads}</tr></thead><tbody>{rows}'
                    "</tbody></table></details></td></tr>\n")
            add("</tbody>\n")
        add("</table></div>\n")
        formulas = dict.fromkeys((q.label, q.formula) for g in groups for r in g.rows
                                 for q in r.quantities if q.formula)
        add('<p>How an item\'s numbers are computed (the rubric\'s formulas):</p>\n<ul class="legend">'
            + "".join([f"<li>{e(label)}: <code>{e(f)}</code></li>" for label, f in formulas])
            + "</ul>\n")
        return markupsafe.Markup("".join(out))

    def derivations(self, ds: tuple[Derivation, ...]) -> markupsafe.Markup:
        """The derivations appendix's entries (the numbers not shown in place), each a
        ``p.d``: its id, label and value, the operation with its operands written in, and its
        inputs and assumptions as links."""
        e = _escape
        out: list[str] = []
        add = out.append
        last_inputs: tuple[Num | Link, ...] = ()
        last_id = ""
        for d in ds:
            v = d.value
            rid = e(d.id)
            add(f'<p class="d" id="{rid}"><code>{rid}</code> {e(d.label)} = '
                f'<b data-value="{e(v.raw)}">{e(v.display)}</b>{_FLAG if v.assumed else ""}'
                f'{self._marks.get(d.id, "")}'
                f'<br>{e(d.op)}: <code>{e(d.expression)}</code>')
            if d.formula:
                add(f' <span class="muted">({e(d.formula)})</span>')
            scenario = d.id.partition("/")[0]
            if d.inputs and d.inputs == last_inputs:
                add(f' ← the inputs of <a href="#{e(last_id)}">{e(last_id)}</a>')
            elif len(d.inputs) > INPUTS_LISTED and _per_item(d.inputs, scenario):
                # every item's numbers (the Monte Carlo's): the evidence table shows them all
                kinds = ", ".join(dict.fromkeys(x.id.rsplit("/", 1)[1].replace("_", " ")
                                                for x in d.inputs))
                add(f' ← the {e(kinds)} of each item in {e(scenario)} '
                    f'(<a href="#evidence">evidence table</a>)')
                last_inputs, last_id = d.inputs, d.id
            elif d.inputs:
                add(" ← " + " ".join([f'<a href="#{e(x.id)}">'
                                      f'{e(x.id.removeprefix(scenario + "/"))}</a>'
                                      for x in d.inputs]))
                last_inputs, last_id = d.inputs, d.id
            if len(d.assumptions) > ASSUMPTIONS_LISTED:
                add(f' <span class="label-assumption">rests on</span> <a href="#{e(scenario)}'
                    f'/changes">the {len(d.assumptions)} changes of {e(scenario)}</a>')
            elif d.assumptions:
                add(' <span class="label-assumption">rests on</span> '
                    + self._links_html(d.assumptions))
            add("</p>\n")
        return markupsafe.Markup("".join(out))


def render_report(page: ReportPage) -> str:
    """The report as HTML text (:func:`render_page`), carrying its inputs bundle."""
    from ..formats.bundle import html_element

    css = stylesheet()
    parts = Fragments(page.findings)
    carried = markupsafe.Markup(html_element(page.bundle) if page.bundle else "")
    return render_page(
        "report.html", page=page, css=markupsafe.Markup(css), csp=content_security_policy(css),
        bundle_element=carried,
        num=parts.num, refs=parts.refs, links=parts.links, cell=parts.cell,
        evidence_table=parts.evidence_table, derivations=parts.derivations)
