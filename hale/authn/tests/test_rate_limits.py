"""allauth's rate limits guard password, code and link sign-in (settings.ACCOUNT_RATE_LIMITS)."""

import re

import pytest
from django.core import mail

from conftest import PASSWORD
from hale.authn.tests.conftest import signed_in_user_id

pytestmark = pytest.mark.django_db


def test_failed_passwords_lock_the_address_for_a_while(northside, patient_b, anonymous):
    for _ in range(5):
        wrong = anonymous("northside.localhost").post(
            "/accounts/login/", {"login": patient_b.user.email, "password": "wrong-password"}
        )
        assert wrong.status_code == 200

    client = anonymous("northside.localhost")
    response = client.post(
        "/accounts/login/", {"login": patient_b.user.email, "password": PASSWORD}
    )

    assert signed_in_user_id(client) is None
    assert "Too many failed login attempts" in response.content.decode()


def test_sign_in_codes_are_limited_per_address(calm, patient_a, anonymous):
    statuses = [
        anonymous("calm.localhost")
        .post("/accounts/login/code/", {"email": patient_a.user.email})
        .status_code
        for _ in range(4)
    ]

    assert statuses[:3] == [302, 302, 302]
    assert statuses[3] in (200, 429)
    assert len(mail.outbox) == 3


def test_three_wrong_codes_void_the_right_one(calm, patient_a, anonymous):
    client = anonymous("calm.localhost")
    client.post("/accounts/login/code/", {"email": patient_a.user.email})
    code = re.search(r"browser window\.\s+(\S+)\s", mail.outbox[-1].body).group(1)
    for _ in range(3):
        client.post("/accounts/login/code/confirm/", {"code": "WRONG1"})

    client.post("/accounts/login/code/confirm/", {"code": code})

    assert signed_in_user_id(client) is None


def test_the_right_code_signs_in(calm, patient_a, anonymous):
    client = anonymous("calm.localhost")
    client.post("/accounts/login/code/", {"email": patient_a.user.email})
    code = re.search(r"browser window\.\s+(\S+)\s", mail.outbox[-1].body).group(1)

    client.post("/accounts/login/code/confirm/", {"code": code})

    assert signed_in_user_id(client) == str(patient_a.user.pk)
