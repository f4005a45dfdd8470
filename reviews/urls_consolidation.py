"""The consolidated assessment of a submission: the staff's choice of its lead, the lead's
page with its autosave, circulating, the reviewers' answers and the staff's finalisation."""

from django.urls import path

from reviews.views import consolidation

urlpatterns = [
    path(
        "staff/submissions/<str:code>/consolidation/lead/",
        consolidation.consolidation_lead,
        name="staff_consolidation_lead",
    ),
    path(
        "consolidation/<str:code>/",
        consolidation.consolidation_detail,
        name="consolidation_detail",
    ),
    path(
        "consolidation/<str:code>/autosave/",
        consolidation.consolidation_autosave,
        name="consolidation_autosave",
    ),
    path(
        "consolidation/<str:code>/circulate/",
        consolidation.consolidation_circulate,
        name="consolidation_circulate",
    ),
    path(
        "consolidation/<str:code>/answer/",
        consolidation.consolidation_concur,
        name="consolidation_concur",
    ),
    path(
        "consolidation/<str:code>/finalise/",
        consolidation.consolidation_finalise,
        name="consolidation_finalise",
    ),
]
