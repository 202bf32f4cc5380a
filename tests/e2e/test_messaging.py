"""Journeys: a patient and their specialist message each other live in two browsers; with
the WebSocket unavailable polling still delivers; signing out closes the open socket; the
clinic's staff answer in the shared inbox."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from hale.matching.models import CareRelationship
from hale.messaging import access, actions
from hale.messaging.models import Conversation, Side


def _care(patient, specialist):
    CareRelationship.objects.create(
        patient=patient,
        specialist=specialist,
        brand=patient.brand,
        source=CareRelationship.Source.BROWSE,
        started_at=timezone.now(),
    )


def _opened_by_specialist(patient, specialist, body="Hello Alice, how was your week?"):
    _care(patient, specialist)
    conversation = actions.conversation_for(
        patient=patient, specialist=specialist, side=Side.SPECIALIST
    )
    actions.send_message(
        conversation=conversation, viewer=access.specialist_viewer(specialist.user), body=body
    )
    return conversation


# Django's English TIME_FORMAT reads "4:05 p.m.", "4 p.m.", "noon" or "midnight".
SEEN = re.compile(r"^Seen (\d{1,2}(:\d{2})? [ap]\.m\.|noon|midnight)")


def test_patient_and_specialist_exchange_messages_live(
    page, new_page, server, login, patient_a, specialist, assert_accessible
):
    conversation = server.call(_opened_by_specialist, patient_a, specialist)
    # The patient's home page: the header says one unread message.
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost"))
    messages_link = page.get_by_role("link", name=re.compile(r"^Messages"))
    expect(messages_link).to_have_attribute("data-unread", "1")
    messages_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Dr Dana One")).click()
    expect(page.get_by_role("main")).to_contain_text("how was your week?")
    expect(messages_link).to_have_attribute("data-unread", "0")
    assert_accessible(page)

    # The specialist opens the same conversation in another browser.
    dana = new_page()
    login(dana, server, specialist.user, "localhost")
    dana.goto(server.url("localhost", f"/practice/messages/{conversation.uuid}/"))
    expect(dana.get_by_role("complementary")).to_contain_text("Next appointment")
    assert_accessible(dana)
    expect(dana.get_by_text(SEEN)).to_be_visible()

    # Alice types: Dana sees "typing…"; Alice sends: Dana sees it without reloading.
    box = page.get_by_label("Your message")
    box.fill("Better, thank you. I slept well on Tuesday.")
    box.press("Space")
    expect(dana.get_by_text("Alice Patient is typing…")).to_be_visible()
    page.get_by_role("button", name="Send").click()
    expect(box).to_have_value("")
    expect(dana.get_by_role("list", name="Messages")).to_contain_text("I slept well on Tuesday")

    # Dana answers; Alice's open page shows it.
    dana.get_by_label("Your message").fill("Great to hear. See you Thursday.")
    dana.get_by_role("button", name="Send").click()
    expect(page.get_by_role("list", name="Messages")).to_contain_text("See you Thursday")
    # Dana's header count stays at zero: she wrote last; Alice read it, so Dana sees "Seen".
    expect(dana.get_by_text(SEEN)).to_be_visible()

    # Alice goes back to her home page; a new message from Dana raises her count live.
    page.goto(server.url("calm.localhost"))
    expect(messages_link).to_have_attribute("data-unread", "0")
    dana.get_by_label("Your message").fill("One more thing: bring your sleep diary.")
    dana.get_by_role("button", name="Send").click()
    expect(messages_link).to_have_attribute("data-unread", "1")


def test_with_the_websocket_blocked_polling_still_delivers(
    page, new_page, server, login, patient_a, specialist
):
    conversation = server.call(_opened_by_specialist, patient_a, specialist)
    page.add_init_script("delete window.WebSocket;")
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", f"/messages/{conversation.uuid}/"))
    expect(
        page.get_by_role("status").filter(has_text="Live updates are unavailable")
    ).to_be_visible()

    dana = new_page()
    login(dana, server, specialist.user, "localhost")
    dana.goto(server.url("localhost", f"/practice/messages/{conversation.uuid}/"))
    dana.get_by_label("Your message").fill("Checking in by polling")
    dana.get_by_role("button", name="Send").click()
    expect(page.get_by_role("list", name="Messages")).to_contain_text("Checking in by polling")

    # A draft survives a reload, and sending still works without the socket.
    page.get_by_label("Your message").fill("Half-written thought")
    page.reload()
    expect(page.get_by_label("Your message")).to_have_value("Half-written thought")
    page.get_by_role("button", name="Send").click()
    expect(dana.get_by_role("list", name="Messages")).to_contain_text("Half-written thought")


def test_signing_out_closes_the_open_socket(page, server, login, patient_a, specialist):
    conversation = server.call(_opened_by_specialist, patient_a, specialist)
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", f"/messages/{conversation.uuid}/"))
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("data-socket", "open")
    other_tab = page.context.new_page()
    other_tab.goto(server.url("calm.localhost", "/"))
    other_tab.get_by_role("button", name="Sign out").click()
    # The server re-checks open sockets every few seconds and closes this one.
    expect(bell).to_have_attribute("data-socket", "closed", timeout=15_000)


def test_staff_answer_a_patient_in_the_shared_inbox(
    page, new_page, server, login, patient_a, staff_a, brand_a, assert_accessible
):
    brand_a.messaging_policy = "all_clients"
    brand_a.save(update_fields=["messaging_policy"])
    login(page, server, patient_a.user, "calm.localhost")
    page.goto(server.url("calm.localhost", "/messages/"))
    page.get_by_role("link", name="New conversation").click()
    page.get_by_label("To").select_option(label="Calm Minds team")
    page.get_by_label("Message").fill("Can I get a receipt for last month?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("list", name="Messages")).to_contain_text("receipt for last month")

    staff = new_page()
    login(staff, server, staff_a, "localhost")
    staff.goto(server.url("localhost", f"/staff/brands/{brand_a.slug}/messages/"))
    expect(staff.get_by_role("main")).to_contain_text("receipt for last month")
    assert_accessible(staff)
    staff.get_by_role("link", name=re.compile("Alice Patient")).click()
    staff.get_by_label("Your message").fill("Of course, I have emailed it to you.")
    staff.get_by_role("button", name="Send").click()
    expect(page.get_by_role("list", name="Messages")).to_contain_text("I have emailed it")
    conversation = Conversation.objects.get(patient=patient_a, specialist=None)
    assert conversation.assigned_to_id == staff_a.pk


def test_specialist_opens_the_patient_from_the_chat_sidebar(
    page, server, login, patient_a, specialist, assert_accessible
):
    conversation = server.call(_opened_by_specialist, patient_a, specialist)
    login(page, server, specialist.user, "localhost")
    page.goto(server.url("localhost", f"/practice/messages/{conversation.uuid}/"))
    page.get_by_role("complementary").get_by_role("link", name="Open the patient").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Patient")
    expect(page.get_by_role("main")).to_contain_text("No sessions yet.")
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Messages", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("how was your week?")
