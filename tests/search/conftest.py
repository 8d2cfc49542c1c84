"""A small fixed corpus, written like the demo catalog, for search tests on either back end."""

from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, InnovationFactory, UnitFactory

CORPUS = [
    # (key, name, acronym, acronym_expansion, sector, summary, problem)
    (
        "swp",
        "Sheltered Workshop Peduli (SWP)",
        "SWP",
        "Mencapai Nol Kerentanan Penyandang Disabilitas Intelektual melalui "
        "Sheltered Workshop Peduli",
        "social",
        "Wadah kerja terlindung berbasis komunitas sehingga penyandang disabilitas berpenghasilan.",
        "Penyandang disabilitas intelektual distigma dan sulit bersaing di dunia kerja.",
    ),
    (
        "barista",
        "BARIS DITEBAS",
        "",
        "Barista Disabilitas Terobos Stigma Keterbatasan",
        "social",
        "Pelatihan barista lalu lulusan bekerja sebagai barista di kafe milik sentra.",
        "Penyandang disabilitas netra (low vision) hanya dibekali keterampilan pijat.",
    ),
    (
        "regol",
        "Antrian Regol",
        "",
        "",
        "health",
        "Pendaftaran pasien secara online dengan pemantauan antrean real time.",
        "Pendaftaran pasien di puskesmas sering menumpuk sehingga antrean dan waktu tunggu "
        "panjang.",
    ),
    (
        "pustaka",
        "PUSTAKA",
        "",
        "Puskesmas Tanpa Antrian",
        "health",
        "Layanan pendaftaran online puskesmas sehingga waktu tunggu berkurang.",
        "Pasien rawat jalan puskesmas menunggu lama di pendaftaran.",
    ),
    (
        "sibulan",
        "Si Bulan",
        "",
        "Aksi Ibu Pulang Bawa Akta Kelahiran",
        "population-administration",
        "Petugas mengantar akta kelahiran dan kartu keluarga baru sebelum ibu pulang.",
        "Penerbitan akta kelahiran sering terlambat dan orang tua harus mengantre.",
    ),
    (
        "apdol",
        "APDOL",
        "",
        "Adminduk untuk Penyandang Disabilitas, ODGJ, dan Lansia",
        "population-administration",
        "Layanan jemput bola perekaman KTP-el ke rumah kelompok rentan.",
        "Penyandang disabilitas, orang dengan gangguan jiwa dan lanjut usia tidak dapat datang.",
    ),
    (
        "bank-sampah",
        "Serbu Gass",
        "",
        "Seratus Bank Sampah Unit dan Gerakan Sedekah Sampah",
        "environment",
        "Lebih dari 100 bank sampah unit di desa; warga memilah sampah dari rumah.",
        "Timbulan sampah rumah tangga yang dibuang ke TPA terus bertambah.",
    ),
    (
        "stunting",
        "GEMA PENTING",
        "",
        "Gerakan Bersama Penurunan Stunting",
        "health",
        "Konvergensi percepatan penurunan stunting dengan pendataan balita.",
        "Angka stunting pada balita tinggi dan penanganannya belum terintegrasi.",
    ),
    (
        "izin",
        "SAKPORE",
        "",
        "Sistem Aplikasi Perizinan Online Ringkas dan Ekonomis",
        "licensing",
        "Aplikasi perizinan daring untuk 24 jenis izin.",
        "Pemohon harus datang langsung ke kantor untuk mengurus perizinan.",
    ),
    (
        "tbc",
        "Matras TBC",
        "",
        "",
        "health",
        "Kader dan tokoh masyarakat menjaring suspek tuberkulosis dan mengikis stigma.",
        "Kasus TBC resisten obat tinggi dan warga enggan diperiksa.",
    ),
]


@pytest.fixture
def corpus(db):
    """The corpus above, published, in two agencies; returns {key: innovation}."""
    social = AgencyFactory(name="Kementerian Sosial RI", slug="kemensos-ri")
    city = AgencyFactory(name="Pemerintah Kota Semarang", slug="kota-semarang-uji", kind="city")
    sentra = UnitFactory(agency=social, name="Sentra Terpadu Kartini Temanggung")
    dinas = UnitFactory(agency=city, name="Dinas Kesehatan", kind="dinas")
    out = {}
    for key, name, acronym, expansion, sector, summary, problem in CORPUS:
        out[key] = InnovationFactory(
            unit=sentra if sector == "social" else dinas,
            name=name,
            acronym=acronym,
            acronym_expansion=expansion,
            sector=sector,
            summary=summary,
            problem=problem,
            implementation="",
            publication_state="published",
        )
    return out
