"""Replication demo: the 2024 sheltered-workshop programme of docs/domain.md.

Call :func:`load_replication_demo` after the organisation and catalog demo
(:mod:`lumbung.platform.demo`): it finds agencies, units, innovations and the demo accounts by name.
It is idempotent (a second call finds the programme and changes nothing) and runs in one
transaction.

Real (public sources, docs/domain.md and the demo CSV): KemenPANRB facilitated replication at
Kemensos in 2024; Sheltered Workshop Peduli (Sentra Terpadu Kartini Temanggung) aimed at 30 more
centres; Sentra Dharma Guna Bengkulu replicated it for people with mental disabilities, with batik
eco print (stamping technique) as vocational/occupational therapy, and won a Top 5 Replikasi award
in 2024. Everything else — the programme's period, which sentra are at which stage and since when,
documents, sessions, commitments, most adaptation details — is EXAMPLE DATA, flagged with
``is_example`` and "(contoh)" in texts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from lumbung.catalog.models import Innovation
from lumbung.core import audit
from lumbung.core.actors import SYSTEM, ActorLike
from lumbung.core.files.examples import example_pdf
from lumbung.organisations.models import Agency, Unit, User
from lumbung.organisations.selectors import units_under

from . import services
from .models import (
    Commitment,
    DocumentKind,
    Programme,
    ProjectDocument,
    ReplicationProject,
    Stage,
    Transition,
)

PROGRAMME_NAME = "Replikasi Sheltered Workshop Peduli 2024"
SOURCE_NAME = "Sheltered Workshop Peduli"
DHARMA_GUNA_UNIT = "Sentra Dharma Guna Bengkulu"
DHARMA_GUNA_REPLICA = "SWP Disabilitas Mental Sentra Dharma Guna"

#: Core components of SWP, paraphrased from its public description (docs/domain.md, demo CSV);
#: set on the source only when its profile names none.
SWP_CORE_COMPONENTS = "\n".join(
    [
        "Wadah kerja terlindung berbasis komunitas bagi penyandang disabilitas",
        "Dikelola kader, keluarga dan kelompok swadaya masyarakat",
        "Bimbingan aktivitas harian dan keterampilan kerja",
        "Usaha ekonomi produktif yang memberi penghasilan bagi peserta",
        "Dukungan dana desa, bantuan pemerintah dan mitra",
    ]
)

EXAMPLE_PDF = example_pdf("Contoh dokumen proyek replikasi")


class ReplicationDemoError(Exception):
    """Something the replication demo needs is missing (load the core demo first)."""


@dataclass
class ReplicationDemoResult:
    programme: Programme
    created: bool
    projects: list[ReplicationProject] = field(default_factory=list)


def _tz_datetime(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _agency(*names: str) -> Agency:
    for name in names:
        agency = (
            Agency.objects.filter(name__iexact=name).first()
            or Agency.objects.filter(short_name__iexact=name).first()
        )
        if agency is not None:
            return agency
    raise ReplicationDemoError(f"agency {names[0]!r} not found; load the core demo first")


def _unit(agency: Agency, name: str) -> Unit | None:
    return Unit.objects.filter(agency=agency, name__iexact=name).first()


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _doc(project: ReplicationProject, kind: str, title: str) -> None:
    services.project_document_add(
        actor=SYSTEM,
        project=project,
        kind=kind,
        title=f"{title} (contoh)",
        upload=SimpleUploadedFile("contoh.pdf", EXAMPLE_PDF, content_type="application/pdf"),
    )


def _move(
    project: ReplicationProject, stage: str, day: dt.date, actor: ActorLike, note: str = ""
) -> None:
    project.refresh_from_db()
    services.project_transition(actor=actor, project=project, to_stage=stage, note=note)
    when = _tz_datetime(day)
    last = Transition.objects.filter(project=project).latest("id")
    Transition.objects.filter(pk=last.pk).update(created_at=when)
    ReplicationProject.objects.filter(pk=project.pk).update(stage_since=when)


def _start(
    programme: Programme,
    source: Innovation,
    unit: Unit,
    form: str,
    day: dt.date,
    actor: ActorLike,
    team: str = "",
) -> ReplicationProject:
    project = services.project_start(
        actor=actor,
        source=source,
        adopting_unit=unit,
        declared_form=form,
        programme=programme,
        team=team,
        is_example=True,
    )
    Transition.objects.filter(project=project).update(created_at=_tz_datetime(day))
    ReplicationProject.objects.filter(pk=project.pk).update(stage_since=_tz_datetime(day))
    return project


GATE_DOCS: dict[str, list[tuple[str, str]]] = {
    Stage.PLANNING: [(DocumentKind.COMMITMENT, "Komitmen replikasi bertanda tangan")],
    Stage.IMPLEMENTATION: [(DocumentKind.ACTION_PLAN, "Rencana aksi replikasi")],
    Stage.EVALUATION: [],
    Stage.INSTITUTIONALISED: [
        (DocumentKind.EVALUATION_REPORT, "Laporan evaluasi"),
        (DocumentKind.DECREE, "SK kepala sentra tentang sheltered workshop"),
    ],
}


def _advance(
    project: ReplicationProject, steps: list[tuple[str, dt.date]], actor: ActorLike
) -> None:
    for stage, day in steps:
        for kind, title in GATE_DOCS[stage]:
            _doc(project, kind, title)
        # the evidence was uploaded a few days before the move it allowed
        ProjectDocument.objects.filter(project=project, uploaded_at__gt=_tz_datetime(day)).update(
            uploaded_at=_tz_datetime(day - dt.timedelta(days=3))
        )
        _move(project, stage, day, actor)


def _ensure_core_components(source: Innovation) -> None:
    if source.core_components.strip():
        return
    source.core_components = SWP_CORE_COMPONENTS
    source.save(update_fields=["core_components", "updated_at"])
    audit.record(
        actor=SYSTEM,
        obj=source,
        action="innovation.update",
        changes={"core_components": ["", SWP_CORE_COMPONENTS]},
        note="demo: paraphrased from the public description",
    )


def _find_source(kemensos: Agency) -> Innovation:
    source = (
        Innovation.objects.filter(agency=kemensos, name__istartswith=SOURCE_NAME)
        .order_by("generation", "pk")
        .first()
    )
    if source is None:
        raise ReplicationDemoError(f"innovation {SOURCE_NAME!r} not found; load the core demo")
    return source


def _directorate_general(source: Innovation) -> Unit:
    """The directorate-general above the source's unit (the sentra's DG)."""
    ancestors = Unit.objects.ancestors(source.unit)
    dg = ancestors.filter(kind=Unit.Kind.DIRECTORATE_GENERAL).order_by("-tree_depth").first()
    if dg is None:
        dg = Unit.objects.filter(
            agency=source.agency,
            kind=Unit.Kind.DIRECTORATE_GENERAL,
            name__icontains="Rehabilitasi Sosial",
        ).first()
    if dg is None:
        raise ReplicationDemoError("the directorate-general of the source's unit is not found")
    return dg


PANGUDI_LUHUR = "Sentra Terpadu Pangudi Luhur Bekasi"
HANDAYANI = "Sentra Handayani Jakarta"
SOEHARSO = "Sentra Terpadu Prof. Dr. Soeharso Surakarta"
BUDI_LUHUR = "Sentra Budi Luhur Banjarbaru"

#: The other sentra's projects (example data): unit, declared form, start, stages reached.
OTHER_PROJECTS: list[tuple[str, str, dt.date, list[tuple[str, dt.date]]]] = [
    (
        PANGUDI_LUHUR,
        Innovation.Form.ADOPTION,
        dt.date(2024, 3, 7),
        [(Stage.PLANNING, dt.date(2024, 4, 15)), (Stage.IMPLEMENTATION, dt.date(2024, 7, 1))],
    ),
    (
        HANDAYANI,
        Innovation.Form.MODIFICATION,
        dt.date(2024, 3, 7),
        [(Stage.PLANNING, dt.date(2024, 5, 10))],
    ),
    (SOEHARSO, Innovation.Form.ADAPTATION, dt.date(2024, 3, 8), []),
    (BUDI_LUHUR, Innovation.Form.ADOPTION, dt.date(2024, 3, 8), []),
]

#: Commitments of units that have no project yet (example data): unit, what, due date, done.
COMMITMENTS_WITHOUT_PROJECT = [
    ("Sentra Abiyoso Cimahi", "Menyusun kajian kesesuaian SWP (contoh)", "2024-05-31", True),
    (
        "Sentra Phala Martha Sukabumi",
        "Kunjungan belajar ke Temanggung (contoh)",
        "2024-06-30",
        False,
    ),
]


def _create_programme(
    kemensos: Agency,
    panrb: Agency,
    source: Innovation,
    manager: User | None,
    facilitator: User | None,
) -> Programme:
    """The programme, targeting every other sentra under the source's directorate-general."""
    dg = _directorate_general(source)
    targets = units_under(dg, kinds=[Unit.Kind.SENTRA]).exclude(pk=source.unit_id)
    return services.programme_create(
        actor=manager,
        agency=kemensos,
        name=PROGRAMME_NAME,
        description=(
            "Perluasan Sheltered Workshop Peduli dari Sentra Terpadu Kartini Temanggung ke sentra "
            "lain di bawah Direktorat Jenderal Rehabilitasi Sosial, difasilitasi KemenPANRB; "
            "sasaran awalnya 30 sentra lagi. Periode, tahapan tiap sentra, dokumen, sesi "
            "pendampingan dan komitmen di halaman ini adalah data contoh."
        ),
        sources=[source],
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2025, 12, 31),
        coverage_target=30,
        facilitator_agency=panrb,
        facilitators=[facilitator] if facilitator else [],
        managers=[manager] if manager else [],
        targets=list(targets),
        is_example=True,
    )


