from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "hale.documents"
    verbose_name = _("Documents and notes")

    def ready(self) -> None:
        from hale.accounts.hooks import patient_record_sections
        from hale.documents import sections

        patient_record_sections.connect(sections.record_sections)
