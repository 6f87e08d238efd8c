"""Shared timing helpers for the benchmarks: figures are printed, never asserted."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


def p95(times: list[float]) -> float:
    """The 95th percentile by rank (no interpolation): with 20 runs, the 19th fastest."""
    ordered = sorted(times)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def measure(label: str, fn: Callable[[], Any], *, runs: int = 30, warmup: int = 3) -> dict[str, float]:
    """Run fn repeatedly in-process and print median / p95 server time and the query count."""
    for _ in range(warmup):
        fn()
    times = []
    queries = 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = max(queries, len(ctx.captured_queries))
    result = {"median_ms": statistics.median(times), "p95_ms": p95(times), "queries": queries}
    print(
        f"{label:<52} median {result['median_ms']:7.1f} ms   p95 {result['p95_ms']:7.1f} ms   queries {queries}",
        flush=True,
    )
    return result
