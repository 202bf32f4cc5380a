"""The shop's background work: notices, each re-reading the order when it runs."""

from hale.core.tasks import retrying_task


@retrying_task()
def notify_order(*, order_id: int, event: str) -> None:
    from hale.shop import notices

    notices.order(order_id, event)


@retrying_task()
def notify_staff(*, order_id: int) -> None:
    from hale.shop import notices

    notices.to_approve(order_id)
