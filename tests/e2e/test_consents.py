"""Signing consents in Chromium: drawing on the pad with the mouse, and typing the name by
keyboard alone."""

import re

from playwright.sync_api import expect

from hale.consents import actions
from hale.consents.models import ConsentSignature
from tests.e2e.test_booking import _open_every_day


def _template(brand, staff):
    template = actions.create_template(
        brand=brand,
        acting_user=staff,
        title="Consent to online therapy",
        body="I agree to online therapy.",
        requirement="first_session",
    )
    actions.publish_version(template=template, acting_user=staff, revision=None)
    return template


def test_patient_signs_by_drawing_on_the_pad(
    page, server, login, patient_a, staff_a, assert_accessible
):
    template = server.call(_template, patient_a.brand, staff_a)
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/consents/"))
    expect(page.get_by_role("heading", name="Action required")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Sign now")).click()
    pad = page.get_by_role("img", name=re.compile("Signature pad"))
    assert_accessible(page)
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 15, box["y"] + 20 + (step % 3) * 15, steps=3)
    page.mouse.up()
    page.get_by_label("I understand this signature is legally binding").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("is signed")).to_be_visible()
    assert_accessible(page)
    signature = server.call(lambda: ConsentSignature.objects.get(template=template))
    assert signature.method == "drawn"
    assert signature.image_png  # the drawing itself was kept


def test_patient_signs_by_typing_with_the_keyboard_alone(page, server, login, patient_a, staff_a):
    template = server.call(_template, patient_a.brand, staff_a)
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", f"/consents/{template.uuid}/sign/"))
    typed_radio = page.get_by_label("Type my name instead")
    typed_radio.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Alice Patient")
    page.get_by_label("I understand this signature is legally binding").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.get_by_text("is signed")).to_be_visible()
    signature = server.call(lambda: ConsentSignature.objects.get(template=template))
    assert signature.method == "typed" and signature.typed_name == "Alice Patient"


def test_a_typed_name_begun_before_the_pad_script_loads_is_kept(
    page, server, login, patient_a, staff_a
):
    """On a slow connection the pad script can arrive after the person chose "type my name"
    and started typing; it must not switch them back to the drawing pad."""
    template = server.call(_template, patient_a.brand, staff_a)
    login(page, server, patient_a.user, "calm.localhost")
    page.route("**/js/signature-pad*.js", lambda route: route.abort())
    page.goto(server.url("calm.localhost", f"/consents/{template.uuid}/sign/"))
    page.get_by_label("Type my name instead").check()
    page.get_by_label("Your full name").fill("Alice Patient")
    script_url = page.evaluate(
        "[...document.scripts].map((s) => s.src).find((src) => src.includes('signature-pad'))"
    )
    page.unroute("**/js/signature-pad*.js")
    page.add_script_tag(url=script_url + "?late=1", type="module")
    expect(page.get_by_label("Draw my signature")).to_be_visible()  # the script has run
    expect(page.get_by_label("Your full name")).to_be_visible()
    expect(page.get_by_label("Your full name")).to_have_value("Alice Patient")
    page.get_by_label("I understand this signature is legally binding").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("is signed")).to_be_visible()
    signature = server.call(lambda: ConsentSignature.objects.get(template=template))
    assert signature.method == "typed" and signature.typed_name == "Alice Patient"


def test_booking_waits_for_the_consent_and_comes_back_after_signing(
    page, server, login, patient_a, staff_a, specialist, assert_accessible
):
    from hale.scheduling.models import Appointment

    server.call(_open_every_day, specialist)
    server.call(_template, patient_a.brand, staff_a)
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/"))
    page.get_by_role("link", name="Book with Dr Dana One").click()

    # Blocked: no times to pick, a call to action instead.
    banner = page.get_by_role("status").filter(has_text="Action required")
    expect(banner).to_contain_text("Please sign “Consent to online therapy” first.")
    assert_accessible(page)
    booking_url = page.url
    banner.get_by_role("link", name="Sign now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consent to online therapy")

    page.get_by_label("Type my name instead").check()
    page.get_by_label("Your full name").fill("Alice Patient")
    page.get_by_label("I understand this signature is legally binding").check()
    page.get_by_role("button", name="Sign", exact=True).click()

    # Back where they were, now free to book.
    expect(page).to_have_url(booking_url)
    expect(page.get_by_role("status").filter(has_text="Action required")).to_have_count(0)
    page.get_by_role("main").get_by_role("link", name=re.compile(r"\d\d:\d\d$")).first.click()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("status").filter(has_text="booked")).to_contain_text(
        "Your session is booked"
    )
    assert server.call(lambda: Appointment.objects.filter(patient=patient_a).count()) == 1


def test_a_signup_consent_comes_first_and_brings_the_patient_back(
    page, server, login, patient_a, staff_a, assert_accessible
):
    def signup_template():
        template = actions.create_template(
            brand=patient_a.brand,
            acting_user=staff_a,
            title="Telehealth consent",
            body="You agree to receive care remotely.",
            requirement="signup",
        )
        actions.publish_version(template=template, acting_user=staff_a, revision=None)

    server.call(signup_template)
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/appointments/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Telehealth consent")
    assert_accessible(page)
    page.get_by_label("Type my name instead").check()
    page.get_by_label("Your full name").fill("Alice Patient")
    page.get_by_label("I understand this signature is legally binding").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page).to_have_url(re.compile(r"/appointments/$"))
    expect(page.get_by_text("is signed")).to_be_visible()
