"""Helpers for the notification tests."""

import pytest

from hale.notifications.actions import notify


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit side effects (pushes, email tasks) of a block, as a commit would:
    ``with committed(): notify(...)``."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def announce(committed):
    """Send a brand announcement notification to ``user`` with its side effects."""

    def send(user, brand, title="Clinic news", body="We moved.", **extra):
        with committed():
            return notify(
                user=user, kind="brand.announcement", brand=brand, title=title, body=body, **extra
            )

    return send
