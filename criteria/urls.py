from django.urls import include, path

from criteria.views import editor, interchange, translations, versions

app_name = "criteria"

workshop_patterns = [
    path("", versions.overview, name="overview"),
    path("default/", versions.create_default, name="create_default"),
    path("new-version/", versions.new_version, name="new_version"),
    path("edit/", editor.editor, name="editor"),
    path("import/", interchange.import_set, name="import"),
    path("translations/<str:language>/", translations.translations, name="translations"),
    path("groups/new/", editor.group_edit, name="group_create"),
    path("groups/<str:group_code>/edit/", editor.group_edit, name="group_edit"),
    path("groups/<str:group_code>/delete/", editor.group_delete, name="group_delete"),
    path("groups/<str:group_code>/move/", editor.group_move, name="group_move"),
    path("criterion/new/", editor.criterion_edit, name="criterion_create"),
    path("criterion/<str:criterion_code>/edit/", editor.criterion_edit, name="criterion_edit"),
    path(
        "criterion/<str:criterion_code>/delete/", editor.criterion_delete, name="criterion_delete"
    ),
    path("criterion/<str:criterion_code>/move/", editor.criterion_move, name="criterion_move"),
    path("versions/<str:set_code>/preview/", versions.preview, name="preview"),
    path("versions/<str:set_code>/export.<str:format>", interchange.export, name="export"),
]

urlpatterns = [
    path("staff/workshops/<str:workshop_code>/criteria/", include(workshop_patterns)),
]
