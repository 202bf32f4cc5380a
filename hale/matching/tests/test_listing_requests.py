"""Listing requests: a specialist asks a brand to list them, its staff approve (the listing
is made) or decline with a reason, the specialist may withdraw while it waits; and the
specialist's listings page shows every brand's price per session type side by side."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conftest import make_brand, make_user
from hale.core.access import DENIED_ACTION
from hale.core.models import AuditEvent
from hale.matching import actions
from hale.matching.models import BrandMatching, Listing, ListingRequest
from hale.matching.tests.conftest import fix_brand_price, session_type
from hale.notifications.models import Notification
from hale.scheduling.pricing import session_price
from hale.specialists.models import Specialist
from hale.tenancy.models import BrandMembership
from tests.race import race

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
)

LISTINGS = reverse("practice_listings")
ASK = reverse("practice_listing_request")


def _staff_url(name, brand, listing_request):
    return reverse(name, args=[brand.slug, listing_request.uuid])


@pytest.fixture
def asked(listed, specialist, brand_b):
    """``specialist`` (listed on brand_a) asked brand_b to list them."""
    return actions.request_listing(
        specialist=specialist,
        brand=brand_b,
        message="I see patients in New York.",
        acting_user=specialist.user,
    )


def _state():
    """Everything these tests may change, to assert that a refusal changed nothing."""
    return (
        sorted(ListingRequest.objects.values_list("brand_id", "specialist_id", "status")),
        sorted(Listing.objects.values_list("brand_id", "specialist_id")),
        AuditEvent.objects.filter(action__startswith="matching.listing").count(),
    )


# --- Asking ---------------------------------------------------------------------------------


def test_specialist_asks_another_brand_and_its_staff_are_told(
    listed,
    specialist,
    brand_a,
    brand_b,
    staff_a,
    staff_b,
    client_for,
    django_capture_on_commit_callbacks,
):
    c = client_for(specialist.user)
    page = c.get(LISTINGS).content.decode()
    assert "Ask to be listed on another brand" in page
    # Offered: brands not listing them yet (brand_b), not brand_a that does.
    assert f'value="{brand_b.uuid}"' in page and f'value="{brand_a.uuid}"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(ASK, {"brand": str(brand_b.uuid), "message": "  Hello Northside. "})
    assert response.status_code == 302
    request = ListingRequest.objects.get()
    assert (request.brand, request.specialist, request.status, request.message) == (
        brand_b,
        specialist,
        ListingRequest.Status.PENDING,
        "Hello Northside.",
    )
    assert AuditEvent.objects.filter(
        action="matching.listing_requested", object_id=str(request.pk), brand=brand_b
    ).exists()
    told = Notification.objects.get(user=staff_b, kind="listing.requested")
    assert "Dr Dana One asks to be listed on Northside Clinic" in told.title
    assert "Hello Northside." in told.body
    assert told.url == "/staff/brands/northside/listings/#listing-requests"
    assert any(staff_b.email in m.to for m in mail.outbox)
    # Staff of another brand hear nothing.
    assert not Notification.objects.filter(user=staff_a).exists()
    assert not any(staff_a.email in m.to for m in mail.outbox)
    # The page now shows the waiting request with a Withdraw button, and no longer offers it.
    page = c.get(LISTINGS).content.decode()
    assert "Waiting for the brand" in page and "Withdraw" in page
    assert f'value="{brand_b.uuid}"' not in page


def test_each_person_is_told_in_their_own_language(
    asked, staff_b, brand_b, specialist, monkeypatch, django_capture_on_commit_callbacks
):
    """Titles are rendered inside each recipient's locale (the active language then)."""
    from hale.matching import notices

    monkeypatch.setattr(notices, "gettext", lambda text: f"[{translation.get_language()}] {text}")
    staff_b.language = "es"
    staff_b.save(update_fields=["language"])
    other = make_user("staff.b.en@example.com", language="en")
    BrandMembership.objects.create(brand=brand_b, user=other)
    actions.withdraw_listing_request(listing_request=asked, acting_user=specialist.user)
    with django_capture_on_commit_callbacks(execute=True):
        again = actions.request_listing(
            specialist=specialist, brand=brand_b, acting_user=specialist.user
        )
    titles = dict(
        Notification.objects.filter(kind="listing.requested").values_list("user_id", "title")
    )
    assert titles[staff_b.pk].startswith("[es] Dr Dana One asks")
    assert titles[other.pk].startswith("[en] Dr Dana One asks")
    specialist.user.language = "es"
    specialist.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_listing_request(listing_request=again, acting_user=staff_b)
    told = Notification.objects.get(user=specialist.user, kind="listing.decided")
    assert told.title == "[es] You are now listed on Northside Clinic"


