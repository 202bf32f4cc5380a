"""The licence-region rule, in one place: when a brand sets its patients' region
(``BrandQuestionnaire.region``), a patient of that brand may only be taken into care by a
specialist licensed there — or, for a subdivision ("US-CA"), in its whole country ("US").
Browse, profiles, smart and guided matching, programs and ``start_care`` all apply it."""

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from hale.matching.models import BrandQuestionnaire
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand


def brand_region(brand: Brand | None) -> str:
    """The region of the brand's patients for the licence constraint ("" when not set)."""
    if brand is None:
        return ""
    return (
        BrandQuestionnaire.objects.filter(brand=brand).values_list("region", flat=True).first()
        or ""
    )


def licensed_in(region: str, text_field: str) -> Q:
    """A licence for ``region`` itself or its country. ``text_field`` is the JSON list cast to
    text; quoted codes match exactly, the same way on SQLite and PostgreSQL."""
    country = region.split("-", 1)[0]
    q = Q(**{f"{text_field}__contains": f'"{region}"'})
    if country != region:
        q |= Q(**{f"{text_field}__contains": f'"{country}"'})
    return q


def holds_licence(specialist: Specialist, region: str) -> bool:
    """The same rule as ``licensed_in``, in Python, for one specialist."""
    if not region:
        return True
    codes = set(specialist.licence_regions or ())
    return region in codes or region.split("-", 1)[0] in codes


def licensed_for(qs: QuerySet[Specialist], region: str) -> QuerySet[Specialist]:
    """``qs`` (specialists) limited to those licensed for ``region`` (all when "")."""
    if not region:
        return qs
    return qs.annotate(licence_text=Cast("licence_regions", CharField())).filter(
        licensed_in(region, "licence_text")
    )
