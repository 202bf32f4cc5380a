"""The steps of the guided onboarding, in order (shared by actions, views and templates)."""

from django.utils.translation import gettext_lazy as _

from hale.core.steps import Step, StepFlow

FLOW = StepFlow(
    Step("about", _("About you"), 1),
    Step("practice", _("Practice preferences"), 2),
    Step("education", _("Education"), 3),
    Step("expertise", _("Specialisations and languages"), 4),
    Step("profile", _("Bio and photo"), 5),
    Step("review", _("Review and submit"), 6),
)
STEPS = FLOW.steps
STEP_KEYS = FLOW.keys
FIRST_STEP = FLOW.first
REVIEW_STEP = FLOW.last
get_step = FLOW.get
next_step = FLOW.next  # the review step stays put
previous_step = FLOW.previous

# Steps whose form saves data (the last one only submits).
SAVED_STEPS = frozenset(STEP_KEYS[:-1])
