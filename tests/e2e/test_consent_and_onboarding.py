"""Journeys: signing up on a brand with Terms and a Privacy Policy, then the guided onboarding;
and a signed-in patient asked to accept a new Terms version that staff just published."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD, confirmation_path
from hale.accounts.models import Patient, User
from hale.legal import access
from hale.legal.demo import accept_demo_documents, seed_demo_legal
from hale.legal.models import LegalAcceptance

NEW_EMAIL = "maya@example.com"
SIGN_UP = re.compile("^(Create account|Sign Up)$")


def fill_passwords(page) -> None:
    """Fill the password boxes if this brand's sign-up form has them."""
    for label in ("Password", "Password (again)"):
        box = page.get_by_label(label, exact=True)
        if box.count():
            box.fill(PASSWORD)


def test_sign_up_with_consent_then_onboarding(page, server, brand_b, staff_b, assert_accessible):
    brand_b.features = [*brand_b.features, "collect_date_of_birth"]
    brand_b.save(update_fields=["features"])
    seed_demo_legal(brand_b, staff_b)
    host = "northside.localhost"

    page.goto(server.url(host, "/accounts/signup/"))
    consent = page.get_by_role("checkbox", name=re.compile("I accept the Terms of Service"))
    expect(consent).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Privacy Policy"))).to_have_attribute(
        "href", "/legal/privacy/"
    )
    assert_accessible(page)

    # Without ticking the box: the browser refuses (the box is required), and no account.
    page.get_by_label("Email").fill(NEW_EMAIL)
    fill_passwords(page)
    page.get_by_role("button", name=SIGN_UP).click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    assert consent.evaluate("box => box.validity.valueMissing")
    assert not User.objects.filter(email=NEW_EMAIL).exists()

    # Without the browser's check (as a script or an old browser would post): the server
    # refuses with a message.
    page.locator("form").filter(has=consent).evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name=SIGN_UP).click()
    expect(page.get_by_role("main")).to_contain_text(
        "To create an account, accept the Terms of Service and the Privacy Policy."
    )
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    assert_accessible(page)

    fill_passwords(page)
    consent.check()
    page.get_by_role("button", name=SIGN_UP).click()

    # Check your email: signed in only once the emailed link is confirmed (the live server
    # runs in this process, so its outbox is ours).
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    assert_accessible(page)
    page.goto(server.url(host, confirmation_path(NEW_EMAIL)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Email Address")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()

    # Onboarding, step 1.
    expect(page).to_have_url(re.compile(r"/welcome/about/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Maya Lopez")
    page.get_by_label("Phone (optional)").fill("+1 212 555 0100")
    page.get_by_label("Date of birth").fill("1988-07-14")
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: the browser's zone (Europe/London, not the brand's New York) is preselected.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your time zone")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/London")
    expect(page.get_by_role("main")).to_contain_text("Your browser says you are in Europe/London")
    assert_accessible(page)

    # Leave and come back: onboarding resumes at the saved step.
    page.goto(server.url(host, "/"))
    assert_accessible(page)
    page.get_by_role("link", name="Finish setting up your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your time zone")
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: language.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your language")
    assert_accessible(page)
    page.get_by_role("radio", name="English").check()
    page.get_by_role("button", name="Save and continue").click()

    # What happens next, for a browse brand.
    expect(page.get_by_role("heading", level=1)).to_have_text("What happens next")
    expect(page.get_by_role("main")).to_contain_text("Browse our specialists")
    assert_accessible(page)

    user = User.objects.get(email=NEW_EMAIL)
    patient = Patient.objects.get(user=user, brand=brand_b)
    assert patient.onboarded_at is not None
    assert (patient.full_name, patient.time_zone, str(patient.date_of_birth)) == (
        "Maya Lopez",
        "Europe/London",
        "1988-07-14",
    )
    accepted = set(
        LegalAcceptance.objects.filter(user=user).values_list("document__kind", "version")
    )
    assert accepted == {("terms", 1), ("privacy", 1)}


def test_re_consent_after_staff_publish_new_terms(
    new_page, server, login, brand_a, staff_a, patient_a, assert_accessible
):
    seed_demo_legal(brand_a, staff_a)
    accept_demo_documents(brand_a, [patient_a.user])
    Patient.objects.filter(pk=patient_a.pk).update(onboarded_at=timezone.now())

    # Staff publish version 2 of the Terms in the back office.
    staff = new_page()
    login(staff, server, staff_a, "localhost")
    staff.goto(server.url("localhost", "/staff/"))
    staff.get_by_role("link", name="Terms and privacy for Calm Minds").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Terms and privacy for Calm Minds")
    assert_accessible(staff)
    staff.get_by_role("link", name="Create a new version of the Terms of Service").click()
    expect(staff.get_by_label("Title")).to_have_value("Calm Minds Terms of Service")
    assert_accessible(staff)
    staff.get_by_label(re.compile("^What changed")).fill("Cancellations now need 48 hours.")
    body = staff.get_by_label("Text (Markdown)")
    body.fill(body.input_value().replace("**24 hours**", "**48 hours**"))
    expect(staff.get_by_role("region", name="Preview of the text")).to_contain_text("48 hours")
    staff.get_by_role("button", name="Save as draft").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("version 2 (draft)")
    assert_accessible(staff)
    staff.get_by_role("link", name="Publish this version").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        "Publish Terms of Service version 2?"
    )
    assert_accessible(staff)
    staff.get_by_role("button", name="Publish").click()
    expect(staff.get_by_role("main")).to_contain_text("Current: version 2")
    assert_accessible(staff)

    # The signed-in patient is asked to accept it before going on.
    page = new_page()
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/help/"))
    expect(page).to_have_url(re.compile(r"/legal/accept/\?next=%2Fhelp%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("We have updated our terms")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Version 2")
    expect(main).to_contain_text("You accepted version 1 before.")
    expect(main).to_contain_text("Cancellations now need 48 hours.")
    expect(main.get_by_role("button", name="Sign out instead")).to_be_visible()
    assert_accessible(page)

    # Other pages stay closed; the new text is readable.
    page.goto(server.url("calm.localhost", "/notifications/"))
    expect(page).to_have_url(re.compile(r"/legal/accept/\?next=%2Fnotifications%2F$"))
    expect(
        page.get_by_role("link", name="download your data or delete your account")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Read the Terms of Service").click()
    expect(page.get_by_role("main")).to_contain_text("48 hours")
    assert_accessible(page)
    page.go_back()

    page.get_by_role("button", name="I accept").click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    assert_accessible(page)
    current_terms = access.current_documents(brand_a)[0]
    assert LegalAcceptance.objects.filter(user=patient_a.user, document=current_terms).exists()
