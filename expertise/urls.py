"""A person's publication list, beside their profile; included at the root."""

from django.urls import path

from expertise import views

app_name = "expertise"

urlpatterns = [
    path("profile/publications/", views.publication_list, name="publication_list"),
    path("profile/publications/new/", views.publication_create, name="publication_create"),
    path("profile/publications/import/", views.publications_import, name="publications_import"),
    path(
        "profile/publications/<str:publication_code>/edit/",
        views.publication_edit,
        name="publication_edit",
    ),
    path(
        "profile/publications/<str:publication_code>/delete/",
        views.publication_delete,
        name="publication_delete",
    ),
]
