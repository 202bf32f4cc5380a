"""Smart-matching: hard constraints filter, soft scores rank, reasons explain.

Everything is read from ``MatchProfile`` and ``Listing`` in one ranking query whatever the
number of specialists (the database filters and sorts), plus one query for the winners'
profiles. Hard constraints (never broken): listed on the brand, approved, accepting new
patients, speaks the chosen language, practises the chosen specialisation, holds a licence
for the patient's region when one is set. Soft scores:
availability in the next days, overlap of working hours with the patient's preferred times,
concerns the specialist helps with, and current load (fewer active patients first).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Case, CharField, F, IntegerField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.matching.actions import DAY_PARTS
from hale.matching.licences import licensed_in
from hale.matching.models import Listing
from hale.specialists.models import Specialist
from hale.specialists.vocabulary import language_name

TIME_PARTS = {"morning": (8, 12), "afternoon": (12, 18), "evening": (18, 22)}
LOAD_CAP = 40


@dataclass(frozen=True)
class Answers:
    """A patient's questionnaire answers, already validated (see forms.MatchForm)."""

    language: str = ""
    specialisation: str = ""  # slug
    concerns: tuple[str, ...] = ()  # expertise area slugs
    preferred_times: tuple[str, ...] = ()  # keys of TIME_PARTS
    time_zone: str = "UTC"
    region: str = ""  # ISO 3166 code ("ES", "US-CA"); set: only specialists licensed there


@dataclass
class Candidate:
    specialist: Specialist
    score: int
    next_available_at: dt.datetime | None
    reasons: list[str] = field(default_factory=list)


def preferred_utc_mask(answers: Answers, now: dt.datetime) -> int:
    """The UTC day parts (see ``actions.DAY_PARTS``) the patient's preferred local times touch."""
    try:
        zone = zoneinfo.ZoneInfo(answers.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    today = now.astimezone(zone).date()
    mask = 0
    for part in answers.preferred_times:
        if part not in TIME_PARTS:
            continue
        lo, hi = TIME_PARTS[part]
        for hour in range(lo, hi):
            utc_hour = dt.datetime.combine(today, dt.time(hour), tzinfo=zone).astimezone(dt.UTC)
            for a, b, bit in DAY_PARTS:
                if a <= utc_hour.hour < b:
                    mask |= bit
    return mask


def eligible_listings(brand, answers: Answers):
    """Listings on ``brand`` that meet every hard constraint."""
    qs = Listing.objects.filter(
        brand=brand,
        visibility=Listing.Visibility.LISTED,
        specialist__status=Specialist.Status.APPROVED,
        specialist__accepting_new_patients=True,
        specialist__match_profile__accepting_new_patients=True,
    )
    if answers.language:
        qs = qs.filter(specialist__match_profile__languages_key__contains=f"|{answers.language}|")
    if answers.specialisation:
        qs = qs.filter(
            specialist__match_profile__specialisations_key__contains=f"|{answers.specialisation}|"
        )
    if answers.region:
        qs = qs.annotate(licence_text=Cast("specialist__licence_regions", CharField())).filter(
            licensed_in(answers.region, "licence_text")
        )
    return qs


def answers_from(data: dict, *, time_zone: str, region: str = "") -> Answers:
    """The questionnaire's cleaned data as ``Answers`` (questions a brand turned off are
    simply absent)."""
    return Answers(
        language=data.get("language", ""),
        specialisation=data.get("specialisation", ""),
        concerns=tuple(data.get("concerns", ())),
        preferred_times=tuple(data.get("preferred_times", ())),
        time_zone=time_zone,
        region=region,
    )


def rank(brand, answers: Answers, *, now=None, limit: int = 5) -> list[Candidate]:
    """The best ``limit`` specialists for ``answers`` on ``brand``, best first, with reasons.
    Two queries whatever the number of specialists."""
    now = now or timezone.now()
    profile = "specialist__match_profile__"
    pref_mask = preferred_utc_mask(answers, now)
    availability = Case(
        When(**{f"{profile}next_available_at__lte": now + dt.timedelta(days=3)}, then=Value(30)),
        When(**{f"{profile}next_available_at__lte": now + dt.timedelta(days=7)}, then=Value(20)),
        When(**{f"{profile}next_available_at__isnull": False}, then=Value(5)),
        default=Value(0),
        output_field=IntegerField(),
    )
    load = Case(
        When(**{f"{profile}active_patients__lt": LOAD_CAP}, then=-F(f"{profile}active_patients")),
        default=Value(-LOAD_CAP),
        output_field=IntegerField(),
    )
    score = availability + load
    qs = eligible_listings(brand, answers)
    if pref_mask:
        qs = qs.annotate(overlap=F(f"{profile}utc_parts_mask").bitand(pref_mask))
        score = score + Case(
            When(overlap=0, then=Value(0)), default=Value(20), output_field=IntegerField()
        )
    for slug in answers.concerns[:3]:
        score = score + Case(
            When(**{f"{profile}expertise_key__contains": f"|{slug}|"}, then=Value(15)),
            default=Value(0),
            output_field=IntegerField(),
        )
    top = list(
        qs.annotate(score=score)
        .order_by("-score", F(f"{profile}next_available_at").asc(nulls_last=True), "pk")
        .values_list(
            "specialist_id",
            "score",
            f"{profile}next_available_at",
            f"{profile}utc_parts_mask",
            f"{profile}expertise_key",
            f"{profile}active_patients",
        )[:limit]
    )
    if not top:
        return []
    specialists = Specialist.objects.select_related("user").in_bulk([row[0] for row in top])
    return [
        Candidate(
            specialist=specialists[pk],
            score=points,
            next_available_at=next_at,
            reasons=_reasons(answers, now, pref_mask, next_at, mask, expertise, active),
        )
        for pk, points, next_at, mask, expertise, active in top
        if pk in specialists
    ]


def _reasons(answers, now, pref_mask, next_at, mask, expertise, active) -> list[str]:
    reasons = []
    if answers.language:
        reasons.append(_("speaks %(language)s") % {"language": language_name(answers.language)})
    if answers.specialisation:
        reasons.append(_("practises the specialisation you chose"))
    if answers.region:
        reasons.append(_("licensed in your region"))
    if next_at is not None and next_at <= now + dt.timedelta(days=3):
        reasons.append(_("available in the next few days"))
    elif next_at is not None and next_at <= now + dt.timedelta(days=7):
        reasons.append(_("available this week"))
    if pref_mask and mask & pref_mask:
        reasons.append(_("works at the times you prefer"))
    if any(f"|{slug}|" in expertise for slug in answers.concerns):
        reasons.append(_("helps with what you mentioned"))
    if active < 5:
        reasons.append(_("has room for new patients"))
    return reasons
