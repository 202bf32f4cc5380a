"""Guided flows of numbered steps (patient onboarding, specialist applications): the steps in
order and how to move between them, shared by actions, views and templates."""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Step:
    key: str
    title: str | Promise
    number: int


class StepFlow:
    """The steps of one flow, in order. ``next`` stays put on the last step."""

    def __init__(self, *steps: Step) -> None:
        self.steps: tuple[Step, ...] = steps
        self.keys: tuple[str, ...] = tuple(step.key for step in steps)
        self.first: str = self.keys[0]
        self.last: str = self.keys[-1]

    def get(self, key: str) -> Step | None:
        return next((step for step in self.steps if step.key == key), None)

    def next(self, key: str) -> str:
        index = self.keys.index(key)
        return self.keys[min(index + 1, len(self.keys) - 1)]

    def previous(self, key: str) -> str | None:
        index = self.keys.index(key)
        return self.keys[index - 1] if index > 0 else None
