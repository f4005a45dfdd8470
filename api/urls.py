"""/api/v1/. A v2 would be a second module beside this one (api/v2/urls.py), included at
/api/v2/ with its own serializers; v1 stays as it is until it is withdrawn with notice."""

from django.urls import path

from api.views import (
    aggregates,
    assignments,
    criteria,
    imports,
    meta,
    reports,
    reviewers,
    reviews,
    submissions,
    workshops,
)

app_name = "api"

urlpatterns = [
    path("", meta.ApiRoot.as_view(), name="root"),
    path("schema/", meta.Schema.as_view(), name="schema"),
    path("docs/", meta.Docs.as_view(), name="docs"),
    path("workshops/", workshops.WorkshopList.as_view(), name="workshop-list"),
    path(
        "workshops/<str:workshop_code>/",
        workshops.WorkshopDetail.as_view(),
        name="workshop-detail",
    ),
    # Imports (staff): upload and preview, read, apply, discard.
    path(
        "workshops/<str:workshop_code>/imports/",
        imports.ImportCreate.as_view(),
        name="import-create",
    ),
    path("imports/<str:run_code>/", imports.ImportDetail.as_view(), name="import-detail"),
    path("imports/<str:run_code>/apply/", imports.ImportApply.as_view(), name="import-apply"),
    path("imports/<str:run_code>/discard/", imports.ImportDiscard.as_view(), name="import-discard"),
    # --- assignments, automatic assignment runs ----------------------------------------------
    path("assignments/", assignments.AssignmentList.as_view(), name="assignment-list"),
    path(
        "workshops/<str:workshop_code>/assignments/bulk/",
        assignments.AssignmentBulk.as_view(),
        name="assignment-bulk",
    ),
    path(
        "workshops/<str:workshop_code>/assignment-runs/",
        assignments.RunListStart.as_view(),
        name="assignment-run-list",
    ),
    path(
        "assignment-runs/<str:run_code>/",
        assignments.RunDetail.as_view(),
        name="assignment-run-detail",
    ),
    path(
        "assignment-runs/<str:run_code>/publish/",
        assignments.RunPublish.as_view(),
        name="assignment-run-publish",
    ),
    # --- report jobs, data exports -----------------------------------------------------------
    path(
        "workshops/<str:workshop_code>/report-jobs/",
        reports.ReportJobListStart.as_view(),
        name="report-job-list",
    ),
    path(
        "report-jobs/<str:job_code>/", reports.ReportJobDetail.as_view(), name="report-job-detail"
    ),
    path(
        "report-jobs/<str:job_code>/download/",
        reports.ReportJobDownload.as_view(),
        name="report-job-download",
    ),
    path(
        "workshops/<str:workshop_code>/exports/<str:name>/",
        reports.WorkshopExport.as_view(),
        name="workshop-export",
    ),
]

# --- reviews, reviewer applications and reviewers, conflicts, bids, aggregates ------------

urlpatterns += [
    path("reviews/", reviews.ReviewList.as_view(), name="review-list"),
    path("reviews/<str:code>/", reviews.ReviewDetail.as_view(), name="review-detail"),
    path("reviews/<str:code>/submit/", reviews.ReviewSubmit.as_view(), name="review-submit"),
]


urlpatterns += [
    path(
        "workshops/<str:workshop_code>/reviewer-applications/",
        reviewers.ApplicationList.as_view(),
        name="reviewer-application-list",
    ),
    path(
        "reviewer-applications/<str:code>/",
        reviewers.ApplicationDetail.as_view(),
        name="reviewer-application-detail",
    ),
    path(
        "workshops/<str:workshop_code>/reviewers/",
        reviewers.ReviewerList.as_view(),
        name="reviewer-list",
    ),
    path("conflicts/", reviewers.TieList.as_view(), name="conflict-list"),
    path("conflicts/<str:code>/end/", reviewers.TieEnd.as_view(), name="conflict-end"),
    path("workshops/<str:workshop_code>/bids/", reviewers.BidList.as_view(), name="bid-list"),
    path(
        "workshops/<str:workshop_code>/bids/<str:submission_code>/",
        reviewers.BidDetail.as_view(),
        name="bid-detail",
    ),
]


urlpatterns += [
    path(
        "submissions/<str:code>/aggregates/",
        aggregates.SubmissionAggregates.as_view(),
        name="submission-aggregates",
    ),
    path(
        "workshops/<str:workshop_code>/criteria-aggregates/",
        aggregates.WorkshopCriteriaAggregates.as_view(),
        name="workshop-criteria-aggregates",
    ),
]

urlpatterns += [
    # --- submissions: drafts, files, submit and withdraw, versions, downloads ----------
    path("submissions/", submissions.SubmissionList.as_view(), name="submission-list"),
    path(
        "submissions/<str:code>/",
        submissions.SubmissionDetail.as_view(),
        name="submission-detail",
    ),
    path(
        "submissions/<str:code>/files/",
        submissions.SubmissionFileList.as_view(),
        name="submission-file-list",
    ),
    path(
        "submissions/<str:code>/files/<str:file_code>/",
        submissions.SubmissionFileDetail.as_view(),
        name="submission-file-detail",
    ),
    path(
        "submissions/<str:code>/files/<str:file_code>/download/",
        submissions.SubmissionFileDownload.as_view(),
        name="submission-file-download",
    ),
    path(
        "submissions/<str:code>/submit/",
        submissions.SubmissionSubmit.as_view(),
        name="submission-submit",
    ),
    path(
        "submissions/<str:code>/withdraw/",
        submissions.SubmissionWithdraw.as_view(),
        name="submission-withdraw",
    ),
    path(
        "submissions/<str:code>/versions/",
        submissions.SubmissionVersionList.as_view(),
        name="submission-version-list",
    ),
    path(
        "submissions/<str:code>/versions/<int:number>/",
        submissions.SubmissionVersionDetail.as_view(),
        name="submission-version-detail",
    ),
    # --- criteria sets: versions, export and import --------------------------------------
    path("criteria-sets/", criteria.CriteriaSetList.as_view(), name="criteria-set-list"),
    path(
        "criteria-sets/<str:set_code>/",
        criteria.CriteriaSetDetail.as_view(),
        name="criteria-set-detail",
    ),
    path(
        "criteria-sets/<str:set_code>/versions/",
        criteria.CriteriaSetVersions.as_view(),
        name="criteria-set-versions",
    ),
    path(
        "criteria-sets/<str:set_code>/export/",
        criteria.CriteriaSetExport.as_view(),
        name="criteria-set-export",
    ),
    path(
        "workshops/<str:workshop_code>/criteria-sets/import/",
        criteria.CriteriaSetImport.as_view(),
        name="criteria-set-import",
    ),
]
