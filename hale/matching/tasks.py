"""Matching's background work: telling people about listing requests, each task re-reading
the request when it runs (a request decided meanwhile tells nobody it waits)."""

from hale.core.tasks import retrying_task


@retrying_task()
def notify_listing_requested(listing_request_id: int) -> None:
    from hale.matching import notices

    notices.listing_requested(listing_request_id)


@retrying_task()
def notify_listing_decided(listing_request_id: int) -> None:
    from hale.matching import notices

    notices.listing_decided(listing_request_id)
