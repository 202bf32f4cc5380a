"""The shortlist a patient was shown, kept in their session, so that choosing from it takes
the reasons from the server's own ranking — never from the form — and a specialist who was
not on it cannot be chosen by guessing their id."""

from django.contrib.sessions.backends.base import SessionBase

from hale.matching import smart
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand

SESSION_KEY = "_hale_shortlist"


def remember(
    session: SessionBase, brand: Brand, candidates: list[smart.Candidate], *, flow: str
) -> None:
    """Keep what was shown (``flow`` tells the guided match and each program apart)."""
    session[SESSION_KEY] = {
        "brand": brand.pk,
        "flow": flow,
        "reasons": {str(c.specialist.uuid): [str(r) for r in c.reasons] for c in candidates},
    }


def reasons_for(
    session: SessionBase, brand: Brand, specialist: Specialist, *, flow: str
) -> list[str] | None:
    """The reasons shown for ``specialist`` on the last shortlist of this flow, or None when
    they were not on it."""
    shown = session.get(SESSION_KEY) or {}
    if shown.get("brand") != brand.pk or shown.get("flow") != flow:
        return None
    reasons = shown.get("reasons", {}).get(str(specialist.uuid))
    return list(reasons) if reasons is not None else None


def forget(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)
