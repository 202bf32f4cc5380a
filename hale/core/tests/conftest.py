import pytest


@pytest.fixture
def upload_views(settings):
    """Serve hale/core/tests/upload_harness.py on every host (after BrandMiddleware)."""
    middleware = list(settings.MIDDLEWARE)
    at = middleware.index("hale.tenancy.middleware.BrandMiddleware") + 1
    middleware.insert(at, "hale.core.tests.upload_harness.RouteToUploadHarness")
    settings.MIDDLEWARE = middleware
