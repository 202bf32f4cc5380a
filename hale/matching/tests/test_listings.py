import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hale.core.models import AuditEvent
from hale.matching import actions
from hale.matching.models import Listing
from hale.matching.tests.conftest import fix_brand_price
from hale.scheduling import access as scheduling_access
from hale.scheduling.pricing import session_price

pytestmark = pytest.mark.django_db


def test_only_approved_specialists_with_a_visible_listing_are_bookable(
    brand_a, brand_b, listed, specialist, operator
):
    assert list(scheduling_access.bookable_specialists(brand_a)) == [specialist]
    assert list(scheduling_access.bookable_specialists(brand_b)) == []
    actions.set_listing_visibility(listing=listed, visibility="hidden", acting_user=operator)
    assert list(scheduling_access.bookable_specialists(brand_a)) == []


def test_unlisted_specialist_never_appears_even_through_guessed_urls(
    brand_b, listed, specialist, patient_b, client_for, anonymous
):
    c = client_for(patient_b.user, "northside.localhost")
    page = c.get("/specialists/")
    assert specialist.display_name not in page.content.decode()
    assert c.get(f"/specialists/{specialist.uuid}/").status_code == 404
    assert c.get(f"/book/{specialist.uuid}/").status_code == 404
    assert (
        anonymous("northside.localhost").get(f"/specialists/{specialist.uuid}/").status_code == 404
    )


def test_hidden_listing_is_404_on_its_own_brand(listed, specialist, operator, anonymous):
    url = f"/specialists/{specialist.uuid}/"
    assert anonymous("calm.localhost").get(url).status_code == 200
    actions.set_listing_visibility(listing=listed, visibility="hidden", acting_user=operator)
    assert anonymous("calm.localhost").get(url).status_code == 404


def test_prices_follow_the_brand_pricing_mode(brand_a, listed, specialist, operator):
    st = specialist.session_types.get()
    assert session_price(st, brand_a).amount_minor == 6000
    actions.set_listing_price(listing=listed, price_minor=7500, acting_user=operator)
    assert session_price(st, brand_a).amount_minor == 7500
    fix_brand_price(brand_a, operator)
    price = session_price(st, brand_a)
    assert (price.amount_minor, price.currency) == (5000, "GBP")


def test_staff_manage_listings_of_their_brand(
    brand_a, specialist, specialist_2, staff_a, client_for
):
    c = client_for(staff_a)
    base = reverse("staff_listings", args=["calm"])
    assert c.get(base).status_code == 200
    response = c.post(
        reverse("staff_listing_add", args=["calm"]),
        {"specialist": str(specialist_2.uuid), "price": "80.50"},
    )
    assert response.status_code == 302
    listing = Listing.objects.get(brand=brand_a, specialist=specialist_2)
    assert listing.price_minor == 8050 and listing.is_listed
    c.post(
        reverse("staff_listing_visibility", args=["calm", listing.uuid]), {"visibility": "hidden"}
    )
    c.post(reverse("staff_listing_price", args=["calm", listing.uuid]), {"price": "90"})
    listing.refresh_from_db()
    assert (listing.visibility, listing.price_minor) == ("hidden", 9000)
    assert AuditEvent.objects.filter(action="matching.listing_added").exists()


def test_staff_bad_price_changes_nothing(brand_a, listed, staff_a, client_for):
    c = client_for(staff_a)
    c.post(reverse("staff_listing_price", args=["calm", listed.uuid]), {"price": "-3"})
    listed.refresh_from_db()
    assert listed.price_minor is None


def test_other_brands_staff_get_404_and_nothing_changes(brand_a, listed, staff_b, client_for):
    c = client_for(staff_b)
    assert c.get(reverse("staff_listings", args=["calm"])).status_code == 404
    response = c.post(
        reverse("staff_listing_visibility", args=["calm", listed.uuid]), {"visibility": "hidden"}
    )
    assert response.status_code == 404
    listed.refresh_from_db()
    assert listed.is_listed


def test_specialist_sees_listings_and_previews_what_patients_see(
    listed, specialist, specialist_2, client_for, anonymous
):
    c = client_for(specialist.user)
    page = c.get(reverse("practice_listings"))
    assert "Calm Minds" in page.content.decode()
    preview = c.get(reverse("practice_preview", args=[listed.uuid]))
    assert preview.status_code == 200
    public = anonymous("calm.localhost").get(f"/specialists/{specialist.uuid}/")
    for text in ("Warm, practical help with anxiety.", "60.00 EUR", "Price and next available"):
        assert text in preview.content.decode() and text in public.content.decode()
    # Another specialist cannot open this preview.
    other = client_for(specialist_2.user)
    assert other.get(reverse("practice_preview", args=[listed.uuid])).status_code == 404


def test_listing_twice_is_refused(brand_a, listed, specialist, operator):
    with pytest.raises(actions.MatchingError):
        actions.list_specialist(brand=brand_a, specialist=specialist, acting_user=operator)


def test_profile_shows_next_times_linking_to_booking(listed, specialist, anonymous):
    page = anonymous("calm.localhost").get(f"/specialists/{specialist.uuid}/").content.decode()
    assert f"/book/{specialist.uuid}/confirm/?type=" in page
    assert f'href="/book/{specialist.uuid}/"' in page


def test_refresh_profiles_records_availability(listed, specialist):
    actions.refresh_match_profiles()
    profile = specialist.match_profile
    assert profile.languages_key == "|en|es|"
    assert profile.next_available_at is not None
    assert profile.next_available_at < timezone.now() + dt.timedelta(days=2)


def test_account_deletion_ends_care_and_export_includes_it(listed, specialist, patient_a, operator):
    from hale.core.data_rights import autodiscover
    from hale.matching.data_rights import erase_matching, export_matching

    autodiscover()
    actions.start_care(
        patient=patient_a, specialist=specialist, source="staff", acting_user=operator
    )
    exported = export_matching(patient_a.user)
    assert exported["care_relationships"][0]["specialist"] == "Dr Dana One"
    assert export_matching(specialist.user)["listings"][0]["visibility"] == "listed"
    erase_matching(specialist.user, acting_user=specialist.user)
    listed.refresh_from_db()
    assert not listed.is_listed
    assert patient_a.care_relationships.get().status == "ended"
