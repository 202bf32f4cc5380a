"""Smart-matching: the time to match one patient over 1,000 and over 10,000 listed
specialists with availability (target < 50 ms at 10k on PostgreSQL, a 10k/1k ratio well
under 10), with a query count that does not grow. Match profiles are precomputed by
``refresh_match_profiles`` (its time is printed too, it runs from cron / after changes).
"""

import datetime as dt
import time

from django.db import connection
from django.utils import timezone

from bench.common import count_queries, median_ms, result


def _specialists(start: int, count: int):
    from hale.accounts.models import User
    from hale.scheduling.models import SessionType, WeeklyRule
    from hale.specialists.models import Specialist

    zones = ["Europe/Madrid", "America/New_York", "Asia/Tokyo", "UTC"]
    langs = [["en"], ["en", "es"], ["en", "fr"], ["es"]]
    users = User.objects.bulk_create(
        User(email=f"bench.match{i}@example.com", time_zone=zones[i % 4])
        for i in range(start, start + count)
    )
    specialists = Specialist.objects.bulk_create(
        Specialist(
            user=u,
            display_name=f"Dr Match {start + i}",
            status=Specialist.Status.APPROVED,
            time_zone=zones[i % 4],
            languages=langs[i % 4],
        )
        for i, u in enumerate(users)
    )
    WeeklyRule.objects.bulk_create(
        WeeklyRule(
            specialist=s, weekday=d, start_time=dt.time(8 + i % 6), end_time=dt.time(14 + i % 6)
        )
        for i, s in enumerate(specialists)
        for d in range(5)
    )
    SessionType.objects.bulk_create(
        SessionType(specialist=s, name="Session", duration_minutes=50, price_minor=7000)
        for s in specialists
    )
    return specialists


def run() -> list[dict]:
    from hale.matching import smart
    from hale.matching.actions import refresh_match_profiles
    from hale.matching.models import Listing
    from hale.tenancy.models import Brand

    small, _ = Brand.objects.get_or_create(slug="bench-match-1k", defaults={"name": "1k"})
    large, _ = Brand.objects.get_or_create(slug="bench-match-10k", defaults={"name": "10k"})
    first = _specialists(0, 1000)
    rest = _specialists(1000, 9000)
    Listing.objects.bulk_create(Listing(brand=small, specialist=s) for s in first)
    Listing.objects.bulk_create(Listing(brand=large, specialist=s) for s in first + rest)
    started = time.perf_counter()
    refresh_match_profiles()
    refresh_ms = (time.perf_counter() - started) * 1000
    if connection.vendor == "postgresql":
        # Fresh bulk-loaded tables have no planner statistics yet (autovacuum would add them).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    now = timezone.now()
    answers = smart.Answers(
        language="en", preferred_times=("morning", "evening"), time_zone="Europe/London"
    )
    t1k = median_ms(lambda: smart.rank(small, answers, now=now), repeat=15)
    t10k = median_ms(lambda: smart.rank(large, answers, now=now), repeat=15)
    q1k = count_queries(lambda: smart.rank(small, answers, now=now))
    q10k = count_queries(lambda: smart.rank(large, answers, now=now))
    return [
        result("smart-match 1 patient / 1,000 listed", t1k, "ms", "-"),
        result("smart-match 1 patient / 10,000 listed", t10k, "ms", "< 50 ms (PostgreSQL)"),
        result("smart-match 10k/1k time ratio", t10k / t1k if t1k else 0, "x", "well under 10"),
        result("smart-match queries at 1k", q1k, "queries", "= queries at 10k"),
        result("smart-match queries at 10k", q10k, "queries", "constant"),
        result("refresh 10,000 match profiles", refresh_ms, "ms", "- (cron/precompute)"),
    ]
