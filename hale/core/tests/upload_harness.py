"""A test-only form, views and URLconf around the upload pipeline, as an app would use it.

Tests route a brand host here with the ``upload_views`` fixture (a middleware placed after
``BrandMiddleware`` points ``request.urlconf`` at this module), so requests still pass every
real middleware and ``request.brand`` is the brand of the host.
"""

from django import forms
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from hale.core.uploads import Upload, UploadRejected, serve_upload, store_upload


class UploadForm(forms.Form):
    file = forms.FileField(label="File")


@require_POST
def upload_view(request):
    if not request.user.is_authenticated:
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = store_upload(
                file=form.cleaned_data["file"],
                policy=request.brand.upload_policy(),
                uploaded_by=request.user,
                brand=request.brand,
            )
        except UploadRejected as exc:
            form.add_error("file", exc)
        else:
            return JsonResponse(
                {"uuid": str(upload.uuid), "status": upload.scan_status}, status=201
            )
    return JsonResponse({"errors": form.errors.get("file", [])}, status=400)


@require_GET
def download_view(request, upload_uuid, disposition):
    # The caller's access check: only the uploader, on the brand it was uploaded to.
    if not request.user.is_authenticated:
        raise Http404
    upload = get_object_or_404(
        Upload, uuid=upload_uuid, uploaded_by=request.user, brand=request.brand
    )
    return serve_upload(request, upload, inline=disposition == "inline")


urlpatterns = [
    path("test-upload/", upload_view),
    path("test-upload/<uuid:upload_uuid>/<str:disposition>/", download_view),
]


class RouteToUploadHarness:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.urlconf = __name__
        return self.get_response(request)
