"""Telling people about listing requests (run as tasks after commit, ``hale.matching.tasks``).

Everyone reads it on the platform host, in their own language: the brand's staff (its
members) when a specialist asks to be listed, the specialist when the brand answers."""

from django.urls import reverse
from django.utils.translation import gettext

from hale.matching.models import ListingRequest
from hale.notifications.actions import notify
from hale.notifications.email import recipient_locale
from hale.notifications.kinds import PLATFORM
from hale.tenancy.models import BrandMembership


def _request(listing_request_id: int) -> ListingRequest | None:
    return (
        ListingRequest.objects.select_related("brand", "specialist__user")
        .filter(pk=listing_request_id)
        .first()
    )


def listing_requested(listing_request_id: int) -> None:
    """Each member of the brand learns that a specialist asks to be listed there (nothing
    once the request stopped waiting)."""
    found = _request(listing_request_id)
    if found is None or not found.is_pending:
        return
    url = (
        reverse("staff_listings", urlconf="hale.urls_platform", args=[found.brand.slug])
        + "#listing-requests"
    )
    staff = [
        m.user
        for m in BrandMembership.objects.filter(brand=found.brand, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ]
    values = {"specialist": found.specialist.display_name, "brand": found.brand.name}
    for user in staff:
        with recipient_locale(user, found.brand):
            title = gettext("%(specialist)s asks to be listed on %(brand)s") % values
            body = (
                gettext("Their message: %(message)s") % {"message": found.message}
                if found.message
                else gettext("Approve or decline the request on the listings page.")
            )
        notify(
            user=user,
            kind="listing.requested",
            title=title,
            body=body,
            url=url,
            portal=PLATFORM,
            context={"specialist": values["specialist"], "brand": values["brand"]},
        )


def listing_decided(listing_request_id: int) -> None:
    """The specialist learns the brand's answer (and the reason for a decline)."""
    found = _request(listing_request_id)
    if found is None or found.status not in (
        ListingRequest.Status.APPROVED,
        ListingRequest.Status.DECLINED,
    ):
        return
    user = found.specialist.user
    values = {"brand": found.brand.name, "reason": found.decline_reason}
    with recipient_locale(user):
        if found.status == ListingRequest.Status.APPROVED:
            title = gettext("You are now listed on %(brand)s") % values
            body = gettext("Patients of %(brand)s can find and book you.") % values
        else:
            title = gettext("%(brand)s declined your listing request") % values
            body = gettext("Their reason: %(reason)s") % values
    notify(
        user=user,
        kind="listing.decided",
        title=title,
        body=body,
        url=reverse("practice_listings", urlconf="hale.urls_platform"),
        portal=PLATFORM,
        context={"brand": values["brand"], "status": found.status},
    )
