"""Journey: a patient downloads a copy of their data, then deletes their account."""

import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """The server runs in this process, so it stores exports in this throw-away folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


def test_patient_downloads_their_data_then_deletes_their_account(
    page, server, login, patient_b, assert_accessible, tmp_path
):
    host = "northside.localhost"
    email = patient_b.user.email
    login(page, server, patient_b.user, host)

    # My Account → Your data.
    page.goto(server.url(host, "/account/"))
    assert_accessible(page)
    page.get_by_role("link", name="Download a copy of your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    assert_accessible(page)

    # Ask for a copy; the build runs (inline in tests) and the page offers the download.
    page.get_by_role("button", name="Prepare my data").click()
    expect(page.get_by_role("status").filter(has_text="preparing a copy")).to_be_visible()
    download_link = page.get_by_role("link", name=re.compile(r"^Download your data \(ZIP"))
    expect(download_link).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    saved = tmp_path / "export.zip"
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        data = json.loads(archive.read("data.json"))
        assert "README.txt" in archive.namelist()
    assert data["sections"]["account"]["email"] == email

    # The bell has the "ready" notification too.
    page.goto(server.url(host, "/notifications/"))
    expect(page.get_by_role("main")).to_contain_text("Your data is ready to download")
    assert_accessible(page)

    # Delete the account: explanation, confirmation, the password again.
    page.goto(server.url(host, "/account/data/"))
    page.get_by_role("link", name="Delete my account…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    expect(page.get_by_role("heading", name="What we keep, and why")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Type your email address to confirm").fill(email)
    page.get_by_role("button", name="Delete my account permanently").click()

    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your account has been deleted")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)

    # Signing in again with the old details fails.
    page.goto(server.url(host, "/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("not correct")
    assert_accessible(page)
    page.goto(server.url(host, "/account/data/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
