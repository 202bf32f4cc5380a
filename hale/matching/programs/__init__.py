"""Sponsored programs, all in one place: scoped reads (``access``), every write
(``actions``), the forms, the views (member flow on brand hosts, staff back office) and the
demo program. Callers import the reads and actions from here; the views and forms are
imported by their own module paths (``urls``), so loading this package stays light."""

from hale.matching.programs.access import (
    access_open_program,
    access_staff_organization,
    access_staff_program,
    current_membership,
    membership_for,
    membership_rows,
    open_programs,
    sessions_left,
    staff_programs,
)
from hale.matching.programs.actions import (
    PROGRAM_FIELDS,
    ROSTER_COLUMNS,
    ROSTER_MAX_ROWS,
    ProgramError,
    RosterReport,
    accept_program_consent,
    check_roster,
    cover_appointment,
    join_program,
    normalise_code,
    normalise_domain,
    release_cover,
    replace_roster,
    save_organization,
    save_program,
    set_organization_active,
    set_program_active,
)

__all__ = [
    "PROGRAM_FIELDS",
    "ROSTER_COLUMNS",
    "ROSTER_MAX_ROWS",
    "ProgramError",
    "RosterReport",
    "accept_program_consent",
    "access_open_program",
    "access_staff_organization",
    "access_staff_program",
    "check_roster",
    "cover_appointment",
    "current_membership",
    "join_program",
    "membership_for",
    "membership_rows",
    "normalise_code",
    "normalise_domain",
    "open_programs",
    "release_cover",
    "replace_roster",
    "save_organization",
    "save_program",
    "sessions_left",
    "set_organization_active",
    "set_program_active",
    "staff_programs",
]
