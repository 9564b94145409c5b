"""Speed of the per-report and per-page work that `compare` and the web UI repeat: dates in a
report, bias flags of a report, the charts and the HTML page of a story.

Budgets (CPU time of this process, medians of ``--repeats`` runs after one warm-up run, so that
other work on a shared machine counts as little as it can):

- dates (``find_timexes``) in a report of 1,000 words: under 50 ms (target well under 10 ms);
- bias flags (``BiasFlagger``) of a report of 1,000 words: under 0.6 s;
- every chart of the founding example (2 reports): under 0.3 s;
- the HTML page of the founding example, charts included: under 0.35 s.

These were timed tests once; timing belongs in a benchmark (machines here are shared and
noisy), and a test only checks results.

    python benchmarks/bench_render.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "petro-trump"

BUDGETS = {"dates, 1,000 words": 0.05, "bias flags, 1,000 words": 0.6,
           "charts, founding example": 0.3, "HTML page, founding example": 0.35}  # fmt: skip


def cpu_median(work: Callable[[], object], repeats: int) -> float:
    """Median CPU seconds of ``work`` over ``repeats`` runs, after one warm-up run."""
    work()
    times = []
    for _ in range(repeats):
        began = time.process_time()
        work()
        times.append(time.process_time() - began)
    return statistics.median(times)


def report_of(sentence: str, words: int = 1000) -> str:
    return sentence * (words // len(sentence.split()) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from rashomon.framing import BiasFlagger
    from rashomon.readers import read_reports
    from rashomon.reconcile import Reconciler
    from rashomon.render.html import build_charts, comparison_extras, render_html
    from rashomon.timex import find_timexes

    published = "2026-01-05"
    dated = report_of("Officials said on Tuesday that talks held last month in Geneva would "
                      "resume next week, two years after the 2024 summit ended without a deal. ")
    slanted = report_of("Mr. Smith, who critics say allegedly misled voters, slammed the "
                        "“reform” on Monday in a speech. ")
    flagger = BiasFlagger()
    comparison = Reconciler().compare(read_reports([EXAMPLE]))
    extras = comparison_extras(comparison)

    figures = {
        "dates, 1,000 words": cpu_median(lambda: find_timexes(dated, published), args.repeats),
        "bias flags, 1,000 words": cpu_median(lambda: flagger(slanted), args.repeats),
        "charts, founding example": cpu_median(lambda: build_charts(comparison, extras),
                                               args.repeats),
        "HTML page, founding example": cpu_median(lambda: render_html(comparison, extras=extras),
                                                  args.repeats),
    }  # fmt: skip
    print(f"CPU time, median of {args.repeats} runs after a warm-up (budget in brackets):")
    for name, seconds in figures.items():
        budget = BUDGETS[name]
        verdict = "ok" if seconds <= budget else "OVER"
        print(f"  {name:30} {seconds * 1000:7.1f} ms   ({budget * 1000:.0f} ms)  {verdict}")


if __name__ == "__main__":
    main()
