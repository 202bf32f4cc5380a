"""Views served on every host that belong to no app."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and the page benchmark's yardstick: no query, no template."""
    return HttpResponse("ok", content_type="text/plain")
