"""Give every existing workshop the proposed default criteria set as version 1.

New workshops get it from the post_save receiver in criteria/apps.py. Workshops that already
have a set keep theirs. Reads the default from criteria/default_set.py as it is when the
migration runs; later edits to the default reach only installations migrated after them.
"""

from django.db import migrations


def create_default_sets(apps, schema_editor):
    from criteria.default_set import content_create, default_content

    Workshop = apps.get_model("portal", "Workshop")
    CriteriaSet = apps.get_model("criteria", "CriteriaSet")
    CriterionGroup = apps.get_model("criteria", "CriterionGroup")
    Criterion = apps.get_model("criteria", "Criterion")
    for workshop in Workshop.objects.exclude(criteria_sets__isnull=False).iterator():
        content = default_content()
        criteria_set = CriteriaSet.objects.create(
            workshop=workshop,
            version=1,
            title=content["title"],
            description=content["description"],
        )
        content_create(
            criteria_set=criteria_set,
            content=content,
            group_model=CriterionGroup,
            criterion_model=Criterion,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("criteria", "0002_criterion_sources"),
        ("portal", "0004_workshop_review_settings"),
    ]

    # Nothing to undo: the sets are ordinary data once created.
    operations = [migrations.RunPython(create_default_sets, migrations.RunPython.noop)]