def _dharma_guna_adaptations(components: list[str]) -> list[dict[str, Any]]:
    """How Sentra Dharma Guna adapted SWP (the first two are real, docs/domain.md)."""
    return [
        {
            "when": "planning",
            "planned": "planned",
            "decided_by": "unit_leadership",
            "what": "population",
            "nature": "tailoring",
            "fidelity": "consistent",
            "reasons": ["recipient"],
            "description": "Sasaran: penerima manfaat penyandang disabilitas mental, bukan "
            "disabilitas intelektual.",
            "rationale": "Penerima manfaat Sentra Dharma Guna adalah penyandang disabilitas "
            "mental yang membutuhkan terapi sekaligus kegiatan produktif.",
        },
        {
            "when": "planning",
            "planned": "planned",
            "decided_by": "team",
            "what": "content",
            "nature": "substituting",
            "fidelity": "consistent",
            "reasons": ["recipient", "provider"],
            "description": "Produk batik ciprat diganti batik eco print teknik injak.",
            "rationale": "Teknik injak dipakai sebagai terapi vokasional/okupasi yang "
            "menghasilkan produk bernilai ekonomi.",
        },
        {
            "date": dt.date(2024, 5, 15),
            "when": "implementation",
            "planned": "reactive",
            "decided_by": "staff",
            "what": "setting",
            "nature": "integrating",
            "fidelity": "consistent",
            "reasons": ["organisational"],
            "component": components[0] if components else "",
            "description": "Kegiatan dipadukan dengan jadwal terapi di sentra (contoh).",
            "rationale": "Data contoh.",
        },
    ]


