"""Table stamps change after every commit that wrote to a table, whatever wrote it, and never
for a write that was rolled back."""

import pytest
from django.db import connection, connections, transaction

from hale.accounts.models import User
from hale.core import stamps
from hale.core.models import TableStamp
from tests.race import race

pytestmark = pytest.mark.django_db(transaction=True)

USERS = User._meta.db_table


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "accounts_user" ("email") VALUES (%s)', {"accounts_user"}),
        ('INSERT OR IGNORE INTO "a_b" ("x") VALUES (1)', {"a_b"}),
        (
            'UPDATE "scheduling_appointment" SET "status" = %s WHERE "id" = %s',
            {"scheduling_appointment"},
        ),
        ('DELETE FROM "messaging_message" WHERE "id" IN (1, 2)', {"messaging_message"}),
        ('TRUNCATE "a", "b" RESTART IDENTITY', {"a", "b"}),
        ('SELECT "id" FROM "accounts_user"', set()),
    ],
)
def test_the_tables_a_statement_writes(sql, tables):
    assert stamps.written_tables(sql) == tables


def test_the_tables_a_query_reads():
    sql = (
        'SELECT "a"."id" FROM "scheduling_appointment" "a" INNER JOIN "accounts_patient" '
        'ON ("a"."patient_id" = "accounts_patient"."id") WHERE EXISTS (SELECT 1 FROM '
        '"messaging_message" U0)'
    )
    assert stamps.read_tables(sql) == {
        "scheduling_appointment",
        "accounts_patient",
        "messaging_message",
    }


def test_every_kind_of_write_changes_the_stamp_after_commit():
    before = stamps.versions([USERS])[USERS]
    user = User.objects.create(email="stamp@example.com")
    created = stamps.versions([USERS])[USERS]
    assert created != before
    User.objects.filter(pk=user.pk).update(full_name="Changed")  # no signals
    updated = stamps.versions([USERS])[USERS]
    assert updated != created
    with connection.cursor() as cursor:  # raw SQL too
        cursor.execute(f'DELETE FROM "{USERS}" WHERE "id" = %s', [user.pk])  # noqa: S608
    assert stamps.versions([USERS])[USERS] != updated


def test_a_rolled_back_write_changes_nothing():
    before = stamps.versions([USERS])
    with pytest.raises(RuntimeError), transaction.atomic():
        User.objects.create(email="never@example.com")
        raise RuntimeError
    assert stamps.versions([USERS]) == before


def test_reads_are_recorded_and_stamps_themselves_are_not():
    with stamps.recording() as reads:
        list(User.objects.all())
        stamps.versions([USERS])
    assert reads.tables == {USERS}
    assert not reads.wrote
    with stamps.recording() as reads:
        User.objects.create(email="w@example.com")
    assert reads.wrote


def test_a_table_never_written_reads_as_zero():
    assert stamps.versions(["never_written"]) == {"never_written": 0}
    assert "never_written" not in stamps.versions_all()


@pytest.mark.postgres
def test_concurrent_commits_to_overlapping_tables_all_land_without_deadlock():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    names = ["t_a", "t_b", "t_c", "t_d"]

    def writer(i):
        order = names[i % 4 :] + names[: i % 4]  # each starts elsewhere

        def run():
            with transaction.atomic():
                for name in order:
                    stamps._mark(connections["default"], {name})

        return run

    before = stamps.versions(names)
    outcomes = race([writer(i) for i in range(8)], classify=lambda exc: type(exc).__name__)
    assert outcomes == ["applied"] * 8
    after = stamps.versions(names)
    assert all(after[n] != before[n] for n in names)
    assert TableStamp.objects.filter(name__in=names).count() == 4
