# Generated from scoring/report/templates/report.html by Jinja 3.1.6 (python .ci/compile_templates.py); do not edit.
FINGERPRINT = 'c5478355faf09e6632c9cc7b2f44fce22b3336d13cae9eb8ad6e15946489527a'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'report.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_page = resolve('page')
    l_0_bt = resolve('bt')
    l_0_pe = resolve('pe')
    l_0_ch = resolve('ch')
    l_0_tr = resolve('tr')
    l_0_evidence_table = resolve('evidence_table')
    l_0_num = resolve('num')
    l_0_m = resolve('m')
    l_0_bundle_element = resolve('bundle_element')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_3 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_4 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_5 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    template = environment.get_template('_head.html', 'report.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'bt': l_0_bt, 'ch': l_0_ch, 'm': l_0_m, 'pe': l_0_pe, 'tr': l_0_tr}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield '<body>\n<header>\n<h1>'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'title'))
    yield '</h1>\n<p class="muted">'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'entity'))
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'ticker'):
        pass
        yield ' ('
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'ticker'))
        yield ')'
    yield ' · case <code>'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'case_id'))
    yield '</code> · as of <time id="case/as_of" datetime="'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'as_of'))
    yield '">'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'as_of'))
    yield '</time> · rubric <a href="#method"><code>'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rubric_id'))
    yield '</code> '
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rubric_version'))
    yield '</a> · scale <span id="rubric/scale">'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'scale'))
    yield '</span> (higher = more risk)</p>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bundle'):
        pass
        yield '<p class="muted">Inputs bundle <code id="bundle-digest">'
        yield escape(environment.getattr(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bundle'), 'digest'))
        yield '</code>: the rubric, evidence and scenarios this report was made from travel inside it; <code>scoring verify-report FILE</code> recomputes every number from them (<a href="#run-record">run record</a>).</p>\n'
    yield '<nav aria-label="Sections"><ul>\n<li><a href="#summary">Summary</a></li>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'peers'):
        pass
        yield '<li><a href="#peers">Peers</a></li>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'changes'):
        pass
        yield '<li><a href="#what-changed">What changed</a></li>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'trend'):
        pass
        yield '<li><a href="#trend">Trend</a></li>\n'
    for l_1_sc in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'scenarios'):
        _loop_vars = {}
        pass
        yield '<li><a href="#scenario/'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '">'
        yield escape(environment.getattr(l_1_sc, 'name'))
        yield '</a></li>\n'
    l_1_sc = missing
    yield '<li><a href="#evidence">Evidence</a></li>\n<li><a href="#assumptions">Assumptions</a></li>\n<li><a href="#sources">Sources</a></li>\n<li><a href="#method">Method</a></li>\n<li><a href="#derivations">Derivations</a></li>\n<li><a href="#run-record">Run record</a></li>\n</ul></nav>\n</header>\n<main>\n<section id="summary" aria-labelledby="summary-h">\n<h2 id="summary-h">Summary</h2>\n<div class="wrap"><table>\n<caption>Composite risk score per scenario: how far from the next band, how sure, what drives it</caption>\n<thead><tr><th scope="col">Scenario</th><th scope="col">Composite</th><th scope="col">Band</th><th scope="col">To the nearest band</th><th scope="col">Simulated bands</th><th scope="col">Drivers</th><th scope="col">Coverage</th><th scope="col">Change vs base: what rests on assumptions</th></tr></thead>\n<tbody>\n'
    l_1_loop = missing
    for l_1_sc, l_1_loop in LoopContext(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'scenarios'), undefined):
        _loop_vars = {}
        pass
        yield '<tr><th scope="row"><a href="#scenario/'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '">'
        yield escape(environment.getattr(l_1_sc, 'name'))
        yield '</a> <code>'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '</code></th><td class="n">'
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'composite'), _loop_vars=_loop_vars))
        yield '</td><td><a class="band" href="#'
        yield escape(environment.getattr(l_1_sc, 'band_id'))
        yield '">'
        yield escape(environment.getattr(l_1_sc, 'band'))
        yield '</a></td><td>'
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
            yield escape(l_2_band)
            yield ' '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), l_2_p, _loop_vars=_loop_vars))
            if (not environment.getattr(l_2_loop, 'last')):
                pass
                yield '; '
            t_6 = 0
        l_2_loop = l_2_band = l_2_p = missing
        if t_6:
            pass
            yield '—'
        yield '</td><td>'
        l_2_loop = missing
        for (l_2_link, l_2_v), l_2_loop in LoopContext(environment.getattr(l_1_sc, 'drivers'), undefined):
            _loop_vars = {}
            pass
            yield '<a href="#'
            yield escape(environment.getattr(l_2_link, 'id'))
            yield '">'
            yield escape(environment.getattr(l_2_link, 'text'))
            yield '</a> '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), l_2_v, _loop_vars=_loop_vars))
            if (not environment.getattr(l_2_loop, 'last')):
                pass
                yield '; '
        l_2_loop = l_2_link = l_2_v = missing
        yield '</td><td class="n">'
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'coverage'), _loop_vars=_loop_vars))
        yield '</td><td class="n">'
        if environment.getattr(l_1_sc, 'change_vs_base'):
            pass
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'change_vs_base'), _loop_vars=_loop_vars))
            yield '<br><small>all from <a href="#'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '/changes">'
            yield escape(t_2(environment.getattr(l_1_sc, 'changes')))
            yield ' assumed change'
            yield escape(('s' if (t_2(environment.getattr(l_1_sc, 'changes')) != 1) else cond_expr_undefined("the inline if-expression on line 33 in 'report.html' evaluated to false and no else section was defined.")))
            yield '</a></small>'
        else:
            pass
            yield '— <small>as sourced</small>'
        yield '</td></tr>\n'
    l_1_loop = l_1_sc = missing
    yield '</tbody>\n</table></div>\n'
    template = environment.get_template('_findings.html', 'report.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'bt': l_0_bt, 'ch': l_0_ch, 'm': l_0_m, 'pe': l_0_pe, 'tr': l_0_tr}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'backtest'):
        pass
        l_0_bt = environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'backtest')
        context.vars['bt'] = l_0_bt
        context.exported_vars.add('bt')
        yield '<div class="panel" id="backtest"><p><strong>How these bands fared on real outcomes.</strong> In the backtest <code>'
        yield escape(environment.getattr((undefined(name='bt') if l_0_bt is missing else l_0_bt), 'file'))
        yield '</code> (sha256 <code>'
        yield escape(environment.getattr((undefined(name='bt') if l_0_bt is missing else l_0_bt), 'sha256')[:16])
        yield '…</code>) of this rubric on <code>'
        yield escape(environment.getattr((undefined(name='bt') if l_0_bt is missing else l_0_bt), 'universe'))
        yield '</code>, scenario <code>'
        yield escape(environment.getattr((undefined(name='bt') if l_0_bt is missing else l_0_bt), 'scenario'))
        yield '</code>: '
        yield escape(environment.getattr((undefined(name='bt') if l_0_bt is missing else l_0_bt), 'cases'))
        yield ' cases, '
        yield escape(environment.getattr((undefined(name='bt') if l_0_bt is missing else l_0_bt), 'events'))
        yield ' events (outcomes <code>'
        yield escape(environment.getattr((undefined(name='bt') if l_0_bt is missing else l_0_bt), 'outcomes'))
        yield '</code>, sha256 <code>'
        yield escape(environment.getattr((undefined(name='bt') if l_0_bt is missing else l_0_bt), 'outcomes_sha256')[:16])
        yield '…</code>), AUC '
        yield escape(environment.getattr((undefined(name='bt') if l_0_bt is missing else l_0_bt), 'auc'))
        yield '.</p>\n<ul>'
        for l_1_r in environment.getattr((undefined(name='bt') if l_0_bt is missing else l_0_bt), 'rows'):
            _loop_vars = {}
            pass
            yield '<li>'
            yield escape(environment.getattr(l_1_r, 'scenario'))
            yield ': band <strong>'
            yield escape(environment.getattr(l_1_r, 'band'))
            yield '</strong>, whose cases had the event at <span title="'
            yield escape(environment.getattr(l_1_r, 'key'))
            yield '.rate in the backtest file">'
            yield escape(environment.getattr(l_1_r, 'rate'))
            yield '</span> (Jeffreys 95 % <span title="'
            yield escape(environment.getattr(l_1_r, 'key'))
            yield '.interval">'
            yield escape(environment.getattr(l_1_r, 'interval'))
            yield '</span>; '
            yield escape(environment.getattr(l_1_r, 'events'))
            yield ' of '
            yield escape(environment.getattr(l_1_r, 'cases'))
            yield ', <code>'
            yield escape(environment.getattr(l_1_r, 'key'))
            yield '</code>)</li>\n'
        l_1_r = missing
        yield '</ul><p class="muted"><small>An observed rate, not this case\'s probability: the share of the backtest\'s cases in the band that had the event.</small></p></div>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'description'):
        pass
        yield '<p>'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'description'))
        yield '</p>'
    yield '<p class="panel">Every number is a link to how it was computed; follow the links down to the evidence items and their sources. Numbers marked <abbr class="flag" title="rests on a scenario assumption or change">assumed</abbr> rest on a scenario change or assumption rather than on sourced evidence alone. Where a shown number is rounded, its exact value is in its <code>data-value</code> attribute and its derivation.</p>\n'
    for l_1_sc in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'scenarios'):
        _loop_vars = {}
        pass
        yield '<p><strong>'
        yield escape(environment.getattr(l_1_sc, 'name'))
        yield '.</strong> '
        yield escape(environment.getattr(l_1_sc, 'narrative'))
        yield '</p>\n'
    l_1_sc = missing
    yield '</section>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'peers'):
        pass
        l_0_pe = environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'peers')
        context.vars['pe'] = l_0_pe
        context.exported_vars.add('pe')
        yield '<section id="peers" aria-labelledby="peers-h">\n<h2 id="peers-h">Among its peers: <code>'
        yield escape(environment.getattr((undefined(name='pe') if l_0_pe is missing else l_0_pe), 'group'))
        yield '</code></h2>\n<p>The case\'s rank in its peer group (1 = the highest risk; tied cases share the best rank), its percentile (the share of the group at or below its score) and the group\'s median, per scenario. Each number links to its derivation, which lists the group\'s scores.</p>\n<div class="wrap"><table>\n<caption>Rank, percentile and median within the peer group '
        yield escape(environment.getattr((undefined(name='pe') if l_0_pe is missing else l_0_pe), 'group'))
        yield '</caption>\n<thead><tr><th scope="col">Score</th>'
        for l_1_sc in environment.getattr((undefined(name='pe') if l_0_pe is missing else l_0_pe), 'scenarios'):
            _loop_vars = {}
            pass
            yield '<th scope="col"><code>'
            yield escape(l_1_sc)
            yield '</code> rank</th><th scope="col">percentile</th><th scope="col">median</th>'
        l_1_sc = missing
        yield '</tr></thead>\n<tbody>\n'
        for l_1_r in environment.getattr((undefined(name='pe') if l_0_pe is missing else l_0_pe), 'rows'):
            _loop_vars = {}
            pass
            yield '<tr><th scope="row">'
            yield escape(environment.getattr(l_1_r, 'what'))
            yield '</th>'
            for l_2_c in environment.getattr(l_1_r, 'cells'):
                _loop_vars = {}
                pass
                if environment.getattr(l_2_c, 'rank'):
                    pass
                    yield '<td class="n">'
                    yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_c, 'rank'), _loop_vars=_loop_vars))
                    yield ' of '
                    yield escape(environment.getattr(l_2_c, 'n'))
                    yield '</td><td class="n">'
                    yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_c, 'percentile'), _loop_vars=_loop_vars))
                    yield '</td><td class="n">'
                    yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_c, 'median'), _loop_vars=_loop_vars))
                    yield '</td>'
                else:
                    pass
                    yield '<td>—</td><td>—</td><td>—</td>'
            l_2_c = missing
            yield '</tr>\n'
        l_1_r = missing
        yield '</tbody>\n</table></div>\n</section>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'changes'):
        pass
        l_0_ch = environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'changes')
        context.vars['ch'] = l_0_ch
        context.exported_vars.add('ch')
        yield '<section id="what-changed" aria-labelledby="changed-h">\n<h2 id="changed-h">What changed since the baseline <code>'
        yield escape(environment.getattr((undefined(name='ch') if l_0_ch is missing else l_0_ch), 'baseline'))
        yield '</code></h2>\n<p>Each scenario\'s change of composite is split exactly into three parts: factor scores at the baseline\'s weights, weight changes, and coverage changes (factors gaining or losing evidence); each factor\'s score change is split into evidence items, step by step (docs/method.md, "Explaining a change").</p>\n'
        l_1_loop = missing
        for l_1_s, l_1_loop in LoopContext(environment.getattr((undefined(name='ch') if l_0_ch is missing else l_0_ch), 'scenarios'), undefined):
            _loop_vars = {}
            pass
            yield '<div class="wrap"><table>\n<caption>'
            yield escape(environment.getattr(l_1_s, 'scenario'))
            yield ': composite '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_s, 'old_composite'), _loop_vars=_loop_vars))
            yield ' → '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_s, 'new_composite'), _loop_vars=_loop_vars))
            yield ' ('
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_s, 'total'), _loop_vars=_loop_vars))
            yield '); band '
            yield escape(environment.getattr(l_1_s, 'old_band'))
            yield ' → '
            yield escape(environment.getattr(l_1_s, 'new_band'))
            yield '</caption>\n<thead><tr><th scope="col">Factor</th><th scope="col">Score</th><th scope="col">Score effect</th><th scope="col">Weight effect</th><th scope="col">Coverage effect</th><th scope="col">Total</th><th scope="col">Evidence steps</th></tr></thead>\n<tbody>\n'
            l_2_loop = missing
            for l_2_f, l_2_loop in LoopContext(environment.getattr(l_1_s, 'factors'), undefined):
                _loop_vars = {}
                pass
                yield '<tr><th scope="row">'
                yield escape(environment.getattr(l_2_f, 'factor'))
                yield '</th><td class="n">'
                if environment.getattr(l_2_f, 'old_score'):
                    pass
                    yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_f, 'old_score'), _loop_vars=_loop_vars))
                else:
                    pass
                    yield 'n/a'
                yield ' → '
                if environment.getattr(l_2_f, 'new_score'):
                    pass
                    yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_f, 'new_score'), _loop_vars=_loop_vars))
                else:
                    pass
                    yield 'n/a'
                yield '</td><td class="n">'
                yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_f, 'score_effect'), _loop_vars=_loop_vars))
                yield '</td><td class="n">'
                yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_f, 'weight_effect'), _loop_vars=_loop_vars))
                yield '</td><td class="n">'
                yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_f, 'coverage_effect'), _loop_vars=_loop_vars))
                yield '</td><td class="n">'
                yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_f, 'total'), _loop_vars=_loop_vars))
                yield '</td><td>'
                l_3_loop = missing
                for (l_3_what, l_3_n), l_3_loop in LoopContext(environment.getattr(l_2_f, 'items'), undefined):
                    _loop_vars = {}
                    pass
                    yield escape(l_3_what)
                    yield ': '
                    yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), l_3_n, _loop_vars=_loop_vars))
                    if (not environment.getattr(l_3_loop, 'last')):
                        pass
                        yield '<br>'
                l_3_loop = l_3_what = l_3_n = missing
                yield '</td></tr>\n'
            l_2_loop = l_2_f = missing
            yield '<tr><th scope="row" colspan="2">All factors</th><td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_s, 'score_effect'), _loop_vars=_loop_vars))
            yield '</td><td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_s, 'weight_effect'), _loop_vars=_loop_vars))
            yield '</td><td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_s, 'coverage_effect'), _loop_vars=_loop_vars))
            yield '</td><td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_s, 'total'), _loop_vars=_loop_vars))
            yield '</td><td></td></tr>\n</tbody>\n</table></div>\n'
        l_1_loop = l_1_s = missing
        for l_1_sc in environment.getattr((undefined(name='ch') if l_0_ch is missing else l_0_ch), 'only_old'):
            _loop_vars = {}
            pass
            yield '<p>Scenario <code>'
            yield escape(l_1_sc)
            yield '</code> exists only in the baseline.</p>\n'
        l_1_sc = missing
        for l_1_sc in environment.getattr((undefined(name='ch') if l_0_ch is missing else l_0_ch), 'only_new'):
            _loop_vars = {}
            pass
            yield '<p>Scenario <code>'
            yield escape(l_1_sc)
            yield '</code> is new since the baseline.</p>\n'
        l_1_sc = missing
        if environment.getattr((undefined(name='ch') if l_0_ch is missing else l_0_ch), 'rubric_changes'):
            pass
            yield '<div class="wrap"><table>\n<caption>Rubric changes (proposed version bump: '
            yield escape(environment.getattr((undefined(name='ch') if l_0_ch is missing else l_0_ch), 'rubric_bump'))
            yield ')</caption>\n<thead><tr><th scope="col">Entry</th><th scope="col">Baseline</th><th scope="col">Now</th><th scope="col">Bump</th></tr></thead>\n<tbody>\n'
            for (l_1_e, l_1_old, l_1_new, l_1_level) in environment.getattr((undefined(name='ch') if l_0_ch is missing else l_0_ch), 'rubric_changes'):
                _loop_vars = {}
                pass
                yield '<tr><th scope="row"><code>'
                yield escape(l_1_e)
                yield '</code></th><td>'
                yield escape(l_1_old)
                yield '</td><td>'
                yield escape(l_1_new)
                yield '</td><td>'
                yield escape(l_1_level)
                yield '</td></tr>\n'
            l_1_e = l_1_old = l_1_new = l_1_level = missing
            yield '</tbody>\n</table></div>'
        else:
            pass
            yield '<p>The rubric did not change.</p>'
        yield '</section>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'trend'):
        pass
        l_0_tr = environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'trend')
        context.vars['tr'] = l_0_tr
        context.exported_vars.add('tr')
        yield '<section id="trend" aria-labelledby="trend-h">\n<h2 id="trend-h">Trend over '
        yield escape(t_2(environment.getattr((undefined(name='tr') if l_0_tr is missing else l_0_tr), 'dates')))
        yield ' as-of dates</h2>\n<p>Each scenario scored at each date with only what was observed by then (items observed and sources dated on or before it; ages counted to it), all dates in one pass of the method (docs/history.md). Each point links to its number below; each step is split exactly as <code>scoring diff</code> splits a change.</p>\n'
        l_1_loop = missing
        for l_1_c, l_1_loop in LoopContext(environment.getattr((undefined(name='tr') if l_0_tr is missing else l_0_tr), 'charts'), undefined):
            _loop_vars = {}
            pass
            yield '<figure>\n<svg class="chart trend" viewBox="0 0 '
            yield escape(environment.getattr((undefined(name='tr') if l_0_tr is missing else l_0_tr), 'width'))
            yield ' '
            yield escape(environment.getattr((undefined(name='tr') if l_0_tr is missing else l_0_tr), 'height'))
            yield '" width="'
            yield escape(environment.getattr((undefined(name='tr') if l_0_tr is missing else l_0_tr), 'width'))
            yield '" height="'
            yield escape(environment.getattr((undefined(name='tr') if l_0_tr is missing else l_0_tr), 'height'))
            yield '" role="img" aria-label="'
            yield escape(environment.getattr(l_1_c, 'scenario'))
            yield ' composite by as-of date">\n'
            for (l_2_ty, l_2_name) in environment.getattr(l_1_c, 'ticks'):
                _loop_vars = {}
                pass
                yield '<line class="tick" x1="0" x2="'
                yield escape(environment.getattr((undefined(name='tr') if l_0_tr is missing else l_0_tr), 'width'))
                yield '" y1="'
                yield escape(l_2_ty)
                yield '" y2="'
                yield escape(l_2_ty)
                yield '"/><text x="2" y="'
                yield escape((l_2_ty - 2))
                yield '">'
                yield escape(l_2_name)
                yield '</text>\n'
            l_2_ty = l_2_name = missing
            yield '<polyline class="trend-line" points="'
            yield escape(environment.getattr(l_1_c, 'line'))
            yield '"/>\n'
            for l_2_p in environment.getattr(l_1_c, 'points'):
                _loop_vars = {}
                pass
                yield '<a href="#'
                yield escape(environment.getattr(l_2_p, 'id'))
                yield '"><circle cx="'
                yield escape(environment.getattr(l_2_p, 'x'))
                yield '" cy="'
                yield escape(environment.getattr(l_2_p, 'y'))
                yield '" r="4" data-value="'
                yield escape(environment.getattr(l_2_p, 'raw'))
                yield '"><title>'
                yield escape(environment.getattr(l_2_p, 'date'))
                yield ': '
                yield escape(environment.getattr(l_2_p, 'composite'))
                yield ' ('
                yield escape(environment.getattr(l_2_p, 'band'))
                yield ')</title></circle></a><text x="'
                yield escape(environment.getattr(l_2_p, 'x'))
                yield '" y="'
                yield escape((environment.getattr(l_2_p, 'y') - 7))
                yield '" text-anchor="middle">'
                yield escape(environment.getattr(l_2_p, 'composite'))
                yield '</text><text x="'
                yield escape(environment.getattr(l_2_p, 'x'))
                yield '" y="'
                yield escape((environment.getattr((undefined(name='tr') if l_0_tr is missing else l_0_tr), 'height') - 6))
                yield '" text-anchor="middle">'
                yield escape(environment.getattr(l_2_p, 'date'))
                yield '</text>\n'
            l_2_p = missing
            yield '</svg>\n<figcaption><code>'
            yield escape(environment.getattr(l_1_c, 'scenario'))
            yield '</code>: composite at '
            l_2_loop = missing
            for l_2_p, l_2_loop in LoopContext(environment.getattr(l_1_c, 'points'), undefined):
                _loop_vars = {}
                pass
                yield escape(environment.getattr(l_2_p, 'date'))
                if (not environment.getattr(l_2_loop, 'last')):
                    pass
                    yield ', '
            l_2_loop = l_2_p = missing
            yield '</figcaption>\n</figure>\n'
        l_1_loop = l_1_c = missing
        yield '<div class="wrap"><table>\n<caption>Composite by as-of date and scenario</caption>\n<thead><tr><th scope="col">As of</th><th scope="col">Scenario</th><th scope="col">Composite</th><th scope="col">Band</th><th scope="col">Coverage</th><th scope="col">How it was made</th><th scope="col">Change from the date before</th></tr></thead>\n<tbody>\n'
        for l_1_c in environment.getattr((undefined(name='tr') if l_0_tr is missing else l_0_tr), 'charts'):
            _loop_vars = {}
            pass
            for l_2_p in environment.getattr(l_1_c, 'points'):
                _loop_vars = {}
                pass
                yield '<tr id="'
                yield escape(environment.getattr(l_2_p, 'id'))
                yield '"><th scope="row"><time datetime="'
                yield escape(environment.getattr(l_2_p, 'date'))
                yield '">'
                yield escape(environment.getattr(l_2_p, 'date'))
                yield '</time></th><td><code>'
                yield escape(environment.getattr(l_1_c, 'scenario'))
                yield '</code></td><td class="n"><span data-value="'
                yield escape(environment.getattr(l_2_p, 'raw'))
                yield '">'
                yield escape(environment.getattr(l_2_p, 'composite'))
                yield '</span></td><td>'
                yield escape(environment.getattr(l_2_p, 'band'))
                yield '</td><td class="n">'
                yield escape(environment.getattr(l_2_p, 'coverage'))
                yield '</td><td><code>'
                yield escape(environment.getattr(l_2_p, 'trace_id'))
                yield '</code> = '
                yield escape(environment.getattr(l_2_p, 'expression'))
                yield '</td><td>'
                if environment.getattr(l_2_p, 'step'):
                    pass
                    yield escape(environment.getattr(l_2_p, 'step'))
                    if environment.getattr(l_2_p, 'arrived'):
                        pass
                        yield '; arrived: '
                        yield escape(environment.getattr(l_2_p, 'arrived'))
                    if environment.getattr(l_2_p, 'restated'):
                        pass
                        yield '; restated: '
                        yield escape(environment.getattr(l_2_p, 'restated'))
                else:
                    pass
                    yield '—'
                if environment.getattr(l_2_p, 'unobserved'):
                    pass
                    yield '<br><small>not yet observed, so no effect: '
                    yield escape(environment.getattr(l_2_p, 'unobserved'))
                    yield '</small>'
                yield '</td></tr>\n'
            l_2_p = missing
        l_1_c = missing
        yield '</tbody>\n</table></div>\n</section>\n'
    l_1_loop = missing
    for l_1_sc, l_1_loop in LoopContext(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'scenarios'), undefined):
        l_1_cell = resolve('cell')
        l_1_rb = resolve('rb')
        _loop_vars = {}
        pass
        yield '<section id="scenario/'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '" aria-labelledby="h-'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '">\n<h2 id="h-'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '">Scenario: '
        yield escape(environment.getattr(l_1_sc, 'name'))
        yield ' <code>'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '</code></h2>\n<p>'
        yield escape(environment.getattr(l_1_sc, 'narrative'))
        yield '</p>\n<p>Composite '
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'composite'), _loop_vars=_loop_vars))
        yield ' → band <a class="band" href="#'
        yield escape(environment.getattr(l_1_sc, 'band_id'))
        yield '">'
        yield escape(environment.getattr(l_1_sc, 'band'))
        yield '</a>; coverage '
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'coverage'), _loop_vars=_loop_vars))
        if environment.getattr(l_1_sc, 'change_vs_base'):
            pass
            yield '; change against base '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'change_vs_base'), _loop_vars=_loop_vars))
        yield '.'
        if environment.getattr(l_1_sc, 'assumed'):
            pass
            yield ' <span class="label-assumption">This scenario\'s composite rests on the assumptions and changes listed below.</span>'
        yield '</p>\n'
        if environment.getattr(l_1_sc, 'changes'):
            pass
            yield '<h3>What this scenario changes, and why</h3>\n<ol id="'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '/changes">\n'
            for l_2_ch in environment.getattr(l_1_sc, 'changes'):
                _loop_vars = {}
                pass
                yield '<li id="'
                yield escape(environment.getattr(l_2_ch, 'id'))
                yield '" class="assumption"><span class="label-assumption">Assumed</span> <code>'
                yield escape(environment.getattr(l_2_ch, 'id'))
                yield '</code> ('
                yield escape(environment.getattr(l_2_ch, 'op'))
                yield '): '
                yield escape(environment.getattr(l_2_ch, 'summary'))
                yield '. <em>Rationale:</em> '
                yield escape(environment.getattr(l_2_ch, 'rationale'))
                yield '</li>\n'
            l_2_ch = missing
            yield '</ol>\n'
        if environment.getattr(l_1_sc, 'attribution'):
            pass
            yield '<h3>Why '
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield ' differs from base</h3>\n<p>The change against base, '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'change_vs_base'), _loop_vars=_loop_vars))
            yield ', split exactly among the scenario\'s changes: each change\'s share is its Shapley value, its average effect over every order the changes could be applied in (docs/method.md, "Attribution of a scenario\'s change"). The shares add up to the change against base.</p>\n<svg class="chart" role="img" aria-labelledby="wf-'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '" width="500" height="'
            yield escape(environment.getattr(l_1_sc, 'waterfall_height'))
            yield '" viewBox="-10 0 500 '
            yield escape(environment.getattr(l_1_sc, 'waterfall_height'))
            yield '">\n<title id="wf-'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '">Waterfall from the base composite to the '
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield ' composite, one bar per change</title>\n'
            for l_2_r in environment.getattr(l_1_sc, 'attribution'):
                _loop_vars = {}
                pass
                yield '<a href="#'
                yield escape(environment.getattr(environment.getattr(l_2_r, 'share'), 'id'))
                yield '"><rect class="'
                if environment.getattr(l_2_r, 'up'):
                    pass
                    yield 'seg-up'
                else:
                    pass
                    yield 'seg-down'
                yield '" x="'
                yield escape(environment.getattr(l_2_r, 'x'))
                yield '" y="'
                yield escape(environment.getattr(l_2_r, 'y'))
                yield '" width="'
                yield escape(environment.getattr(l_2_r, 'width'))
                yield '" height="14" data-value="'
                yield escape(environment.getattr(environment.getattr(l_2_r, 'share'), 'raw'))
                yield '"><title>'
                yield escape(environment.getattr(environment.getattr(l_2_r, 'change'), 'text'))
                yield ': '
                yield escape(environment.getattr(environment.getattr(l_2_r, 'share'), 'display'))
                yield '</title></rect></a>\n'
            l_2_r = missing
            yield '</svg>\n<details class="shares"><summary>The shares as a table, by change</summary>\n<div class="wrap"><table>\n<caption>Shares of the change against base, by change</caption>\n<thead><tr><th scope="col">Change</th><th scope="col">Op</th><th scope="col">Share</th></tr></thead>\n<tbody>\n'
            for l_2_r in environment.getattr(l_1_sc, 'attribution'):
                _loop_vars = {}
                pass
                yield '<tr><th scope="row"><a href="#'
                yield escape(environment.getattr(environment.getattr(l_2_r, 'change'), 'id'))
                yield '">'
                yield escape(environment.getattr(environment.getattr(l_2_r, 'change'), 'text'))
                yield '</a></th><td>'
                yield escape(environment.getattr(l_2_r, 'op'))
                yield '</td><td class="n">'
                yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_r, 'share'), _loop_vars=_loop_vars))
                yield '</td></tr>\n'
            l_2_r = missing
            yield '<tr><th scope="row" colspan="2">Change against base (the sum)</th><td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'change_vs_base'), _loop_vars=_loop_vars))
            yield '</td></tr>\n</tbody>\n</table></div></details>\n'
        yield '<div id="'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '/composite" class="composite">\n<h3>How the '
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield ' composite is computed</h3>\n<p>Composite '
        yield escape(environment.getattr(environment.getattr(l_1_sc, 'composite'), 'display'))
        yield ": the factors' contributions add up to the indicated composite"
        if (environment.getattr(l_1_sc, 'gates') or environment.getattr(l_1_sc, 'overrides')):
            pass
            yield ', which the gates and overrides below turn into the final composite'
        yield '. Each factor score links to its items in the evidence table, and each item to its sources.</p>\n<div class="wrap"><table>\n<caption>Factors in '
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield ' (each factor score links to its items in the evidence table)</caption>\n<thead><tr><th scope="col">Factor</th><th scope="col">Polarity</th><th scope="col">Status</th><th scope="col">Items</th><th scope="col">Weight <var>w</var></th><th scope="col">Normalised weight <var>n</var> = <var>w</var> / Σ <var>w</var></th><th scope="col">Factor score <var>F</var></th><th scope="col">Contribution '
        if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'intercept'):
            pass
            yield '<var>w</var>'
        else:
            pass
            yield '<var>n</var>'
        yield ' × <var>F</var></th></tr></thead>\n<tbody>\n'
        for l_2_f in environment.getattr(l_1_sc, 'factors'):
            l_2_links = resolve('links')
            _loop_vars = {}
            pass
            yield '<tr><th scope="row"><a href="#evidence/'
            yield escape(environment.getattr(l_2_f, 'id'))
            yield '">'
            yield escape(environment.getattr(l_2_f, 'name'))
            yield '</a></th><td>'
            yield escape(environment.getattr(l_2_f, 'polarity'))
            yield '</td><td>'
            yield escape(environment.getattr(l_2_f, 'status'))
            if environment.getattr(l_2_f, 'contested'):
                pass
                yield '; <strong>contested</strong> (spread '
                yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_f, 'spread'), _loop_vars=_loop_vars))
                yield '): higher risk '
                yield escape(context.call((undefined(name='links') if l_2_links is missing else l_2_links), environment.getattr(l_2_f, 'higher'), _loop_vars=_loop_vars))
                yield '; lower '
                yield escape(context.call((undefined(name='links') if l_2_links is missing else l_2_links), environment.getattr(l_2_f, 'lower'), _loop_vars=_loop_vars))
            yield '</td><td class="n">'
            yield escape(environment.getattr(l_2_f, 'n_items'))
            yield '</td>'
            yield escape(context.call((undefined(name='cell') if l_1_cell is missing else l_1_cell), environment.getattr(l_2_f, 'weight_cell'), False, _loop_vars=_loop_vars))
            yield escape(context.call((undefined(name='cell') if l_1_cell is missing else l_1_cell), environment.getattr(l_2_f, 'normalised_cell'), False, _loop_vars=_loop_vars))
            yield '<td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_f, 'score'), _loop_vars=_loop_vars))
            yield '</td>'
            yield escape(context.call((undefined(name='cell') if l_1_cell is missing else l_1_cell), environment.getattr(l_2_f, 'contribution_cell'), False, _loop_vars=_loop_vars))
            yield '</tr>\n'
        l_2_f = l_2_links = missing
        yield '<tr><th scope="row" colspan="7">Indicated composite (sum of contributions'
        if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'intercept'):
            pass
            yield ' and the intercept'
        yield ')</th>'
        yield escape(context.call((undefined(name='cell') if l_1_cell is missing else l_1_cell), environment.getattr(l_1_sc, 'indicated_cell'), False, _loop_vars=_loop_vars))
        yield '</tr>\n<tr><th scope="row" colspan="7">Final composite (after gates and overrides)</th><td class="c"><b data-value="'
        yield escape(environment.getattr(environment.getattr(l_1_sc, 'composite'), 'raw'))
        yield '">'
        yield escape(environment.getattr(environment.getattr(l_1_sc, 'composite'), 'display'))
        yield '</b></td></tr>\n</tbody>\n</table></div>\n'
        if (environment.getattr(l_1_sc, 'gates') or environment.getattr(l_1_sc, 'overrides')):
            pass
            yield '<h4>Indicated and final</h4>\n<p>Indicated composite (from the factor scores) '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'indicated'), _loop_vars=_loop_vars))
            yield ' → final '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_sc, 'composite'), _loop_vars=_loop_vars))
            yield ', band <a class="band" href="#'
            yield escape(environment.getattr(l_1_sc, 'band_id'))
            yield '">'
            yield escape(environment.getattr(l_1_sc, 'band'))
            yield '</a>.</p>\n'
            if environment.getattr(l_1_sc, 'gates'):
                pass
                yield '<ul>\n'
                for l_2_g in environment.getattr(l_1_sc, 'gates'):
                    _loop_vars = {}
                    pass
                    yield '<li>Gate <a href="#rubric/gate/'
                    yield escape(environment.getattr(l_2_g, 'id'))
                    yield '"><code>'
                    yield escape(environment.getattr(l_2_g, 'id'))
                    yield '</code></a>: '
                    if environment.getattr(l_2_g, 'fired'):
                        pass
                        yield '<strong>triggered</strong>: '
                        yield escape(environment.getattr(l_2_g, 'detail'))
                        yield '; '
                        if environment.getattr(l_2_g, 'changed'):
                            pass
                            yield 'composite after it '
                            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_g, 'after'), _loop_vars=_loop_vars))
                            if environment.getattr(l_2_g, 'band_rule'):
                                pass
                                yield '; '
                                yield escape(environment.getattr(l_2_g, 'band_rule'))
                        else:
                            pass
                            yield 'it changed nothing (composite '
                            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_g, 'after'), _loop_vars=_loop_vars))
                            if environment.getattr(l_2_g, 'band_rule'):
                                pass
                                yield ', and the '
                                yield escape(environment.getattr(l_2_g, 'band_rule'))
                                yield ' already held'
                            yield ')'
                    else:
                        pass
                        yield 'not triggered: '
                        yield escape(environment.getattr(l_2_g, 'detail'))
                    yield '.</li>\n'
                l_2_g = missing
                yield '</ul>'
            if environment.getattr(l_1_sc, 'overrides'):
                pass
                yield '<ol>\n'
                for l_2_o in environment.getattr(l_1_sc, 'overrides'):
                    _loop_vars = {}
                    pass
                    yield '<li id="'
                    yield escape(environment.getattr(l_2_o, 'entry_id'))
                    yield '" class="assumption"><span class="label-assumption">Override</span> '
                    yield escape(environment.getattr(l_2_o, 'moves'))
                    yield ' — reason <code>'
                    yield escape(environment.getattr(l_2_o, 'reason_code'))
                    yield '</code> ('
                    yield escape(environment.getattr(l_2_o, 'reason'))
                    yield '), by '
                    yield escape(environment.getattr(l_2_o, 'author'))
                    yield ': '
                    yield escape(environment.getattr(l_2_o, 'rationale'))
                    yield ' Composite after it '
                    yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_o, 'after'), _loop_vars=_loop_vars))
                    yield '.</li>\n'
                l_2_o = missing
                yield '</ol>'
        yield '</div>\n<h3>Contributions to the composite</h3>\n<svg class="chart" role="img" aria-labelledby="chart-'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '" width="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'chart_width') + 20))
        yield '" height="64" viewBox="-10 0 '
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'chart_width') + 20))
        yield ' 64">\n<title id="chart-'
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield '">Contributions of each factor to the '
        yield escape(environment.getattr(l_1_sc, 'id'))
        yield ' composite ('
        yield escape(environment.getattr(environment.getattr(l_1_sc, 'composite'), 'display'))
        yield "), from 0 to the scale's maximum</title>\n"
        for l_2_t in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'band_ticks'):
            _loop_vars = {}
            pass
            yield '<line class="tick" x1="'
            yield escape(environment.getitem(l_2_t, 0))
            yield '" x2="'
            yield escape(environment.getitem(l_2_t, 0))
            yield '" y1="2" y2="42"></line><text x="'
            yield escape((environment.getitem(l_2_t, 0) + 2))
            yield '" y="56">'
            yield escape(environment.getitem(l_2_t, 1))
            yield '</text>\n'
        l_2_t = missing
        for l_2_s in environment.getattr(l_1_sc, 'segments'):
            _loop_vars = {}
            pass
            yield '<a href="#'
            yield escape(environment.getattr(environment.getattr(l_2_s, 'value'), 'id'))
            yield '"><rect class="seg seg-'
            yield escape(environment.getattr(l_2_s, 'palette'))
            yield '" x="'
            yield escape(environment.getattr(l_2_s, 'x'))
            yield '" y="10" width="'
            yield escape(environment.getattr(l_2_s, 'width'))
            yield '" height="24" data-value="'
            yield escape(environment.getattr(environment.getattr(l_2_s, 'value'), 'raw'))
            yield '"><title>'
            yield escape(environment.getattr(l_2_s, 'factor'))
            yield ': '
            yield escape(environment.getattr(environment.getattr(l_2_s, 'value'), 'display'))
            yield '</title></rect></a>\n'
        l_2_s = missing
        yield '</svg>\n<ul class="legend">'
        for (l_2_k, l_2_name) in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'palette'):
            _loop_vars = {}
            pass
            yield '<li><span class="swatch seg-'
            yield escape(l_2_k)
            yield '"></span>'
            yield escape(l_2_name)
            yield '</li>'
        l_2_k = l_2_name = missing
        yield '</ul>\n'
        if environment.getattr(l_1_sc, 'robustness'):
            pass
            l_1_rb = environment.getattr(l_1_sc, 'robustness')
            _loop_vars['rb'] = l_1_rb
            yield '<h3>How robust is this band?</h3>\n<p><strong>'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield ' lands in '
            yield escape(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'likely_band'))
            yield ' in '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'likely'), _loop_vars=_loop_vars))
            yield ' of '
            yield escape(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'draws'))
            yield ' simulated draws</strong> (seed '
            yield escape(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'seed'))
            yield "; each item's risk value varies with a spread that grows as its confidence falls). Composite 5th / 50th / 95th percentile: "
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'p05'), _loop_vars=_loop_vars))
            yield ' / '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'p50'), _loop_vars=_loop_vars))
            yield ' / '
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'p95'), _loop_vars=_loop_vars))
            yield '.</p>\n<svg class="chart" role="img" aria-labelledby="mc-'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '" width="330" height="'
            yield escape(((t_2(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'chances')) * 18) + 4))
            yield '" viewBox="0 0 330 '
            yield escape(((t_2(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'chances')) * 18) + 4))
            yield '">\n<title id="mc-'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '">Share of draws in each band ('
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield ')</title>\n'
            l_2_loop = missing
            for l_2_ch, l_2_loop in LoopContext(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'chances'), undefined):
                _loop_vars = {}
                pass
                yield '<text x="0" y="'
                yield escape(((environment.getattr(l_2_loop, 'index0') * 18) + 14))
                yield '">'
                yield escape(environment.getattr(l_2_ch, 'band'))
                yield '</text><a href="#'
                yield escape(environment.getattr(environment.getattr(l_2_ch, 'probability'), 'id'))
                yield '"><rect class="seg seg-0" x="80" y="'
                yield escape(((environment.getattr(l_2_loop, 'index0') * 18) + 3))
                yield '" width="'
                yield escape(environment.getattr(l_2_ch, 'width'))
                yield '" height="13" data-value="'
                yield escape(environment.getattr(environment.getattr(l_2_ch, 'probability'), 'raw'))
                yield '"><title>'
                yield escape(environment.getattr(l_2_ch, 'band'))
                yield ': '
                yield escape(environment.getattr(environment.getattr(l_2_ch, 'probability'), 'display'))
                yield '</title></rect></a><text x="'
                yield escape((84 + environment.getattr(l_2_ch, 'width')))
                yield '" y="'
                yield escape(((environment.getattr(l_2_loop, 'index0') * 18) + 14))
                yield '">'
                yield escape(environment.getattr(environment.getattr(l_2_ch, 'probability'), 'display'))
                yield '</text>\n'
            l_2_loop = l_2_ch = missing
            yield '</svg>\n<details class="robustness"><summary>Break-evens, the items holding up the most points, and the tornado of each factor</summary>\n<div class="wrap"><table>\n<caption>Band break-evens in '
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield ': the change that would move the composite to the next band (one factor at a time, the others fixed)</caption>\n<thead><tr><th scope="col">Factor</th><th scope="col">Score change to go down</th><th scope="col">or weight</th><th scope="col">Score change to go up</th><th scope="col">or weight</th></tr>\n<tr><td></td><td colspan="4" class="muted">score change <code>'
            yield escape(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'score_formula'))
            yield '</code>; weight <code>'
            yield escape(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'weight_formula'))
            yield "</code> (B: the band edge, C: the indicated composite, n_f, W, F: the factors' normalised weights, weights and scores)</td></tr></thead>\n<tbody>\n"
            for l_2_b in environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'break_evens'):
                _loop_vars = {}
                pass
                yield '<tr><th scope="row">'
                yield escape(environment.getattr(l_2_b, 'factor'))
                if environment.getattr(l_2_b, 'down_target'):
                    pass
                    yield ' <span class="muted nw">↓ '
                    yield escape(environment.getattr(l_2_b, 'down_target'))
                    yield '</span>'
                    if environment.getattr(l_2_b, 'down_blocked'):
                        pass
                        yield ' <span class="muted">not reachable: '
                        yield escape(environment.getattr(l_2_b, 'down_blocked'))
                        yield '</span>'
                if environment.getattr(l_2_b, 'up_target'):
                    pass
                    yield ' <span class="muted nw">↑ '
                    yield escape(environment.getattr(l_2_b, 'up_target'))
                    yield '</span>'
                    if environment.getattr(l_2_b, 'up_blocked'):
                        pass
                        yield ' <span class="muted">not reachable: '
                        yield escape(environment.getattr(l_2_b, 'up_blocked'))
                        yield '</span>'
                yield '</th>'
                if environment.getattr(l_2_b, 'down_score'):
                    pass
                    yield escape(context.call((undefined(name='cell') if l_1_cell is missing else l_1_cell), environment.getattr(l_2_b, 'down_score'), _loop_vars=_loop_vars))
                else:
                    pass
                    yield '<td>—</td>'
                yield escape(context.call((undefined(name='cell') if l_1_cell is missing else l_1_cell), environment.getattr(l_2_b, 'down_weight'), _loop_vars=_loop_vars))
                if environment.getattr(l_2_b, 'up_score'):
                    pass
                    yield escape(context.call((undefined(name='cell') if l_1_cell is missing else l_1_cell), environment.getattr(l_2_b, 'up_score'), _loop_vars=_loop_vars))
                else:
                    pass
                    yield '<td>—</td>'
                yield escape(context.call((undefined(name='cell') if l_1_cell is missing else l_1_cell), environment.getattr(l_2_b, 'up_weight'), _loop_vars=_loop_vars))
                yield '</tr>\n'
            l_2_b = missing
            yield '</tbody>\n</table></div>\n<p class="muted">Each cell shows its computation with the operands written in: the band edge (<a href="#rubric/bands">bands</a>), the <a href="#'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '/indicated_composite">indicated composite</a> and the factor\'s normalised weight and score (<a href="#'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '/composite">factor table</a>). ↓ / ↑: the band below / above. n/a: that factor alone cannot reach the boundary within the scale, or no positive weight does; a dash: there is no band beyond; not reachable: a triggered gate holds the band, so reaching the boundary would not change the final band.</p>\n<div class="wrap"><table>\n<caption>Items holding up the most points of the '
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield ' composite (composite with the item minus without it)</caption>\n<thead><tr><th scope="col">Item</th><th scope="col">Factor</th><th scope="col">Points at stake</th></tr></thead>\n<tbody>\n'
            for l_2_st in environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'stakes'):
                _loop_vars = {}
                pass
                yield '<tr><th scope="row"><a href="#'
                yield escape(environment.getattr(environment.getattr(l_2_st, 'item'), 'id'))
                yield '">'
                yield escape(environment.getattr(environment.getattr(l_2_st, 'item'), 'text'))
                yield '</a></th><td>'
                yield escape(environment.getattr(l_2_st, 'factor'))
                yield '</td><td class="n">'
                yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_2_st, 'at_stake'), _loop_vars=_loop_vars))
                yield '</td></tr>\n'
            l_2_st = missing
            yield '</tbody>\n</table></div>\n<svg class="chart" role="img" aria-labelledby="tornado-'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '" width="760" height="'
            yield escape(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'tornado_height'))
            yield '" viewBox="0 0 760 '
            yield escape(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'tornado_height'))
            yield '">\n<title id="tornado-'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '">Tornado: the '
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield ' composite when one factor\'s weight moves ±20 % or its score moves one band width, sorted by swing</title>\n<line class="marker" x1="'
            yield escape((230 + environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'composite_x')))
            yield '" x2="'
            yield escape((230 + environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'composite_x')))
            yield '" y1="0" y2="'
            yield escape(environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'tornado_height'))
            yield '"></line>\n'
            for l_2_t in environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'tornado'):
                _loop_vars = {}
                pass
                yield '<text x="0" y="'
                yield escape((environment.getattr(l_2_t, 'y') + 11))
                yield '">'
                yield escape(environment.getattr(l_2_t, 'label'))
                yield '</text><a href="#'
                yield escape(environment.getattr(environment.getattr(l_2_t, 'low'), 'id'))
                yield '"><rect class="seg seg-'
                yield escape((0 if ('weight' in environment.getattr(l_2_t, 'label')) else 3))
                yield '" x="'
                yield escape((230 + environment.getattr(l_2_t, 'x')))
                yield '" y="'
                yield escape(environment.getattr(l_2_t, 'y'))
                yield '" width="'
                yield escape(environment.getattr(l_2_t, 'width'))
                yield '" height="13" data-value="'
                yield escape(environment.getattr(environment.getattr(l_2_t, 'low'), 'raw'))
                yield '"><title>'
                yield escape(environment.getattr(l_2_t, 'label'))
                yield ': '
                yield escape(environment.getattr(environment.getattr(l_2_t, 'low'), 'display'))
                yield ' to '
                yield escape(environment.getattr(environment.getattr(l_2_t, 'high'), 'display'))
                yield '</title></rect></a>\n'
            l_2_t = missing
            yield '</svg>\n<p class="muted">Each tornado bar links to the composite at its low setting; the table below derives both ends. The vertical line is the composite.</p>\n<div class="wrap"><table>\n<caption>The tornado\'s ends: the '
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield ' composite re-scored with one factor\'s weight −/+ 20 % or its score −/+ one band width (operands from the <a href="#'
            yield escape(environment.getattr(l_1_sc, 'id'))
            yield '/composite">factor table</a>)</caption>\n<thead><tr><th scope="col">Factor (what moves)</th><th scope="col">Low</th><th scope="col">High</th></tr></thead>\n<tbody>\n'
            for l_2_t in environment.getattr((undefined(name='rb') if l_1_rb is missing else l_1_rb), 'tornado'):
                _loop_vars = {}
                pass
                yield '<tr><th scope="row">'
                yield escape(environment.getattr(l_2_t, 'label'))
                yield '</th>'
                yield escape(context.call((undefined(name='cell') if l_1_cell is missing else l_1_cell), environment.getattr(l_2_t, 'low_cell'), _loop_vars=_loop_vars))
                yield escape(context.call((undefined(name='cell') if l_1_cell is missing else l_1_cell), environment.getattr(l_2_t, 'high_cell'), _loop_vars=_loop_vars))
                yield '</tr>\n'
            l_2_t = missing
            yield '</tbody>\n</table></div>\n</details>\n'
        yield '</section>\n'
    l_1_loop = l_1_sc = l_1_cell = l_1_rb = missing
    yield '<section id="evidence" aria-labelledby="evidence-h">\n<h2 id="evidence-h">Evidence</h2>\n<p>Each claim is the analyst\'s paraphrase; an excerpt is a short exact quotation from the cited document, checked against the source\'s snapshot by <code>scoring report --snapshots DIR</code> or <code>scoring verify</code>. Each factor\'s rows start with its score in each scenario; each item\'s row gives its risk value <var>r</var> and effective weight <var>w</var> per scenario, and folded under it, every number of the item with its operands, per scenario.</p>\n<details class="evidence"><summary>The '
    yield escape(t_2(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'items')))
    yield ' items, by factor, with their sources and their numbers in each scenario (a link into the table opens it here)</summary>\n'
    yield escape(context.call((undefined(name='evidence_table') if l_0_evidence_table is missing else l_0_evidence_table), environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'evidence'), t_3(context.eval_ctx, t_4(context, environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'scenarios'), attribute='id'))))
    yield '</details>\n</section>\n'
    if (environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'measures') or environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'figures')):
        pass
        yield '<section id="figures" aria-labelledby="figures-h">\n<h2 id="figures-h">Measures and reported figures</h2>\n<p>A measure is the rubric\'s formula of the case\'s reported figures; a factor scored by a measure takes its value. Each figure cites the source it was read from.</p>\n<div class="wrap"><table>\n<caption>Measures (the rubric\'s formulas, with this case\'s values)</caption>\n<thead><tr><th scope="col">Measure</th><th scope="col">Formula</th><th scope="col">Value</th><th scope="col">Scores factor</th></tr></thead>\n<tbody>\n'
        for l_1_m in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'measures'):
            _loop_vars = {}
            pass
            yield '<tr id="rubric/measure/'
            yield escape(environment.getattr(l_1_m, 'id'))
            yield '"><th scope="row">'
            yield escape(environment.getattr(l_1_m, 'name'))
            yield ' <code>'
            yield escape(environment.getattr(l_1_m, 'id'))
            yield '</code></th><td><code>'
            yield escape(environment.getattr(l_1_m, 'formula'))
            yield '</code></td><td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_m, 'value'), _loop_vars=_loop_vars))
            yield '</td><td>'
            if environment.getattr(l_1_m, 'factor'):
                pass
                yield '<span id="item/'
                yield escape(environment.getattr(l_1_m, 'id'))
                yield '"><a href="#'
                yield escape(environment.getattr(environment.getattr(l_1_m, 'factor'), 'id'))
                yield '">'
                yield escape(environment.getattr(environment.getattr(l_1_m, 'factor'), 'text'))
                yield '</a></span>'
            yield '</td></tr>\n'
        l_1_m = missing
        yield '</tbody>\n</table></div>\n<div class="wrap"><table>\n<caption>Reported figures</caption>\n<thead><tr><th scope="col">Id</th><th scope="col">Figure</th><th scope="col">Period</th><th scope="col">Value</th><th scope="col">Unit</th><th scope="col">Observed</th><th scope="col">Sources</th></tr></thead>\n<tbody>\n'
        l_1_loop = missing
        for l_1_f, l_1_loop in LoopContext(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'figures'), undefined):
            _loop_vars = {}
            pass
            yield '<tr id="figure/'
            yield escape(environment.getattr(l_1_f, 'id'))
            yield '"><th scope="row"><code>'
            yield escape(environment.getattr(l_1_f, 'id'))
            yield '</code></th><td>'
            yield escape(environment.getattr(l_1_f, 'name'))
            yield ' <code>'
            yield escape(environment.getattr(l_1_f, 'figure'))
            yield '</code>'
            if environment.getattr(l_1_f, 'claim'):
                pass
                yield '<br><span class="muted">'
                yield escape(environment.getattr(l_1_f, 'claim'))
                yield '</span>'
            if environment.getattr(l_1_f, 'excerpt'):
                pass
                yield '<br>“'
                yield escape(environment.getattr(l_1_f, 'excerpt'))
                yield '”'
            yield '</td><td>'
            yield escape(environment.getattr(l_1_f, 'period'))
            yield '</td><td class="n">'
            yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_f, 'value'), _loop_vars=_loop_vars))
            yield '</td><td>'
            yield escape((environment.getattr(l_1_f, 'unit') or ''))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_f, 'observed'))
            yield '</td><td>'
            l_2_loop = missing
            for l_2_s, l_2_loop in LoopContext(environment.getattr(l_1_f, 'sources'), undefined):
                _loop_vars = {}
                pass
                yield '<a href="#'
                yield escape(environment.getattr(environment.getattr(l_2_s, 'source'), 'id'))
                yield '">'
                yield escape(environment.getattr(environment.getattr(l_2_s, 'source'), 'text'))
                yield '</a> at '
                yield escape(environment.getattr(l_2_s, 'locator'))
                if (not environment.getattr(l_2_loop, 'last')):
                    pass
                    yield '; '
            l_2_loop = l_2_s = missing
            yield '</td></tr>\n'
        l_1_loop = l_1_f = missing
        yield '</tbody>\n</table></div>\n</section>\n'
    yield '<section id="assumptions" aria-labelledby="assumptions-h">\n<h2 id="assumptions-h">Assumptions (not sourced)</h2>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'assumptions'):
        pass
        yield '<p>These items were added by scenarios without a source. They are marked wherever they feed a number.</p>\n'
        for l_1_a in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'assumptions'):
            _loop_vars = {}
            pass
            yield '<article class="item assumption" id="'
            yield escape(environment.getattr(l_1_a, 'id'))
            yield '">\n<h3><span class="label-assumption">Assumption</span> <code>'
            yield escape(environment.getattr(l_1_a, 'id'))
            yield '</code> · factor <a href="#rubric/factor/'
            yield escape(environment.getattr(l_1_a, 'factor'))
            yield '">'
            yield escape(environment.getattr(l_1_a, 'factor'))
            yield '</a> · value '
            yield escape(environment.getattr(l_1_a, 'value'))
            yield '</h3>\n<p>'
            yield escape(environment.getattr(l_1_a, 'claim'))
            yield '</p>\n<p><em>Rationale:</em> '
            yield escape(environment.getattr(l_1_a, 'rationale'))
            yield ' (<a href="#'
            yield escape(environment.getattr(environment.getattr(l_1_a, 'change'), 'id'))
            yield '">'
            yield escape(environment.getattr(environment.getattr(l_1_a, 'change'), 'text'))
            yield '</a>)</p>\n</article>\n'
        l_1_a = missing
    else:
        pass
        yield '<p>No scenario adds an assumption item.</p>'
    yield '</section>\n<section id="sources" aria-labelledby="sources-h">\n<h2 id="sources-h">Sources</h2>\n<details class="sources"><summary>The '
    yield escape(t_2(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'sources')))
    yield ' sources, with their grades, dates, ages and the items that cite them (a link to a source opens it here)</summary>\n<div class="wrap"><table>\n<caption>Every source the evidence cites, with its reliability grade</caption>\n<thead><tr><th scope="col">Id</th><th scope="col">Title</th><th scope="col">Publisher</th><th scope="col">Date</th><th scope="col">Age</th><th scope="col">Language</th><th scope="col">Kind</th><th scope="col">Reliability</th><th scope="col">Cited as</th><th scope="col">Cited by</th><th scope="col">Notes</th></tr></thead>\n<tbody>\n'
    for l_1_s in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'sources'):
        l_1_links = resolve('links')
        _loop_vars = {}
        pass
        yield '<tr id="source/'
        yield escape(environment.getattr(l_1_s, 'id'))
        yield '"><th scope="row" class="nw"><code>'
        yield escape(environment.getattr(l_1_s, 'id'))
        yield '</code></th><td lang="'
        yield escape(environment.getattr(l_1_s, 'language'))
        yield '">'
        if environment.getattr(l_1_s, 'url'):
            pass
            yield '<a href="'
            yield escape(environment.getattr(l_1_s, 'url'))
            yield '" rel="noopener noreferrer nofollow">'
            yield escape(environment.getattr(l_1_s, 'title'))
            yield '</a>'
        else:
            pass
            yield escape(environment.getattr(l_1_s, 'title'))
        if environment.getattr(l_1_s, 'url_text'):
            pass
            yield ' <span class="muted">(link not shown: '
            yield escape(environment.getattr(l_1_s, 'url_text'))
            yield ')</span>'
        if environment.getattr(l_1_s, 'title_en'):
            pass
            yield '<br><span class="muted" lang="en">English: '
            yield escape(environment.getattr(l_1_s, 'title_en'))
            yield '</span>'
        yield '</td><td>'
        yield escape((environment.getattr(l_1_s, 'publisher') or 'unknown'))
        yield '</td><td class="nw">'
        yield escape((environment.getattr(l_1_s, 'date') or 'undated'))
        yield '</td><td class="n">'
        if (not t_5(environment.getattr(l_1_s, 'age_days'))):
            pass
            yield escape(environment.getattr(l_1_s, 'age_days'))
            yield ' days'
        yield '</td><td>'
        yield escape(environment.getattr(l_1_s, 'language'))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_s, 'kind'))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_s, 'reliability'))
        yield ' = '
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_s, 'multiplier'), _loop_vars=_loop_vars))
        yield '</td><td>'
        yield escape((environment.getattr(l_1_s, 'cited_as') or ''))
        yield '</td><td>'
        yield escape(context.call((undefined(name='links') if l_1_links is missing else l_1_links), environment.getattr(l_1_s, 'cited_by'), _loop_vars=_loop_vars))
        yield '</td><td>'
        yield escape((environment.getattr(l_1_s, 'notes') or ''))
        yield '</td></tr>\n'
    l_1_s = l_1_links = missing
    yield '</tbody>\n</table></div>\n</details>\n</section>\n<section id="method" aria-labelledby="method-h">\n<h2 id="method-h">Method: rubric <code>'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rubric_id'))
    yield '</code> '
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rubric_version'))
    yield '</h2>\n<p>'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rubric_title'))
    yield '.</p>\n<details class="method"><summary>Factors, weights, bands, grades, gates and the formulas with this case\'s numbers (a link to a rubric entry opens it here)</summary>\n<div class="wrap"><table>\n<caption>Factors</caption>\n<thead><tr><th scope="col">Factor</th><th scope="col">Weight</th><th scope="col">Polarity</th><th scope="col">Aggregation</th><th scope="col">Missing evidence</th><th scope="col">Indicators</th></tr></thead>\n<tbody>\n'
    for l_1_f in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rubric_factors'):
        _loop_vars = {}
        pass
        yield '<tr id="rubric/factor/'
        yield escape(environment.getattr(l_1_f, 'id'))
        yield '"><th scope="row">'
        yield escape(environment.getattr(l_1_f, 'name'))
        yield ' <code>'
        yield escape(environment.getattr(l_1_f, 'id'))
        yield '</code>'
        if environment.getattr(l_1_f, 'description'):
            pass
            yield '<br><span class="muted">'
            yield escape(environment.getattr(l_1_f, 'description'))
            yield '</span>'
        yield '</th><td class="n" id="rubric/factor/'
        yield escape(environment.getattr(l_1_f, 'id'))
        yield '/weight">'
        yield escape(environment.getattr(environment.getattr(l_1_f, 'weight'), 'display'))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_f, 'polarity'))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_f, 'aggregation'))
        yield '</td><td><span id="rubric/factor/'
        yield escape(environment.getattr(l_1_f, 'id'))
        yield '/impute">'
        yield escape(environment.getattr(l_1_f, 'missing'))
        yield '</span></td><td>'
        for (l_2_iid, l_2_name, l_2_text) in environment.getattr(l_1_f, 'indicators'):
            _loop_vars = {}
            pass
            yield '<p id="'
            yield escape(l_2_iid)
            yield '">'
            yield escape(l_2_name)
            yield ': <code>'
            yield escape(l_2_text)
            yield '</code></p>'
        l_2_iid = l_2_name = l_2_text = missing
        yield '</td></tr>\n'
    l_1_f = missing
    yield '</tbody>\n</table></div>\n<div class="wrap"><table id="rubric/bands">\n<caption>Bands ('
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'band_rule'))
    yield ')</caption>\n<thead><tr><th scope="col">Band</th><th scope="col">Min</th><th scope="col">Max</th><th scope="col">Meaning</th></tr></thead>\n<tbody>\n'
    for l_1_b in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bands'):
        _loop_vars = {}
        pass
        yield '<tr><th scope="row">'
        yield escape(environment.getattr(l_1_b, 'name'))
        yield '</th><td class="n">'
        yield escape(environment.getattr(l_1_b, 'min'))
        yield '</td><td class="n">'
        yield escape(environment.getattr(l_1_b, 'max'))
        yield '</td><td>'
        yield escape((environment.getattr(l_1_b, 'description') or ''))
        yield '</td></tr>\n'
    l_1_b = missing
    yield '</tbody>\n</table></div>\n<div class="wrap"><table>\n<caption>Reliability grades (multiplier on an item\'s weight, by the best grade among its sources)</caption>\n<thead><tr><th scope="col">Grade</th><th scope="col">Multiplier</th></tr></thead>\n<tbody>\n'
    for (l_1_g, l_1_m) in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'reliability'):
        _loop_vars = {}
        pass
        yield '<tr id="rubric/reliability/'
        yield escape(l_1_g)
        yield '"><th scope="row">'
        yield escape(l_1_g)
        yield '</th><td class="n">'
        yield escape(environment.getattr(l_1_m, 'display'))
        yield '</td></tr>\n'
    l_1_g = l_1_m = missing
    yield '</tbody>\n</table></div>\n<div class="wrap"><table>\n<caption>Gates: rules applied after the composite, so a severe problem is not averaged away</caption>\n<thead><tr><th scope="col">Gate</th><th scope="col">When</th><th scope="col">Then</th><th scope="col">Why</th></tr></thead>\n<tbody>\n'
    t_7 = 1
    for (l_1_gid, l_1_when, l_1_then, l_1_why) in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'gates'):
        _loop_vars = {}
        pass
        yield '<tr id="rubric/gate/'
        yield escape(l_1_gid)
        yield '"><th scope="row"><code>'
        yield escape(l_1_gid)
        yield '</code></th><td>'
        yield escape(l_1_when)
        yield '</td><td>'
        yield escape(l_1_then)
        yield '</td><td>'
        yield escape((l_1_why or ''))
        yield '</td></tr>\n'
        t_7 = 0
    l_1_gid = l_1_when = l_1_then = l_1_why = missing
    if t_7:
        pass
        yield '<tr><td colspan="4">This rubric has no gates.</td></tr>\n'
    yield '</tbody>\n</table></div>\n'
    for (l_1_anchor, l_1_rule) in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'integrity'):
        _loop_vars = {}
        pass
        yield '<p id="'
        yield escape(l_1_anchor)
        yield '">'
        yield escape(l_1_rule)
        yield '</p>\n'
    l_1_anchor = l_1_rule = missing
    yield '<p id="rubric/overrides">Overrides: '
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'override_policy'))
    yield '.'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'reason_codes'):
        pass
        yield ' Reason codes: '
        l_1_loop = missing
        for (l_1_code, l_1_text), l_1_loop in LoopContext(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'reason_codes'), undefined):
            _loop_vars = {}
            pass
            yield '<code>'
            yield escape(l_1_code)
            yield '</code> ('
            yield escape(l_1_text)
            yield ')'
            if (not environment.getattr(l_1_loop, 'last')):
                pass
                yield '; '
        l_1_loop = l_1_code = l_1_text = missing
        yield '.'
    yield '</p>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'intercept'):
        pass
        yield '<p id="rubric/intercept">Composite: points, C = intercept + Σ W_f × F_f, with intercept '
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'intercept')))
        yield '.</p>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'half_life'):
        pass
        yield '<p id="rubric/half_life_days">Recency: an item\'s weight halves every '
        yield escape(environment.getattr(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'half_life'), 'display'))
        yield ' days before the as-of date.</p>'
    yield "<h3>Formulas, with this case's numbers (base scenario)</h3>\n<dl>\n"
    for l_1_fm in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'formulas'):
        _loop_vars = {}
        pass
        yield '<dt>'
        yield escape(environment.getattr(l_1_fm, 'name'))
        yield ': <code>'
        yield escape(environment.getattr(l_1_fm, 'formula'))
        yield '</code></dt><dd><code>'
        yield escape(environment.getattr(l_1_fm, 'expression'))
        yield '</code> → '
        yield escape(context.call((undefined(name='num') if l_0_num is missing else l_0_num), environment.getattr(l_1_fm, 'example'), _loop_vars=_loop_vars))
        yield '</dd>\n'
    l_1_fm = missing
    yield '</dl>\n<p class="muted">Rounding: scores and contributions are shown to 2 decimals, weights and fractions to 4, coverage as a percentage to 1, by correct rounding of the exact binary value (ties to even). Expressions show 10 significant digits; <code>data-value</code> attributes hold the exact value.</p>\n</details>\n</section>\n<section id="derivations" aria-labelledby="derivations-h">\n<h2 id="derivations-h">Derivations</h2>\n<p>The numbers not shown in place (a factor table or the evidence table shows the others), each with the operation that produced it, the values it was computed from and a link to each input.</p>\n'
    for l_1_g in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'derivations'):
        l_1_derivations = resolve('derivations')
        _loop_vars = {}
        pass
        yield '<details class="derivations"><summary><h3 id="'
        yield escape(environment.getattr(l_1_g, 'id'))
        yield '">'
        yield escape(environment.getattr(l_1_g, 'title'))
        yield '</h3></summary>\n'
        yield escape(context.call((undefined(name='derivations') if l_1_derivations is missing else l_1_derivations), environment.getattr(l_1_g, 'entries'), _loop_vars=_loop_vars))
        yield '</details>\n'
    l_1_g = l_1_derivations = missing
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'changes'):
        pass
        yield '<h3 id="derivations-changed">What changed</h3>\n'
        for l_1_d in environment.getattr(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'changes'), 'derivations'):
            l_1_refs = resolve('refs')
            _loop_vars = {}
            pass
            yield '<div class="deriv" id="'
            yield escape(environment.getattr(l_1_d, 'id'))
            yield '">\n<h4><code>'
            yield escape(environment.getattr(l_1_d, 'id'))
            yield '</code> · '
            yield escape(environment.getattr(l_1_d, 'label'))
            yield ' = <span data-value="'
            yield escape(environment.getattr(environment.getattr(l_1_d, 'value'), 'raw'))
            yield '">'
            yield escape(environment.getattr(environment.getattr(l_1_d, 'value'), 'display'))
            yield '</span> <span class="raw">exact '
            yield escape(environment.getattr(environment.getattr(l_1_d, 'value'), 'raw'))
            yield '</span></h4>\n'
            if environment.getattr(l_1_d, 'formula'):
                pass
                yield '<p>Formula: <code>'
                yield escape(environment.getattr(l_1_d, 'formula'))
                yield '</code></p>'
            yield '<p>'
            yield escape(environment.getattr(l_1_d, 'op'))
            yield ': <code>'
            yield escape(environment.getattr(l_1_d, 'expression'))
            yield '</code></p>\n'
            if environment.getattr(l_1_d, 'inputs'):
                pass
                yield '<p class="inputs">From: '
                yield escape(context.call((undefined(name='refs') if l_1_refs is missing else l_1_refs), environment.getattr(l_1_d, 'inputs'), _loop_vars=_loop_vars))
                yield '</p>'
            yield '</div>\n'
        l_1_d = l_1_refs = missing
    yield '</section>\n<section id="run-record" aria-labelledby="run-h">\n<h2 id="run-h">Run record</h2>\n<p>Engine <code>scoring '
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'engine_version'))
    yield '</code>; rubric <code>'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rubric_id'))
    yield '</code> '
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rubric_version'))
    yield ' (scoring content SHA-256 <code>'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rubric_sha256'))
    yield '</code>)'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'changes'):
        pass
        yield '; compared with baseline <code>'
        yield escape(environment.getattr(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'changes'), 'baseline'))
        yield '</code>'
    yield '; '
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'generated_at'):
        pass
        yield 'generated at '
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'generated_at'))
    else:
        pass
        yield 'no generation time recorded (the same inputs give a byte-identical report)'
    yield '.</p>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bundle'):
        pass
        l_0_m = environment.getattr(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bundle'), 'manifest')
        context.vars['m'] = l_0_m
        context.exported_vars.add('m')
        yield '<p id="run-record/bundle">This page carries its inputs: bundle <code>'
        yield escape(environment.getattr(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bundle'), 'digest'))
        yield '</code> holds the '
        yield escape(t_2(environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'inputs')))
        yield ' input files below, byte for byte, and a manifest of the command (<code>'
        yield escape(t_1(context.eval_ctx, environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'command'), ' '))
        yield '</code>), the as-of date '
        yield escape(environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'as_of'))
        yield ", the Monte Carlo's seed "
        yield escape(environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'seed'))
        yield ' and '
        yield escape(environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'draws'))
        yield ' draws, and the SHA-256 of each input and of each source snapshot ('
        yield escape(t_2(environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'snapshots')))
        yield '). <code>scoring verify-report FILE</code> recomputes every number of this page from it (docs/trust.md).</p>\n'
    if (not t_5(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'snapshots'))):
        pass
        yield '<div class="wrap"><table>\n<caption>Source snapshots checked in this run</caption>\n<thead><tr><th scope="col">Source</th><th scope="col">Snapshot</th><th scope="col">Status</th><th scope="col">Note</th></tr></thead>\n<tbody>\n'
        for (l_1_sid, l_1_path, l_1_status, l_1_note) in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'snapshots'):
            _loop_vars = {}
            pass
            yield '<tr><th scope="row"><a href="#source/'
            yield escape(l_1_sid)
            yield '">'
            yield escape(l_1_sid)
            yield '</a></th><td><code>'
            yield escape(l_1_path)
            yield '</code></td><td>'
            yield escape(l_1_status)
            yield '</td><td>'
            yield escape(l_1_note)
            yield '</td></tr>\n'
        l_1_sid = l_1_path = l_1_status = l_1_note = missing
        yield '</tbody>\n</table></div>'
    else:
        pass
        yield '<p>Excerpts were not checked against source snapshots in this run (<code>scoring report --snapshots DIR</code>, or <code>scoring verify</code>).</p>'
    yield '<div class="wrap"><table>\n<caption>Input files (paths relative to the case folder) and their SHA-256</caption>\n<thead><tr><th scope="col">Role</th><th scope="col">Path</th><th scope="col">SHA-256</th></tr></thead>\n<tbody>\n'
    for l_1_i in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'inputs'):
        _loop_vars = {}
        pass
        yield '<tr><th scope="row">'
        yield escape(environment.getattr(l_1_i, 'role'))
        yield '</th><td><code>'
        yield escape(environment.getattr(l_1_i, 'path'))
        yield '</code></td><td><code>'
        yield escape(environment.getattr(l_1_i, 'sha256'))
        yield '</code></td></tr>\n'
    l_1_i = missing
    yield '</tbody>\n</table></div>\n</section>\n</main>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bundle'):
        pass
        yield escape((undefined(name='bundle_element') if l_0_bundle_element is missing else l_0_bundle_element))
        yield '\n'
    yield '</body>\n</html>\n'