def _dharma_guna_components(components: list[str]) -> dict[str, Any]:
    """What became of SWP's core components at Sentra Dharma Guna (none when the source names
    fewer than five)."""
    if len(components) < 5:
        return {}
    return {
        components[0]: {
            "outcome": "adapted",
            "note": "Dijalankan di sentra sebagai terapi vokasional/okupasi (contoh).",
        },
        components[1]: {"outcome": "adapted", "note": "Dikelola petugas sentra (contoh)."},
        components[2]: "kept",
        components[3]: "kept",
        components[4]: "kept",
    }


def _dharma_guna_session(project: ReplicationProject, unit: Unit, actor: ActorLike) -> None:
    """One facilitation session, its commitment done."""
    session = services.session_create(
        actor=actor,
        project=project,
        date=dt.date(2024, 3, 20),
        mode="online",
        participants="Tim replikasi sentra, fasilitator (contoh)",
        notes="Pembahasan rencana aksi dan pemilihan produk eco print (contoh).",
        problems="Bahan baku pewarna alami belum tersedia tetap (contoh).",
        actions=[
            {
                "owner_unit": unit,
                "description": "Menetapkan pemasok bahan eco print (contoh)",
                "due_date": dt.date(2024, 4, 15),
            }
        ],
    )
    session.commitments.update(created_at=_tz_datetime(session.date))
    for commitment in session.commitments.all():
        _finish(commitment)


