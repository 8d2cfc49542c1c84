"""What search ranks of each family is marked (``FamilyMember.ranked``): its public head and its
members with a text of their own, not its look-alikes (``FamilyMember.lookalike``). Which
members are look-alikes is learnt when families are formed: until ``lumbung reindex`` forms
them again, every published member is ranked (the results are the same, only not faster).
An indexed innovation not yet placed in a family (indexed before families existed) gets a family
of its own here, ranked when published, so that a search of ranked members finds it too."""

from django.db import migrations, models


def place_the_unplaced(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    FamilyMember = apps.get_model("search", "FamilyMember")
    placed = FamilyMember.objects.filter(innovation_id=models.OuterRef("innovation_id"))
    unplaced = (
        SearchDocument.objects.filter(~models.Exists(placed))
        .order_by("innovation_id")
        .values_list("innovation_id", "innovation__publication_state", "innovation__source_id")
    )
    rows = [
        FamilyMember(
            innovation_id=pk,
            family_id=pk,
            source_id=source,
            published=state == "published",
            ranked=state == "published",
        )
        for pk, state, source in unplaced.iterator(chunk_size=2000)
    ]
    FamilyMember.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_innovation_source_state_index"),
        ("search", "0005_families"),
    ]

    operations = [
        migrations.AddField(
            model_name="familymember",
            name="lookalike",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="familymember",
            name="ranked",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="familymember",
            index=models.Index(
                condition=models.Q(("ranked", True)),
                fields=["innovation_id"],
                name="search_family_ranked",
            ),
        ),
        migrations.RunSQL(
            "UPDATE search_familymember SET ranked = published", migrations.RunSQL.noop
        ),
        migrations.RunPython(place_the_unplaced, migrations.RunPython.noop),
    ]