blocks = {}
debug_info = '6=50&9=57&10=59&11=78&14=84&15=87&16=90&17=93&33=104&36=179&37=185&38=209&41=233&43=239&46=249&48=255&51=257&52=259&54=267&59=294&61=300&63=303&65=307&68=320&69=362&73=371&74=378&76=385&77=388&80=390&85=408&87=414&89=417&90=421&91=431&92=447&93=449&95=481&101=495&105=546&106=552&107=556&108=562&109=564&110=580&111=583&112=585&115=601&116=606&117=608&118=614&119=618&126=645&127=659&130=662&131=664&132=666&134=672&135=674&137=681&138=713&139=719&142=723&143=726&144=734&145=737&147=775&148=778&153=799&154=805&155=811&156=824&158=844&159=854&161=859&162=875&163=881&164=886&168=914&170=916&172=920&175=963&177=967&180=969&183=983&184=989&185=993&186=999&190=1027&193=1031&203=1045&204=1047&206=1049&213=1052&220=1079&226=1128&227=1131&228=1137&229=1145&230=1147&236=1158&241=1160&247=1217&248=1221&254=1223&258=1265&261=1267&268=1281&275=1294&279=1314&280=1324&281=1344&282=1349&285=1355&293=1369&294=1378&296=1381&297=1384&298=1391&299=1401&300=1407&301=1411&307=1419&308=1441&309=1461&313=1464&320=1484&325=1496'
