"""Insight pages end to end on a world built through the services: each page answers, counts
only what the person may see, and refuses what they may not."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lumbung.catalog.models import Innovation
from lumbung.replication import services as rep_services
from tests.factories import InnovationFactory


@pytest.fixture
def programme(world):
    p = rep_services.programme_create(
        actor=world.platform_admin,
        agency=world.agency,
        name="Replikasi Contoh",
        start_date=timezone.localdate() - dt.timedelta(days=400),
        coverage_target=10,
        sources=[world.published],
    )
    return p


def test_the_dashboard_counts_only_what_the_reader_may_see(client, world):
    page = client.get("/wawasan/")
    assert page.status_code == 200
    portfolio = page.context["portfolio"]
    assert portfolio.total == Innovation.objects.filter(publication_state="published").count()
    client.force_login(world.officer)
    mine = client.get("/wawasan/").context["portfolio"]
    assert mine.total == portfolio.total + 1  # the unit's own draft, never the other agency's
    data = client.get("/api/v1/insights/portfolio").json()
    assert data["total"] == mine.total
    csv = client.get("/wawasan/unduh/stage.csv").content.decode()
    assert csv.splitlines()[0] == "key,label,count"


def test_the_programme_dashboard_and_its_report(client, world, programme):
    page = client.get(f"/wawasan/program/{programme.slug}/")
    assert page.status_code == 200
    assert page.context["spread"].too_few is None or page.context["spread"].curve == []
    assert client.get(f"/wawasan/program/{programme.slug}/laporan.pdf").status_code == 302
    client.force_login(world.other_officer)
    assert client.get(f"/wawasan/program/{programme.slug}/laporan.pdf").status_code == 403
    client.force_login(world.platform_admin)
    pdf = client.get(f"/wawasan/program/{programme.slug}/laporan.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/wawasan/program/{programme.slug}/laporan.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) >= 3
    api = client.get(f"/api/v1/insights/programmes/{programme.slug}").json()
    assert api["funnel"][0]["key"] == "invited"


def test_diffusion_page_fits_only_with_enough_adoptions(client, world):
    original = world.published
    page = client.get(f"/wawasan/difusi/{original.slug}/")
    assert page.status_code == 200
    assert page.context["spread"].fit is None  # no replica yet
    start = timezone.localdate() - dt.timedelta(days=700)
    for i in range(8):
        replica = InnovationFactory(
            unit=world.other_unit,
            name=f"Replika {i}",
            publication_state="published",
            source=original,
            replication_form="adoption",
            generation=1,
        )
        Innovation.objects.filter(pk=replica.pk).update(
            start_date=start + dt.timedelta(days=60 * i)
        )
    page = client.get(f"/wawasan/difusi/{original.slug}/")
    found = page.context["spread"]
    assert found.fitted is not None and found.fitted.adoptions == 8
    html = page.content.decode()
    assert "data-lineage-node" in html and "Replika 7" in html
    api = client.get(f"/api/v1/insights/innovations/{original.slug}/diffusion").json()
    assert api["fit"]["fitted"] is True
    assert client.get(f"/wawasan/difusi/{world.other_draft.slug}/").status_code == 404


def test_the_index_and_its_breakdown(client, world):
    page = client.get(f"/wawasan/indeks/?agency={world.agency.pk}")
    assert page.status_code == 200
    assert page.context["aggregate"] is not None
    one = client.get(f"/api/v1/insights/innovations/{world.published.slug}/index").json()
    assert abs(sum(p["points"] for p in one["parts"]) - one["total"]) < 0.1
    assert client.get(f"/wawasan/indeks/{world.published.slug}/").status_code == 200
    assert client.get(f"/wawasan/indeks/{world.draft.slug}/").status_code == 404


def test_the_facilitator_page_needs_a_sign_in(client, world):
    assert client.get("/wawasan/fasilitasi/").status_code == 302
    client.force_login(world.officer)
    assert client.get("/wawasan/fasilitasi/").status_code == 200


def test_the_unit_portfolio_report(client, world):
    client.force_login(world.officer)
    r = client.get(f"/wawasan/unit/{world.unit.pk}/portofolio.xlsx")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    cells = [c.value for row in book.worksheets[-1].iter_rows() for c in row]
    assert world.draft.name in cells and world.published.name in cells
    client.force_login(world.other_officer)
    r = client.get(f"/wawasan/unit/{world.unit.pk}/portofolio.xlsx")
    cells = [
        c.value
        for row in load_workbook(io.BytesIO(r.content)).worksheets[-1].iter_rows()
        for c in row
    ]
    assert world.draft.name not in cells  # another agency never reads the unit's drafts


def test_open_data_is_a_valid_data_package_of_published_records_only(client, world, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    replica = InnovationFactory(
        unit=world.other_unit,
        name="Replika Terbit",
        publication_state="published",
        source=world.published,
        replication_form="adaptation",
        generation=1,
    )
    assert client.get("/wawasan/data-terbuka/").status_code == 200
    package = client.get("/wawasan/data-terbuka/datapackage.json").json()
    assert {r["name"] for r in package["resources"]} == {"innovations", "lineage", "outcomes"}
    body = client.get("/wawasan/data-terbuka/lumbung-data-terbuka.zip").content
    zipfile.ZipFile(io.BytesIO(body)).extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = json.loads(client.get("/wawasan/data-terbuka/innovations.json").content)
    names = {r["name"] for r in rows}
    assert world.published.name in names and world.draft.name not in names
    lineage = json.loads(client.get("/wawasan/data-terbuka/lineage.json").content)
    assert lineage == [
        {
            "replica_id": replica.pk,
            "original_id": world.published.pk,
            "form": "adaptation",
            "generation": 1,
            "same_agency": False,
        }
    ]


def test_competition_results_pdf_needs_results(client, world):
    assert client.get("/wawasan/kompetisi/tidak-ada/hasil.pdf").status_code == 404


def test_dashboard_queries_do_not_grow_with_the_catalog(
    client, world, django_assert_max_num_queries
):
    client.get("/wawasan/")
    for i in range(30):
        InnovationFactory(unit=world.unit, name=f"Tambahan {i}", publication_state="published")
    with django_assert_max_num_queries(30):
        assert client.get("/wawasan/").status_code == 200


def test_a_programme_report_never_names_a_replica_its_reader_may_not_see(client, world, programme):
    from lumbung.core.actors import SYSTEM

    rep_services.programme_join(
        actor=world.other_admin, programme=programme, agency=world.other_agency
    )
    project = rep_services.project_start(
        actor=SYSTEM,
        source=world.published,
        adopting_unit=world.other_unit,
        declared_form="adoption",
        programme=programme,
    )
    rep_services.replica_link_request(
        actor=world.other_admin, project=project, innovation=world.other_draft
    )
    cells = []
    for who in (world.admin, world.platform_admin):
        client.force_login(who)
        r = client.get(f"/wawasan/program/{programme.slug}/laporan.xlsx")
        book = load_workbook(io.BytesIO(r.content))
        cells.append({c.value for ws in book.worksheets for row in ws.iter_rows() for c in row})
        page = client.get(f"/wawasan/program/{programme.slug}/").content.decode()
        assert (world.other_draft.name in page) == (who == world.platform_admin)
    assert world.other_draft.name not in cells[0]  # the programme's agency admin
    assert world.other_draft.name in cells[1]  # a platform admin reads every record


def test_the_follow_up_lists_only_what_the_person_facilitates(client, world):
    programme = rep_services.programme_create(
        actor=world.platform_admin,
        agency=world.agency,
        name="Program Fasilitasi",
        start_date=timezone.localdate() - dt.timedelta(days=100),
        coverage_target=3,
        sources=[world.published],
        facilitators=[world.sibling_officer],
    )
    rep_services.commitment_create(
        actor=world.platform_admin,
        owner_unit=world.unit,
        description="Menyusun SK tim replikasi",
        due_date=timezone.localdate() - dt.timedelta(days=10),
        programme=programme,
    )
    client.force_login(world.sibling_officer)
    page = client.get("/wawasan/fasilitasi/")
    assert "Menyusun SK tim replikasi" in page.content.decode()
    assert [(r.unit_name, r.overdue) for r in page.context["rows"]] == [(world.unit.name, 1)]
    client.force_login(world.other_officer)
    page = client.get("/wawasan/fasilitasi/")
    assert "Menyusun SK tim replikasi" not in page.content.decode()
    assert page.context["rows"] == []
