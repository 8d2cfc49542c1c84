"""What search ranks of each family is marked (``FamilyMember.ranked``): its public head and its
members with a text of their own, not its look-alikes (``FamilyMember.lookalike``). Which
members are look-alikes is learnt when families are formed: until ``lumbung reindex`` forms
them again, every published member is ranked (the results are the same, only not faster)."""

from django.db import migrations, models


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
    ]
