"""Two confirmations of one sign-in link at the same moment sign in once.

These tests commit for real and use threads with their own database connections; they run
on SQLite (writers queue on the database lock) and PostgreSQL (the row lock in
``use_magic_link``)."""

import threading

import pytest
from django.db import connection

from hale.authn.actions import MagicLinkError, use_magic_link
from hale.authn.links import mint_magic_link
from hale.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_confirmations_spend_the_link_once(calm, patient_a):
    _link, token = mint_magic_link(
        brand=calm,
        user=patient_a.user,
        email=patient_a.user.email,
        next_url="",
        request_id="0b6f1f7e-1111-4000-8000-000000000002",
    )
    results: list[str] = []
    barrier = threading.Barrier(2)

    def confirm():
        try:
            barrier.wait(timeout=10)
            use_magic_link(brand=calm, token=token)
            results.append("signed in")
        except MagicLinkError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["signed in", "used"]
    assert AuditEvent.objects.filter(action="authn.magic_link_used").count() == 1
