from django.contrib.auth import views as auth_views
from django.urls import path

from counterpart.dashboard.views import portal_home

from . import (
    app_views,
    assessment_views,
    audit_views,
    correction_views,
    duplicate_views,
    enterprise_views,
    import_views,
    pickers,
    setup_views,
    views,
)
from .specs import SPECS

app_name = "web"
urlpatterns = [
    path("", portal_home, name="home"),  # the public transparency portal (counterpart/dashboard)
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_set.html", success_url="/accounts/login/"
        ),
        name="password_set",
    ),
    path("app/", views.workbench, name="workbench"),
    # Program set-up (setup_views.py), for the program office.
    path("app/setup/", setup_views.setup_home, name="setup"),
    path("app/setup/areas/", setup_views.AreaAutocomplete.as_view(), name="setup_area_autocomplete"),
    path("app/setup/programs/new/", setup_views.program_create_view, name="setup_program_create"),
    path("app/setup/organisations/new/", setup_views.organisation_create_view, name="setup_organisation_create"),
    path("app/setup/indicators/new/", setup_views.indicator_create_view, name="setup_indicator_create"),
    path("app/setup/pairings/<int:pk>/end/", setup_views.pairing_end_view, name="setup_pairing_end"),
    path("app/setup/programs/<slug:slug>/", setup_views.setup_program, name="setup_program"),
    path("app/setup/programs/<slug:slug>/edit/", setup_views.program_edit_view, name="setup_program_edit"),
    path("app/setup/programs/<slug:slug>/pairings/new/", setup_views.pairing_create_view, name="setup_pairing_create"),
    path("app/setup/programs/<slug:slug>/targets/new/", setup_views.target_set_view, name="setup_target_set"),
    path("app/setup/programs/<slug:slug>/accounts/new/", setup_views.account_invite_view, name="setup_account_invite"),
    path("app/setup/programs/<slug:slug>/roles/new/", setup_views.membership_grant_view, name="setup_membership_grant"),
    path(
        "app/setup/programs/<slug:slug>/roles/<int:pk>/revoke/",
        setup_views.membership_revoke_view,
        name="setup_membership_revoke",
    ),
    path(
        "app/setup/programs/<slug:slug>/roles/<int:pk>/edit/",
        setup_views.membership_edit_view,
        name="setup_membership_edit",
    ),
    path(
        "app/setup/programs/<slug:slug>/reports/certify/", setup_views.report_certify_view, name="setup_report_certify"
    ),
    path("app/setup/programs/<slug:slug>/locks/new/", setup_views.period_lock_view, name="setup_period_lock"),
    path(
        "app/setup/programs/<slug:slug>/locks/<int:year>/unlock/",
        setup_views.period_unlock_view,
        name="setup_period_unlock",
    ),
    path("programs/<slug:slug>/report/<int:year>/", views.program_report, name="program_report"),
    # The signed-in application: forms and actions first, so that "new" is not taken for a list.
    path("app/projects/new/", app_views.project_propose_view, name="project_propose"),
    path("app/projects/<int:pk>/do/<slug:action>/", app_views.project_action_view, name="project_action"),
    path("app/projects/<int:pk>/attachments/", app_views.attachment_upload_view, name="attachment_upload"),
    path("app/projects/<int:pk>/beneficiaries/", app_views.project_beneficiary_view, name="project_beneficiary"),
    path(
        "app/projects/<int:pk>/attachments/<int:attachment_pk>/",
        app_views.attachment_download_view,
        name="attachment_download",
    ),
    path("app/funds/new/", app_views.ledger_record_view, name="ledger_record"),
    path("app/funds/<int:pk>/reverse/", correction_views.ledger_reverse_view, name="ledger_reverse"),
    path("app/households/<int:pk>/status/", correction_views.household_status_view, name="household_status"),
    path(
        "app/villages/<int:pk>/components/<slug:component>/",
        correction_views.village_component_view,
        name="village_component",
    ),
    path("app/households/new/", app_views.household_register_view, name="household_register"),
    path("app/people/duplicates/", duplicate_views.duplicate_notices_view, name="duplicate_notices"),
    path("app/people/new/", app_views.person_register_view, name="person_register"),
    path("app/people/<int:pk>/reveal/", audit_views.person_reveal_view, name="person_reveal"),
    path("app/trainings/new/", app_views.training_record_view, name="training_record"),
    path("app/enterprise-reports/new/", app_views.enterprise_report_view, name="enterprise_report_submit"),
    path(
        "app/enterprise-reports/<int:pk>/correct/",
        app_views.enterprise_report_correct_view,
        name="enterprise_report_correct",
    ),
    path(
        "app/enterprise-reports/<int:pk>/<str:action>/",
        app_views.enterprise_report_review_view,
        name="enterprise_report_review",
    ),
    # Enterprise set-up, market event participation and job placement (enterprise_views.py).
    path("app/enterprises/new/", enterprise_views.enterprise_register_view, name="enterprise_register"),
    path("app/enterprises/<int:pk>/operations/new/", enterprise_views.operation_record_view, name="operation_record"),
    path("app/enterprises/<int:pk>/agreements/new/", enterprise_views.agreement_sign_view, name="agreement_sign"),
    path(
        "app/events/<int:pk>/participants/new/",
        enterprise_views.event_participation_view,
        name="event_participation_record",
    ),
    path("app/placements/new/", enterprise_views.job_placement_view, name="job_placement_record"),
    path("app/pickers/places/", pickers.PlacePicker.as_view(), name="pick_place"),
    path("app/pickers/scope-areas/", pickers.ScopeAreaPicker.as_view(), name="pick_scope_area"),
    path("app/pickers/projects/", pickers.ProjectPicker.as_view(), name="pick_project"),
    path("app/pickers/commitments/", pickers.CommitmentPicker.as_view(), name="pick_commitment"),
    path(
        "app/pickers/enterprise-organisations/",
        pickers.EnterpriseOrganisationPicker.as_view(),
        name="pick_enterprise_organisation",
    ),
    path("app/pickers/enterprises/", pickers.EnterprisePicker.as_view(), name="pick_enterprise"),
    path("app/pickers/persons/", pickers.PersonPicker.as_view(), name="pick_person"),
    path("app/pickers/trainings/", pickers.TrainingPicker.as_view(), name="pick_training"),
    path("app/assessments/", assessment_views.assessment_list, name="assessment_list"),
    path("app/assessments/open/", assessment_views.assessment_open_view, name="assessment_open"),
    path("app/assessments/<int:pk>/", assessment_views.assessment_detail, name="assessment_detail"),
    path("app/assessments/<int:pk>/do/<slug:step>/", assessment_views.assessment_step_view, name="assessment_step"),
    path("app/assessments/<int:pk>/evidence/", assessment_views.assessment_evidence_view, name="assessment_evidence"),
    path(
        "app/assessments/<int:pk>/evidence/<int:evidence_pk>/",
        assessment_views.assessment_evidence_download,
        name="assessment_evidence_download",
    ),
    path(
        "app/assessments/<int:pk>/scorecard.<str:file_format>",
        assessment_views.assessment_scorecard,
        name="assessment_scorecard",
    ),
    path("app/audit/", audit_views.audit_trail_view, name="audit_trail"),
    path("app/imports/", import_views.imports_view, name="imports"),
    path("app/imports/<int:pk>/", import_views.import_detail_view, name="import_detail"),
    path("app/imports/templates/<slug:kind>.xlsx", import_views.import_template_view, name="import_template"),
    path("app/imports/<int:pk>/progress/", import_views.import_progress_view, name="import_progress"),
    path("app/imports/<int:pk>/errors.xlsx", import_views.import_errors_view, name="import_errors"),
]
# One list and one detail page per declared list (specs.py): /app/<slug>/ and /app/<slug>/<pk>/.
for _slug in SPECS:
    urlpatterns += [
        path(f"app/{_slug}/", app_views.record_list, {"slug": _slug}, name=f"{_slug}_list"),
        path(f"app/{_slug}/<int:pk>/", app_views.record_detail, {"slug": _slug}, name=f"{_slug}_detail"),
    ]
