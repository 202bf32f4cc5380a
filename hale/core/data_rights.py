"""The data-rights registry: what every app contributes to a person's data export and to
deleting their account. The accounts app runs them (``hale.accounts.data_rights``); this
registry sits in core so any app, however low, can contribute without importing accounts.

Every app that keeps personal data contributes in a ``data_rights.py`` module of its own
(discovered the first time the registry is used)::

    from hale.core.data_rights import (
        ExportSection, register_deletion_check, register_eraser, register_exporter,
    )

    @register_exporter("appointments", label=_("Appointments"))
    def export_appointments(user):
        return [...]      # JSON-able dict or list, or ExportSection(data, files={...})

    @register_eraser("appointments")
    def erase_appointments(user, *, acting_user):
        ...  # cancel future appointments with notice, detach the records we must keep

    @register_deletion_check("payments")
    def unpaid_balance(user):
        return _("Settle your balance first.") if ... else None

Exporters run in the background build, read only rows that belong to ``user`` and never
another person's personal data (other people appear as ids or not at all). Files go in
``ExportSection.files`` (``{"name": FieldFile or bytes}``) and land under
``files/<section>/<name>`` in the ZIP; ``export_file_path`` gives that path for the data.

Erasers run inside ``delete_account``'s transaction (``order``, then registration order;
the accounts app's own run last), *before* the User row and the patient records are
anonymised, so they may still read names to write notices (send them with
``transaction.on_commit``). They erase or anonymise personal data, keep what the
law makes us keep (clinical and financial records, the audit trail) detached from the
identity, and delete files only after commit.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class ExportSection:
    """What an exporter returns when the section has files as well as data."""

    data: Any
    files: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Exporter:
    name: str
    func: Callable[[Any], Any]
    label: Any = ""
    description: Any = ""


@dataclass(frozen=True)
class Eraser:
    name: str
    func: Callable[..., None]
    order: int = 100


DeletionCheck = Callable[[Any], Any]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}
_checks: dict[str, DeletionCheck] = {}
_discovered = False


def _registrar(registry: dict, name: str, func, make=lambda name, func: func):
    if func is None:
        return lambda f: _registrar(registry, name, f, make)
    registry[name] = make(name, func)
    return func


def register_exporter(name: str, func=None, *, label="", description=""):
    """Add a section to every data export: ``func(user) -> dict | list | ExportSection``.
    Usable as a decorator. ``label``/``description`` explain the section in README.txt."""
    return _registrar(
        _exporters,
        name,
        func,
        lambda n, f: Exporter(name=n, func=f, label=label or n, description=description),
    )


def register_eraser(name: str, func=None, *, order: int = 100):
    """Run ``func(user, *, acting_user)`` when an account is deleted (see module docstring).
    Lower ``order`` runs first; the accounts app's own erasers (900) run last."""
    return _registrar(_erasers, name, func, lambda n, f: Eraser(name=n, func=f, order=order))


def register_deletion_check(name: str, func=None):
    """``func(user)`` returns a reason (translated) why the account cannot be deleted yet, or
    None. Every check must pass before any eraser runs."""
    return _registrar(_checks, name, func)


def unregister(name: str) -> None:
    """Remove an exporter, eraser and check by name (for tests)."""
    for registry in (_exporters, _erasers, _checks):
        registry.pop(name, None)


def autodiscover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("data_rights")
        _discovered = True


def exporters() -> list[Exporter]:
    autodiscover()
    return list(_exporters.values())


def erasers() -> list[Eraser]:
    """Registered erasers in the order they run (``order``, then registration)."""
    autodiscover()
    return sorted(_erasers.values(), key=lambda e: e.order)


def deletion_checks() -> list[tuple[str, DeletionCheck]]:
    autodiscover()
    return list(_checks.items())


def export_file_path(section: str, name: str) -> str:
    """Where a file of ``section`` lands inside the ZIP (for references in the data)."""
    return f"files/{section}/{name}"


def export_time(moment: dt.datetime | None) -> str | None:
    """A moment as exports write it: ISO 8601 in UTC with a ``Z`` (None stays None)."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