def _dharma_guna(
    programme: Programme, source: Innovation, kemensos: Agency, actor: ActorLike
) -> ReplicationProject:
    """Sentra Dharma Guna Bengkulu: the real replica (its innovation exists in the demo CSV),
    institutionalised, with its adaptations and a session."""
    unit = _unit(kemensos, DHARMA_GUNA_UNIT)
    replica = Innovation.objects.filter(unit=unit, name=DHARMA_GUNA_REPLICA).first()
    if unit is None or replica is None:
        raise ReplicationDemoError(f"{DHARMA_GUNA_REPLICA!r} of {DHARMA_GUNA_UNIT!r} not found")
    project = _start(
        programme,
        source,
        unit,
        Innovation.Form.ADAPTATION,
        dt.date(2024, 1, 15),
        actor,
        team="Tim replikasi Sentra Dharma Guna (contoh)",
    )
    services.replica_link_request(actor=SYSTEM, project=project, innovation=replica)
    _advance(
        project,
        [
            (Stage.PLANNING, dt.date(2024, 2, 20)),
            (Stage.IMPLEMENTATION, dt.date(2024, 4, 1)),
            (Stage.EVALUATION, dt.date(2024, 8, 1)),
            (Stage.INSTITUTIONALISED, dt.date(2024, 10, 1)),
        ],
        actor,
    )
    components = source.lines("core_components")
    services.component_statuses_set(
        actor=actor, project=project, statuses=_dharma_guna_components(components)
    )
    for data in _dharma_guna_adaptations(components):
        services.adaptation_add(actor=actor, project=project, data=data)
    _dharma_guna_session(project, unit, actor)
    return project


def _other_projects(
    programme: Programme, source: Innovation, kemensos: Agency, actor: ActorLike
) -> dict[str, ReplicationProject]:
    """The other sentra's projects (:data:`OTHER_PROJECTS`) by unit name; a sentra missing
    from the demo is left out."""
    projects: dict[str, ReplicationProject] = {}
    for name, form, start, steps in OTHER_PROJECTS:
        unit = _unit(kemensos, name)
        if unit is None:
            continue
        project = _start(programme, source, unit, form, start, actor)
        _advance(project, steps, actor)
        projects[name] = project
    return projects


def _pangudi_luhur_adapts(
    project: ReplicationProject, source: Innovation, actor: ActorLike
) -> None:
    """An "adoption" that adapted a core component: the page asks for a decision."""
    project.refresh_from_db()
    if project.replica_id:
        Innovation.objects.filter(pk=project.replica_id).update(is_example=True)
    components = source.lines("core_components")
    if len(components) < 2:
        return
    services.component_statuses_set(
        actor=actor,
        project=project,
        statuses={
            components[0]: "kept",
            components[1]: {
                "outcome": "adapted",
                "note": "Dikelola bersama pekerja sosial sentra (contoh).",
            },
        },
    )


