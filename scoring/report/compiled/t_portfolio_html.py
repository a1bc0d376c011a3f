# Generated from scoring/report/templates/portfolio.html by Jinja 3.1.6 (python .ci/compile_templates.py); do not edit.
FINGERPRINT = 'cdf2d7843fd24bd5c40dc9a3972b793a3e2f71096196e37f23924691f8216578'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'portfolio.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_page = resolve('page')
    l_0_script = resolve('script')
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    template = environment.get_template('_head.html', 'portfolio.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield '<body>\n<header>\n<h1>'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'title'))
    yield '</h1>\n<p class="muted">'
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'n_cases'))
    yield ' cases · rubric '
    l_1_loop = missing
    for (l_1_id, l_1_version), l_1_loop in LoopContext(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rubrics'), undefined):
        _loop_vars = {}
        pass
        yield '<code>'
        yield escape(l_1_id)
        yield '</code> '
        yield escape(l_1_version)
        if (not environment.getattr(l_1_loop, 'last')):
            pass
            yield ', '
    l_1_loop = l_1_id = l_1_version = missing
    yield ' · scenarios '
    l_1_loop = missing
    for l_1_sc, l_1_loop in LoopContext(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'scenarios'), undefined):
        _loop_vars = {}
        pass
        yield '<code>'
        yield escape(l_1_sc)
        yield '</code>'
        if (not environment.getattr(l_1_loop, 'last')):
            pass
            yield ', '
    l_1_loop = l_1_sc = missing
    yield '</p>\n<nav aria-label="Sections"><ul>\n<li><a href="#bands">Bands</a></li>\n<li><a href="#distribution">Distribution</a></li>\n<li><a href="#band-changes">Band changes</a></li>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'peer_grids'):
        pass
        yield '<li><a href="#peers">Peers</a></li>\n'
    yield '<li><a href="#cases">Cases</a></li>\n<li><a href="#run-record">Run record</a></li>\n</ul></nav>\n</header>\n<main>\n<section id="bands" aria-labelledby="bands-h">\n<h2 id="bands-h">Cases per band</h2>\n<p class="panel">Each case has its own page (linked from its id below) with every number traced to its evidence and sources. Composites are on the rubric\'s scale (higher = more risk); coverage is the share of factor weight held by sourced evidence.</p>\n<div class="wrap"><table>\n<caption>Number of cases in each band, per scenario</caption>\n<thead><tr><th scope="col">Scenario</th>'
    for l_1_b in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'bands'):
        _loop_vars = {}
        pass
        yield '<th scope="col">'
        yield escape(l_1_b)
        yield '</th>'
    l_1_b = missing
    yield '</tr></thead>\n<tbody>\n'
    for l_1_bc in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'band_counts'):
        _loop_vars = {}
        pass
        yield '<tr><th scope="row"><code>'
        yield escape(environment.getattr(l_1_bc, 'scenario'))
        yield '</code></th>'
        for l_2_n in environment.getattr(l_1_bc, 'counts'):
            _loop_vars = {}
            pass
            yield '<td class="n">'
            yield escape(l_2_n)
            yield '</td>'
        l_2_n = missing
        yield '</tr>\n'
    l_1_bc = missing
    yield '</tbody>\n</table></div>\n</section>\n<section id="distribution" aria-labelledby="distribution-h">\n<h2 id="distribution-h">Distribution of composites</h2>\n'
    for l_1_ch in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'charts'):
        _loop_vars = {}
        pass
        yield '<figure id="distribution/'
        yield escape(environment.getattr(l_1_ch, 'scenario'))
        yield '">\n<svg class="chart" role="img" aria-labelledby="hist-'
        yield escape(environment.getattr(l_1_ch, 'scenario'))
        yield '" width="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'chart_width') + 20))
        yield '" height="'
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'chart_height') + 36))
        yield '" viewBox="-10 -4 '
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'chart_width') + 20))
        yield ' '
        yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'chart_height') + 36))
        yield '">\n<title id="hist-'
        yield escape(environment.getattr(l_1_ch, 'scenario'))
        yield '">Composites of the '
        yield escape(environment.getattr(l_1_ch, 'n_cases'))
        yield ' cases in '
        yield escape(environment.getattr(l_1_ch, 'scenario'))
        yield ' (median '
        yield escape(environment.getattr(l_1_ch, 'median'))
        yield '), by bins of the scale</title>\n'
        for l_2_b in environment.getattr(l_1_ch, 'bars'):
            _loop_vars = {}
            pass
            yield '<rect class="bar seg-'
            yield escape(environment.getattr(l_2_b, 'band_rank'))
            yield '" x="'
            yield escape(environment.getattr(l_2_b, 'x'))
            yield '" y="'
            yield escape(environment.getattr(l_2_b, 'y'))
            yield '" width="'
            yield escape(environment.getattr(l_2_b, 'width'))
            yield '" height="'
            yield escape(environment.getattr(l_2_b, 'height'))
            yield '"><title>'
            yield escape(environment.getattr(l_2_b, 'label'))
            yield ': '
            yield escape(environment.getattr(l_2_b, 'count'))
            yield ' cases</title></rect>\n'
        l_2_b = missing
        for (l_2_x, l_2_name) in environment.getattr(l_1_ch, 'ticks'):
            _loop_vars = {}
            pass
            yield '<line class="tick" x1="'
            yield escape(l_2_x)
            yield '" x2="'
            yield escape(l_2_x)
            yield '" y1="0" y2="'
            yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'chart_height') + 4))
            yield '"></line><text x="'
            yield escape((l_2_x + 2))
            yield '" y="'
            yield escape((environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'chart_height') + 18))
            yield '">'
            yield escape(l_2_name)
            yield '</text>\n'
        l_2_x = l_2_name = missing
        yield '</svg>\n<figcaption><code>'
        yield escape(environment.getattr(l_1_ch, 'scenario'))
        yield '</code>: '
        yield escape(environment.getattr(l_1_ch, 'n_cases'))
        yield ' cases, median composite '
        yield escape(environment.getattr(l_1_ch, 'median'))
        yield '; tallest bar '
        yield escape(environment.getattr(l_1_ch, 'max_count'))
        yield ' cases. Bars are bins of the scale, coloured by the band they start in.</figcaption>\n</figure>\n'
    l_1_ch = missing
    yield '</section>\n<section id="band-changes" aria-labelledby="band-changes-h">\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'compared'):
        pass
        yield '<h2 id="band-changes-h">Cases whose band differs between <code>base</code> and <code>'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'compared'))
        yield '</code> ('
        yield escape(t_1(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'band_changes')))
        yield ')</h2>\n'
        if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'band_changes'):
            pass
            yield '<div class="wrap"><table class="sortable">\n<thead><tr><th scope="col">Case</th><th scope="col">Entity</th><th scope="col">base</th><th scope="col">band</th><th scope="col">'
            yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'compared'))
            yield '</th><th scope="col">band</th><th scope="col">Change</th></tr></thead>\n<tbody>\n'
            for l_1_c in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'band_changes'):
                _loop_vars = {}
                pass
                yield '<tr><th scope="row"><a href="'
                yield escape(environment.getattr(l_1_c, 'href'))
                yield '">'
                yield escape(environment.getattr(l_1_c, 'id'))
                yield '</a></th><td>'
                yield escape(environment.getattr(l_1_c, 'entity'))
                yield '</td><td class="n">'
                yield escape(environment.getattr(l_1_c, 'base_composite'))
                yield '</td><td>'
                yield escape(environment.getattr(l_1_c, 'base_band'))
                yield '</td><td class="n">'
                yield escape(environment.getattr(l_1_c, 'other_composite'))
                yield '</td><td>'
                yield escape(environment.getattr(l_1_c, 'other_band'))
                yield '</td><td class="n" data-v="'
                yield escape(environment.getattr(l_1_c, 'change_raw'))
                yield '">'
                yield escape(environment.getattr(l_1_c, 'change'))
                yield '</td></tr>\n'
            l_1_c = missing
            yield '</tbody>\n</table></div>'
        else:
            pass
            yield '<p>Every case stays in its band.</p>'
    else:
        pass
        yield '<h2 id="band-changes-h">Band changes</h2>\n<p>The universe has no <code>bear</code> scenario to compare with <code>base</code>.</p>\n'
    yield '</section>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'migration_dates'):
        pass
        yield '<section id="migrations" aria-labelledby="migrations-h">\n<h2 id="migrations-h">Band migrations from '
        yield escape(environment.getitem(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'migration_dates'), 0))
        yield ' to '
        yield escape(environment.getitem(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'migration_dates'), 1))
        yield ' ('
        yield escape(t_1(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'migrations')))
        yield ')</h2>\n<p>Each case scored at both dates with only what had been observed by then (<code>scoring history CASE --as-of '
        yield escape(environment.getitem(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'migration_dates'), 0))
        yield ','
        yield escape(environment.getitem(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'migration_dates'), 1))
        yield '</code> derives each number); the rows are the cases and scenarios whose band moved.</p>\n'
        if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'migrations'):
            pass
            yield '<div class="wrap"><table class="sortable">\n<thead><tr><th scope="col">Case</th><th scope="col">Entity</th><th scope="col">Scenario</th><th scope="col">'
            yield escape(environment.getitem(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'migration_dates'), 0))
            yield '</th><th scope="col">band</th><th scope="col">'
            yield escape(environment.getitem(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'migration_dates'), 1))
            yield '</th><th scope="col">band</th><th scope="col">Change</th></tr></thead>\n<tbody>\n'
            for l_1_m in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'migrations'):
                _loop_vars = {}
                pass
                yield '<tr><th scope="row"><a href="'
                yield escape(environment.getattr(l_1_m, 'href'))
                yield '">'
                yield escape(environment.getattr(l_1_m, 'id'))
                yield '</a></th><td>'
                yield escape(environment.getattr(l_1_m, 'entity'))
                yield '</td><td><code>'
                yield escape(environment.getattr(l_1_m, 'scenario'))
                yield '</code></td><td class="n">'
                yield escape(environment.getattr(l_1_m, 'first_composite'))
                yield '</td><td>'
                yield escape(environment.getattr(l_1_m, 'first_band'))
                yield '</td><td class="n">'
                yield escape(environment.getattr(l_1_m, 'last_composite'))
                yield '</td><td>'
                yield escape(environment.getattr(l_1_m, 'last_band'))
                yield '</td><td class="n" data-v="'
                yield escape(environment.getattr(l_1_m, 'change_raw'))
                yield '">'
                yield escape(environment.getattr(l_1_m, 'change'))
                yield '</td></tr>\n'
            l_1_m = missing
            yield '</tbody>\n</table></div>'
        else:
            pass
            yield '<p>No case moved band between the two dates.</p>'
        yield '</section>\n'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'peer_grids'):
        pass
        yield '<section id="peers" aria-labelledby="peers-h">\n<h2 id="peers-h">Peers</h2>\n<p class="panel">Each case among the cases of its peer group, per scenario: the composite and each factor score (a link to its derivation on the case page), tinted by the band it falls in, with the case\'s rank in its group (1 = the highest risk; ties share the best rank) and its percentile (the share of the group at or below it), each a link to its derivation; the last row of a group is its median.'
        if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'n_ungrouped'):
            pass
            yield ' '
            yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'n_ungrouped'))
            yield ' case'
            yield escape(('s name' if (environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'n_ungrouped') != 1) else ' names'))
            yield ' no peer group and '
            yield escape(('are' if (environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'n_ungrouped') != 1) else 'is'))
            yield ' not shown here.'
        yield '</p>\n<p class="legend">Bands: '
        for (l_1_b, l_1_tone) in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'band_tones'):
            _loop_vars = {}
            pass
            yield '<span class="tone-'
            yield escape(l_1_tone)
            yield '">'
            yield escape(l_1_b)
            yield '</span>'
        l_1_b = l_1_tone = missing
        yield '</p>\n'
        l_1_loop = missing
        for l_1_g, l_1_loop in LoopContext(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'peer_grids'), undefined):
            _loop_vars = {}
            pass
            yield '<details id="peers/'
            yield escape(environment.getattr(l_1_g, 'scenario'))
            yield '"'
            if environment.getattr(l_1_loop, 'first'):
                pass
                yield ' open'
            yield '><summary><code>'
            yield escape(environment.getattr(l_1_g, 'scenario'))
            yield '</code>: '
            yield escape(t_1(environment.getattr(l_1_g, 'groups')))
            yield ' peer group'
            yield escape(('s' if (t_1(environment.getattr(l_1_g, 'groups')) != 1) else cond_expr_undefined("the inline if-expression on line 69 in 'portfolio.html' evaluated to false and no else section was defined.")))
            yield '</summary>\n<div class="wrap"><table class="grid">\n<caption>Peer grid, <code>'
            yield escape(environment.getattr(l_1_g, 'scenario'))
            yield '</code></caption>\n<thead><tr><th scope="col">Case</th><th scope="col">Entity</th>'
            for l_2_c in environment.getattr(l_1_g, 'columns'):
                _loop_vars = {}
                pass
                yield '<th scope="col">'
                yield escape(l_2_c)
                yield '</th>'
            l_2_c = missing
            yield '</tr></thead>\n'
            for l_2_grp in environment.getattr(l_1_g, 'groups'):
                _loop_vars = {}
                pass
                yield '<tbody>\n<tr><th class="group" scope="rowgroup" colspan="'
                yield escape((t_1(environment.getattr(l_1_g, 'columns')) + 2))
                yield '">'
                yield escape(environment.getattr(l_2_grp, 'name'))
                yield ' ('
                yield escape(t_1(environment.getattr(l_2_grp, 'rows')))
                yield ' case'
                yield escape(('s' if (t_1(environment.getattr(l_2_grp, 'rows')) != 1) else cond_expr_undefined("the inline if-expression on line 74 in 'portfolio.html' evaluated to false and no else section was defined.")))
                yield ')</th></tr>\n'
                for l_3_r in environment.getattr(l_2_grp, 'rows'):
                    _loop_vars = {}
                    pass
                    yield '<tr><th scope="row"><a href="'
                    yield escape(environment.getattr(l_3_r, 'href'))
                    yield '">'
                    yield escape(environment.getattr(l_3_r, 'id'))
                    yield '</a></th><td>'
                    yield escape(environment.getattr(l_3_r, 'entity'))
                    yield '</td>'
                    for l_4_c in environment.getattr(l_3_r, 'cells'):
                        _loop_vars = {}
                        pass
                        if l_4_c:
                            pass
                            yield '<td class="n tone-'
                            yield escape(environment.getattr(l_4_c, 'tone'))
                            yield '" title="'
                            yield escape(environment.getattr(l_4_c, 'band'))
                            yield '"><a href="'
                            yield escape(environment.getattr(l_4_c, 'href'))
                            yield '" data-v="'
                            yield escape(environment.getattr(l_4_c, 'raw'))
                            yield '">'
                            yield escape(environment.getattr(l_4_c, 'value'))
                            yield '</a><small><a href="'
                            yield escape(environment.getattr(l_4_c, 'rank_href'))
                            yield '">#'
                            yield escape(environment.getattr(l_4_c, 'rank'))
                            yield '</a> · <a href="'
                            yield escape(environment.getattr(l_4_c, 'percentile_href'))
                            yield '" data-v="'
                            yield escape(environment.getattr(l_4_c, 'percentile_raw'))
                            yield '">'
                            yield escape(environment.getattr(l_4_c, 'percentile'))
                            yield '</a></small></td>'
                        else:
                            pass
                            yield '<td>—</td>'
                    l_4_c = missing
                    yield '</tr>\n'
                l_3_r = missing
                yield '<tr class="median"><th scope="row" colspan="2">median</th>'
                for l_3_m in environment.getattr(l_2_grp, 'medians'):
                    _loop_vars = {}
                    pass
                    if l_3_m:
                        pass
                        yield '<td class="n"><a href="'
                        yield escape(environment.getattr(l_3_m, 'href'))
                        yield '" data-v="'
                        yield escape(environment.getattr(l_3_m, 'raw'))
                        yield '">'
                        yield escape(environment.getattr(l_3_m, 'value'))
                        yield '</a></td>'
                    else:
                        pass
                        yield '<td>—</td>'
                l_3_m = missing
                yield '</tr>\n</tbody>\n'
            l_2_grp = missing
            yield '</table></div>\n</details>\n'
        l_1_loop = l_1_g = missing
        yield '</section>\n'
    yield '<section id="cases" aria-labelledby="cases-h">\n<h2 id="cases-h">Cases ('
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'n_cases'))
    yield ')</h2>\n<p class="muted" id="cases-help">Sorted by case id. Each number keeps its exact value in <code>data-v</code>.</p>\n<div class="wrap"><table class="sortable" id="case-table">\n<thead><tr><th scope="col">Case</th><th scope="col">Entity</th>'
    for l_1_sc in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'scenarios'):
        _loop_vars = {}
        pass
        yield '<th scope="col"><code>'
        yield escape(l_1_sc)
        yield '</code> composite</th><th scope="col">band</th><th scope="col">coverage</th>'
    l_1_sc = missing
    yield '</tr></thead>\n<tbody>\n'
    for l_1_r in environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'rows'):
        _loop_vars = {}
        pass
        yield '<tr><th scope="row"><a href="'
        yield escape(environment.getattr(l_1_r, 'href'))
        yield '">'
        yield escape(environment.getattr(l_1_r, 'id'))
        yield '</a></th><td>'
        yield escape(environment.getattr(l_1_r, 'entity'))
        yield '</td>'
        for l_2_c in environment.getattr(l_1_r, 'cells'):
            _loop_vars = {}
            pass
            if l_2_c:
                pass
                yield '<td class="n" data-v="'
                yield escape(environment.getattr(l_2_c, 'composite_raw'))
                yield '">'
                yield escape(environment.getattr(l_2_c, 'composite'))
                yield '</td><td data-v="'
                yield escape(environment.getattr(l_2_c, 'band_rank'))
                yield '">'
                yield escape(environment.getattr(l_2_c, 'band'))
                yield '</td><td class="n" data-v="'
                yield escape(environment.getattr(l_2_c, 'coverage_raw'))
                yield '">'
                yield escape(environment.getattr(l_2_c, 'coverage'))
                yield '</td>'
            else:
                pass
                yield '<td>—</td><td>—</td><td>—</td>'
        l_2_c = missing
        yield '</tr>\n'
    l_1_r = missing
    yield '</tbody>\n</table></div>\n</section>\n<section id="run-record" aria-labelledby="run-h">\n<h2 id="run-h">Run record</h2>\n<p>Engine <code>scoring '
    yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'engine_version'))
    yield '</code>'
    if environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'generated_at'):
        pass
        yield ' · generated <time datetime="'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'generated_at'))
        yield '">'
        yield escape(environment.getattr((undefined(name='page') if l_0_page is missing else l_0_page), 'generated_at'))
        yield '</time>'
    yield '. Each case page records its own input files and their SHA-256.</p>\n</section>\n</main>\n<script>'
    yield escape((undefined(name='script') if l_0_script is missing else l_0_script))
    yield '</script>\n</body>\n</html>\n'

blocks = {}
debug_info = '2=19&5=26&6=28&11=55&22=59&24=67&30=83&31=87&32=89&33=99&34=107&35=126&37=144&42=154&43=157&44=161&45=164&47=166&55=197&56=200&57=206&58=210&59=213&61=217&65=247&67=250&68=260&69=271&71=287&72=289&73=297&74=301&75=309&76=352&82=374&85=376&87=384&93=419&96=429'
