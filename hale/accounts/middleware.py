"""Per-request account checks."""

from django.contrib.auth import logout
from django.shortcuts import render
from django.urls import set_urlconf

from hale.accounts.access import patient_record, remember_patient


class PortalAccessMiddleware:
    """Ends the session of a patient whose portal access on this brand was turned off.

    Sign-in is refused by ``AccountAdapter.pre_login``; this catches sessions that were open
    when staff turned access off. Sessions belong to one host, so the person's sessions on
    other brands (and on the platform host) carry on. Costs one indexed query per request of
    a signed-in user on a brand host, whose answer ``request_patient`` reuses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        brand = getattr(request, "brand", None)
        user = getattr(request, "user", None)
        if brand is not None and user is not None and user.is_authenticated:
            record = patient_record(user, brand, include_disabled=True)
            # Remembered for the rest of the request: every later reader of this request's
            # patient record (gates, views, home cards, template tags) costs no query.
            remember_patient(user, brand, record)
            if record is not None and not record.portal_enabled:
                logout(request)
                # Views have not run yet, so reverse() still points at the default URLconf.
                set_urlconf(getattr(request, "urlconf", None))
                return render(request, "accounts/portal_access_disabled.html", status=403)
        return self.get_response(request)
