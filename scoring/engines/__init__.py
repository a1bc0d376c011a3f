"""Engines that run the universe's parts elsewhere than in this process (docs/scale.md).

The in-process engine is ``analysis.universe.score_universe``: the parts of a universe
(``formats.universe.Universe.specs``), one after the other, each validated and scored by
``analysis.universe.score_part`` and gathered by ``analysis.universe.collect``. An engine here
runs the same ``score_part`` on each part somewhere else and hands the results, in order, to
the same ``collect``: it holds no step of the method, only the glue to a scheduler.
"""
