"""Messaging's domain error: a translated message for the person and what they can do."""

from django.utils.functional import Promise


class MessagingError(Exception):
    def __init__(self, message: str | Promise, instead: str | Promise = "", code: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.instead = instead
        self.code = code
