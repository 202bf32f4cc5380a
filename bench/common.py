"""Helpers for benchmarks: timing with warm-up, and query counting."""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def median_ms(fn, *, repeat: int = 30, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def result(name: str, value: float, unit: str, target: str) -> dict:
    return {"name": name, "value": round(value, 3), "unit": unit, "target": target}
