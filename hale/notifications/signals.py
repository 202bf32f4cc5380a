"""Thin receivers that turn other libraries' events into notifications."""

from allauth.account.signals import user_signed_up


def welcome_new_user(sender, request, user, **kwargs) -> None:
    """allauth signed someone up: welcome them on the portal they signed up on."""
    from hale.notifications.actions import send_welcome

    send_welcome(user=user, brand=getattr(request, "brand", None))


def connect() -> None:
    user_signed_up.connect(welcome_new_user, dispatch_uid="hale.notifications.welcome")
