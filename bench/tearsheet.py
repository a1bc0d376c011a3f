"""Where the time of the Meta PDF tear sheet goes, in one process: importing WeasyPrint,
scoring (with analyses), the report model, the tear sheet's HTML, WeasyPrint's layout and
the PDF writing (font subsetting). Prints one line per run, with the page count and size.

Run: python bench/tearsheet.py [--runs N] (needs the pdf extra).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

CASE = Path(__file__).resolve().parent.parent / "evidence" / "meta-platforms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    runs = parser.parse_args().runs
    t = time.perf_counter()
    import weasyprint

    print(f"import weasyprint {time.perf_counter() - t:.2f} s")
    import scoring
    from scoring.report.model import build_report
    from scoring.report.tearsheet import build_tearsheet, render_html, url_fetcher

    for _ in range(runs):
        marks = [("start", time.perf_counter())]
        result = scoring.score(scoring.load_case(CASE))
        marks.append(("score", time.perf_counter()))
        page = build_report(result)
        marks.append(("report model", time.perf_counter()))
        html = render_html(build_tearsheet(page))
        marks.append(("tear sheet html", time.perf_counter()))
        document = weasyprint.HTML(string=html, url_fetcher=url_fetcher).render()
        marks.append(("layout", time.perf_counter()))
        pdf = document.write_pdf(pdf_identifier=True)
        marks.append(("pdf write", time.perf_counter()))
        steps = "; ".join(f"{name} {b - a:.2f} s" for (_, a), (name, b) in
                          zip(marks, marks[1:], strict=False))
        print(f"{steps}; {len(document.pages)} pages, {len(pdf)} bytes")


if __name__ == "__main__":
    main()
