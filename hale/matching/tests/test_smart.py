import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hale.accounts.models import User
from hale.matching import actions, smart
from hale.matching.models import CareRelationship, Listing, MatchProfile
from hale.specialists.models import Specialist

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


def _profile(
    brand,
    name,
    *,
    languages="|en|",
    specs="|",
    areas="|",
    next_in=None,
    mask=0,
    load=0,
    accepting=True,
    listed=True,
    approved=True,
    regions=(),
):
    user = User.objects.create_user(email=f"{name.replace(' ', '.')}@example.com")
    s = Specialist.objects.create(
        user=user,
        display_name=name,
        status=Specialist.Status.APPROVED if approved else Specialist.Status.SUBMITTED,
        accepting_new_patients=accepting,
        licence_regions=list(regions),
    )
    Listing.objects.create(brand=brand, specialist=s, visibility="listed" if listed else "hidden")
    MatchProfile.objects.create(
        specialist=s,
        languages_key=languages,
        specialisations_key=specs,
        expertise_key=areas,
        accepting_new_patients=accepting,
        next_available_at=NOW + dt.timedelta(days=next_in) if next_in is not None else None,
        utc_parts_mask=mask,
        active_patients=load,
    )
    return s


def test_ranking_prefers_availability_then_time_overlap_then_low_load(brand_a):
    later = _profile(brand_a, "Dr Later", next_in=6)
    soon_busy = _profile(brand_a, "Dr Soon Busy", next_in=1, load=8)
    soon_free = _profile(brand_a, "Dr Soon Free", next_in=1, load=1)
    evening = _profile(brand_a, "Dr Evening", next_in=1, load=1, mask=8)
    answers = smart.Answers(preferred_times=("evening",), time_zone="UTC")
    ranked = [c.specialist for c in smart.rank(brand_a, answers, now=NOW)]
    assert ranked == [evening, soon_free, soon_busy, later]


def test_concerns_count_and_reasons_explain(brand_a):
    _profile(brand_a, "Dr Plain", next_in=1, languages="|en|es|")
    anxiety = _profile(brand_a, "Dr Anxiety", next_in=5, areas="|anxiety|", languages="|es|")
    answers = smart.Answers(language="es", concerns=("anxiety",))
    best = smart.rank(brand_a, answers, now=NOW)[0]
    assert best.specialist == anxiety
    assert "speaks Spanish" in best.reasons
    assert "available this week" in best.reasons
    assert "helps with what you mentioned" in best.reasons


def test_ranking_takes_two_queries_whatever_the_number(brand_a):
    for i in range(3):
        _profile(brand_a, f"Dr A{i}", next_in=i)
    with CaptureQueriesContext(connection) as few:
        smart.rank(brand_a, smart.Answers(language="en"), now=NOW)
    for i in range(20):
        _profile(brand_a, f"Dr B{i}", next_in=i % 9)
    with CaptureQueriesContext(connection) as many:
        smart.rank(brand_a, smart.Answers(language="en"), now=NOW)
    assert len(few) == len(many) == 2


LANGS = ["en", "es", "fr"]
SPECS = ["psy", "cbt", "fam"]
REGIONS = ["ES", "US", "US-CA", "US-NY", "FR"]
specialist_rows = st.lists(
    st.fixed_dictionaries(
        {
            "languages": st.sets(st.sampled_from(LANGS)),
            "specs": st.sets(st.sampled_from(SPECS)),
            "accepting": st.booleans(),
            "listed": st.booleans(),
            "approved": st.booleans(),
            "other_brand": st.booleans(),
            "next_in": st.none() | st.integers(0, 20),
            "load": st.integers(0, 60),
            "mask": st.integers(0, 15),
            "regions": st.sets(st.sampled_from(REGIONS)),
        }
    ),
    max_size=8,
)


