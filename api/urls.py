"""/api/v1/. A v2 would be a second module beside this one (api/v2/urls.py), included at
/api/v2/ with its own serializers; v1 stays as it is until it is withdrawn with notice."""

from django.urls import path

from api.views import criteria, meta, submissions, workshops

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
