"""Dashboard tests use the scheduling personas (a specialist open every day, ``book``,
``propose``)."""

from hale.scheduling.tests.conftest import (  # noqa: F401  (fixtures)
    _personas_listed,
    book,
    free_slots,
    open_specialist,
    propose,
    session_type,
)


def home_page(client, path="/") -> str:
    """A signed-in home page's HTML (never stored by the browser)."""
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()
