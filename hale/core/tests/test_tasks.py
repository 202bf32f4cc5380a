import pytest
from django.db import transaction
from django.tasks import task

from hale.core.tasks import enqueue_on_commit, retrying_task

calls: list[str] = []


@task()
def record_call(value: str) -> None:
    calls.append(value)


failures = {"left": 0}


@retrying_task()
def flaky(value: str) -> str:
    if failures["left"] > 0:
        failures["left"] -= 1
        raise RuntimeError("transient")
    calls.append(value)
    return value


@pytest.fixture(autouse=True)
def reset():
    calls.clear()
    failures["left"] = 0


@pytest.mark.django_db(transaction=True)
def test_enqueued_only_after_commit():
    with transaction.atomic():
        enqueue_on_commit(record_call, "x")
        assert calls == []
    assert calls == ["x"]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_work_enqueues_nothing():
    with pytest.raises(ValueError), transaction.atomic():
        enqueue_on_commit(record_call, "never")
        raise ValueError
    assert calls == []


def test_failed_task_is_retried_until_it_succeeds():
    failures["left"] = 2
    flaky.enqueue("ok")
    assert calls == ["ok"]


def test_task_gives_up_after_max_attempts(settings):
    settings.TASK_MAX_ATTEMPTS = 3
    failures["left"] = 10
    flaky.enqueue("never")
    assert calls == []
    assert failures["left"] == 7
