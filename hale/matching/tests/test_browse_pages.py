"""Browse is paginated, and next availability is computed for the page shown only."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hale.matching import access
from hale.matching.actions import refresh_match_profiles
from hale.matching.models import MatchProfile
from hale.matching.tests.test_browse_and_care import _add_specialists
from hale.scheduling import slots
from tests.html import page_structure

pytestmark = pytest.mark.django_db

CALM = "calm.localhost"


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(access, "RESULTS_PER_PAGE", 2)


@pytest.fixture
def computed_for(monkeypatch):
    """The ids next availability was computed for, request by request."""
    seen: list[set[int]] = []
    real = slots.next_available

    def spy(specialists, **kwargs):
        seen.append(set(specialists.values_list("pk", flat=True)))
        return real(specialists, **kwargs)

    monkeypatch.setattr(access, "next_available", spy)
    return seen


def _shown(response) -> list[str]:
    return re.findall(r">(Dr Extra \d+)</a></h3>", response.content.decode())


def test_browse_shows_one_page_and_links_the_next_keeping_filters(
    brand_a, operator, anonymous, small_pages, computed_for
):
    _add_specialists(brand_a, operator, 5)
    client = anonymous(CALM)
    first = client.get("/specialists/?language=en")
    assert _shown(first) == ["Dr Extra 0", "Dr Extra 1"]
    html = first.content.decode()
    assert "5 specialists" in html and "Page 1 of 3" in html
    assert '<nav class="pagination" aria-label="Pages of specialists">' in html
    assert 'rel="next" href="?language=en&amp;page=2"' in html
    assert page_structure(html).duplicate_ids == []
    assert [len(ids) for ids in computed_for] == [2]

    third = client.get("/specialists/?language=en&page=3")
    assert _shown(third) == ["Dr Extra 4"]
    assert 'rel="prev" href="?language=en&amp;page=2"' in third.content.decode()
    assert 'rel="next"' not in third.content.decode()
    assert len(computed_for[-1]) == 1


def test_browse_page_out_of_range_or_not_a_number_shows_a_real_page(
    brand_a, operator, anonymous, small_pages
):
    _add_specialists(brand_a, operator, 3)
    client = anonymous(CALM)
    assert _shown(client.get("/specialists/?page=99")) == ["Dr Extra 2"]
    assert _shown(client.get("/specialists/?page=abc")) == ["Dr Extra 0", "Dr Extra 1"]


def test_soon_computes_only_the_page_and_orders_by_next_time(
    brand_a, operator, anonymous, small_pages, computed_for
):
    made = _add_specialists(brand_a, operator, 5)
    refresh_match_profiles()
    earliest = timezone.now() - dt.timedelta(hours=1)
    MatchProfile.objects.filter(specialist=made[4]).update(next_available_at=earliest)
    MatchProfile.objects.filter(specialist=made[0]).update(next_available_at=None)
    response = anonymous(CALM).get("/specialists/?soon=on")
    assert _shown(response) == ["Dr Extra 4", "Dr Extra 1"]
    assert [len(ids) for ids in computed_for] == [2]
    assert "4 specialists" in response.content.decode()


def test_browse_queries_do_not_grow_with_pages_of_specialists(
    brand_a, operator, anonymous, small_pages
):
    _add_specialists(brand_a, operator, 1)
    client = anonymous(CALM)
    client.get("/specialists/")
    with CaptureQueriesContext(connection) as one:
        client.get("/specialists/?soon=on")
    _add_specialists(brand_a, operator, 8, start=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/specialists/?soon=on&page=2")
    assert len(_shown(response)) == 2
    assert len(many) == len(one)
