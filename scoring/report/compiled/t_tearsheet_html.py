# Generated from scoring/report/templates/tearsheet.html by Jinja 3.1.6 (python .ci/compile_templates.py); do not edit.
FINGERPRINT = '24492d032d32c7288844d1c5aa21a9ce952997fa127ef6a2d10a6d3e85c91248'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'tearsheet.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_sheet = resolve('sheet')
    l_0_css = resolve('css')
    l_0_fp = resolve('fp')
    l_0_num = l_0_key = missing
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    pass
    def macro(l_1_x):
        t_2 = []
        if l_1_x is missing:
            l_1_x = undefined("parameter 'x' was not provided", name='x')
        pass
        t_2.append(
            escape(environment.getattr(environment.getattr(l_1_x, 'num'), 'display')),
        )
        if environment.getattr(environment.getattr(l_1_x, 'num'), 'assumed'):
            pass
            t_2.append(
                '<span class="dag">†</span>',
            )
        t_2.extend((
            '<sup class="tag">&#8201;',
            escape(environment.getattr(l_1_x, 'tag')),
            '</sup>',
        ))
        return concat(t_2)
    context.exported_vars.add('num')
    context.vars['num'] = l_0_num = Macro(environment, macro, 'num', ('x',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_k):
        t_3 = []
        if l_1_k is missing:
            l_1_k = undefined("parameter 'k' was not provided", name='k')
        pass
        t_3.append(
            '<p class="key">Trace ids: ',
        )
        for (l_2_tag, l_2_id) in l_1_k:
            _loop_vars = {}
            pass
            t_3.extend((
                '<span class="k"><sup>',
                escape(l_2_tag),
                '</sup>&#8201;',
                escape(l_2_id),
                '</span> ',
            ))
        l_2_tag = l_2_id = missing
        t_3.append(
            '</p>',
        )
        return concat(t_3)
    context.exported_vars.add('key')
    context.vars['key'] = l_0_key = Macro(environment, macro, 'key', ('k',), False, False, False, context.eval_ctx.autoescape)
    yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>'
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'title'))
    yield ': tear sheet</title>\n<meta name="generator" content="scoring '
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'engine_version'))
    yield '">\n<style>'
    yield escape((undefined(name='css') if l_0_css is missing else l_0_css))
    yield '</style>\n</head>\n<body>\n<header>\n<p class="kicker">Risk tear sheet · '
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'entity'))
    if environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'ticker'):
        pass
        yield ' ('
        yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'ticker'))
        yield ')'
    yield ' · as of '
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'as_of'))
    yield '</p>\n<h1>'
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'title'))
    yield '</h1>\n<p class="muted">Case <code>'
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'case_id'))
    yield '</code> · rubric <code>'
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'rubric'))
    yield '</code> ('
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'rubric_title'))
    yield ') · scale '
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'scale'))
    yield ', higher = more risk · '
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'band_rule'))
    yield '</p>\n<p class="record">scoring '
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'engine_version'))
    yield ' · rubric content SHA-256 <code>'
    yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'rubric_sha256'))
    yield '</code>'
    if environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'generated_at'):
        pass
        yield ' · generated '
        yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'generated_at'))
    if environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'bundle_digest'):
        pass
        yield ' · inputs bundle (attached) <code>'
        yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'bundle_digest'))
        yield '</code>'
    yield '</p>\n'
    for l_1_s in environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'signoffs'):
        _loop_vars = {}
        pass
        yield '<p class="review'
        if (environment.getattr(l_1_s, 'state') != 'valid'):
            pass
            yield ' alarm'
        yield '">'
        if (environment.getattr(l_1_s, 'state') == 'valid'):
            pass
            yield '<strong>Signed off by '
            yield escape(environment.getattr(l_1_s, 'reviewer'))
            yield ' on '
            yield escape(environment.getattr(l_1_s, 'date'))
            yield '</strong> (key <code>'
            yield escape(environment.getattr(l_1_s, 'keyid')[:16])
            yield "…</code>): the case's inputs are the ones signed."
        elif (environment.getattr(l_1_s, 'state') == 'stale'):
            pass
            yield '<strong>Sign-off stale: inputs changed since '
            yield escape(environment.getattr(l_1_s, 'date'))
            yield '</strong> (signed off by '
            yield escape(environment.getattr(l_1_s, 'reviewer'))
            yield '): '
            yield escape(t_1(context.eval_ctx, environment.getattr(l_1_s, 'changed'), ', '))
            if environment.getattr(l_1_s, 'moves'):
                pass
                yield '; '
                yield escape(t_1(context.eval_ctx, environment.getattr(l_1_s, 'moves'), '; '))
            yield '.'
        else:
            pass
            yield '<strong>Sign-off not valid</strong> (<code>'
            yield escape(environment.getattr(l_1_s, 'path'))
            yield '</code>): '
            yield escape(environment.getattr(l_1_s, 'problem'))
            yield '.'
        yield '</p>\n'
    l_1_s = missing
    if environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'findings'):
        pass
        l_0_fp = environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'findings')
        context.vars['fp'] = l_0_fp
        context.exported_vars.add('fp')
        yield '<p class="review">Review findings: '
        def t_4(fiter):
            for (l_1_status, l_1_count) in fiter:
                if l_1_count:
                    yield (l_1_status, l_1_count)
        l_1_loop = missing
        for (l_1_status, l_1_count), l_1_loop in LoopContext(t_4(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'counts')), undefined):
            _loop_vars = {}
            pass
            yield escape(l_1_count)
            yield ' '
            yield escape(l_1_status)
            if (not environment.getattr(l_1_loop, 'last')):
                pass
                yield ', '
        l_1_loop = l_1_status = l_1_count = missing
        yield ' (<code>'
        yield escape(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'path'))
        yield '</code>)'
        if environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'alarms'):
            pass
            yield '; <strong class="alarm">'
            yield escape(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'alarms'))
            yield ' blocking finding'
            yield escape(('s' if (environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'alarms') != 1) else cond_expr_undefined("the inline if-expression on line 21 in 'tearsheet.html' evaluated to false and no else section was defined.")))
            yield ' not settled: '
            def t_5(fiter):
                for l_1_f in fiter:
                    if environment.getattr(l_1_f, 'alarm'):
                        yield l_1_f
            l_1_loop = missing
            for l_1_f, l_1_loop in LoopContext(t_5(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'findings')), undefined):
                _loop_vars = {}
                pass
                yield escape(environment.getattr(l_1_f, 'id'))
                yield ' on <code>'
                yield escape(environment.getattr(l_1_f, 'anchor'))
                yield '</code>'
                if (not environment.getattr(l_1_loop, 'last')):
                    pass
                    yield ', '
            l_1_loop = l_1_f = missing
            yield '</strong>'
        if environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'orphans'):
            pass
            yield '; '
            yield escape(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'orphans'))
            yield ' orphaned'
        yield '. The HTML report shows each beside its number.</p>\n'
    yield '</header>\n<p class="note">How to read: the small number after a figure is its tag; the key below the section gives the figure\'s trace id. <code>scoring trace CASE_DIR &lt;id&gt;</code> prints its derivation down to the sources, and the HTML report has it at <code>report.html#&lt;id&gt;</code>. † marks a number that rests on a scenario change or assumption rather than on sourced evidence alone.</p>\n\n<section id="summary">\n<h2>Summary</h2>\n<table class="summary">\n<thead><tr><th>Scenario</th><th class="n">Composite</th><th>Band</th><th>To the nearest band edge</th><th>Monte Carlo: share of draws per band</th><th class="n">Coverage</th><th class="n">Change vs base</th></tr></thead>\n<tbody>\n'
    l_1_loop = missing
    for l_1_sc, l_1_loop in LoopContext(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'scenarios'), undefined):
        _loop_vars = {}
        pass
        yield '<tr><th>'
        yield escape(environment.getattr(l_1_sc, 'name'))
        yield ' <code>'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '</code></th><td class="n big">'
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'composite'), _loop_vars=_loop_vars))
        yield '</td><td class="band">'
        yield escape(environment.getattr(l_1_sc, 'band'))
        yield '</td><td>'
        if environment.getattr(l_1_sc, 'margin'):
            pass
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'margin'), _loop_vars=_loop_vars))
            yield ' from '
            yield escape(environment.getattr(l_1_sc, 'nearest'))
        else:
            pass
            yield '—'
        yield '</td><td>'
        l_2_loop = missing
        t_6 = 1
        for (l_2_band, l_2_p), l_2_loop in LoopContext(environment.getattr(l_1_sc, 'chances'), undefined):
            _loop_vars = {}
            pass
            yield '<span class="nw">'
            yield escape(l_2_band)
            yield ' '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), l_2_p, _loop_vars=_loop_vars))
            yield '</span>'
            if (not environment.getattr(l_2_loop, 'last')):
                pass
                yield '; '
            t_6 = 0
        l_2_loop = l_2_band = l_2_p = missing
        if t_6:
            pass
            yield '—'
        yield '</td><td class="n">'
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'coverage'), _loop_vars=_loop_vars))
        yield '</td><td class="n">'
        if environment.getattr(l_1_sc, 'change_vs_base'):
            pass
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'change_vs_base'), _loop_vars=_loop_vars))
        else:
            pass
            yield '—'
        yield '</td></tr>\n'
    l_1_loop = l_1_sc = missing
    yield '</tbody>\n</table>\n<h3>Top drivers</h3>\n<ul class="drivers">\n'
    l_1_loop = missing
    for l_1_sc, l_1_loop in LoopContext(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'scenarios'), undefined):
        _loop_vars = {}
        pass
        yield '<li><strong>'
        yield escape(environment.getattr(l_1_sc, 'name'))
        yield '</strong> — '
        if environment.getattr(l_1_sc, 'change_vs_base'):
            pass
            yield 'largest shares of the change against base'
        else:
            pass
            yield 'largest factor contributions'
        yield ': '
        l_2_loop = missing
        for (l_2_text, l_2_v), l_2_loop in LoopContext(environment.getattr(l_1_sc, 'drivers'), undefined):
            _loop_vars = {}
            pass
            yield '<span class="nw">'
            yield escape(l_2_text)
            yield ' '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), l_2_v, _loop_vars=_loop_vars))
            yield '</span>'
            if (not environment.getattr(l_2_loop, 'last')):
                pass
                yield '; '
        l_2_loop = l_2_text = l_2_v = missing
        yield '.</li>\n'
    l_1_loop = l_1_sc = missing
    yield '</ul>\n'
    yield escape(context.call((undefined(name='key') if l_0_key is missing else l_0_key), environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'summary_key')))
    yield '\n<h3>The scenarios</h3>\n'
    for l_1_sc in environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'scenarios'):
        _loop_vars = {}
        pass
        yield '<p class="narrative"><strong>'
        yield escape(environment.getattr(l_1_sc, 'name'))
        yield '</strong> <code>'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '</code>. '
        yield escape(environment.getattr(l_1_sc, 'narrative'))
        yield '</p>\n'
    l_1_sc = missing
    yield '</section>\n\n'
    if environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'attributions'):
        pass
        yield '<section id="attribution">\n<h2>Why the scenarios differ from base</h2>\n<p>Each scenario\'s change against base, split exactly among its changes (Shapley values: each change\'s average effect over every order in which the changes could be applied).</p>\n'
        for l_1_a in environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'attributions'):
            _loop_vars = {}
            pass
            yield '<div class="keep"><table class="attribution">\n<caption>'
            yield escape(environment.getattr(l_1_a, 'name'))
            yield ' <code>'
            yield escape(environment.getattr(l_1_a, 'scenario'))
            yield '</code>: base '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_a, 'base'), _loop_vars=_loop_vars))
            yield ' → '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_a, 'composite'), _loop_vars=_loop_vars))
            yield ', change '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_a, 'total'), _loop_vars=_loop_vars))
            yield '</caption>\n<thead><tr><th>Change</th><th>Operation</th><th>What it does</th><th class="n">Share of the change</th></tr></thead>\n<tbody>\n'
            for l_2_l in environment.getattr(l_1_a, 'lines'):
                _loop_vars = {}
                pass
                yield '<tr><td class="nw"><code>'
                yield escape(environment.getattr(l_2_l, 'change'))
                yield '</code></td><td><code>'
                yield escape(environment.getattr(l_2_l, 'op'))
                yield '</code></td><td>'
                yield escape(environment.getattr(l_2_l, 'summary'))
                yield '</td><td class="n">'
                yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_l, 'share'), _loop_vars=_loop_vars))
                yield '</td></tr>\n'
            l_2_l = missing
            yield '</tbody>\n</table></div>\n'
        l_1_a = missing
        yield escape(context.call((undefined(name='key') if l_0_key is missing else l_0_key), environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'attribution_key')))
        yield '\n</section>\n'
    yield '\n<section id="factors">\n<h2>Factors</h2>\n<table class="factors">\n<thead><tr><th rowspan="2">Factor</th><th rowspan="2" class="n">Rubric weight</th>'
    for l_1_sc in environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'scenarios'):
        _loop_vars = {}
        pass
        yield '<th colspan="2" class="group">'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '</th>'
    l_1_sc = missing
    yield '</tr>\n<tr>'
    for l_1_sc in environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'scenarios'):
        _loop_vars = {}
        pass
        yield '<th class="n">score</th><th class="n">contrib.</th>'
    l_1_sc = missing
    yield '</tr></thead>\n<tbody>\n'
    for l_1_f in environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'factors'):
        _loop_vars = {}
        pass
        yield '<tr><th>'
        yield escape(environment.getattr(l_1_f, 'name'))
        yield '<br><code class="fid">'
        yield escape(environment.getattr(l_1_f, 'id'))
        yield '</code></th><td class="n">'
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_f, 'weight'), _loop_vars=_loop_vars))
        yield '</td>'
        for (l_2_score, l_2_contribution, l_2_status) in environment.getattr(l_1_f, 'cells'):
            _loop_vars = {}
            pass
            yield '<td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), l_2_score, _loop_vars=_loop_vars))
            if (l_2_status != 'evidence'):
                pass
                yield ' <span class="status">'
                yield escape(l_2_status)
                yield '</span>'
            yield '</td><td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), l_2_contribution, _loop_vars=_loop_vars))
            yield '</td>'
        l_2_score = l_2_contribution = l_2_status = missing
        yield '</tr>\n'
    l_1_f = missing
    yield '<tr class="total"><th colspan="2">Composite and band</th>'
    for (l_1_composite, l_1_band) in environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'composites'):
        _loop_vars = {}
        pass
        yield '<td class="n" colspan="2">'
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), l_1_composite, _loop_vars=_loop_vars))
        yield ' '
        yield escape(l_1_band)
        yield '</td>'
    l_1_composite = l_1_band = missing
    yield '</tr>\n</tbody>\n</table>\n'
    yield escape(context.call((undefined(name='key') if l_0_key is missing else l_0_key), environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'factor_key')))
    yield '\n</section>\n\n'
    if environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'key_items'):
        pass
        yield '<section id="evidence">\n<h2>Key evidence</h2>\n<p>The items the base composite leans on most. Points at stake: the composite minus the composite without the item (negative: the item lowers the risk score).</p>\n<table class="items">\n<thead><tr><th>Item</th><th>Factor</th><th>Claim</th><th>Sources</th><th class="n">Points at stake</th></tr></thead>\n<tbody>\n'
        l_1_loop = missing
        for l_1_it, l_1_loop in LoopContext(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'key_items'), undefined):
            _loop_vars = {}
            pass
            yield '<tr><td><code>'
            yield escape(environment.getattr(l_1_it, 'id'))
            yield '</code></td><td><code class="fid">'
            yield escape(environment.getattr(l_1_it, 'factor'))
            yield '</code></td><td>'
            yield escape(environment.getattr(l_1_it, 'claim'))
            if environment.getattr(l_1_it, 'observed'):
                pass
                yield ' <span class="muted">(observed '
                yield escape(environment.getattr(l_1_it, 'observed'))
                yield ')</span>'
            yield '</td><td>'
            l_2_loop = missing
            t_7 = 1
            for (l_2_sid, l_2_note), l_2_loop in LoopContext(environment.getattr(l_1_it, 'sources'), undefined):
                _loop_vars = {}
                pass
                yield '<span class="nw"><code>'
                yield escape(l_2_sid)
                yield '</code> '
                yield escape(l_2_note)
                yield '</span>'
                if (not environment.getattr(l_2_loop, 'last')):
                    pass
                    yield '<br>'
                t_7 = 0
            l_2_loop = l_2_sid = l_2_note = missing
            if t_7:
                pass
                yield 'reported figures'
            yield '</td><td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_it, 'at_stake'), _loop_vars=_loop_vars))
            yield '</td></tr>\n'
        l_1_loop = l_1_it = missing
        yield '</tbody>\n</table>\n'
        yield escape(context.call((undefined(name='key') if l_0_key is missing else l_0_key), environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'evidence_key')))
        yield '\n</section>\n'
    yield '\n<section id="sources">\n<h2>Sources of the key evidence</h2>\n'
    if environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'other_sources'):
        pass
        yield '<p class="note">The case\'s '
        yield escape(environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'other_sources'))
        yield ' other source'
        yield escape(('s' if (environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'other_sources') != 1) else cond_expr_undefined("the inline if-expression on line 85 in 'tearsheet.html' evaluated to false and no else section was defined.")))
        yield ' are listed in the HTML report.</p>'
    yield '<table class="sources">\n<thead><tr><th>Id</th><th>Title</th><th>Date</th><th>Grade</th><th>Cited by</th></tr></thead>\n<tbody>\n'
    for l_1_s in environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'sources'):
        _loop_vars = {}
        pass
        yield '<tr><td><code>'
        yield escape(environment.getattr(l_1_s, 'id'))
        yield '</code></td><td lang="'
        yield escape(environment.getattr(l_1_s, 'language'))
        yield '">'
        yield escape(environment.getattr(l_1_s, 'title'))
        if environment.getattr(l_1_s, 'title_en'):
            pass
            yield '<br><span class="gloss" lang="en">'
            yield escape(environment.getattr(l_1_s, 'title_en'))
            yield '</span>'
        yield '</td><td class="nw">'
        yield escape((environment.getattr(l_1_s, 'date') or 'undated'))
        yield '</td><td class="nw">'
        yield escape(environment.getattr(l_1_s, 'grade'))
        yield ' × '
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_s, 'multiplier'), _loop_vars=_loop_vars))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_s, 'cited_by'))
        yield '</td></tr>\n'
    l_1_s = missing
    yield '</tbody>\n</table>\n'
    yield escape(context.call((undefined(name='key') if l_0_key is missing else l_0_key), environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'source_key')))
    yield '\n</section>\n\n<section id="assumptions">\n<h2>Assumptions</h2>\n'
    if environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'assumptions'):
        pass
        yield '<p>Items a scenario adds without a source, with the scenario\'s rationale for each.</p>\n<table class="assumed">\n<thead><tr><th>Assumption</th><th>Factor and value</th><th>Claim and rationale</th></tr></thead>\n<tbody>\n'
        for l_1_a in environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'assumptions'):
            _loop_vars = {}
            pass
            yield '<tr><td class="nw"><code>'
            yield escape(environment.getattr(l_1_a, 'id'))
            yield '</code><br><span class="muted">by <code>'
            yield escape(environment.getattr(environment.getattr(l_1_a, 'change'), 'text'))
            yield '</code></span></td><td><code class="fid">'
            yield escape(environment.getattr(l_1_a, 'factor'))
            yield '</code><br>'
            yield escape(environment.getattr(l_1_a, 'value'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_a, 'claim'))
            yield '<br><em>Rationale:</em> '
            yield escape(environment.getattr(l_1_a, 'rationale'))
            yield '</td></tr>\n'
        l_1_a = missing
        yield '</tbody>\n</table>\n'
    else:
        pass
        yield '<p>No scenario adds an item without a source.</p>\n'
    for (l_1_name, l_1_changes) in environment.getattr((undefined(name='sheet') if l_0_sheet is missing else l_0_sheet), 'changes'):
        _loop_vars = {}
        pass
        yield '<h3>'
        yield escape(l_1_name)
        yield ': its changes and why</h3>\n<ul class="changes">\n'
        for l_2_ch in l_1_changes:
            _loop_vars = {}
            pass
            yield '<li><code>'
            yield escape(environment.getattr(l_2_ch, 'id'))
            yield '</code> '
            yield escape(environment.getattr(l_2_ch, 'summary'))
            yield '. <span class="muted">'
            yield escape(environment.getattr(l_2_ch, 'rationale'))
            yield '</span></li>\n'
        l_2_ch = missing
        yield '</ul>\n'
    l_1_name = l_1_changes = missing
    yield '</section>\n</body>\n</html>\n'

blocks = {}
debug_info = '4=21&5=42&10=68&11=70&12=72&16=74&17=83&18=85&19=95&20=109&21=148&30=204&35=256&37=285&39=287&43=299&46=302&47=306&50=316&53=331&60=334&61=342&63=348&64=375&67=385&70=387&76=391&79=429&85=432&89=440&92=465&97=467&101=470&106=491&108=497'
