"""Background work for sign-in links."""

from hale.authn.emails import render_magic_link_email, render_no_account_email
from hale.authn.links import find_account, mark_magic_link_sent, mint_magic_link
from hale.authn.methods import MAGIC_LINK
from hale.core.tasks import retrying_task
from hale.tenancy.models import Brand


@retrying_task(queue_name="email")
def send_magic_link_email(
    *, brand_id: int, email: str, next_url: str, request_id: str, base_url: str = ""
) -> None:
    """Email the sign-in link asked for by request ``request_id`` (idempotent: an emailed
    link is not sent again; a failed send is retried with a fresh token, so only the
    delivered link works). With no active account for ``email``, say so to that mailbox."""
    brand = Brand.objects.filter(pk=brand_id, is_active=True).first()
    if brand is None or not brand.offers_signin(MAGIC_LINK):
        return
    user = find_account(email)
    if user is None:
        render_no_account_email(brand, email, base_url=base_url).send()
        return
    minted = mint_magic_link(
        brand=brand, user=user, email=user.email, next_url=next_url, request_id=request_id
    )
    if minted is None:
        return
    link, token = minted
    link.brand, link.user = brand, user
    render_magic_link_email(link, token, base_url=base_url).send()
    mark_magic_link_sent(link)
