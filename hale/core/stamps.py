"""Table stamps: a version per table, replaced after every commit that wrote to the table.

Every statement on every database connection passes ``_watch`` (installed when a connection
opens, in every process: web, worker, shell). A write (INSERT, UPDATE, DELETE, TRUNCATE) marks
the table it writes; when the transaction commits (at once, outside a transaction) the marked
tables get new random versions in one statement, sorted so that concurrent writers cannot
deadlock on them. The stamp is written after the commit, not inside the transaction, so
stamps never become a lock that serialises the writers of a table. A write that is rolled back
leaves its table marked, bumped with the next write that commits on that connection: an extra
invalidation, never a missed one.

What a reader does with them: ``recording()`` collects the tables a block of code read (and
whether it wrote), ``versions(names)`` reads their stamps in one query. A result computed from
tables T stays right while ``versions(T)`` equals what it was *before* computing it. A value
served from the cache instead of a query names its tables with ``note_read`` so it is counted.

Writes made outside Django's connections (psql, another program) are not seen: anything kept
on the strength of stamps must also expire by itself.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver

STAMP_TABLE = "core_tablestamp"
# Tables whose writes say nothing about what pages show: the stamps themselves and the
# migration log.
UNWATCHED = frozenset({STAMP_TABLE, "django_migrations"})

_WRITE_TARGET = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?',
    re.IGNORECASE,
)
_TRUNCATE = re.compile(r"^\s*TRUNCATE\b", re.IGNORECASE)
_NAME = re.compile(r'"(\w+)"')
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)
_QUIET = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "PRAGMA", "SET ", "SHOW ")


@dataclass
class Reads:
    """What the code inside ``recording()`` did: the tables it read, whether it wrote."""

    tables: set[str] = field(default_factory=set)
    wrote: bool = False


_reads: ContextVar[Reads | None] = ContextVar("hale_stamp_reads", default=None)


@contextmanager
def recording() -> Iterator[Reads]:
    reads = Reads()
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def note_read(*tables: str) -> None:
    """Count ``tables`` as read by the current recording (a value taken from the cache that
    was computed from them)."""
    reads = _reads.get()
    if reads is not None:
        reads.tables.update(tables)


def written_tables(sql: str) -> set[str]:
    """The tables a statement writes (empty for reads and for statements that change no
    rows of a table)."""
    if _TRUNCATE.match(sql):
        return set(_NAME.findall(sql)) or set(sql.split()[1:])
    match = _WRITE_TARGET.match(sql)
    return {match.group(1)} if match else set()


def read_tables(sql: str) -> set[str]:
    return set(_READ.findall(sql))


def _watch(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    result = execute(sql, params, many, context)
    head = sql[:24].lstrip()[:9].upper()  # not a copy of the whole statement per query
    if head.startswith(("SELECT", "WITH")):
        reads = _reads.get()
        if reads is not None:
            reads.tables.update(read_tables(sql) - UNWATCHED)
        return result
    if head.startswith(_QUIET):
        return result
    written = written_tables(sql) - UNWATCHED
    if not written and not head.startswith(("CREATE", "ALTER", "DROP")):
        return result
    reads = _reads.get()
    if reads is not None:
        reads.wrote = True
    if written:
        _mark(context["connection"], written)
    return result


def _mark(connection: BaseDatabaseWrapper, tables: set[str]) -> None:
    dirty: set[str] | None = getattr(connection, "_hale_dirty_tables", None)
    if dirty is None:
        dirty = set()
        connection._hale_dirty_tables = dirty  # type: ignore[attr-defined]
    dirty.update(tables)
    if not connection.in_atomic_block:
        _bump(connection)  # the statement committed by itself
        return
    # One callback per transaction bumps every table it wrote.
    callback = getattr(connection, "_hale_bump", None)
    if callback is None:
        callback = functools.partial(_bump, connection)
        connection._hale_bump = callback  # type: ignore[attr-defined]
    if not any(entry[1] is callback for entry in connection.run_on_commit):
        transaction.on_commit(callback, using=connection.alias, robust=True)


def is_stamp_callback(func: object) -> bool:
    """Whether ``func`` (a callback queued with ``transaction.on_commit``) is the stamps'
    own, for tests that count what a change queued."""
    return isinstance(func, functools.partial) and func.func is _bump


def _bump(connection: BaseDatabaseWrapper) -> None:
    dirty: set[str] = getattr(connection, "_hale_dirty_tables", set())
    if not dirty:
        return
    names = sorted(dirty)
    dirty.clear()
    bump(names, using=connection.alias)


def bump(names: Iterable[str], *, using: str = "default") -> None:
    """Give ``names`` new versions now (the watcher calls this after each commit)."""
    from hale.core.models import TableStamp

    rows = [TableStamp(name=name, version=secrets.randbits(62)) for name in sorted(set(names))]
    if not rows:
        return
    try:
        TableStamp.objects.using(using).bulk_create(
            rows, update_conflicts=True, unique_fields=["name"], update_fields=["version"]
        )
    except DatabaseError:
        if STAMP_TABLE in connections[using].introspection.table_names():
            raise
        # Migrating a new database: nothing can hold on to stamps before the table exists.


def versions(names: Iterable[str], *, using: str = "default") -> dict[str, int]:
    """The current stamp of each of ``names`` (0 for a table never written since stamps
    began). One query."""
    sql, wanted = versions_query(names)
    found: dict[str, int] = dict.fromkeys(wanted, 0)
    if wanted:
        with connections[using].cursor() as cursor:
            cursor.execute(sql, wanted)
            found.update(cursor.fetchall())
    return found


def versions_query(names: Iterable[str]) -> tuple[str, list[str]]:
    """The query of ``versions`` (``%s`` placeholders) and its parameters, for a caller that
    runs it on a connection of its own."""
    wanted = sorted(set(names))
    marks = ", ".join(["%s"] * len(wanted))
    sql = f'SELECT "name", "version" FROM "{STAMP_TABLE}" WHERE "name" IN ({marks})'  # noqa: S608
    return sql, wanted


def versions_all(*, using: str = "default") -> dict[str, int]:
    """Every table's current stamp (tables never written since stamps began are absent)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f'SELECT "name", "version" FROM "{STAMP_TABLE}"')  # noqa: S608
        return dict(cursor.fetchall())


@receiver(connection_created, dispatch_uid="hale.core.stamps.watch")
def _install(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)
