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
