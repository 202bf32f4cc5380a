"""The steps of the guided onboarding, in order (shared by actions, views and templates)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    key: str
    title: str | Promise
    number: int


STEPS: tuple[Step, ...] = (
    Step("about", _("About you"), 1),
    Step("practice", _("Practice preferences"), 2),
    Step("education", _("Education"), 3),
    Step("expertise", _("Specialisations and languages"), 4),
    Step("profile", _("Bio and photo"), 5),
    Step("review", _("Review and submit"), 6),
)
STEP_KEYS = tuple(step.key for step in STEPS)
FIRST_STEP = STEPS[0].key
REVIEW_STEP = STEPS[-1].key
# Steps whose form saves data (the last one only submits).
SAVED_STEPS = frozenset(STEP_KEYS[:-1])


def get_step(key: str) -> Step | None:
    return next((step for step in STEPS if step.key == key), None)


def next_step(key: str) -> str:
    """The step after ``key`` (the review step stays put)."""
    index = STEP_KEYS.index(key)
    return STEP_KEYS[min(index + 1, len(STEP_KEYS) - 1)]


def previous_step(key: str) -> str | None:
    index = STEP_KEYS.index(key)
    return STEP_KEYS[index - 1] if index > 0 else None
