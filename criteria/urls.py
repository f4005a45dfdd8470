from django.urls import include, path

from criteria import views

app_name = "criteria"

workshop_patterns = [
    path("", views.overview, name="overview"),
    path("default/", views.create_default, name="create_default"),
    path("new-version/", views.new_version, name="new_version"),
    path("edit/", views.editor, name="editor"),
    path("import/", views.import_set, name="import"),
    path("groups/new/", views.group_edit, name="group_create"),
    path("groups/<str:group_code>/edit/", views.group_edit, name="group_edit"),
    path("groups/<str:group_code>/delete/", views.group_delete, name="group_delete"),
    path("groups/<str:group_code>/move/", views.group_move, name="group_move"),
    path("criterion/new/", views.criterion_edit, name="criterion_create"),
    path("criterion/<str:criterion_code>/edit/", views.criterion_edit, name="criterion_edit"),
    path("criterion/<str:criterion_code>/delete/", views.criterion_delete, name="criterion_delete"),
    path("criterion/<str:criterion_code>/move/", views.criterion_move, name="criterion_move"),
    path("versions/<str:set_code>/preview/", views.preview, name="preview"),
    path("versions/<str:set_code>/export.<str:format>", views.export, name="export"),
]

urlpatterns = [
    path("staff/workshops/<str:workshop_code>/criteria/", include(workshop_patterns)),
]
