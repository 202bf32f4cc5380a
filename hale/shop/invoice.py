"""The invoice of an order (PDF): its frozen lines, the tax per rate and the total — the
same figures the order page shows, because both come from the order's lines."""

from django.utils import timezone
from django.utils.translation import gettext as _

from hale.core.pdf import PdfBuilder
from hale.payments.templatetags.money import money
from hale.shop import tax
from hale.shop.models import Order


def invoice_pdf(order: Order) -> bytes:
    zone = timezone.get_current_timezone()
    title = _("Invoice %(number)s") % {"number": order.number}
    builder = PdfBuilder(title=title, subject=_("Invoice"))
    builder.heading(order.brand.name)
    builder.heading(title, level=2)
    patient = order.patient
    facts = [
        (_("Order number"), order.number),
        (_("Date"), order.placed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")),
        (_("Patient"), patient.full_name or patient.email),
        (_("Status"), str(order.get_status_display())),
    ]
    if order.payment is not None:
        facts.append((_("Payment"), str(order.payment.get_status_display())))
        facts.append((_("Receipt number"), order.payment.number))
    builder.facts(facts)
    builder.spacer()
    lines = list(order.lines.all())
    builder.table(
        [_("Product"), _("Quantity"), _("Unit price"), _("Tax rate"), _("Net"), _("Tax")],
        [
            [
                f"{line.name} ({line.sku})",
                str(line.quantity),
                money(line.unit_price_minor, order.currency),
                tax.rate_label(line.tax_rate_bp),
                money(line.net_minor, order.currency),
                money(line.tax_minor, order.currency),
            ]
            for line in lines
        ],
        widths_mm=[62, 18, 25, 18, 25, 22],
    )
    builder.spacer()
    totals = [(_("Subtotal"), money(order.subtotal_minor, order.currency))]
    for rate, net, amount in tax.totals(
        tax.Line(line.quantity, line.unit_price_minor, line.tax_rate_bp) for line in lines
    ).by_rate:
        totals.append(
            (
                _("Tax at %(rate)s on %(net)s")
                % {"rate": tax.rate_label(rate), "net": money(net, order.currency)},
                money(amount, order.currency),
            )
        )
    totals.append((_("Total"), money(order.total_minor, order.currency)))
    builder.facts(totals)
    if order.notes:
        builder.spacer()
        builder.paragraph(_("Order notes: %(notes)s") % {"notes": order.notes}, small=True)
    return builder.build()
