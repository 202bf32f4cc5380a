"""URLs of matching: discovery and programs on brand hosts, listings, listing requests and
supervision in the practice portal, listings (and answering listing requests), programs,
clinical leads and the questionnaire for staff."""

from django.urls import path

from hale.matching.programs import views as programs
from hale.matching.views import browse, leads, practice, questionnaire, referrals, staff

patient_urlpatterns = [
    path("specialists/", browse.browse, name="specialist_browse"),
    path("specialists/<uuid:specialist_id>/", browse.profile, name="specialist_public_profile"),
    path("match/", browse.match, name="match"),
    path("match/choose/<uuid:specialist_id>/", browse.choose, name="match_choose"),
    path("match/result/", browse.match_result, name="match_result"),
    path("programs/", programs.program_list, name="program_list"),
    path("programs/<uuid:program_id>/", programs.program_join, name="program_join"),
    path("programs/<uuid:program_id>/consent/", programs.program_consent, name="program_consent"),
    path("programs/<uuid:program_id>/match/", programs.program_match, name="program_match"),
    path(
        "programs/<uuid:program_id>/choose/<uuid:specialist_id>/",
        programs.program_choose,
        name="program_choose",
    ),
    path("programs/<uuid:program_id>/book/", programs.program_book, name="program_book"),
    path("r/<uuid:specialist_id>/", referrals.landing, name="referral_landing"),
]

# /practice/
practice_urlpatterns = [
    path("listings/", practice.practice_listings, name="practice_listings"),
    path("listings/request/", practice.practice_listing_request, name="practice_listing_request"),
    path(
        "listings/requests/<uuid:request_id>/withdraw/",
        practice.practice_listing_request_withdraw,
        name="practice_listing_request_withdraw",
    ),
    path("listings/<uuid:listing_id>/preview/", practice.practice_preview, name="practice_preview"),
    path("referrals/", referrals.practice_referrals, name="practice_referrals"),
    path("supervision/", leads.supervision_home, name="supervision_home"),
    path(
        "supervision/<uuid:supervision_id>/",
        leads.supervision_patients,
        name="supervision_patients",
    ),
    path(
        "supervision/<uuid:supervision_id>/patients/<uuid:patient_id>/",
        leads.supervision_history,
        name="supervision_history",
    ),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    path("listings/", staff.staff_listings, name="staff_listings"),
    path("listings/add/", staff.staff_listing_add, name="staff_listing_add"),
    path(
        "listings/requests/<uuid:request_id>/approve/",
        staff.staff_listing_request_approve,
        name="staff_listing_request_approve",
    ),
    path(
        "listings/requests/<uuid:request_id>/decline/",
        staff.staff_listing_request_decline,
        name="staff_listing_request_decline",
    ),
    path("listings/settings/", staff.staff_matching_settings, name="staff_matching_settings"),
    path("listings/assign/", staff.staff_override, name="staff_care_override"),
    path(
        "listings/<uuid:listing_id>/visibility/",
        staff.staff_listing_visibility,
        name="staff_listing_visibility",
    ),
    path(
        "listings/<uuid:listing_id>/price/", staff.staff_listing_price, name="staff_listing_price"
    ),
    path("programs/", programs.staff_programs, name="staff_programs"),
    path("programs/add/", programs.staff_program_add, name="staff_program_add"),
    path(
        "programs/organisations/<uuid:org_id>/",
        programs.staff_organization,
        name="staff_organization",
    ),
    path(
        "programs/organisations/<uuid:org_id>/active/",
        programs.staff_organization_active,
        name="staff_organization_active",
    ),
    path("programs/<uuid:program_id>/", programs.staff_program, name="staff_program"),
    path(
        "programs/<uuid:program_id>/active/",
        programs.staff_program_active,
        name="staff_program_active",
    ),
    path(
        "programs/<uuid:program_id>/roster/",
        programs.staff_program_roster,
        name="staff_program_roster",
    ),
    path("leads/", leads.staff_leads, name="staff_leads"),
    path("leads/add/", leads.staff_lead_add, name="staff_lead_add"),
    path("leads/<uuid:supervision_id>/remove/", leads.staff_lead_remove, name="staff_lead_remove"),
    path("questionnaire/", questionnaire.staff_questionnaire, name="staff_questionnaire"),
    path(
        "questionnaire/reset/",
        questionnaire.staff_questionnaire_reset,
        name="staff_questionnaire_reset",
    ),
]
