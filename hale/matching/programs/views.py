"""Sponsored programs: the member's guided flow (brand host: eligibility → consent →
matching → booking) and the staff back office (platform host)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.core.http import BrandRequest, client_ip
from hale.core.markdown import render_markdown
from hale.matching import access, actions, programs, smart
from hale.matching import shortlist as shortlists
from hale.matching.forms.browse import MatchForm
from hale.matching.models import CareRelationship, Organization, Program
from hale.matching.programs.forms import (
    AccessCodeForm,
    ConsentForm,
    OrganizationForm,
    ProgramForm,
    RosterForm,
)
from hale.matching.views.common import choose_from_shortlist, current_candidates, no_match_message
from hale.scheduling.access import patient_for
from hale.tenancy.access import access_staff_brand

STEPS = ("eligibility", "consent", "matching", "booking")


# --- Member flow (brand host) -----------------------------------------------------------------


def _step_context(program, membership, step: str, **extra) -> dict:
    labels = {
        "eligibility": _("Eligibility"),
        "consent": _("Consent"),
        "matching": _("Matching"),
        "booking": _("Booking"),
    }
    current = STEPS.index(step)
    steps = [
        {"label": labels[s], "state": "done" if i < current else "current" if i == current else ""}
        for i, s in enumerate(STEPS)
    ]
    left = (
        programs.sessions_left(membership) if membership is not None else program.covered_sessions
    )
    context = {"program": program, "membership": membership, "steps": steps, "left": left}
    context.update(extra)
    return context


def _next_step(program, membership, patient) -> str:
    if membership is None:
        return "program_join"
    if not membership.has_consented:
        return "program_consent"
    if access.current_care(patient) is None:
        return "program_match"
    return "program_book"


@require_safe
def program_list(request: BrandRequest) -> HttpResponse:
    """The brand's running programs, each with its way in."""
    if request.brand is None:
        raise Http404
    return render(
        request,
        "matching/programs/list.html",
        {"programs": programs.open_programs(request.brand)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_join(request: BrandRequest, program_id: uuid.UUID) -> HttpResponse:
    """Step 1: eligibility, by access code, sign-in email domain or roster."""
    program = programs.access_open_program(request.brand, program_id)
    patient = patient_for(request.user, request.brand)
    membership = programs.membership_for(program, patient)
    if membership is not None:
        return redirect(_next_step(program, membership, patient), program.uuid)
    form = AccessCodeForm(request.POST or None)
    error = None
    if request.method == "POST":
        code = form.cleaned_data.get("code", "") if form.is_valid() else ""
        if form.is_valid():
            try:
                programs.join_program(
                    program=program, patient=patient, acting_user=request.user, code=code
                )
            except programs.ProgramError as exc:
                error = str(exc.message)
            else:
                messages.success(request, _("You are eligible for this program."))
                return redirect("program_consent", program.uuid)
    return render(
        request,
        "matching/programs/join.html",
        _step_context(
            program,
            None,
            "eligibility",
            form=form,
            error=error,
            description=render_markdown(program.description),
        ),
        status=400 if error or form.errors else 200,
    )


def _member(request, program_id):
    program = programs.access_open_program(request.brand, program_id)
    patient = patient_for(request.user, request.brand)
    membership = programs.membership_for(program, patient)
    return program, patient, membership


@login_required
@require_http_methods(["GET", "POST"])
def program_consent(request: HttpRequest, program_id: uuid.UUID) -> HttpResponse:
    """Step 2: read and accept the program's consent (version, time and IP recorded)."""
    program, patient, membership = _member(request, program_id)
    if membership is None:
        return redirect("program_join", program.uuid)
    form = ConsentForm(request.POST or None, initial={"version": program.consent_version})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            membership = programs.accept_program_consent(
                membership=membership,
                acting_user=request.user,
                version=form.cleaned_data["version"],
                ip=client_ip(request),
            )
        except programs.ProgramError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Thank you. Your consent is recorded."))
            return redirect(_next_step(program, membership, patient), program.uuid)
    return render(
        request,
        "matching/programs/consent.html",
        _step_context(
            program,
            membership,
            "consent",
            form=form,
            error=error,
            consent_html=render_markdown(program.consent_markdown),
        ),
        status=400 if error or form.errors else 200,
    )


def _flow(program: Program) -> str:
    return f"program:{program.uuid}"


def _consented(request, program_id):
    program, patient, membership = _member(request, program_id)
    if membership is None or not membership.has_consented:
        return (
            program,
            patient,
            membership,
            redirect(_next_step(program, membership, patient), program.uuid),
        )
    membership = programs.current_membership(patient) or membership
    return program, patient, membership, None


@login_required
@require_http_methods(["GET", "POST"])
def program_match(request: BrandRequest, program_id: uuid.UUID) -> HttpResponse:
    """Step 3: matching in the program's mode (smart allocates, guided shortlists, browse
    lists); the resulting care relationship has the source *program*."""
    program, patient, membership, early = _consented(request, program_id)
    if early is not None:
        return early
    brand = request.brand
    form = MatchForm(request.POST or None)
    shortlist, error = None, None
    if program.matching_mode == Program.Matching.BROWSE:
        shortlist = [
            smart.Candidate(specialist=s, score=0, reasons=[], next_available_at=None)
            for s in access.treatable_specialists(brand).order_by("display_name")[:50]
        ]
        shortlists.remember(request.session, brand, shortlist, flow=_flow(program))
    elif request.method == "POST" and form.is_valid():
        candidates = current_candidates(brand, form.cleaned_data)
        if not candidates:
            error = no_match_message()
        elif program.matching_mode == Program.Matching.SMART:
            try:
                actions.start_care(
                    patient=patient,
                    specialist=candidates[0].specialist,
                    source=CareRelationship.Source.PROGRAM,
                    reasons=candidates[0].reasons,
                    acting_user=request.user,
                )
            except actions.MatchingError as exc:
                error = str(exc.message)
            else:
                return redirect("program_book", program.uuid)
        else:
            shortlist = candidates
            shortlists.remember(request.session, brand, candidates, flow=_flow(program))
    return render(
        request,
        "matching/programs/match.html",
        _step_context(
            program,
            membership,
            "matching",
            form=form,
            shortlist=shortlist,
            error=error,
            care=access.current_care(patient),
        ),
        status=400 if error else 200,
    )


@login_required
@require_POST
def program_choose(
    request: BrandRequest, program_id: uuid.UUID, specialist_id: uuid.UUID
) -> HttpResponse:
    """A guided or browsing member picks a specialist."""
    program, patient, membership, early = _consented(request, program_id)
    if early is not None:
        return early
    if program.matching_mode == Program.Matching.SMART:
        raise Http404
    chosen = choose_from_shortlist(
        request,
        request.brand,
        specialist_id,
        patient=patient,
        flow=_flow(program),
        source=CareRelationship.Source.PROGRAM,
    )
    if not chosen:
        return redirect("program_match", program.uuid)
    return redirect("program_book", program.uuid)


@login_required
@require_safe
def program_book(request: HttpRequest, program_id: uuid.UUID) -> HttpResponse:
    """Step 4: the member's specialist and the way to book a covered session."""
    program, patient, membership, early = _consented(request, program_id)
    if early is not None:
        return early
    care = access.current_care(patient)
    if care is None:
        return redirect("program_match", program.uuid)
    return render(
        request,
        "matching/programs/book.html",
        _step_context(program, membership, "booking", care=care),
    )


# --- Staff (platform host) --------------------------------------------------------------------


def _program_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in programs.PROGRAM_FIELDS} | {
        "description": form.cleaned_data["description"] or "",
        "access_code": form.cleaned_data["access_code"] or "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def staff_programs(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The brand's organisations and programs; add an organisation."""
    brand = access_staff_brand(request.user, brand_slug)
    form = OrganizationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            programs.save_organization(
                brand=brand, acting_user=request.user, name=form.cleaned_data["name"]
            )
        except programs.ProgramError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("Organisation added."))
            return redirect("staff_programs", brand.slug)
    if form.errors:
        status = 400
    return render(
        request,
        "matching/programs/staff_list.html",
        {
            "managed_brand": brand,
            "organizations": list(Organization.objects.filter(brand=brand).order_by("name")),
            "programs": list(programs.staff_programs(brand)),
            "org_form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_organization(request: HttpRequest, brand_slug: str, org_id: uuid.UUID) -> HttpResponse:
    """Rename (or delete, when it has no programs) an organisation."""
    brand = access_staff_brand(request.user, brand_slug)
    organization = programs.access_staff_organization(brand, org_id)
    form = OrganizationForm(request.POST or None, initial={"name": organization.name})
    if request.method == "POST" and form.is_valid():
        try:
            programs.save_organization(
                brand=brand,
                acting_user=request.user,
                name=form.cleaned_data["name"],
                organization=organization,
            )
        except programs.ProgramError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("staff_programs", brand.slug)
    return render(
        request,
        "matching/programs/staff_organization.html",
        {"managed_brand": brand, "organization": organization, "form": form},
        status=400 if form.errors else 200,
    )


def _posted_active(request: HttpRequest) -> bool:
    if request.POST.get("active") not in {"0", "1"}:
        raise Http404
    return request.POST["active"] == "1"


@login_required
@require_POST
def staff_organization_active(
    request: HttpRequest, brand_slug: str, org_id: uuid.UUID
) -> HttpResponse:
    """Deactivate or reactivate an organisation (and so, for patients, all its programs)."""
    brand = access_staff_brand(request.user, brand_slug)
    organization = programs.access_staff_organization(brand, org_id)
    active = _posted_active(request)
    programs.set_organization_active(
        brand=brand, acting_user=request.user, organization=organization, active=active
    )
    messages.success(
        request, _("Organisation reactivated.") if active else _("Organisation deactivated.")
    )
    return redirect("staff_organization", brand.slug, organization.uuid)


@login_required
@require_POST
def staff_program_active(
    request: HttpRequest, brand_slug: str, program_id: uuid.UUID
) -> HttpResponse:
    """Deactivate or reactivate one program."""
    brand = access_staff_brand(request.user, brand_slug)
    program = programs.access_staff_program(brand, program_id)
    active = _posted_active(request)
    programs.set_program_active(
        brand=brand, acting_user=request.user, program=program, active=active
    )
    messages.success(request, _("Program reactivated.") if active else _("Program deactivated."))
    return redirect("staff_program", brand.slug, program.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def staff_program_add(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = ProgramForm(request.POST or None, brand=brand)
    if request.method == "POST" and form.is_valid():
        program = programs.save_program(
            brand=brand, acting_user=request.user, values=_program_values(form)
        )
        messages.success(request, _("Program created."))
        return redirect("staff_program", brand.slug, program.uuid)
    return render(
        request,
        "matching/programs/staff_program_form.html",
        {"managed_brand": brand, "form": form, "program": None},
        status=400 if form.errors else 200,
    )


def _program_page(request, brand, program, *, form=None, roster_form=None, report=None, status=200):
    members = list(programs.membership_rows(program))
    for m in members:
        m.left = max(program.covered_sessions - m.used, 0)
    return render(
        request,
        "matching/programs/staff_program.html",
        {
            "managed_brand": brand,
            "program": program,
            "form": form
            or ProgramForm(
                brand=brand,
                initial={
                    "organization": program.organization_id,
                    "name": program.name,
                    "description": program.description,
                    "eligibility": program.eligibility,
                    "access_code": program.access_code,
                    "email_domains": ", ".join(program.email_domains),
                    "covered_sessions": program.covered_sessions,
                    "matching_mode": program.matching_mode,
                    "consent_markdown": program.consent_markdown,
                    "starts_on": program.starts_on,
                    "ends_on": program.ends_on,
                },
            ),
            "roster_form": roster_form or RosterForm(),
            "roster_count": program.roster.count(),
            "report": report,
            "members": members,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_program(request: HttpRequest, brand_slug: str, program_id: uuid.UUID) -> HttpResponse:
    """A program: settings, roster upload and members with sessions used and left."""
    brand = access_staff_brand(request.user, brand_slug)
    program = programs.access_staff_program(brand, program_id)
    if request.method == "POST":
        form = ProgramForm(request.POST, brand=brand)
        if not form.is_valid():
            return _program_page(request, brand, program, form=form, status=400)
        programs.save_program(
            brand=brand, acting_user=request.user, values=_program_values(form), program=program
        )
        messages.success(request, _("Program saved."))
        return redirect("staff_program", brand.slug, program.uuid)
    return _program_page(request, brand, program)


@login_required
@require_POST
def staff_program_roster(
    request: HttpRequest, brand_slug: str, program_id: uuid.UUID
) -> HttpResponse:
    """Replace the roster from a CSV, all or nothing, with a row-by-row error report."""
    brand = access_staff_brand(request.user, brand_slug)
    program = programs.access_staff_program(brand, program_id)
    roster_form = RosterForm(request.POST, request.FILES)
    if not roster_form.is_valid():
        return _program_page(request, brand, program, roster_form=roster_form, status=400)
    report = programs.replace_roster(
        program=program, acting_user=request.user, data=roster_form.cleaned_data["file"].read()
    )
    if not report.ok:
        return _program_page(request, brand, program, report=report, status=400)
    messages.success(
        request,
        _("Roster imported: %(n)s people.") % {"n": len(report.rows)},
    )
    return redirect("staff_program", brand.slug, program.uuid)
