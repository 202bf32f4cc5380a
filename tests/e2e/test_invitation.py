"""Journeys: a patient invited by clinic staff accepts the portal invitation in Chromium.

Every form the token pages post is submitted as a person would: the invitation page's way to
sign up (and, for someone signed in as another person, its "Sign out" form), then the
"Accept invitation" form. The token pages keep the token out of Referer headers without
``no-referrer``, which makes Chromium send ``Origin: null`` and the accept fail CSRF (403).
"""

import re

from django.core import mail
from playwright.sync_api import expect

from conftest import PASSWORD, confirmation_path, make_user
from hale.accounts import invitations
from hale.accounts.models import Patient
from hale.core.models import AuditEvent

HOST = "calm.localhost"
LINK = re.compile(r"https?://[^/\s]+(/invite/[^/\s]+/)")
SIGN_UP = re.compile("^(Create account|Sign Up)$")


def _invite(staff, brand, email: str) -> tuple[Patient, str]:
    """Staff create the patient record and send the invitation; the emailed link's path."""
    patient = invitations.create_patient(
        acting_user=staff, brand=brand, email=email, full_name="Ivy Invitee"
    )
    invitations.send_invitation(acting_user=staff, patient=patient)
    bodies = [m.body for m in mail.outbox if email in m.to]
    match = LINK.search(bodies[-1])
    assert match, "the invitation email carries the link"
    return patient, match.group(1)


def test_new_patient_signs_up_from_the_invitation_and_accepts_it(
    page, server, brand_a, staff_a, assert_accessible
):
    patient, link = _invite(staff_a, brand_a, "invitee@example.com")

    page.goto(server.url(HOST, link))
    expect(page.get_by_role("heading", level=1)).to_have_text("You are invited to Calm Minds")
    assert_accessible(page)
    page.get_by_role("link", name="Create your account").click()

    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next=%2Finvite%2Fcontinue%2F$"))
    page.get_by_label("Email").fill("invitee@example.com")
    for label in ("Password", "Password (again)"):
        page.get_by_label(label, exact=True).fill(PASSWORD)
    page.get_by_role("button", name=SIGN_UP).click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    page.goto(server.url(HOST, confirmation_path("invitee@example.com")))
    page.get_by_role("button", name="Confirm").click()

    # Back on the invitation (kept in the session, not in the URL): accept it.
    expect(page).to_have_url(re.compile(r"/invite/continue/$"))
    expect(page.get_by_role("main")).to_contain_text("You are signed in as invitee@example.com")
    assert_accessible(page)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Accept invitation").click()
    assert posted.value.status == 302, "the accept form is not refused (CSRF)"
    expect(page.locator("body")).to_contain_text(
        "Welcome to Calm Minds! Your account is now linked to your patient record."
    )

    patient.refresh_from_db()
    assert patient.user is not None and patient.user.email == "invitee@example.com"
    assert AuditEvent.objects.filter(action="invitation.accepted").count() == 1


def test_signed_in_as_someone_else_signs_out_from_the_invitation_then_accepts(
    page, server, login, brand_a, staff_a
):
    make_user("invitee@example.com")
    other = make_user("someone.else@example.com")
    patient, link = _invite(staff_a, brand_a, "invitee@example.com")
    login(page, server, other, HOST)

    page.goto(server.url(HOST, link))
    expect(page.get_by_role("alert")).to_contain_text(
        "This invitation is for invitee@example.com, but you are signed in as "
        "someone.else@example.com."
    )
    page.get_by_role("main").get_by_role("button", name="Sign out").click()

    # Signed out, back on the invitation: sign in as the invited person.
    sign_in = page.get_by_role("main").get_by_role("link", name="Sign in")
    expect(sign_in).to_be_visible()
    sign_in.click()
    page.get_by_label("Email").fill("invitee@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^Sign In$", re.I)).click()

    expect(page).to_have_url(re.compile(r"/invite/continue/$"))
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.locator("body")).to_contain_text("Your account is now linked")
    patient.refresh_from_db()
    assert patient.user is not None and patient.user.email == "invitee@example.com"
