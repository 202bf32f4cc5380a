"""The approved() QuerySet, the vocabularies and photo storage names."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from conftest import make_user
from hale.specialists.models import ExpertiseArea, Specialisation, Specialist, photo_upload_to
from hale.specialists.vocabulary import EXPERTISE_AREAS, SPECIALISATIONS

STATUSES = [value for value, _label in Specialist.Status.choices]


class ApprovedQuerySetTests(TestCase):
    """Whatever mix of states exists, approved() returns exactly the approved profiles."""

    @settings(max_examples=25, deadline=None)
    @given(statuses=st.lists(st.sampled_from(STATUSES), max_size=8))
    def test_approved_returns_exactly_the_approved_profiles(self, statuses):
        created = []
        for i, status in enumerate(statuses):
            user = make_user(f"s{i}@example.com")
            created.append(
                Specialist.objects.create(user=user, display_name=f"S{i}", status=status)
            )
        approved = set(Specialist.objects.approved().values_list("pk", flat=True))
        assert approved == {s.pk for s in created if s.status == Specialist.Status.APPROVED}


@pytest.mark.parametrize("status", [s for s in STATUSES if s != Specialist.Status.APPROVED])
def test_approved_excludes_every_other_state(db, status):
    user = make_user("x@example.com")
    Specialist.objects.create(user=user, display_name="X", status=status)
    assert not Specialist.objects.approved().exists()


def test_vocabularies_are_seeded_by_migration(db):
    assert set(Specialisation.objects.values_list("slug", flat=True)) >= {
        slug for slug, _name in SPECIALISATIONS
    }
    assert set(ExpertiseArea.objects.values_list("slug", flat=True)) >= {
        slug for slug, _name in EXPERTISE_AREAS
    }


def test_vocabulary_labels_are_translated(db):
    from django.utils import translation

    area = ExpertiseArea.objects.get(slug="anxiety")
    with translation.override("en"):
        assert area.label == "Anxiety"
    assert str(area) == area.label


def test_photo_names_are_random_and_keep_the_extension():
    first = photo_upload_to(None, "My Face.JPG")
    second = photo_upload_to(None, "My Face.JPG")
    assert first.startswith("specialists/photos/") and first.endswith(".jpg")
    assert first != second
    assert "Face" not in first
