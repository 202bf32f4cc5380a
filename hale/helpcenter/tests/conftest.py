"""Help Center test helpers: articles are made through the actions, as staff would."""

import pytest

from hale.helpcenter import actions


@pytest.fixture
def write_article():
    """``write_article(brand, author, title=..., body=..., publish=True, ...)`` → Article."""

    def make(brand, author, *, title="An article", body="Some text.", publish=True, **extra):
        return actions.create_article(
            acting_user=author,
            brand=brand,
            title=title,
            body_markdown=body,
            publish=publish,
            **extra,
        )

    return make
