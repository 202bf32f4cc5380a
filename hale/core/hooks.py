"""Hooks: how a lower app lets a higher one take part in what it does, without importing it.

Apps stand on floors and import only downwards (CONVENTIONS.md, "Layers"). When a lower app
must let a higher one react or decide — booking asks matching whether this patient may take
this specialist; brand settings ask sign-in whether single sign-on can be offered — the
lower app declares a ``Hook`` next to the code that calls it, documents the keyword arguments
it passes, and the higher app connects its function in ``AppConfig.ready()``.

Unlike signals, a hook is called synchronously in the caller's transaction, in the order
the receivers were connected, and an exception from a receiver propagates: a receiver may
refuse (raise a domain error) and the caller's action rolls back. Receivers run inside the
action, so side effects that must wait for the commit use ``transaction.on_commit``.
"""

from collections.abc import Callable
from typing import Any


class Hook:
    """A named extension point. ``connect`` a receiver once; ``call`` them all."""

    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc
        self._receivers: list[Callable[..., Any]] = []

    def connect(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        """Add ``receiver`` (idempotent: connecting it again changes nothing). Usable as a
        decorator."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Callable[..., Any]) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    @property
    def receivers(self) -> tuple[Callable[..., Any], ...]:
        return tuple(self._receivers)

    def call(self, **kwargs: Any) -> list[Any]:
        """Call every receiver with ``kwargs``; their results in order."""
        return [receiver(**kwargs) for receiver in self._receivers]

    def first(self, **kwargs: Any) -> Any:
        """The first result that is not None (later receivers are not called), or None."""
        for receiver in self._receivers:
            result = receiver(**kwargs)
            if result is not None:
                return result
        return None

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receivers>"
