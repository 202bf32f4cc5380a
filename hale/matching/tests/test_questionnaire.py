import pytest

from hale.core.models import AuditEvent
from hale.matching import questionnaire
from hale.matching.actions import MatchingError
from hale.matching.models import BrandQuestionnaire
from hale.matching.questionnaire import Question
from hale.specialists.models import ExpertiseArea


@pytest.fixture
def areas(db):
    return [
        ExpertiseArea.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in [("anxiety", "Anxiety"), ("grief", "Grief"), ("sleep", "Sleep")]
    ]


@pytest.fixture
def guided(brand_a):
    brand_a.discovery_mode = "guided"
    brand_a.save(update_fields=["discovery_mode"])
    return brand_a


def _post_data(**overrides):
    data = {}
    for i, key in enumerate(questionnaire.QUESTION_KEYS, start=1):
        data[f"{key}_enabled"] = "on"
        data[f"{key}_position"] = str(i)
        data[f"{key}_label"] = ""
        data[f"{key}_help_text"] = ""
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_without_a_definition_the_default_questionnaire_is_used(guided, patient_a, client_for):
    page = client_for(patient_a.user, "calm.localhost").get("/match/").content.decode()
    assert "What would you like help with?" in page
    assert "Language for your sessions" in page
    assert not BrandQuestionnaire.objects.exists()


def test_staff_disable_reorder_relabel_and_restrict_concerns(
    guided, areas, staff_a, patient_a, client_for
):
    staff = client_for(staff_a)
    url = f"/staff/brands/{guided.slug}/questionnaire/"
    assert staff.get(url).status_code == 200
    response = staff.post(
        url,
        _post_data(
            specialisation_enabled=None,
            language_position="1",
            concerns_position="2",
            language_label="¿En qué idioma?",
            language_help_text="We have Spanish speakers.",
            concerns_offered=["anxiety", "grief"],
        ),
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="questionnaire.saved", brand=guided).exists()

    page = client_for(patient_a.user, "calm.localhost").get("/match/").content.decode()
    assert "¿En qué idioma?" in page and "We have Spanish speakers." in page
    assert "Kind of specialist" not in page
    assert page.index("¿En qué idioma?") < page.index("What would you like help with?")
    assert 'value="anxiety"' in page and 'value="grief"' in page
    assert 'value="sleep"' not in page


def test_a_concern_not_offered_is_refused(guided, areas, staff_a, patient_a, client_for):
    questionnaire.save_questionnaire(
        brand=guided,
        questions=[Question(key=k) for k in questionnaire.QUESTION_KEYS],
        concerns=["anxiety"],
        acting_user=staff_a,
    )
    response = client_for(patient_a.user, "calm.localhost").post("/match/", {"concerns": ["sleep"]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_all_questions_disabled_is_refused_and_nothing_changes(guided, staff_a, client_for):
    response = client_for(staff_a).post(
        f"/staff/brands/{guided.slug}/questionnaire/",
        _post_data(**{f"{k}_enabled": None for k in questionnaire.QUESTION_KEYS}),
    )
    assert response.status_code == 400
    assert "Keep at least one question." in response.content.decode()
    assert not BrandQuestionnaire.objects.exists()


def test_unknown_concern_is_refused(brand_a, staff_a):
    with pytest.raises(MatchingError):
        questionnaire.save_questionnaire(
            brand=brand_a,
            questions=[Question(key=k) for k in questionnaire.QUESTION_KEYS],
            concerns=["nope"],
            acting_user=staff_a,
        )
    assert not BrandQuestionnaire.objects.exists()


def test_definitions_are_per_brand(brand_a, brand_b, staff_a):
    questionnaire.save_questionnaire(
        brand=brand_a,
        questions=[Question(key=k, enabled=k != "language") for k in questionnaire.QUESTION_KEYS],
        concerns=[],
        acting_user=staff_a,
    )
    assert "language" not in questionnaire.match_form(brand_a).fields
    assert "language" in questionnaire.match_form(brand_b).fields


def test_reset_brings_back_the_default(brand_a, staff_a, client_for):
    questionnaire.save_questionnaire(
        brand=brand_a,
        questions=[Question(key=k, enabled=k != "language") for k in questionnaire.QUESTION_KEYS],
        concerns=[],
        acting_user=staff_a,
    )
    response = client_for(staff_a).post(f"/staff/brands/{brand_a.slug}/questionnaire/reset/")
    assert response.status_code == 302
    assert not BrandQuestionnaire.objects.exists()
    assert questionnaire.definition_for(brand_a) == questionnaire.DEFAULT


def test_staff_of_another_brand_get_404(brand_a, staff_b, client_for):
    c = client_for(staff_b)
    url = f"/staff/brands/{brand_a.slug}/questionnaire/"
    assert c.get(url).status_code == 404
    assert c.post(url, _post_data(language_enabled=None)).status_code == 404
    assert c.post(url + "reset/").status_code == 404
    assert not BrandQuestionnaire.objects.exists()


def test_stored_garbage_falls_back_safely(brand_a):
    BrandQuestionnaire.objects.create(
        brand=brand_a, questions=[{"key": "evil"}, "x", {"key": "language", "enabled": False}]
    )
    definition = questionnaire.definition_for(brand_a)
    assert [q.key for q in definition.questions] == [
        "language",
        "concerns",
        "specialisation",
        "preferred_times",
    ]
    assert not definition.questions[0].enabled


def test_a_question_moved_to_a_taken_position_goes_first(guided, staff_a, client_for):
    response = client_for(staff_a).post(
        f"/staff/brands/{guided.slug}/questionnaire/",
        _post_data(preferred_times_position="1"),
    )
    assert response.status_code == 302
    keys = [q.key for q in questionnaire.definition_for(guided).questions]
    assert keys == ["preferred_times", "concerns", "specialisation", "language"]
