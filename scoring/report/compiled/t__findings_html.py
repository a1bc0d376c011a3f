# Generated from scoring/report/templates/_findings.html by Jinja 3.1.6 (python .ci/compile_templates.py); do not edit.
FINGERPRINT = '2713ad1bb2ec1f396f6ce3470691fd84695980296c12987349f9d0a2c6679aa1'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_findings.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_page = resolve('page')
    l_0_fp = resolve('fp')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    pass
    l_1_loop = missing
    for l_1_s, l_1_loop in LoopContext(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'signoffs'), undefined):
        _loop_vars = {}
        pass
        yield '<p class="panel signoff'
        if (environment.getattr(l_1_s, 'state') != 'valid'):
            pass
            yield ' alarm'
        yield '" id="signoff/'
        yield escape(environment.getattr(l_1_loop, 'index'))
        yield '">'
        if (environment.getattr(l_1_s, 'state') == 'valid'):
            pass
            yield '<strong>Signed off by '
            yield escape(environment.getattr(l_1_s, 'reviewer'))
            yield ' on '
            yield escape(environment.getattr(l_1_s, 'date'))
            yield '</strong> (key <code>'
            yield escape(environment.getattr(l_1_s, 'keyid')[:16])
            yield '…</code>, <code>'
            yield escape(environment.getattr(l_1_s, 'path'))
            yield "</code>): the case's inputs are the ones signed."
        elif (environment.getattr(l_1_s, 'state') == 'stale'):
            pass
            yield '<strong>Sign-off stale: inputs changed since '
            yield escape(environment.getattr(l_1_s, 'date'))
            yield '</strong> (signed off by '
            yield escape(environment.getattr(l_1_s, 'reviewer'))
            yield ', key <code>'
            yield escape(environment.getattr(l_1_s, 'keyid')[:16])
            yield '…</code>, <code>'
            yield escape(environment.getattr(l_1_s, 'path'))
            yield '</code>): '
            yield escape(t_1(context.eval_ctx, environment.getattr(l_1_s, 'changed'), ', '))
            if environment.getattr(l_1_s, 'moves'):
                pass
                yield '; '
                yield escape(t_1(context.eval_ctx, environment.getattr(l_1_s, 'moves'), '; '))
            else:
                pass
                yield '; no composite or band moved'
            yield '.'
        else:
            pass
            yield '<strong>Sign-off not valid</strong> (<code>'
            yield escape(environment.getattr(l_1_s, 'path'))
            yield '</code>'
            if environment.getattr(l_1_s, 'reviewer'):
                pass
                yield ', says '
                yield escape(environment.getattr(l_1_s, 'reviewer'))
                yield ' on '
                yield escape(environment.getattr(l_1_s, 'date'))
            yield '): '
            yield escape(environment.getattr(l_1_s, 'problem'))
            yield '.'
        yield '</p>\n'
    l_1_loop = l_1_s = missing
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'findings'):
        pass
        l_0_fp = environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'findings')
        context.vars['fp'] = l_0_fp
        context.exported_vars.add('fp')
        yield '<div class="panel findings" id="findings" aria-labelledby="findings-h">\n<h3 id="findings-h">Review findings</h3>\n<p>'
        def t_2(fiter):
            for (l_1_status, l_1_count) in fiter:
                if l_1_count:
                    yield (l_1_status, l_1_count)
        l_1_loop = missing
        for (l_1_status, l_1_count), l_1_loop in LoopContext(t_2(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'counts')), undefined):
            _loop_vars = {}
            pass
            yield escape(l_1_count)
            yield ' '
            yield escape(l_1_status)
            if (not environment.getattr(l_1_loop, 'last')):
                pass
                yield ', '
        l_1_loop = l_1_status = l_1_count = missing
        yield ' in <code>'
        yield escape(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'path'))
        yield '</code>'
        if environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'alarms'):
            pass
            yield '; <strong class="alarm">'
            yield escape(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'alarms'))
            yield ' blocking finding'
            yield escape(('s' if (environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'alarms') != 1) else cond_expr_undefined("the inline if-expression on line 9 in '_findings.html' evaluated to false and no else section was defined.")))
            yield ' not settled</strong>'
        if environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'orphans'):
            pass
            yield '; <strong>'
            yield escape(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'orphans'))
            yield ' orphaned</strong>'
        yield '.</p>\n<ul>\n'
        l_1_loop = missing
        for l_1_f, l_1_loop in LoopContext(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'findings'), undefined):
            _loop_vars = {}
            pass
            yield '<li id="finding/'
            yield escape(environment.getattr(l_1_f, 'id'))
            yield '"'
            if environment.getattr(l_1_f, 'alarm'):
                pass
                yield ' class="alarm"'
            yield '><strong>'
            yield escape(environment.getattr(l_1_f, 'id'))
            yield '</strong> '
            yield escape(environment.getattr(l_1_f, 'severity'))
            yield ', '
            yield escape(environment.getattr(l_1_f, 'status'))
            yield ', on '
            if environment.getattr(l_1_f, 'orphaned'):
                pass
                yield '<code>'
                yield escape(environment.getattr(l_1_f, 'anchor'))
                yield '</code> <strong>orphaned</strong>: no number or item of this case has this id now'
                if environment.getattr(l_1_f, 'nearest'):
                    pass
                    yield ' (nearest: '
                    l_2_loop = missing
                    for l_2_x, l_2_loop in LoopContext(environment.getattr(l_1_f, 'nearest'), undefined):
                        _loop_vars = {}
                        pass
                        yield '<a href="#'
                        yield escape(l_2_x)
                        yield '"><code>'
                        yield escape(l_2_x)
                        yield '</code></a>'
                        if (not environment.getattr(l_2_loop, 'last')):
                            pass
                            yield ', '
                    l_2_loop = l_2_x = missing
                    yield ')'
            else:
                pass
                yield '<a href="#'
                yield escape(environment.getattr(l_1_f, 'target'))
                yield '"><code>'
                yield escape(environment.getattr(l_1_f, 'anchor'))
                yield '</code></a>'
                if environment.getattr(l_1_f, 'number'):
                    pass
                    yield ' = '
                    yield escape(environment.getattr(environment.getattr(l_1_f, 'number'), 'display'))
            yield ' · '
            yield escape(environment.getattr(l_1_f, 'author'))
            yield ', '
            yield escape(environment.getattr(l_1_f, 'date'))
            yield '\n'
            if environment.getattr(l_1_f, 'thread'):
                pass
                yield '<ol>'
                for l_2_c in environment.getattr(l_1_f, 'thread'):
                    _loop_vars = {}
                    pass
                    yield '<li>'
                    yield escape(environment.getattr(l_2_c, 'date'))
                    yield ' '
                    yield escape(environment.getattr(l_2_c, 'author'))
                    yield ': '
                    yield escape(environment.getattr(l_2_c, 'note'))
                    yield '</li>'
                l_2_c = missing
                yield '</ol>'
            yield '</li>\n'
        l_1_loop = l_1_f = missing
        yield '</ul>\n</div>\n'

blocks = {}
debug_info = '4=20&6=77&9=83&11=115&12=169'