class _Rollback(Exception):
    pass


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=specialist_rows,
    language=st.sampled_from(["", *LANGS]),
    spec=st.sampled_from(["", *SPECS]),
    times=st.sets(st.sampled_from(["morning", "afternoon", "evening"])),
    region=st.sampled_from(["", *REGIONS]),
)
def test_hard_constraints_are_never_violated(brand_a, brand_b, rows, language, spec, times, region):
    try:
        with transaction.atomic():
            eligible = set()
            for i, row in enumerate(rows):
                brand = brand_b if row["other_brand"] else brand_a
                s = _profile(
                    brand,
                    f"Dr H{i}",
                    languages="|" + "".join(f"{x}|" for x in sorted(row["languages"])),
                    specs="|" + "".join(f"{x}|" for x in sorted(row["specs"])),
                    next_in=row["next_in"],
                    load=row["load"],
                    mask=row["mask"],
                    accepting=row["accepting"],
                    listed=row["listed"],
                    approved=row["approved"],
                    regions=sorted(row["regions"]),
                )
                if (
                    brand == brand_a
                    and row["listed"]
                    and row["approved"]
                    and row["accepting"]
                    and (not language or language in row["languages"])
                    and (not spec or spec in row["specs"])
                    and (
                        not region
                        or region in row["regions"]
                        or region.split("-")[0] in row["regions"]
                    )
                ):
                    eligible.add(s.pk)
            answers = smart.Answers(
                language=language,
                specialisation=spec,
                preferred_times=tuple(sorted(times)),
                region=region,
            )
            found = smart.rank(brand_a, answers, now=NOW, limit=10)
            assert {c.specialist.pk for c in found} == eligible
            scores = [c.score for c in found]
            assert scores == sorted(scores, reverse=True)
            raise _Rollback
    except _Rollback:
        pass


def test_smart_brand_allocates_and_shows_why(brand_a, listed, specialist, patient_a, client_for):
    brand_a.discovery_mode = "smart"
    brand_a.save(update_fields=["discovery_mode"])
    actions.refresh_match_profiles()
    c = client_for(patient_a.user, "calm.localhost")
    assert c.get("/match/").status_code == 200
    response = c.post("/match/", {"language": "es", "preferred_times": ["morning"]})
    assert response.status_code == 302 and response["Location"] == "/match/result/"
    care = CareRelationship.objects.get(patient=patient_a)
    assert (care.specialist, care.source) == (specialist, "smart")
    page = c.get("/match/result/").content.decode()
    assert "speaks Spanish" in page and specialist.display_name in page


def test_smart_match_with_no_fit_says_so_and_allocates_nothing(
    brand_a, listed, patient_a, client_for
):
    brand_a.discovery_mode = "smart"
    brand_a.save(update_fields=["discovery_mode"])
    actions.refresh_match_profiles()
    response = client_for(patient_a.user, "calm.localhost").post("/match/", {"language": "fr"})
    assert response.status_code == 400
    assert "No specialist meets all your choices" in response.content.decode()
    assert not CareRelationship.objects.exists()


def test_guided_brand_shows_a_shortlist_to_choose_from(
    brand_a, listed, specialist, patient_a, client_for
):
    brand_a.discovery_mode = "guided"
    brand_a.save(update_fields=["discovery_mode"])
    actions.refresh_match_profiles()
    c = client_for(patient_a.user, "calm.localhost")
    page = c.post("/match/", {"language": "en"}).content.decode()
    assert f"/match/choose/{specialist.uuid}/" in page and "speaks English" in page
    assert not CareRelationship.objects.exists()
    # The reasons stored are the ranking's, not what the form posts.
    c.post(f"/match/choose/{specialist.uuid}/", {"reason": ["paid me to say so"]})
    care = CareRelationship.objects.get(patient=patient_a)
    shown = smart.rank(brand_a, smart.Answers(language="en"))[0].reasons
    assert (care.source, care.reasons) == ("guided", shown) and "speaks English" in shown


def test_staff_override_sets_the_specialist(
    brand_a, listed, specialist, patient_a, staff_a, staff_b, client_for
):
    url = "/staff/brands/calm/listings/assign/"
    data = {"patient": str(patient_a.uuid), "specialist": str(specialist.uuid)}
    assert client_for(staff_b).post(url, data).status_code == 404
    assert not CareRelationship.objects.exists()
    assert client_for(staff_a).post(url, data).status_code == 302
    assert CareRelationship.objects.get(patient=patient_a).source == "staff"
