import pytest

from hale.matching import actions, licences, questionnaire, smart
from hale.matching.models import CareRelationship, Program
from hale.matching.questionnaire import Question
from hale.matching.tests.test_programs import _member
from hale.matching.tests.test_smart import NOW, _profile
from hale.specialists import actions as specialist_actions
from hale.specialists.forms import PracticeForm, ProfileForm
from hale.specialists.models import Specialist

pytestmark = pytest.mark.django_db
CALM = "calm.localhost"


def test_region_is_a_hard_constraint_and_a_reason(brand_a):
    spain = _profile(brand_a, "Dr Spain", next_in=1, regions=["ES"])
    _profile(brand_a, "Dr France", next_in=0, regions=["FR"])
    _profile(brand_a, "Dr Nowhere", next_in=0)
    us = _profile(brand_a, "Dr US", next_in=2, regions=["US"])
    found = smart.rank(brand_a, smart.Answers(region="ES"), now=NOW)
    assert [c.specialist for c in found] == [spain]
    assert "licensed in your region" in found[0].reasons
    # A country-wide licence covers the country's subdivisions, not the other way round.
    assert [c.specialist for c in smart.rank(brand_a, smart.Answers(region="US-CA"), now=NOW)] == [
        us
    ]
    assert smart.rank(brand_a, smart.Answers(region="CA"), now=NOW) == []


def test_without_a_region_nobody_is_excluded(brand_a):
    _profile(brand_a, "Dr Spain", regions=["ES"])
    _profile(brand_a, "Dr Nowhere")
    assert len(smart.rank(brand_a, smart.Answers(), now=NOW)) == 2


def _guided_brand_with_region(brand, staff, region):
    brand.discovery_mode = "guided"
    brand.save(update_fields=["discovery_mode"])
    questionnaire.save_questionnaire(
        brand=brand,
        questions=[Question(key=k) for k in questionnaire.QUESTION_KEYS],
        concerns=[],
        region=region,
        acting_user=staff,
    )


def test_guided_matching_uses_the_brand_region_and_refuses_a_guessed_choice(
    brand_a, listed, specialist, patient_a, staff_a, client_for
):
    _guided_brand_with_region(brand_a, staff_a, "es")  # stored upper-case
    actions.refresh_match_profiles()
    assert licences.brand_region(brand_a) == "ES"
    c = client_for(patient_a.user, CALM)
    page = c.post("/match/", {"language": "en"}).content.decode()
    assert "No specialist meets all your choices" in page
    response = c.post(f"/match/choose/{specialist.uuid}/")
    assert response.status_code == 404
    assert not CareRelationship.objects.exists()

    specialist.licence_regions = ["ES"]
    specialist.save(update_fields=["licence_regions"])
    page = c.post("/match/", {"language": "en"}).content.decode()
    assert f"/match/choose/{specialist.uuid}/" in page and "licensed in your region" in page


def test_a_bad_brand_region_is_refused(brand_a, staff_a, client_for):
    from hale.matching.tests.test_questionnaire import _post_data

    response = client_for(staff_a).post(
        f"/staff/brands/{brand_a.slug}/questionnaire/", _post_data(region="Spain")
    )
    assert response.status_code == 400
    assert "ISO region code" in response.content.decode()
    assert licences.brand_region(brand_a) == ""


def test_specialist_declares_licence_regions(db):
    form = PracticeForm(
        {
            "modalities": ["video"],
            "licence_regions": "es, us-ca; ES",
            "accepting_new_patients": "on",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["licence_regions"] == ["ES", "US-CA"]
    assert not PracticeForm({"modalities": ["video"], "licence_regions": "Spain"}).is_valid()


def test_intro_video_must_be_https_and_is_shown_as_a_link(brand_a, listed, specialist, anonymous):
    assert not ProfileForm({"bio": "x" * 200, "intro_video_url": "http://v.example/a"}).is_valid()
    form = ProfileForm({"bio": "x" * 200, "intro_video_url": "https://v.example/a"})
    assert form.is_valid(), form.errors
    specialist.intro_video_url = form.cleaned_data["intro_video_url"]
    specialist.save(update_fields=["intro_video_url"])
    page = anonymous(CALM).get(f"/specialists/{specialist.uuid}/").content.decode()
    assert 'href="https://v.example/a"' in page and "Watch the introduction" in page


def test_onboarding_saves_regions_and_video(db):
    from conftest import make_user

    s = Specialist.objects.create(user=make_user("new.dr@example.com"), display_name="Dr New")
    specialist_actions.save_onboarding_step(
        specialist=s,
        step="practice",
        data={"modalities": ["video"], "licence_regions": ["ES"], "accepting_new_patients": True},
    )
    s.refresh_from_db()
    assert s.licence_regions == ["ES"]


@pytest.mark.parametrize("mode", ["guided", "browse", "smart"])
def test_program_flow_keeps_to_the_brand_region(
    mode, acme, brand_a, listed, specialist, patient_a, staff_a, client_for
):
    _guided_brand_with_region(brand_a, staff_a, "ES")
    Program.objects.filter(pk=acme.pk).update(matching_mode=mode)
    program = Program.objects.get(pk=acme.pk)
    _member(program, patient_a)
    actions.refresh_match_profiles()
    c = client_for(patient_a.user, CALM)
    choose = f"/programs/{program.uuid}/choose/{specialist.uuid}/"
    match = f"/programs/{program.uuid}/match/"
    page = c.get(match) if mode == "browse" else c.post(match, {"language": "en"})
    assert choose not in page.content.decode()
    assert c.post(choose).status_code == 404
    assert not CareRelationship.objects.exists()

    specialist.licence_regions = ["ES"]
    specialist.save(update_fields=["licence_regions"])
    actions.refresh_match_profiles()
    page = c.get(match) if mode == "browse" else c.post(match, {"language": "en"})
    if mode == "smart":
        assert page.status_code == 302
    else:
        assert choose in page.content.decode()
        assert c.post(choose).status_code == 302
    assert CareRelationship.objects.get(patient=patient_a).specialist == specialist


def test_browse_and_profiles_show_only_specialists_licensed_for_the_region(
    brand_a, listed, specialist, patient_a, staff_a, client_for
):
    _guided_brand_with_region(brand_a, staff_a, "US-CA")
    brand_a.discovery_mode = "browse"
    brand_a.save(update_fields=["discovery_mode"])
    c = client_for(patient_a.user, CALM)
    profile = f"/specialists/{specialist.uuid}/"
    assert specialist.display_name not in c.get("/specialists/").content.decode()
    assert c.get(profile).status_code == 404
    specialist.licence_regions = ["US"]  # the country's licence covers California
    specialist.save(update_fields=["licence_regions"])
    assert specialist.display_name in c.get("/specialists/").content.decode()
    assert c.get(profile).status_code == 200


def test_start_care_refuses_an_unlicensed_specialist_for_every_source(
    brand_a, listed, specialist, patient_a, staff_a
):
    _guided_brand_with_region(brand_a, staff_a, "ES")
    for source in CareRelationship.Source.values:
        with pytest.raises(actions.MatchingError) as refused:
            actions.start_care(
                patient=patient_a, specialist=specialist, source=source, acting_user=staff_a
            )
        assert "not licensed for your region" in str(refused.value.message)
    assert not CareRelationship.objects.exists()