def test_asking_a_brand_twice_is_refused_and_changes_nothing(asked, specialist, client_for):
    before = _state()
    response = client_for(specialist.user).post(ASK, {"brand": str(asked.brand.uuid)})
    assert response.status_code == 400
    assert "You already asked Northside Clinic" in response.content.decode()
    assert _state() == before


def test_asking_a_brand_that_lists_you_is_refused(listed, specialist, brand_a, client_for):
    before = _state()
    response = client_for(specialist.user).post(ASK, {"brand": str(brand_a.uuid)})
    assert response.status_code == 400
    assert "You are already listed on Calm Minds." in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize(
    "data, error",
    [
        ({"brand": "4b1c7e52-0000-4000-8000-000000000000"}, "Choose a brand from the list."),
        ({"brand": "not-a-uuid"}, "Choose a brand from the list."),
        ({}, "This field is required."),
        (
            {"brand": "BRAND_B", "message": "x" * 1001},
            "Ensure this value has at most 1000 characters (it has 1001).",
        ),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(
    listed, specialist, brand_b, client_for, data, error
):
    data = {k: (str(brand_b.uuid) if v == "BRAND_B" else v) for k, v in data.items()}
    before = _state()
    response = client_for(specialist.user).post(ASK, data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert _state() == before


def test_errors_are_shown_in_the_specialists_language(listed, specialist, client_for):
    specialist.user.language = "es"
    specialist.user.save(update_fields=["language"])
    response = client_for(specialist.user).post(ASK, {}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert "Este campo es obligatorio." in response.content.decode()


def test_the_action_refuses_a_long_message_and_an_unapproved_specialist(
    listed, specialist, brand_b
):
    with pytest.raises(actions.MatchingError):
        actions.request_listing(
            specialist=specialist, brand=brand_b, message="x" * 1001, acting_user=specialist.user
        )
    specialist.status = Specialist.Status.SUBMITTED
    specialist.save(update_fields=["status"])
    with pytest.raises(actions.MatchingError):
        actions.request_listing(specialist=specialist, brand=brand_b, acting_user=specialist.user)
    assert not ListingRequest.objects.exists()


def test_only_one_pending_request_per_brand_is_held_by_the_database(asked):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ListingRequest.objects.create(specialist=asked.specialist, brand=asked.brand)


# --- Withdrawing ----------------------------------------------------------------------------


def test_specialist_withdraws_a_waiting_request_and_may_ask_again(
    asked, specialist, brand_b, client_for
):
    c = client_for(specialist.user)
    url = reverse("practice_listing_request_withdraw", args=[asked.uuid])
    assert c.post(url).status_code == 302
    asked.refresh_from_db()
    assert asked.status == ListingRequest.Status.WITHDRAWN and asked.decided_at is not None
    assert AuditEvent.objects.filter(action="matching.listing_request_withdrawn").count() == 1
    # Withdrawing twice changes nothing more.
    response = c.post(url, follow=True)
    assert "This request was just decided" in response.content.decode()
    assert AuditEvent.objects.filter(action="matching.listing_request_withdrawn").count() == 1
    # The brand is offered again, and a new request may be made.
    assert f'value="{brand_b.uuid}"' in c.get(LISTINGS).content.decode()
    assert c.post(ASK, {"brand": str(brand_b.uuid)}).status_code == 302
    assert ListingRequest.objects.filter(status="pending").count() == 1


def test_another_specialist_cannot_withdraw_the_request(asked, specialist_2, client_for):
    url = reverse("practice_listing_request_withdraw", args=[asked.uuid])
    assert client_for(specialist_2.user).post(url).status_code == 404
    asked.refresh_from_db()
    assert asked.is_pending


# --- Approving and declining ----------------------------------------------------------------


def test_staff_see_the_request_and_approve_it(
    asked,
    specialist,
    brand_b,
    staff_b,
    client_for,
    django_capture_on_commit_callbacks,
):
    specialist.credentials = "PhD, Licensed Psychologist"
    specialist.save(update_fields=["credentials"])
    c = client_for(staff_b)
    page = c.get(reverse("staff_listings", args=[brand_b.slug])).content.decode()
    for text in (
        "Requests to be listed",
        "Dr Dana One, PhD, Licensed Psychologist",
        "I see patients in New York.",
        "Approve Dr Dana One",
        "Decline Dr Dana One",
        "Reason for declining Dr Dana One",
        'name="csrfmiddlewaretoken"',
    ):
        assert text in page, text
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(_staff_url("staff_listing_request_approve", brand_b, asked))
    assert response.status_code == 302
    listing = Listing.objects.get(brand=brand_b, specialist=specialist)
    assert listing.is_listed
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (ListingRequest.Status.APPROVED, staff_b)
    assert AuditEvent.objects.filter(action="matching.listing_added", brand=brand_b).count() == 1
    assert AuditEvent.objects.filter(action="matching.listing_request_approved").count() == 1
    told = Notification.objects.get(user=specialist.user, kind="listing.decided")
    assert told.title == "You are now listed on Northside Clinic"
    assert told.url == "/practice/listings/"
    assert any(specialist.user.email in m.to for m in mail.outbox)
    # A second approval (a stale page, a double click) changes nothing twice.
    response = c.post(_staff_url("staff_listing_request_approve", brand_b, asked), follow=True)
    assert "This request was just decided" in response.content.decode()
    assert Listing.objects.filter(brand=brand_b, specialist=specialist).count() == 1
    assert AuditEvent.objects.filter(action="matching.listing_request_approved").count() == 1
    assert "Requests to be listed" not in response.content.decode()


def test_approving_keeps_a_listing_staff_added_meanwhile(asked, specialist, brand_b, staff_b):
    listing = actions.list_specialist(
        brand=brand_b, specialist=specialist, acting_user=staff_b, price_minor=9900
    )
    assert actions.approve_listing_request(listing_request=asked, acting_user=staff_b) == listing
    asked.refresh_from_db()
    assert asked.status == ListingRequest.Status.APPROVED


def test_decline_needs_a_reason_and_tells_the_specialist_why(
    asked, specialist, brand_b, staff_b, client_for, django_capture_on_commit_callbacks
):
    c = client_for(staff_b)
    url = _staff_url("staff_listing_request_decline", brand_b, asked)
    before = _state()
    response = c.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert "Give the specialist a reason." in response.content.decode()
    assert _state() == before
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(url, {"reason": "We only list specialists licensed in New York."})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == ListingRequest.Status.DECLINED
    assert asked.decline_reason == "We only list specialists licensed in New York."
    assert not Listing.objects.filter(brand=brand_b, specialist=specialist).exists()
    assert AuditEvent.objects.filter(action="matching.listing_request_declined").count() == 1
    told = Notification.objects.get(user=specialist.user, kind="listing.decided")
    assert told.title == "Northside Clinic declined your listing request"
    assert "licensed in New York" in told.body
    page = client_for(specialist.user).get(LISTINGS).content.decode()
    assert "Declined" in page and "licensed in New York" in page
    # Approving a declined request is refused.
    response = c.post(_staff_url("staff_listing_request_approve", brand_b, asked), follow=True)
    assert "This request was just decided" in response.content.decode()
    assert not Listing.objects.filter(brand=brand_b, specialist=specialist).exists()


def test_staff_of_another_brand_get_404_and_change_nothing(
    asked, brand_a, brand_b, staff_a, client_for
):
    c = client_for(staff_a)
    before = _state()
    # Through their own brand's URLs (the request is not theirs) and through brand_b's.
    for slug in (brand_a.slug, brand_b.slug):
        for name, data in (
            ("staff_listing_request_approve", {}),
            ("staff_listing_request_decline", {"reason": "No."}),
        ):
            response = c.post(reverse(name, args=[slug, asked.uuid]), data)
            assert response.status_code == 404, (slug, name)
    assert _state() == before
    page = c.get(reverse("staff_listings", args=[brand_a.slug])).content.decode()
    assert "I see patients in New York." not in page
    # The refusal through their own brand's URL is audited like any denied access.
    assert AuditEvent.objects.filter(
        action=DENIED_ACTION,
        actor=staff_a,
        object_type="matching.listingrequest",
        object_id=str(asked.uuid),
    ).exists()


def test_non_approved_specialists_and_patients_get_404(
    asked, brand_b, specialist_2, patient_a, client_for
):
    specialist_2.status = Specialist.Status.SUBMITTED
    specialist_2.save(update_fields=["status"])
    withdraw = reverse("practice_listing_request_withdraw", args=[asked.uuid])
    for user in (specialist_2.user, patient_a.user):
        c = client_for(user)
        assert c.get(LISTINGS).status_code == 404
        assert c.post(ASK, {"brand": str(brand_b.uuid)}).status_code == 404
        assert c.post(withdraw).status_code == 404
        approve = _staff_url("staff_listing_request_approve", brand_b, asked)
        assert c.post(approve).status_code == 404
    assert ListingRequest.objects.get().is_pending
    assert ListingRequest.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(anonymous):
    response = anonymous().get(LISTINGS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The listings page ----------------------------------------------------------------------


def test_listings_page_shows_each_brands_price_and_pricing_mode_side_by_side(
    listed, specialist, brand_a, brand_b, staff_b, operator, client_for
):
    """brand_a lets specialists set prices (their override applies), brand_b fixes one."""
    couple = session_type(specialist, price=9000)
    couple.name = "Couples session"
    couple.save(update_fields=["name"])
    actions.set_listing_price(listing=listed, price_minor=7500, acting_user=operator)
    fix_brand_price(brand_b, staff_b)
    actions.list_specialist(brand=brand_b, specialist=specialist, acting_user=staff_b)
    page = client_for(specialist.user).get(LISTINGS).content.decode()
    for text in (
        "Specialist sets the price",
        "Brand-fixed price",
        "Therapy session, 50 min",
        "Couples session, 50 min",
        "75.00 EUR",
        "50.00 GBP",
    ):
        assert text in page, text
    # Exactly what booking charges on each brand.
    for st in specialist.session_types.all():
        for brand in (brand_a, brand_b):
            assert str(session_price(st, brand)) in page


def test_listings_page_queries_do_not_grow_with_listings(
    listed, specialist, brand_a, operator, client_for
):
    session_type(specialist, price=8000)
    c = client_for(specialist.user)
    c.get(LISTINGS)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as one:
        assert c.get(LISTINGS).status_code == 200
    for n in range(4):
        brand = make_brand(
            f"extra{n}", f"Extra {n}", pricing_mode="brand" if n % 2 else "specialist"
        )
        BrandMatching.objects.create(brand=brand, fixed_price_minor=4000 + n)
        actions.list_specialist(brand=brand, specialist=specialist, acting_user=operator)
        actions.request_listing(
            specialist=specialist,
            brand=make_brand(f"asked{n}", f"Asked {n}"),
            acting_user=specialist.user,
        )
    with CaptureQueriesContext(connection) as five:
        page = c.get(LISTINGS)
    assert Listing.objects.filter(specialist=specialist).count() == 5
    assert "Extra 3" in page.content.decode() and "40.03 EUR" in page.content.decode()
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]


# --- Races (PostgreSQL) ---------------------------------------------------------------------


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_at_once_list_the_specialist_once(brand_b, specialist, staff_b):
    other = make_user("staff.b2@example.com", full_name="Omar Staff")
    BrandMembership.objects.create(brand=brand_b, user=other)
    listing_request = actions.request_listing(
        specialist=specialist, brand=brand_b, acting_user=specialist.user
    )

    def attempt(user):
        return lambda: actions.approve_listing_request(
            listing_request=listing_request, acting_user=user
        )

    outcomes = race(
        [attempt(staff_b), attempt(other)],
        lambda exc: (
            "decided" if isinstance(exc, actions.ListingRequestDecided) else f"error: {exc!r}"
        ),
    )
    assert outcomes == ["applied", "decided"]
    assert Listing.objects.filter(brand=brand_b, specialist=specialist).count() == 1
    listing_request.refresh_from_db()
    assert listing_request.status == ListingRequest.Status.APPROVED
    assert AuditEvent.objects.filter(action="matching.listing_request_approved").count() == 1


# --- Demo -----------------------------------------------------------------------------------


def test_demo_has_one_waiting_request_that_northside_staff_see(client_for):
    from hale.accounts.models import User
    from hale.demo import seed as demo

    demo.seed()
    demo.seed()
    waiting = ListingRequest.objects.select_related("specialist__user", "brand").get()
    assert (waiting.specialist.user.email, waiting.brand.slug, waiting.status) == (
        "dr.tanaka@hale.example",
        "northside",
        ListingRequest.Status.PENDING,
    )
    assert not Listing.objects.filter(brand=waiting.brand, specialist=waiting.specialist).exists()
    staff = User.objects.get(email="staff@northside.example")
    page = client_for(staff).get(reverse("staff_listings", args=["northside"])).content.decode()
    assert "Requests to be listed" in page and waiting.message in page
