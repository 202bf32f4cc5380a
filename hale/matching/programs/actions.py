"""Programs: eligibility, consent, covered sessions, the staff back office and the roster
upload. Every write goes through a function here (one transaction, an audit row)."""

import csv
import hmac
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.core import audit
from hale.matching.models import (
    Organization,
    Program,
    ProgramMembership,
    ProgramRosterEntry,
    ProgramSessionUse,
)
from hale.matching.programs.access import current_membership, membership_for

ROSTER_COLUMNS = ("email", "external_id")
ROSTER_MAX_ROWS = 5000


class ProgramError(Exception):
    """A refused program action, with a translated message for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).upper()


def normalise_domain(domain: str) -> str:
    return (domain or "").strip().lstrip("@").lower()


# --- Eligibility and consent ------------------------------------------------------------------


def _eligible_via(program: Program, *, user, code: str) -> str:
    mode = program.eligibility
    email = (user.email or "").lower()
    domains = {normalise_domain(d) for d in program.email_domains}
    if email.rpartition("@")[2] in domains:
        # A listed email domain admits people in any mode (no code or roster needed).
        return Program.Eligibility.DOMAIN
    if mode == Program.Eligibility.CODE:
        given = normalise_code(code)
        if not given or not hmac.compare_digest(
            given.encode(), normalise_code(program.access_code).encode()
        ):
            raise ProgramError(_("This access code is not valid for this program."))
        return mode
    if mode == Program.Eligibility.DOMAIN:
        raise ProgramError(
            _("Your sign-in email address is not from an organisation in this program.")
        )
    if not program.roster.filter(email=email).exists():
        raise ProgramError(_("Your sign-in email address is not on this program's list."))
    return mode


@transaction.atomic
def join_program(*, program: Program, patient, acting_user, code: str = "") -> ProgramMembership:
    """Check eligibility and enrol the patient (idempotent). Raises ProgramError."""
    if patient.user_id != acting_user.pk or patient.brand_id != program.brand_id:
        raise Http404
    existing = membership_for(program, patient)
    if existing is not None:
        return existing
    via = _eligible_via(program, user=acting_user, code=code)
    membership, created = ProgramMembership.objects.get_or_create(
        program=program,
        patient=patient,
        defaults={"eligible_via": via, "joined_at": timezone.now()},
    )
    if created:
        audit.record(
            acting_user, "matching.program_joined", membership, brand=program.brand, via=via
        )
    return membership


@transaction.atomic
def accept_program_consent(
    *, membership: ProgramMembership, acting_user, version: int, ip: str | None
) -> ProgramMembership:
    """Record the member's acceptance of the program's consent text at ``version``."""
    membership = ProgramMembership.objects.select_for_update().get(pk=membership.pk)
    program = membership.program
    if membership.patient.user_id != acting_user.pk:
        raise Http404
    if version != program.consent_version:
        raise ProgramError(_("The consent text has changed. Please read it again."))
    membership.consented_at = timezone.now()
    membership.consent_version = version
    membership.consent_ip = ip or None
    membership.save(update_fields=["consented_at", "consent_version", "consent_ip"])
    audit.record(
        acting_user,
        "matching.program_consented",
        membership,
        brand=program.brand,
        version=version,
        ip=ip or "",
    )
    return membership


# --- Covered sessions (called by hale.scheduling.actions) -------------------------------------


def cover_appointment(*, appointment) -> ProgramSessionUse | None:
    """Inside ``book_appointment``'s transaction: when the patient is a member with covered
    sessions left, the booking costs them nothing and uses one session."""
    membership = current_membership(appointment.patient)
    if membership is None:
        return None
    # Serialise a member's concurrent bookings so two cannot take the last session.
    membership = ProgramMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.session_uses.count() >= membership.program.covered_sessions:
        return None
    use = ProgramSessionUse.objects.create(membership=membership, appointment=appointment)
    appointment.price_minor = 0
    appointment.save(update_fields=["price_minor"])
    audit.record(
        appointment.created_by,
        "matching.program_session_used",
        use,
        brand=appointment.brand,
        program=str(membership.program.uuid),
    )
    return use


def release_cover(*, appointment) -> bool:
    """Inside ``cancel_appointment``: a cancellation within the policy gives the session
    back; a late one keeps it used."""
    if appointment.cancelled_late:
        return False
    deleted, _rows = ProgramSessionUse.objects.filter(appointment=appointment).delete()
    return bool(deleted)


# --- Staff ------------------------------------------------------------------------------------


@transaction.atomic
def save_organization(*, brand, acting_user, name: str, organization=None) -> Organization:
    name = (name or "").strip()
    if not name:
        raise ProgramError(_("Please give the organisation a name."))
    clash = Organization.objects.filter(brand=brand, name__iexact=name)
    if organization is not None:
        clash = clash.exclude(pk=organization.pk)
    if clash.exists():
        raise ProgramError(_("An organisation with this name already exists."))
    if organization is None:
        organization = Organization.objects.create(brand=brand, name=name)
        verb = "matching.organization_created"
    else:
        organization.name = name
        organization.save(update_fields=["name"])
        verb = "matching.organization_updated"
    audit.record(acting_user, verb, organization, brand=brand)
    return organization


def _set_active(thing, active: bool, *, brand, acting_user, verbs: tuple[str, str]) -> None:
    """Switch ``is_active`` of the brand's organisation or program, audited with ``verbs``
    (deactivated, reactivated)."""
    if thing.brand_id != brand.pk:
        raise Http404
    type(thing).objects.filter(pk=thing.pk).update(is_active=active)
    thing.is_active = active
    audit.record(acting_user, verbs[1] if active else verbs[0], thing, brand=brand)


ORGANIZATION_VERBS = ("matching.organization_deactivated", "matching.organization_reactivated")
PROGRAM_VERBS = ("matching.program_deactivated", "matching.program_reactivated")


@transaction.atomic
def set_organization_active(*, brand, acting_user, organization, active: bool) -> Organization:
    """Deactivate (or reactivate) an organisation: its programs stop (or resume) for patients;
    nothing is deleted."""
    _set_active(
        organization, active, brand=brand, acting_user=acting_user, verbs=ORGANIZATION_VERBS
    )
    return organization


@transaction.atomic
def set_program_active(*, brand, acting_user, program, active: bool) -> Program:
    """Deactivate (or reactivate) a program: hidden from patients and its members' covered
    sessions paused while off; members, roster and history stay."""
    _set_active(program, active, brand=brand, acting_user=acting_user, verbs=PROGRAM_VERBS)
    return program


PROGRAM_FIELDS = (
    "organization",
    "name",
    "description",
    "eligibility",
    "access_code",
    "email_domains",
    "covered_sessions",
    "matching_mode",
    "consent_markdown",
    "starts_on",
    "ends_on",
)


@transaction.atomic
def save_program(*, brand, acting_user, values: dict, program: Program | None = None) -> Program:
    """Create or change a program. A changed consent text gets a new version, so members
    accept it again."""
    if values["organization"].brand_id != brand.pk:
        raise Http404
    values = dict(values)
    values["access_code"] = normalise_code(values.get("access_code", ""))
    values["email_domains"] = sorted(
        {normalise_domain(d) for d in values.get("email_domains", []) if normalise_domain(d)}
    )
    if program is None:
        program = Program(brand=brand)
        verb = "matching.program_created"
    else:
        program = Program.objects.select_for_update().get(pk=program.pk)
        if program.consent_markdown.strip() != values["consent_markdown"].strip():
            program.consent_version += 1
        verb = "matching.program_updated"
    for name in PROGRAM_FIELDS:
        setattr(program, name, values[name])
    program.save()
    audit.record(acting_user, verb, program, brand=brand)
    return program


@dataclass
class RosterReport:
    """The outcome of checking an uploaded roster: the valid rows, and problems by row."""

    rows: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_roster(data: bytes) -> RosterReport:
    """Validate a roster CSV row by row (header ``email`` and optionally ``external_id``).
    Row numbers count the header as row 1, as spreadsheets show them."""
    report = RosterReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append((1, _("The file is not UTF-8 text.")))
        return report
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if "email" not in header:
        report.errors.append((1, _("The first row must name the columns, including “email”.")))
        return report
    unknown = [h for h in header if h not in ROSTER_COLUMNS]
    if unknown:
        report.errors.append((1, _("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)}))
        return report
    seen: dict[str, int] = {}
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if number > ROSTER_MAX_ROWS + 1:
            report.errors.append(
                (number, _("Too many rows (at most %(n)s).") % {"n": ROSTER_MAX_ROWS})
            )
            break
        if len(values) != len(header):
            report.errors.append((number, _("This row has the wrong number of columns.")))
            continue
        row = dict(zip(header, (v.strip() for v in values), strict=True))
        email = row["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            report.errors.append(
                (number, _("“%(email)s” is not an email address.") % {"email": row["email"]})
            )
            continue
        if email in seen:
            report.errors.append((number, _("Duplicate of row %(row)s.") % {"row": seen[email]}))
            continue
        seen[email] = number
        report.rows.append((email, row.get("external_id", "")[:100]))
    if not report.rows and not report.errors:
        report.errors.append((1, _("The file has no rows.")))
    return report


@transaction.atomic
def replace_roster(*, program: Program, acting_user, data: bytes) -> RosterReport:
    """All or nothing: when every row is valid the roster becomes exactly these rows;
    otherwise nothing changes and the report lists the problems."""
    report = check_roster(data)
    if not report.ok:
        return report
    Program.objects.select_for_update().filter(pk=program.pk).first()
    program.roster.all().delete()
    ProgramRosterEntry.objects.bulk_create(
        [ProgramRosterEntry(program=program, email=e, external_id=x) for e, x in report.rows]
    )
    audit.record(
        acting_user,
        "matching.program_roster_replaced",
        program,
        brand=program.brand,
        rows=len(report.rows),
    )
    return report
