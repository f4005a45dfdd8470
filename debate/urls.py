from django.urls import path

from debate import views, views_comments, views_notes

app_name = "debate"

urlpatterns = [
    path("workshops/<str:workshop_code>/proposals/", views.proposal_list, name="proposal_list"),
    path(
        "workshops/<str:workshop_code>/proposals/new/",
        views.proposal_create,
        name="proposal_create",
    ),
    path(
        "workshops/<str:workshop_code>/proposals/<str:proposal_code>/",
        views.proposal_detail,
        name="proposal_detail",
    ),
    path(
        "workshops/<str:workshop_code>/proposals/<str:proposal_code>/comment/",
        views.proposal_comment,
        name="proposal_comment",
    ),
    path(
        "workshops/<str:workshop_code>/proposals/<str:proposal_code>/comments/<str:comment_code>/"
        "edit/",
        views_comments.proposal_comment_edit,
        name="proposal_comment_edit",
    ),
    path(
        "workshops/<str:workshop_code>/proposals/<str:proposal_code>/comments/<str:comment_code>/"
        "remove/",
        views_comments.proposal_comment_remove,
        name="proposal_comment_remove",
    ),
    path(
        "workshops/<str:workshop_code>/proposals/<str:proposal_code>/comments/<str:comment_code>/"
        "history/",
        views_comments.proposal_comment_history,
        name="proposal_comment_history",
    ),
    path(
        "workshops/<str:workshop_code>/proposals/<str:proposal_code>/stance/",
        views.proposal_stance,
        name="proposal_stance",
    ),
    path(
        "workshops/<str:workshop_code>/proposals/<str:proposal_code>/withdraw/",
        views.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path(
        "workshops/<str:workshop_code>/proposals/<str:proposal_code>/group/",
        views.proposal_group,
        name="proposal_group",
    ),
    path("workshops/<str:workshop_code>/agenda/", views.agenda, name="agenda"),
    path("workshops/<str:workshop_code>/agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("staff/workshops/<str:workshop_code>/agenda/", views.agenda_manage, name="agenda_manage"),
    path(
        "staff/workshops/<str:workshop_code>/agenda/new/",
        views.agenda_session_create,
        name="agenda_session_create",
    ),
    path(
        "staff/workshops/<str:workshop_code>/agenda/<str:session_code>/",
        views.agenda_session_edit,
        name="agenda_session_edit",
    ),
    path(
        "staff/workshops/<str:workshop_code>/agenda/<str:session_code>/delete/",
        views.agenda_session_delete,
        name="agenda_session_delete",
    ),
    path(
        "staff/workshops/<str:workshop_code>/criteria/next-from-proposals/",
        views.next_version,
        name="next_version",
    ),
]

# Live notes (debate/views_notes.py).
urlpatterns += [
    path(
        "staff/workshops/<str:workshop_code>/agenda/<str:session_code>/notes/",
        views_notes.session_notes,
        name="session_notes",
    ),
    path(
        "staff/workshops/<str:workshop_code>/proposals/<str:proposal_code>/outcome/",
        views_notes.proposal_outcome,
        name="proposal_outcome",
    ),
    path(
        "staff/workshops/<str:workshop_code>/proposals/<str:proposal_code>/outcome/autosave/",
        views_notes.proposal_outcome_autosave,
        name="proposal_outcome_autosave",
    ),
]
