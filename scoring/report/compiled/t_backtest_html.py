# Generated from scoring/report/templates/backtest.html by Jinja 3.1.6 (python .ci/compile_templates.py); do not edit.
FINGERPRINT = '6a359dd443caa11ccb095e70d1ce7bfbe68cd2700d35cbe07f9c208fc6c6b6e4'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'backtest.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_page = resolve('page')
    l_0_n = l_0_ctx = l_0_b = l_0_d = l_0_c = missing
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
    pass
    def macro(l_1_rec):
        t_3 = []
        if l_1_rec is missing:
            l_1_rec = undefined("parameter 'rec' was not provided", name='rec')
        pass
        if l_1_rec:
            pass
            t_3.extend((
                '<a class="num" href="#',
                escape(environment.getattr(l_1_rec, 'id')),
                '" data-value="',
                escape(environment.getattr(l_1_rec, 'raw')),
                '">',
                escape(environment.getattr(l_1_rec, 'shown')),
                '</a>',
            ))
        else:
            pass
            t_3.append(
                '—',
            )
        return concat(t_3)
    context.exported_vars.add('n')
    context.vars['n'] = l_0_n = Macro(environment, macro, 'n', ('rec',), False, False, False, context.eval_ctx.autoescape)
    l_0_ctx = environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'ctx')
    context.vars['ctx'] = l_0_ctx
    context.exported_vars.add('ctx')
    l_0_b = environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'b')
    context.vars['b'] = l_0_b
    context.exported_vars.add('b')
    l_0_d = environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'discrimination')
    context.vars['d'] = l_0_d
    context.exported_vars.add('d')
    template = environment.get_template('_head.html', 'backtest.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'b': l_0_b, 'c': l_0_c, 'ctx': l_0_ctx, 'd': l_0_d, 'n': l_0_n}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield '<body>\n<header>\n<h1>'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'title'))
    yield '</h1>\n<p class="muted">rubric <code>'
    yield escape(environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'rubric'))
    yield '</code> ('
    yield escape(environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'rubric_title'))
    yield ') · scenario <code>'
    yield escape(environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'scenario'))
    yield '</code> · outcomes <code>'
    yield escape(environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'outcomes'))
    yield '</code> (sha256 <code>'
    yield escape(environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'outcomes_sha256')[:16])
    yield '…</code>) · riskier = '
    yield escape(environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'risk_when'))
    yield ' scores</p>\n<nav aria-label="Sections"><ul>\n<li><a href="#curves">ROC and CAP</a></li><li><a href="#factors">Factors</a></li>\n<li><a href="#calibration">Calibration</a></li>'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'stability'):
        pass
        yield '<li><a href="#stability">Stability</a></li>'
    yield '<li><a href="#behind">Cases behind each band</a></li><li><a href="#records">How each number is computed</a></li><li><a href="#sources">Sources</a></li>\n</ul></nav>\n</header>\n'
    if environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'lookahead'):
        pass
        yield '<p class="warn" id="lookahead"><strong>Not out of sample:</strong> '
        yield escape(environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'lookahead'))
        yield " outcomes were observed before their case's as-of plus horizon and were measured anyway (<code>--allow-lookahead</code>).</p>"
    yield '<section id="summary" class="screen" aria-label="Does it discriminate?">\n<div class="panel verdict">\n<h2 class="first">Does it discriminate?</h2>\n'
    if (undefined(name='d') if l_0_d is missing else l_0_d):
        pass
        yield '<p>AUC <span class="big">'
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'auc')))
        yield '</span></p>\n<p>95 % interval '
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'auc_interval')))
        yield ' (DeLong)</p>\n<p>Gini '
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'gini')))
        yield ' · KS '
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'ks')))
        yield '</p>\n'
    else:
        pass
        yield '<p class="no">AUC undefined: every outcome is of one class.</p>\n'
    yield '<p>Bands monotone: <a href="#bt/monotone" class="'
    yield escape(('yes' if environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'monotone') else 'no'))
    yield '">'
    yield escape(('yes' if environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'monotone') else 'no'))
    yield '</a>'
    if (not environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'monotone')):
        pass
        yield ' ('
        yield escape(t_1(context.eval_ctx, environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'breaks'), '; '))
        yield ')'
    yield '</p>\n<p>'
    yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getitem(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rec'), 'bt/cases')))
    yield ' cases with an outcome, '
    yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getitem(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rec'), 'bt/events')))
    yield ' events'
    if environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'without_outcome'):
        pass
        yield '; '
        yield escape(environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'without_outcome'))
        yield ' scored cases without an outcome left out'
    yield '</p>\n'
    for l_1_note in environment.getattr((undefined(name='b') if l_0_b is missing else l_0_b), 'notes'):
        _loop_vars = {}
        pass
        yield '<p class="muted"><small>'
        yield escape(l_1_note)
        yield '</small></p>'
    l_1_note = missing
    yield '</div>\n<div>\n<table>\n<caption>Observed event rate per band, in the rubric\'s order</caption>\n<thead><tr><th scope="col">band</th><th scope="col">cases</th><th scope="col">events</th><th scope="col">rate</th><th scope="col">Jeffreys 95 %</th><th scope="col">fitted PD</th><th scope="col">rate and interval</th></tr></thead>\n<tbody>\n'
    for l_1_x in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bands'):
        _loop_vars = {}
        pass
        yield '<tr><th scope="row"><a href="#behind/'
        yield escape(environment.getattr(l_1_x, 'band'))
        yield '">'
        yield escape(environment.getattr(l_1_x, 'band'))
        yield '</a></th><td class="n">'
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr(l_1_x, 'cases'), _loop_vars=_loop_vars))
        yield '</td><td class="n">'
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr(l_1_x, 'events'), _loop_vars=_loop_vars))
        yield '</td><td class="n">'
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr(l_1_x, 'rate'), _loop_vars=_loop_vars))
        yield '</td><td class="n">'
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr(l_1_x, 'interval'), _loop_vars=_loop_vars))
        yield '</td><td class="n">'
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr(l_1_x, 'pd'), _loop_vars=_loop_vars))
        yield '</td><td>'
        if environment.getattr(l_1_x, 'bar'):
            pass
            yield '<svg class="bars" width="'
            yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bar_w') + 10))
            yield '" height="16" viewBox="0 0 '
            yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bar_w') + 10))
            yield ' 16" role="img" aria-label="'
            yield escape(environment.getattr(l_1_x, 'band'))
            yield ': '
            yield escape(environment.getattr(environment.getattr(l_1_x, 'rate'), 'shown'))
            yield ', interval '
            yield escape(environment.getattr(environment.getattr(l_1_x, 'interval'), 'shown'))
            yield '"><rect class="bar" x="0" y="3" width="'
            yield escape(environment.getattr(environment.getattr(l_1_x, 'bar'), 'w'))
            yield '" height="10"/><line class="ci" x1="'
            yield escape(environment.getattr(environment.getattr(l_1_x, 'bar'), 'lo'))
            yield '" y1="8" x2="'
            yield escape(environment.getattr(environment.getattr(l_1_x, 'bar'), 'hi'))
            yield '" y2="8"/><line class="ci" x1="'
            yield escape(environment.getattr(environment.getattr(l_1_x, 'bar'), 'lo'))
            yield '" y1="3" x2="'
            yield escape(environment.getattr(environment.getattr(l_1_x, 'bar'), 'lo'))
            yield '" y2="13"/><line class="ci" x1="'
            yield escape(environment.getattr(environment.getattr(l_1_x, 'bar'), 'hi'))
            yield '" y1="3" x2="'
            yield escape(environment.getattr(environment.getattr(l_1_x, 'bar'), 'hi'))
            yield '" y2="13"/></svg>'
        yield '</td></tr>\n'
    l_1_x = missing
    yield '</tbody>\n</table>\n</div>\n</section>\n<section id="curves">\n<h2>ROC and CAP</h2>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'roc'):
        pass
        yield '<div class="plot">\n<figure><svg viewBox="-30 -10 '
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w') + 45))
        yield ' '
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 40))
        yield '" role="img" aria-label="ROC curve, AUC '
        yield escape(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'auc'), 'shown'))
        yield '"><rect class="axis" x="0" y="0" width="'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w'))
        yield '" height="'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h'))
        yield '"/><polyline class="ref" points="0,'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h'))
        yield ' '
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w'))
        yield ',0"/><polyline class="curve" points="'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'roc'))
        yield '"/><text x="0" y="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 14))
        yield '">0</text><text x="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w') - 8))
        yield '" y="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 14))
        yield '">1</text><text x="'
        yield escape(((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w') / 2) - 60))
        yield '" y="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 28))
        yield '">false-positive rate</text><text x="-26" y="10">1</text></svg>\n<figcaption>ROC: true-positive rate (events reached) against false-positive rate, cases riskiest first; area '
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'auc')))
        yield '</figcaption></figure>\n<figure><svg viewBox="-30 -10 '
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w') + 45))
        yield ' '
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 40))
        yield '" role="img" aria-label="CAP curve, Gini '
        yield escape(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'gini'), 'shown'))
        yield '"><rect class="axis" x="0" y="0" width="'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w'))
        yield '" height="'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h'))
        yield '"/><polyline class="ref" points="0,'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h'))
        yield ' '
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w'))
        yield ',0"/><polyline class="best" points="'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'perfect_cap'))
        yield '"/><polyline class="curve" points="'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'cap'))
        yield '"/><text x="0" y="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 14))
        yield '">0</text><text x="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w') - 8))
        yield '" y="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 14))
        yield '">1</text><text x="'
        yield escape(((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w') / 2) - 50))
        yield '" y="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 28))
        yield '">share of cases</text><text x="-26" y="10">1</text></svg>\n<figcaption>CAP: share of events against share of cases, riskiest first (dotted: a perfect score); accuracy ratio = Gini '
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'gini')))
        yield '</figcaption></figure>\n</div>\n<p>Mann–Whitney U '
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'u')))
        yield ', DeLong variance '
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'auc_variance')))
        yield '.</p>\n'
    else:
        pass
        yield '<p>No curve: every outcome is of one class.</p>'
    yield '</section>\n<section id="factors">\n<h2>Which factors carry the signal</h2>\n<table><thead><tr><th scope="col">factor</th><th scope="col">AUC of its own scores</th><th scope="col"></th></tr></thead><tbody>\n'
    for l_1_f in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'factors'):
        _loop_vars = {}
        pass
        yield '<tr><th scope="row"><code>'
        yield escape(environment.getattr(l_1_f, 'factor'))
        yield '</code></th><td class="n">'
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr(l_1_f, 'auc'), _loop_vars=_loop_vars))
        yield '</td><td>'
        if environment.getattr(l_1_f, 'wrong'):
            pass
            yield '<span class="wrong">points the wrong way (below 0.5)</span>'
        yield '</td></tr>\n'
    l_1_f = missing
    yield '</tbody></table>\n</section>\n<section id="calibration">\n<h2>Calibration</h2>\n'
    l_0_c = environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'calibration')
    context.vars['c'] = l_0_c
    context.exported_vars.add('c')
    if (undefined(name='c') if l_0_c is missing else l_0_c):
        pass
        yield '<p>'
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'fit')))
        yield '; Brier score '
        yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'brier')))
        if environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'hl'):
            pass
            yield '; Hosmer–Lemeshow '
            yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'hl')))
        yield '.</p>\n<div class="plot">\n<figure><svg viewBox="-30 -10 '
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w') + 45))
        yield ' '
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 40))
        yield '" role="img" aria-label="Reliability diagram"><rect class="axis" x="0" y="0" width="'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w'))
        yield '" height="'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h'))
        yield '"/><polyline class="ref" points="0,'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h'))
        yield ' '
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w'))
        yield ',0"/>'
        for l_1_p in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'dots'):
            _loop_vars = {}
            pass
            yield '<a href="#bt/reliability/'
            yield escape(environment.getattr(l_1_p, 'k'))
            yield '/rate"><circle cx="'
            yield escape(environment.getattr(l_1_p, 'x'))
            yield '" cy="'
            yield escape(environment.getattr(l_1_p, 'y'))
            yield '" r="4"/></a>'
        l_1_p = missing
        yield '<text x="0" y="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 14))
        yield '">0</text><text x="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w') - 30))
        yield '" y="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 14))
        yield '">'
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'axis'))
        yield '</text><text x="'
        yield escape(((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'w') / 2) - 50))
        yield '" y="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'h') + 28))
        yield '">mean fitted PD</text><text x="-28" y="10">'
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'axis'))
        yield '</text></svg>\n<figcaption>Reliability: observed rate against mean fitted PD per decile (dashed: perfect calibration)</figcaption></figure>\n<table><caption>Deciles of fitted PD</caption><thead><tr><th scope="col">decile</th><th scope="col">cases</th><th scope="col">events</th><th scope="col">expected (cases × PD)</th><th scope="col">mean PD</th><th scope="col">observed</th></tr></thead><tbody>\n'
        for l_1_row in environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'rows'):
            _loop_vars = {}
            pass
            yield '<tr><th scope="row">'
            yield escape(environment.getattr(l_1_row, 'k'))
            yield '</th><td class="n">'
            yield escape(environment.getattr(l_1_row, 'cases'))
            yield '</td><td class="n">'
            yield escape(environment.getattr(l_1_row, 'events'))
            yield '</td><td class="n">'
            yield escape(environment.getattr(l_1_row, 'expected'))
            yield '</td><td class="n">'
            yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr(l_1_row, 'pd'), _loop_vars=_loop_vars))
            yield '</td><td class="n">'
            yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr(l_1_row, 'rate'), _loop_vars=_loop_vars))
            yield '</td></tr>\n'
        l_1_row = missing
        yield '</tbody></table>\n</div>\n'
    else:
        pass
        yield '<p>Undefined: every outcome is of one class.</p>'
    yield '</section>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'stability'):
        pass
        yield '<section id="stability">\n<h2>Stability against the baseline</h2>\n<p class="muted">PSI below 0.1: stable; 0.1 to below 0.25: watch; 0.25 and above: shift.</p>\n'
        for l_1_s in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'stability'):
            _loop_vars = {}
            pass
            yield '<details><summary>PSI of <code>'
            yield escape(environment.getattr(l_1_s, 'what'))
            yield '</code> '
            yield escape(context.call((undefined(name='n') if l_0_n is missing else l_0_n), environment.getattr(l_1_s, 'psi'), _loop_vars=_loop_vars))
            yield ' <span class="'
            yield escape(('yes' if (environment.getattr(l_1_s, 'flag') == 'stable') else 'no'))
            yield '">'
            yield escape(environment.getattr(l_1_s, 'flag'))
            yield '</span></summary>\n<table><thead><tr><th scope="col">bin</th><th scope="col">baseline cases</th><th scope="col">current cases</th></tr></thead><tbody>\n'
            for (l_2_bin, l_2_e, l_2_a) in environment.getattr(l_1_s, 'bins'):
                _loop_vars = {}
                pass
                yield '<tr><th scope="row">'
                yield escape(l_2_bin)
                yield '</th><td class="n">'
                yield escape(l_2_e)
                yield '</td><td class="n">'
                yield escape(l_2_a)
                yield '</td></tr>\n'
            l_2_bin = l_2_e = l_2_a = missing
            yield '</tbody></table></details>\n'
        l_1_s = missing
        yield '</section>\n'
    yield '<section id="behind">\n<h2>Cases behind each band</h2>\n<p class="muted">Each event with its row of <code>'
    yield escape(environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'outcomes'))
    yield "</code>, the day it was observed, its source and locator; then the band's other cases as id and "
    yield escape(environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'score_name'))
    yield '.</p>\n'
    for l_1_x in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'behind'):
        _loop_vars = {}
        pass
        yield '<section id="behind/'
        yield escape(environment.getattr(l_1_x, 'band'))
        yield '"><h3>'
        yield escape(environment.getattr(l_1_x, 'band'))
        yield '</h3>\n<div id="bt/band/'
        yield escape(environment.getattr(l_1_x, 'band'))
        yield '">\n'
        if environment.getattr(l_1_x, 'events'):
            pass
            yield '<details><summary>'
            yield escape(t_2(environment.getattr(l_1_x, 'events')))
            yield ' events</summary><table><thead><tr><th scope="col">case</th><th scope="col">'
            yield escape(environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'score_name'))
            yield '</th><th scope="col">fitted PD</th><th scope="col">outcomes row</th><th scope="col">observed</th><th scope="col">source</th><th scope="col">locator</th></tr></thead><tbody>\n'
            for l_2_e in environment.getattr(l_1_x, 'events'):
                _loop_vars = {}
                pass
                yield '<tr><td><code>'
                yield escape(environment.getattr(l_2_e, 'case'))
                yield '</code></td><td class="n">'
                yield escape(environment.getattr(l_2_e, 'score'))
                yield '</td><td class="n">'
                yield escape(environment.getattr(l_2_e, 'pd'))
                yield '</td><td class="n">'
                yield escape(environment.getattr(l_2_e, 'row'))
                yield '</td><td>'
                yield escape(environment.getattr(l_2_e, 'observed'))
                yield '</td><td><a href="#source/'
                yield escape(environment.getattr(l_2_e, 'source'))
                yield '">'
                yield escape(environment.getattr(l_2_e, 'source'))
                yield '</a></td><td>'
                yield escape(environment.getattr(l_2_e, 'locator'))
                yield '</td></tr>\n'
            l_2_e = missing
            yield '</tbody></table></details>'
        else:
            pass
            yield '<p>No event.</p>'
        yield '<details><summary>the other cases</summary><p class="ids">'
        yield escape(environment.getattr(l_1_x, 'others'))
        yield '</p></details>\n</div></section>\n'
    l_1_x = missing
    yield '</section>\n<section id="records">\n<h2>How each number is computed</h2>\n'
    for l_1_r in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'records'):
        _loop_vars = {}
        pass
        yield '<div class="deriv" id="'
        yield escape(environment.getattr(l_1_r, 'id'))
        yield '"><h4><code>'
        yield escape(environment.getattr(l_1_r, 'id'))
        yield '</code> '
        yield escape(environment.getattr(l_1_r, 'label'))
        yield ' = '
        yield escape(environment.getattr(l_1_r, 'shown'))
        yield '</h4><p>'
        yield escape(environment.getattr(l_1_r, 'expression'))
        if environment.getattr(l_1_r, 'inputs'):
            pass
            yield ' ← '
            for l_2_i in environment.getattr(l_1_r, 'inputs'):
                _loop_vars = {}
                pass
                yield '<a href="#'
                yield escape(l_2_i)
                yield '">'
                yield escape(l_2_i)
                yield '</a> '
            l_2_i = missing
        yield '</p></div>\n'
    l_1_r = missing
    yield '</section>\n<section id="sources">\n<h2>Sources</h2>\n<p>Outcomes: <code>'
    yield escape(environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'outcomes'))
    yield '</code>, sha256 <code>'
    yield escape(environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'outcomes_sha256'))
    yield '</code>.</p>\n<ul>'
    for l_1_s in environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'sources'):
        _loop_vars = {}
        pass
        yield '<li id="source/'
        yield escape(environment.getattr(l_1_s, 'id'))
        yield '"><code>'
        yield escape(environment.getattr(l_1_s, 'id'))
        yield '</code>: '
        yield escape(environment.getattr(l_1_s, 'title'))
        if environment.getattr(l_1_s, 'publisher'):
            pass
            yield ', '
            yield escape(environment.getattr(l_1_s, 'publisher'))
        if environment.getattr(l_1_s, 'url'):
            pass
            yield ' — <a href="'
            yield escape(environment.getattr(l_1_s, 'url'))
            yield '" rel="noopener noreferrer">'
            yield escape(environment.getattr(l_1_s, 'url'))
            yield '</a>'
        yield '</li>\n'
    l_1_s = missing
    yield '</ul>\n</section>\n</body>\n</html>\n'

blocks = {}
debug_info = '4=25&5=49&6=58&9=65&10=67&13=79&17=83&21=89&22=92&23=94&24=96&28=104&29=114&30=124&37=132&44=180&46=183&47=209&48=211&49=239&51=241&57=249&62=263&63=266&64=269&66=277&69=315&74=337&78=340&79=344&81=352&88=367&89=371&90=375&91=379&92=381&93=388&95=414&101=418&106=446&107=450'
