from django.urls import path

from flows.web import households as views
from flows.web import imports as import_views
from flows.web import offline as offline_views
from flows.web import review as review_views
from flows.web import reviewer_scores as score_views
from flows.web import revisit as revisit_views
from flows.web import rounds as round_views
from flows.web.wizard import HouseholdWizard

# The namespace stays "survey": the pages are the survey's, only their code moved here.
app_name = "survey"
wizard = HouseholdWizard.as_view(url_name="survey:wizard", done_step_name="done")

urlpatterns = [
    path("", views.survey_home, name="home"),
    path("offline/", offline_views.offline_app, name="offline"),
    path("offline/sw.js", offline_views.service_worker, name="offline_worker"),
    path("offline/manifest.webmanifest", offline_views.manifest, name="offline_manifest"),
    path("manage/rounds/", round_views.round_list, name="round_list"),
    path("manage/rounds/new/", round_views.round_new, name="round_new"),
    path("manage/rounds/<slug:code>/", round_views.round_detail, name="round_detail"),
    path("manage/rounds/<slug:code>/edit/", round_views.round_edit, name="round_edit"),
    path("manage/rounds/<slug:code>/move/", round_views.round_move, name="round_move"),
    path("rounds/<slug:code>/new/", views.new_household, name="new"),
    path("rounds/<slug:code>/households/", views.household_list, name="households"),
    path("drafts/<uuid:draft_id>/", views.resume_draft, name="resume"),
    path("drafts/<uuid:draft_id>/discard/", views.discard_draft, name="discard"),
    path("drafts/<uuid:draft_id>/<str:step>/", wizard, name="wizard"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("responses/<int:pk>/edit/", views.edit_response, name="edit"),
    path("rounds/<slug:code>/import/", import_views.import_page, name="import"),
    path(
        "rounds/<slug:code>/entry-template.xlsx",
        import_views.entry_template,
        name="entry_template",
    ),
    path("rounds/<slug:code>/revisit/", revisit_views.revisit_search, name="revisit"),
    path(
        "rounds/<slug:code>/revisit/<int:household_id>/",
        revisit_views.revisit_start,
        name="revisit_start",
    ),
    path("responses/<int:pk>/review/", review_views.transition, name="transition"),
    path("responses/<int:pk>/scores/", score_views.reviewer_scores, name="reviewer_scores"),
    path("rounds/<slug:code>/review/", review_views.dashboard, name="review"),
    path(
        "rounds/<slug:code>/bulk/<slug:action>/",
        review_views.bulk,
        name="bulk",
    ),
    path("rounds/<slug:code>/units/<str:key>/lock/", review_views.lock, name="lock"),
    path("rounds/<slug:code>/units/<str:key>/unlock/", review_views.unlock, name="unlock"),
]
