"""Template helpers for data exports (the download link is computed, never stored)."""

from django import template

from hale.accounts import data_rights
from hale.accounts.models import DataExport

register = template.Library()


@register.simple_tag
def data_export_link(export_uuid) -> dict | None:
    """``{% data_export_link export as link %}``: the absolute download link of a ready
    export and its expiry, or None once it is gone or expired (emails sent late)."""
    if not export_uuid:
        return None
    export = DataExport.objects.select_related("brand").filter(uuid=export_uuid).first()
    if export is None or not export.is_ready:
        return None
    return {"url": data_rights.absolute_download_url(export), "expires_at": export.expires_at}
