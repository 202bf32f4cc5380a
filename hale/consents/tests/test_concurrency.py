"""Two tabs signing the same version at once, on PostgreSQL: exactly one signature."""

import pytest
from django.db import connection

from hale.consents.errors import AlreadySigned
from hale.consents.models import ConsentSignature
from hale.consents.tests.conftest import sign
from tests.race import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def test_signing_in_two_tabs_at_once_leaves_one_signature(patient_a, template_a, private_storage):
    outcomes = race(
        [lambda: sign(patient_a, template_a) for _ in range(3)],
        lambda exc: "already" if isinstance(exc, AlreadySigned) else f"error: {exc!r}",
    )
    assert outcomes == ["already", "already", "applied"]
    assert ConsentSignature.objects.filter(patient=patient_a).count() == 1
