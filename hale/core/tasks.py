"""Background work helpers on top of ``django.tasks``.

Tasks are enqueued only after the surrounding transaction commits, so a worker never sees an
id whose row is not there yet, and a rolled-back change sends nothing. A task that raises is
retried with exponential back-off up to ``TASK_MAX_ATTEMPTS`` times.
"""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import Task, task
from django.tasks.backends.immediate import ImmediateBackend
from django.utils import timezone

logger = logging.getLogger(__name__)

ATTEMPT_KWARG = "_attempt"


def enqueue_on_commit(task_obj: Task, *args, **kwargs) -> None:
    """Enqueue ``task_obj`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_obj.enqueue(*args, **kwargs))


def retrying_task(*, queue_name: str = "default", priority: int = 0):
    """Declare a task that is re-enqueued with back-off when it raises.

    The retry is a new enqueue with ``run_after`` (30 s, 2 min, 8 min, ...), so it survives a
    worker restart. The final failure is logged and re-raised so the task result shows it.
    """

    def decorator(func):
        @functools.wraps(func)
        def runner(*args, **kwargs):
            attempt = kwargs.pop(ATTEMPT_KWARG, 1)
            try:
                return func(*args, **kwargs)
            except Exception:
                if attempt >= settings.TASK_MAX_ATTEMPTS:
                    logger.exception(
                        "Task %s failed for good after %s attempts", func.__name__, attempt
                    )
                    raise
                logger.warning(
                    "Task %s failed (attempt %s); retrying", func.__name__, attempt, exc_info=True
                )
                _retry(wrapped, attempt, args, kwargs)
                return None

        wrapped = task(queue_name=queue_name, priority=priority)(runner)
        return wrapped

    return decorator


def _retry(task_obj: Task, attempt: int, args, kwargs) -> None:
    if isinstance(task_obj.get_backend(), ImmediateBackend):
        # Inline (tests, or a setup without a worker): retry at once, no scheduling.
        task_obj.enqueue(*args, **{**kwargs, ATTEMPT_KWARG: attempt + 1})
        return
    delay = timedelta(seconds=30 * 4 ** (attempt - 1))
    task_obj.using(run_after=timezone.now() + delay).enqueue(
        *args, **{**kwargs, ATTEMPT_KWARG: attempt + 1}
    )


def can_defer(task_obj) -> bool:
    """Does the task's backend run tasks later (``run_after``)? The immediate backend of the
    tests does not; the periodic sweeps then do the deferred work."""
    return getattr(task_obj.get_backend(), "supports_defer", False)
