"""Curated vocabularies for specialist profiles: specialisations, areas of expertise, languages.

Specialisations and areas of expertise live in the database (operators may add more in the
admin); the starting list below is seeded by a data migration and by the demo. Names are
stored in English and marked with ``gettext_noop`` so ``makemessages`` puts them in the
catalogue; ``Specialisation.label`` translates them when shown.

Spoken languages are a fixed list of codes (stored on the profile as a JSON list). Their names
reuse Django's own translated language names where they exist.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

SPECIALISATIONS: list[tuple[str, str]] = [
    ("clinical-psychology", gettext_noop("Clinical psychology")),
    ("counselling", gettext_noop("Counselling")),
    ("psychotherapy", gettext_noop("Psychotherapy")),
    ("psychiatry", gettext_noop("Psychiatry")),
    ("clinical-social-work", gettext_noop("Clinical social work")),
    ("couples-family-therapy", gettext_noop("Couples and family therapy")),
    ("child-adolescent", gettext_noop("Child and adolescent therapy")),
    ("cognitive-behavioural-therapy", gettext_noop("Cognitive behavioural therapy (CBT)")),
    ("nutrition-dietetics", gettext_noop("Nutrition and dietetics")),
    ("health-coaching", gettext_noop("Health coaching")),
]

EXPERTISE_AREAS: list[tuple[str, str]] = [
    ("anxiety", gettext_noop("Anxiety")),
    ("depression", gettext_noop("Depression")),
    ("stress-burnout", gettext_noop("Stress and burnout")),
    ("trauma-ptsd", gettext_noop("Trauma and PTSD")),
    ("grief-loss", gettext_noop("Grief and loss")),
    ("relationships", gettext_noop("Relationships")),
    ("sleep", gettext_noop("Sleep")),
    ("eating-disorders", gettext_noop("Eating disorders")),
    ("addiction", gettext_noop("Addiction")),
    ("adhd", gettext_noop("ADHD")),
    ("ocd", gettext_noop("Obsessive-compulsive disorder (OCD)")),
    ("self-esteem", gettext_noop("Self-esteem")),
    ("lgbtq", gettext_noop("LGBTQ+ support")),
    ("parenting", gettext_noop("Parenting")),
    ("work-career", gettext_noop("Work and career")),
    ("chronic-illness", gettext_noop("Living with chronic illness")),
]

# Spoken languages a specialist can offer sessions in (ISO 639 codes).
SPOKEN_LANGUAGES: list[tuple[str, str | Promise]] = [
    ("ar", _("Arabic")),
    ("bn", _("Bengali")),
    ("ca", _("Catalan")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fa", _("Persian")),
    ("fr", _("French")),
    ("he", _("Hebrew")),
    ("hi", _("Hindi")),
    ("ig", _("Igbo")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("sv", _("Swedish")),
    ("sw", _("Swahili")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ur", _("Urdu")),
    ("vi", _("Vietnamese")),
    ("yo", _("Yoruba")),
    ("zh", _("Chinese (Mandarin)")),
    ("yue", _("Chinese (Cantonese)")),
]
SPOKEN_LANGUAGE_CODES = frozenset(code for code, _name in SPOKEN_LANGUAGES)


def language_name(code: str) -> str:
    """The translated name of a spoken-language code (the code itself if unknown)."""
    return str(dict(SPOKEN_LANGUAGES).get(code, code))


def seed_vocabularies(specialisation_model, expertise_model) -> None:
    """Create the starting vocabularies (idempotent; keeps operators' renames).

    Takes the model classes so a data migration can pass its historical models.
    """
    for position, (slug, name) in enumerate(SPECIALISATIONS):
        specialisation_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    for position, (slug, name) in enumerate(EXPERTISE_AREAS):
        expertise_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
