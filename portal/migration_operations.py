"""Migration operations shared by several apps' migrations."""

from django.db import IntegrityError, migrations, router, transaction


def _content_types_relabel(apps, schema_editor, *, models, old_label: str, new_label: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not router.allow_migrate_model(db, ContentType):
        return
    for row in ContentType.objects.using(db).filter(app_label=old_label, model__in=models):
        row.app_label = new_label
        try:
            with transaction.atomic(using=db):
                row.save(using=db, update_fields=["app_label"])
        except IntegrityError:
            # A row under the new label exists already (post_migrate ran for the new app
            # before this migration did): as Django's own RenameContentType does, leave both;
            # remove_stale_contenttypes can tell which one is stale.
            pass
    ContentType.objects.clear_cache()


def content_types_move(*, models: list[str], old_label: str, new_label: str):
    """Give the content types of `models` (lower-case names) that moved from app
    `old_label` to `new_label`, tables and all, the new app label, so that the permissions
    and admin log entries pointing at them follow. Reversible."""

    def forward(apps, schema_editor):
        _content_types_relabel(
            apps, schema_editor, models=models, old_label=old_label, new_label=new_label
        )

    def backward(apps, schema_editor):
        _content_types_relabel(
            apps, schema_editor, models=models, old_label=new_label, new_label=old_label
        )

    return migrations.RunPython(forward, backward)
