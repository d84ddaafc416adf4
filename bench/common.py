"""Shared helpers for the benchmarks: Django set-up, median timings, peak memory, results file.

Every figure is a ratio to a baseline measured in the same run on the same data, since absolute
times on these shared 2-core machines are noisy. Results are merged into results/latest.json
as a list of {"name", "value", "unit", "baseline", "ratio"}.
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
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def median_seconds(action: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> float:
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


def record(name: str, value: float, unit: str, baseline: float, ratio: float | None = None) -> dict[str, Any]:
    """Merge one result into results/latest.json (replacing an earlier one of the same name)."""
    entry = {
        "name": name,
        "value": round(value, 6),
        "unit": unit,
        "baseline": round(baseline, 6),
        "ratio": round(ratio if ratio is not None else (value / baseline if baseline else float("nan")), 4),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    merged = [item for item in existing if item["name"] != name] + [entry]
    RESULTS.write_text(json.dumps(sorted(merged, key=lambda item: item["name"]), indent=2) + "\n")
    return entry


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'benchmark':48} {'value':>12} {'baseline':>12} {'unit':>6} {'ratio':>8}")
    for row in rows:
        print(f"{row['name']:48} {row['value']:>12.4f} {row['baseline']:>12.4f} {row['unit']:>6} {row['ratio']:>8.3f}")
    print(f"peak RSS {peak_rss_mib():.0f} MiB")
