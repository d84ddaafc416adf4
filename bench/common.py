"""Shared helpers for the benchmarks: Django set-up, median timings, peak memory, results file.

Every figure is a ratio to a baseline measured in the same run on the same data, since absolute
times on these shared 2-core machines are noisy. Results are merged into results/run.json (not
tracked) as a list of {"name", "value", "unit", "baseline", "ratio"}; with BENCH_RECORD=1 (what
``run_all.py --record`` sets) into results/latest.json, the tracked figures of record.
"""

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def results_path() -> Path:
    """Where this run's figures go: the figures of record only when asked to record (BENCH_RECORD=1)."""
    return RESULTS_DIR / ("latest.json" if os.environ.get("BENCH_RECORD") == "1" else "run.json")


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def median_seconds(action: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> float:
    # BENCH_REPEAT caps the runs (run_all.py --repeat): at S = 1.0 one baseline scan of the benefits takes
    # minutes, and five of each would take the hour.
    cap = int(os.environ.get("BENCH_REPEAT", "0"))
    if cap:
        repeat = min(repeat, cap)
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def record(name: str, value: float, unit: str, baseline: float | None, ratio: float | None = None) -> dict[str, Any]:
    """Merge one result into results_path() (replacing an earlier one of the same name).

    ``baseline=None`` records a figure given for context only (a wall time, a peak RSS): no ratio.
    """
    # run_all.py --suffix keeps the figures of runs on different datasets apart (e.g. "_s0_02").
    name += os.environ.get("BENCH_NAME_SUFFIX", "")
    if ratio is None and baseline:
        ratio = value / baseline
    entry = {
        "name": name,
        "value": round(value, 6),
        "unit": unit,
        "baseline": round(baseline, 6) if baseline is not None else None,
        "ratio": round(ratio, 4) if ratio is not None else None,
    }
    results = results_path()
    results.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(results.read_text()) if results.exists() else []
    merged = [item for item in existing if item["name"] != name] + [entry]
    results.write_text(json.dumps(sorted(merged, key=lambda item: item["name"]), indent=2) + "\n")
    return entry


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'benchmark':48} {'value':>12} {'baseline':>12} {'unit':>6} {'ratio':>8}")
    for row in rows:
        baseline = "" if row["baseline"] is None else f"{row['baseline']:>12.4f}"
        ratio = "" if row["ratio"] is None else f"{row['ratio']:>8.3f}"
        print(f"{row['name']:48} {row['value']:>12.4f} {baseline:>12} {row['unit']:>6} {ratio:>8}")
    print(f"peak RSS {peak_rss_mib():.0f} MiB")
