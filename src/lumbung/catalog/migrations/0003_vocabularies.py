"""Seed the sectors and the 17 SDGs (configuration, editable in the admin)."""

from django.db import migrations

SECTORS = [
    ("health", "Kesehatan", "Health"),
    ("social", "Sosial", "Social affairs"),
    ("population-administration", "Administrasi kependudukan", "Population administration"),
    ("education", "Pendidikan", "Education"),
    ("economy", "Ekonomi", "Economy"),
    ("environment", "Lingkungan hidup", "Environment"),
    ("public-works", "Pekerjaan umum", "Public works"),
    ("agriculture", "Pertanian", "Agriculture"),
    ("governance", "Tata kelola pemerintahan", "Governance"),
    ("licensing", "Perizinan", "Licensing"),
    ("employment", "Ketenagakerjaan", "Employment"),
    ("disaster-management", "Penanggulangan bencana", "Disaster management"),
    ("land-administration", "Pertanahan", "Land administration"),
    ("tax-revenue", "Pajak dan pendapatan", "Tax and revenue"),
    ("transport", "Perhubungan", "Transport"),
]

SDGS = [
    (1, "Tanpa Kemiskinan", "No Poverty"),
    (2, "Tanpa Kelaparan", "Zero Hunger"),
    (3, "Kehidupan Sehat dan Sejahtera", "Good Health and Well-being"),
    (4, "Pendidikan Berkualitas", "Quality Education"),
    (5, "Kesetaraan Gender", "Gender Equality"),
    (6, "Air Bersih dan Sanitasi Layak", "Clean Water and Sanitation"),
    (7, "Energi Bersih dan Terjangkau", "Affordable and Clean Energy"),
    (8, "Pekerjaan Layak dan Pertumbuhan Ekonomi", "Decent Work and Economic Growth"),
    (9, "Industri, Inovasi dan Infrastruktur", "Industry, Innovation and Infrastructure"),
    (10, "Berkurangnya Kesenjangan", "Reduced Inequalities"),
    (11, "Kota dan Permukiman yang Berkelanjutan", "Sustainable Cities and Communities"),
    (12, "Konsumsi dan Produksi yang Bertanggung Jawab", "Responsible Consumption and Production"),
    (13, "Penanganan Perubahan Iklim", "Climate Action"),
    (14, "Ekosistem Lautan", "Life Below Water"),
    (15, "Ekosistem Daratan", "Life on Land"),
    (16, "Perdamaian, Keadilan dan Kelembagaan yang Tangguh", "Peace, Justice and Strong Institutions"),
    (17, "Kemitraan untuk Mencapai Tujuan", "Partnerships for the Goals"),
]


def load(apps, schema_editor):
    Sector = apps.get_model("catalog", "Sector")
    SDG = apps.get_model("catalog", "SDG")
    for order, (code, name, name_en) in enumerate(SECTORS):
        Sector.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
    for number, name, name_en in SDGS:
        SDG.objects.update_or_create(number=number, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
