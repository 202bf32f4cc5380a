"""Run actions at the same moment from several threads, each with its own database
connection, and collect how each ended — for concurrency tests on PostgreSQL."""

import threading
from collections.abc import Callable

from django.db import connections


def race(attempts: list[Callable[[], object]], classify: Callable[[Exception], str]) -> list[str]:
    """Start every callable behind one barrier; return their outcomes, sorted: "applied" for
    those that returned, ``classify(exc)`` for those that raised."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(attempt):
        try:
            barrier.wait()
            attempt()
            result = "applied"
        except Exception as exc:  # noqa: BLE001 - classified and asserted on by the caller
            result = classify(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(outcomes)
