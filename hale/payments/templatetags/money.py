"""``{{ amount|money:currency }}``: an amount in minor units with its currency code."""

from django import template

from hale.scheduling.pricing import Price

register = template.Library()


@register.filter
def money(amount_minor, currency: str = "EUR") -> str:
    if amount_minor is None:
        return ""
    amount = int(amount_minor)
    sign = "−" if amount < 0 else ""
    return sign + str(Price(abs(amount), str(currency).upper()))
