"""The analyst's desk: what starts and feeds a case rather than reads one.

``skeleton`` writes a new case from its rubric (``scoring new``); ``source_list`` and
``source_import`` turn a document's numbered source list into draft sources
(``scoring sources import``); ``gitrev`` checks a case out at a git revision (``scoring diff
--against``); ``synthetic`` writes synthetic universes for the benchmarks and tests. Each uses
``formats/`` to read and validate what it writes; ``formats/`` never imports the desk.
"""