def _budi_luhur_stops(project: ReplicationProject, actor: ActorLike) -> None:
    _move(
        project,
        Stage.STOPPED,
        dt.date(2024, 6, 1),
        actor,
        note="Ditunda: belum ada kelompok swadaya masyarakat mitra (contoh).",
    )


def _commitments_without_project(programme: Programme, kemensos: Agency, actor: ActorLike) -> None:
    for name, text, due, done in COMMITMENTS_WITHOUT_PROJECT:
        unit = _unit(kemensos, name)
        if unit is None:
            continue
        commitment = services.commitment_create(
            actor=actor,
            owner_unit=unit,
            description=text,
            due_date=due,
            programme=programme,
            origin="programme",
            is_example=True,
        )
        Commitment.objects.filter(pk=commitment.pk).update(
            created_at=_tz_datetime(dt.date.fromisoformat(due) - dt.timedelta(days=60))
        )
        if done:
            _finish(commitment)


def _programme_session(
    programme: Programme, projects: dict[str, ReplicationProject], actor: ActorLike
) -> None:
    """One programme session, with actions for the sentra still planning."""
    actions = []
    handayani = projects.get(HANDAYANI)
    if handayani is not None:
        actions.append(
            {
                "owner_unit": handayani.adopting_unit,
                "description": "Menyelesaikan rencana aksi dan anggaran (contoh)",
                "due_date": dt.date(2024, 7, 31),
            }
        )
    soeharso = projects.get(SOEHARSO)
    if soeharso is not None:
        actions.append(
            {
                "owner_unit": soeharso.adopting_unit,
                "description": "Mengirim komitmen replikasi bertanda tangan (contoh)",
                "due_date": dt.date(2024, 6, 30),
            }
        )
    services.session_create(
        actor=actor,
        programme=programme,
        date=dt.date(2024, 5, 15),
        mode="online",
        participants="Perwakilan sentra sasaran dan fasilitator (contoh)",
        notes="Rapat koordinasi daring tindak lanjut pembelajaran replikasi (contoh).",
        actions=actions,
    )


@transaction.atomic
def load_replication_demo() -> ReplicationDemoResult:
    kemensos = _agency("Kementerian Sosial", "Kemensos")
    panrb = _agency(
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", "KemenPANRB"
    )
    existing = Programme.objects.filter(name=PROGRAMME_NAME).first()
    if existing is not None:
        return ReplicationDemoResult(existing, False, list(existing.projects.all()))

    source = _find_source(kemensos)
    _ensure_core_components(source)
    manager = _user("demo-programme-manager")
    facilitator = _user("demo-facilitator")
    programme = _create_programme(kemensos, panrb, source, manager, facilitator)
    actor = facilitator or manager
    dharma = _dharma_guna(programme, source, kemensos, actor)
    others = _other_projects(programme, source, kemensos, actor)
    if PANGUDI_LUHUR in others:
        _pangudi_luhur_adapts(others[PANGUDI_LUHUR], source, actor)
    if BUDI_LUHUR in others:
        _budi_luhur_stops(others[BUDI_LUHUR], actor)
    _commitments_without_project(programme, kemensos, actor)
    _programme_session(programme, others, actor)
    Commitment.objects.filter(programme=programme).update(is_example=True)
    return ReplicationDemoResult(programme, True, [dharma, *others.values()])


def _finish(commitment: Commitment) -> None:
    """Mark an example commitment done (as its unit would, without an audit entry)."""
    Commitment.objects.filter(pk=commitment.pk).update(
        status=Commitment.Status.DONE,
        completed_at=timezone.now(),
        status_note="Selesai (contoh).",
    )
