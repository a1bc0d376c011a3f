"""The scoring method (docs/method.md), once, vectorised over cases, scenarios and items.

``kernel.score`` scores any number of cases in one pass from the tidy tables that
``formats/tables.py`` builds; ``judge`` applies gates, overrides and the coverage floor;
``weights`` computes item weights that cannot underflow. A single case is a universe of
one: it goes through exactly this code. Pure: no file I/O, no click, no jinja2.
"""

