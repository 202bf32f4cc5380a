"""Private file storage: files that must never be reachable through ``MEDIA_URL``.

``STORAGES["private"]`` names it (a local folder outside ``MEDIA_ROOT`` by default, a private
bucket in production). Views stream these files after their own access checks; nothing
serves the folder directly. Use it as ``FileField(storage=get_private_storage)``: the field
keeps the lazy proxy below, which follows ``settings.STORAGES`` (tests override it).
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE_STORAGE_ALIAS = "private"


class _PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


private_storage = _PrivateStorage()


def get_private_storage():
    """The private storage (a callable, so migrations refer to this function)."""
    return private_storage


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        private_storage._wrapped = empty  # type: ignore[assignment]  # LazyObject reset
