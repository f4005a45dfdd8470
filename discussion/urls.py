"""The discussion of a submission, included in the "discussion" namespace at the root."""

from django.urls import include, path

from discussion import views

app_name = "discussion"

thread_patterns = [
    path("", views.thread_detail, name="thread"),
    path("subscription/", views.subscription, name="subscription"),
    path("comments/<str:comment_code>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<str:comment_code>/remove/", views.comment_remove, name="comment_remove"),
    path("comments/<str:comment_code>/history/", views.comment_history, name="comment_history"),
]

urlpatterns = [path("submissions/<str:code>/discussion/", include(thread_patterns))]
