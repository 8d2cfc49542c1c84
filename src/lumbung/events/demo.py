"""Events demo: the two learning events of docs/domain.md.

Call :func:`load_events_demo` after the core demo (:mod:`lumbung.platform.demo`) and the replication
demo (:mod:`lumbung.replication.demo`): it finds units, partners, innovations, the programme and
the demo accounts by name. It is idempotent (an event found by its host, title and date is left
as it is) and runs in one transaction.

Real (public sources, docs/domain.md): the sheltered-workshop learning event at Sentra Terpadu
Kartini Temanggung on 6 March 2024 with about 30 technical units and CSR invitees, the community
workshops SWP Karya Barokah (Wonogiri) and Rumah Kinasih (Blitar); the Baris Ditebas event at
Sentra Wyata Guna Bandung on 27 February 2024. EXAMPLE DATA (``is_example`` and "(contoh)"):
attendee names and positions, who attended, testimonial texts, the CSR partner, the times of
day, the capacity, and every intent and commitment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q

from lumbung.catalog.models import Innovation
from lumbung.core.actors import SYSTEM, ActorLike
from lumbung.core.files.examples import example_pdf
from lumbung.organisations.models import Agency, Partner, Unit, User
from lumbung.replication.models import Commitment, Programme, ReplicationProject, Transition

from . import services
from .models import Event, Registration

WIB = ZoneInfo("Asia/Jakarta")

SWP_TITLE = "Pembelajaran Replikasi Sheltered Workshop Peduli"
BARIS_TITLE = "Pembelajaran Replikasi Baris Ditebas"

#: example attendee names (made up), cycled through the units
EXAMPLE_NAMES = (
    "Sri Wahyuni",
    "Agus Setiawan",
    "Dewi Lestari",
    "Bambang Susilo",
    "Rina Marlina",
    "Hendra Gunawan",
    "Yuni Astuti",
    "Eko Prasetyo",
    "Nurul Hidayah",
    "Joko Santoso",
    "Fitri Handayani",
    "Rudi Hartono",
    "Siti Aminah",
    "Dedi Kurniawan",
    "Wulan Sari",
    "Arif Rahman",
    "Maya Puspita",
    "Budi Raharjo",
    "Indah Permata",
    "Taufik Hidayat",
)
EXAMPLE_POSITIONS = ("Kepala Sentra", "Pekerja Sosial", "Instruktur Keterampilan", "Analis Program")

EXAMPLE_PDF = example_pdf("Agenda acara pembelajaran (contoh)")


class EventsDemoError(Exception):
    """Something the events demo needs is missing (load the core demo first)."""


@dataclass
class EventsDemoResult:
    events: list[Event] = field(default_factory=list)
    created: int = 0


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB)


def _agency(*names: str) -> Agency:
    for name in names:
        agency = Agency.objects.filter(Q(name__iexact=name) | Q(short_name__iexact=name)).first()
        if agency is not None:
            return agency
    raise EventsDemoError(f"agency {names[0]!r} not found; load the core demo first")


def _unit(agency: Agency, name: str) -> Unit:
    unit = Unit.objects.filter(agency=agency, name__iexact=name).first()
    if unit is None:
        raise EventsDemoError(f"unit {name!r} not found; load the core demo first")
    return unit


def _innovation(agency: Agency, name: str) -> Innovation:
    innovation = (
        Innovation.objects.filter(agency=agency, name__istartswith=name)
        .order_by("generation", "pk")
        .first()
    )
    if innovation is None:
        raise EventsDemoError(f"innovation {name!r} not found; load the core demo first")
    return innovation


def _partners(*names: str) -> list[Partner]:
    return [p for p in (Partner.objects.filter(name__iexact=n).first() for n in names) if p]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _existing(host: Unit, title: str, day: dt.date) -> Event | None:
    return Event.objects.filter(
        host_unit=host, title=title, starts_at__date__in=[day, day - dt.timedelta(days=1)]
    ).first()


def _register_and_attend(
    event: Event, per_unit: dict[int, int], attended: set[int], start: dt.datetime
) -> None:
    """Register example people for invitations (invitation id -> how many) and check in those
    of the ``attended`` invitations, at the door in the first hour."""
    n = 0
    to_check: list[Registration] = []
    for invitation in event.invitations.select_related("unit", "partner").order_by("pk"):
        count = per_unit.get(invitation.pk, 0)
        if not count:
            continue
        people = []
        for i in range(count):
            name = EXAMPLE_NAMES[n % len(EXAMPLE_NAMES)]
            people.append(
                {
                    "name": f"{name} (contoh)",
                    "position": EXAMPLE_POSITIONS[i % len(EXAMPLE_POSITIONS)]
                    if invitation.unit_id
                    else "Perwakilan mitra",
                    "accessibility_needs": "Juru bahasa isyarat (contoh)" if n % 17 == 5 else "",
                }
            )
            n += 1
        regs = services.registrations_create(
            actor=SYSTEM,
            event=event,
            invitation=invitation,
            attendees=people,
            is_example=True,
        )
        if invitation.pk in attended:
            to_check.extend(regs)
    Registration.objects.filter(event=event).update(created_at=start - dt.timedelta(days=7))
    if to_check:
        services.attendance_check_in(actor=SYSTEM, event=event, registrations=to_check)
        for i, reg in enumerate(to_check):
            Registration.objects.filter(pk=reg.pk).update(
                checked_in_at=start - dt.timedelta(minutes=45) + dt.timedelta(minutes=i % 50)
            )


def _backdate_new_projects(projects: list[ReplicationProject], day: dt.date) -> None:
    """Projects started from the demo intents began the day after the event, not today."""
    when = _at(day, 9)
    for project in projects:
        Transition.objects.filter(project=project).update(created_at=when)
        ReplicationProject.objects.filter(pk=project.pk).update(stage_since=when)


def _intents(
    event: Event,
    kemensos: Agency,
    innovation: Innovation,
    plan: list[tuple[str, str, dt.date | None, bool, str]],
    actor: ActorLike,
) -> None:
    before = set(ReplicationProject.objects.values_list("pk", flat=True))
    for unit_name, decision, due, start_project, note in plan:
        unit = Unit.objects.filter(agency=kemensos, name__iexact=unit_name).first()
        if unit is None or not event.invitations.filter(unit=unit).exists():
            continue
        services.intents_record(
            actor=actor,
            event=event,
            unit=unit,
            items=[
                services.IntentItem(
                    innovation=innovation,
                    decision=decision,
                    due_date=due,
                    note=note,
                    start_project=start_project,
                )
            ],
            is_example=True,
        )
    new = list(ReplicationProject.objects.exclude(pk__in=before))
    _backdate_new_projects(new, (event.starts_at + dt.timedelta(days=1)).date())
    # the commitments were made on the day, as the programme's chart shows them
    Commitment.objects.filter(origin="event", origin_ref=str(event.pk)).update(
        created_at=event.ends_at
    )


def _swp_event(kemensos: Agency, panrb: Agency, facilitator: User | None) -> Event | None:
    day = dt.date(2024, 3, 6)
    host = _unit(kemensos, "Sentra Terpadu Kartini Temanggung")
    if _existing(host, SWP_TITLE, day):
        return None
    swp = _innovation(kemensos, "Sheltered Workshop Peduli")
    programme = Programme.objects.filter(sources=swp).order_by("pk").first()
    start = _at(day, 8, 30)
    event = services.event_create(
        actor=SYSTEM,
        host_unit=host,
        title=SWP_TITLE,
        title_en="Replication learning event: Sheltered Workshop Peduli",
        summary=(
            "Sentra Terpadu Kartini Temanggung memperagakan Sheltered Workshop Peduli (SWP): "
            "wadah kerja terlindung berbasis masyarakat tempat penyandang disabilitas "
            "intelektual bekerja dan berpenghasilan, antara lain membuat batik ciprat dan keset. "
            "Sekitar 30 unit pelaksana teknis Kementerian Sosial, kelompok SWP dan mitra CSR "
            "diundang, dengan fasilitasi KemenPANRB. Setelah acara, tiap sentra menyatakan "
            "rencana tindak lanjutnya."
        ),
        summary_en=(
            "Sentra Terpadu Kartini Temanggung showed Sheltered Workshop Peduli (SWP): "
            "community-based sheltered workshops where people with intellectual disabilities "
            "work and earn, making batik ciprat and doormats among other products. About 30 "
            "technical units of the Ministry of Social Affairs, SWP groups and CSR partners were "
            "invited, facilitated by KemenPANRB. Afterwards each centre stated its follow-up plan."
        ),
        agenda="\n".join(
            [
                "08.30 Registrasi peserta (contoh)",
                "09.00 Pembukaan dan sambutan",
                "09.30 Paparan inovator: Sheltered Workshop Peduli",
                "10.30 Pameran produk dan kunjungan ke workshop",
                "12.00 Testimoni kelompok SWP dan mitra",
                "13.30 Diskusi rencana tindak lanjut per sentra",
                "15.00 Penutupan",
            ]
        ),
        starts_at=start,
        ends_at=_at(day, 15, 30),
        showcased=[swp],
        programme=programme,
        venue="Sentra Terpadu Kartini Temanggung, Jawa Tengah",
        capacity=120,
        facilitator_agency=panrb,
        facilitators=[facilitator] if facilitator else [],
    )
    rehsos = host.parent or _unit(kemensos, "Direktorat Jenderal Rehabilitasi Sosial")
    services.invitations_add(
        actor=SYSTEM,
        event=event,
        under=rehsos,
        kinds=[Unit.Kind.SENTRA],
        partners=_partners(
            "SWP Karya Barokah Wonogiri",
            "Rumah Kinasih Blitar",
            "PT Contoh Mitra Peduli (data contoh)",
        ),
    )
    invitations = list(event.invitations.order_by("pk"))
    unit_invites = [i for i in invitations if i.unit_id]
    partner_invites = [i for i in invitations if i.partner_id]
    # example: two people from most sentra, one per partner; 4 sentra did not come
    per: dict[int, int] = {i.pk: 2 for i in unit_invites[:26]}
    per.update({i.pk: 1 for i in partner_invites})
    came = {i.pk for i in unit_invites[:22]} | {i.pk for i in partner_invites}
    _register_and_attend(event, per, came, start)

    partners = {p.name: p for p in (i.partner for i in partner_invites) if p is not None}
    for speaker, group, partner_name, text, text_en in (
        (
            "Pendamping kelompok (contoh)",
            "SWP Karya Barokah Wonogiri",
            "SWP Karya Barokah Wonogiri",
            "Anak-anak kami sekarang punya kegiatan setiap hari dan ikut mendapat penghasilan "
            "dari batik ciprat. (contoh)",
            "Our young people now have something to do every day and share in the income from "
            "batik ciprat. (example)",
        ),
        (
            "Orang tua peserta (contoh)",
            "Rumah Kinasih Blitar",
            "Rumah Kinasih Blitar",
            "Keluarga tidak lagi merasa sendirian; desa ikut membantu lewat dana desa. (contoh)",
            "Families no longer feel alone; the village helps through its village fund. (example)",
        ),
        (
            "Perwakilan mitra (contoh)",
            "PT Contoh Mitra Peduli (data contoh)",
            "PT Contoh Mitra Peduli (data contoh)",
            "Kami membantu pelatihan dan pemasaran produk kelompok. (contoh)",
            "We support training and the marketing of the groups' products. (example)",
        ),
    ):
        services.testimonial_add(
            actor=SYSTEM,
            event=event,
            speaker=speaker,
            group=group,
            partner=partners.get(partner_name),
            text=text,
            text_en=text_en,
            is_public=True,
            is_example=True,
        )
    services.material_add(
        actor=SYSTEM,
        event=event,
        kind="handout",
        title="Susunan acara (contoh)",
        upload=SimpleUploadedFile("agenda.pdf", EXAMPLE_PDF, content_type="application/pdf"),
        is_public=True,
    )

    due = dt.date(2024, 6, 30)
    _intents(
        event,
        kemensos,
        swp,
        [
            # running projects of the replication demo are linked, not duplicated
            ("Sentra Terpadu Pangudi Luhur Bekasi", "adopt", due, True, "Mulai April (contoh)"),
            ("Sentra Handayani Jakarta", "modify", due, True, "Untuk anak (contoh)"),
            ("Sentra Terpadu Prof. Dr. Soeharso Surakarta", "adapt", due, True, ""),
            ("Sentra Dharma Guna Bengkulu", "adapt", dt.date(2024, 4, 30), True, ""),
            (
                "Sentra Budi Luhur Banjarbaru",
                "adopt",
                due,
                False,
                "Mencari kelompok mitra (contoh)",
            ),
            ("Sentra Abiyoso Cimahi", "adapt", dt.date(2024, 5, 31), False, "Kajian dulu (contoh)"),
            ("Sentra Phala Martha Sukabumi", "adapt", due, False, "Kunjungan belajar (contoh)"),
            # new projects started from the event
            ("Sentra Margo Laras Pati", "adapt", dt.date(2024, 9, 30), True, "(contoh)"),
            ("Sentra Antasena Magelang", "adopt", dt.date(2024, 9, 30), True, "(contoh)"),
            # commitments only
            ("Sentra Mahatmiya Bali", "adapt", dt.date(2024, 12, 31), False, "(contoh)"),
            ("Sentra Paramita Mataram", "modify", dt.date(2024, 12, 31), False, "(contoh)"),
            ("Sentra Bima Sakti Batu", "adopt", dt.date(2024, 10, 31), False, "(contoh)"),
            # not now
            ("Sentra Galih Pakuan Bogor", "not_now", None, False, "Prioritas lain (contoh)"),
            ("Sentra Naibonat Kupang", "not_now", None, False, "(contoh)"),
        ],
        facilitator,
    )
    return event


def _baris_event(kemensos: Agency, panrb: Agency, facilitator: User | None) -> Event | None:
    day = dt.date(2024, 2, 27)
    host = _unit(kemensos, "Sentra Wyata Guna Bandung")
    if _existing(host, BARIS_TITLE, day):
        return None
    baris = _innovation(kemensos, "Baris Ditebas")
    programme = Programme.objects.filter(sources=baris).order_by("pk").first()
    start = _at(day, 9)
    event = services.event_create(
        actor=SYSTEM,
        host_unit=host,
        title=BARIS_TITLE,
        title_en="Replication learning event: Baris Ditebas",
        summary=(
            "Sentra Wyata Guna Bandung memperagakan Baris Ditebas (Barista Disabilitas Terobos "
            "Stigma Keterbatasan): pelatihan barista bagi penyandang disabilitas netra di kafe "
            "sentra sejak 2019. Peserta mencicipi layanan kafe, mendengar paparan inovator, dan "
            "membahas bagaimana sentra lain dapat mereplikasinya."
        ),
        summary_en=(
            "Sentra Wyata Guna Bandung showed Baris Ditebas (Barista Disabilitas Terobos Stigma "
            "Keterbatasan): barista training for people with visual impairment at the centre's "
            "café since 2019. Participants tried the café, heard the innovator's presentation "
            "and discussed how other centres could replicate it."
        ),
        agenda="\n".join(
            [
                "09.00 Pembukaan",
                "09.30 Paparan inovator: Baris Ditebas",
                "10.30 Praktik di kafe sentra",
                "12.30 Diskusi replikasi",
                "14.00 Penutupan",
            ]
        ),
        starts_at=start,
        ends_at=_at(day, 14, 30),
        showcased=[baris],
        programme=programme,
        venue="Sentra Wyata Guna Bandung, Jawa Barat",
        capacity=60,
        facilitator_agency=panrb,
        facilitators=[facilitator] if facilitator else [],
    )
    names = [
        "Sentra Abiyoso Cimahi",
        "Sentra Phala Martha Sukabumi",
        "Sentra Galih Pakuan Bogor",
        "Sentra Terpadu Inten Soeweno Cibinong",
        "Sentra Mulya Jaya Jakarta",
        "Sentra Handayani Jakarta",
        "Sentra Terpadu Pangudi Luhur Bekasi",
        "Sentra Mahatmiya Bali",
        "Sentra Budi Perkasa Palembang",
        "Sentra Tumou Tou Manado",
    ]
    units = [
        u
        for u in (Unit.objects.filter(agency=kemensos, name__iexact=n).first() for n in names)
        if u
    ]
    services.invitations_add(
        actor=SYSTEM,
        event=event,
        units=units,
        partners=_partners("PT Contoh Mitra Peduli (data contoh)"),
    )
    invitations = list(event.invitations.order_by("pk"))
    per = {i.pk: (2 if i.unit_id else 1) for i in invitations[:9]}
    came = {i.pk for i in invitations[:8]}
    _register_and_attend(event, per, came, start)
    services.testimonial_add(
        actor=SYSTEM,
        event=event,
        speaker="Barista lulusan pelatihan (contoh)",
        group="Kafe Sentra Wyata Guna",
        text="Dulu saya ragu bisa bekerja; sekarang saya meracik kopi untuk tamu. (contoh)",
        text_en="I used to doubt I could work; now I make coffee for guests. (example)",
        is_public=True,
        is_example=True,
    )
    _intents(
        event,
        kemensos,
        baris,
        [
            (
                "Sentra Abiyoso Cimahi",
                "adapt",
                dt.date(2024, 8, 31),
                True,
                "Kafe literasi (contoh)",
            ),
            ("Sentra Mahatmiya Bali", "adopt", dt.date(2024, 9, 30), False, "(contoh)"),
            ("Sentra Phala Martha Sukabumi", "modify", dt.date(2024, 10, 31), False, "(contoh)"),
            ("Sentra Tumou Tou Manado", "not_now", None, False, "(contoh)"),
        ],
        facilitator,
    )
    return event


@transaction.atomic
def load_events_demo() -> EventsDemoResult:
    """Load (or leave as they are) the two demo learning events, published."""
    kemensos = _agency("Kementerian Sosial", "Kemensos")
    panrb = _agency(
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", "KemenPANRB"
    )
    facilitator = _user("demo-facilitator")
    result = EventsDemoResult()
    for make in (_swp_event, _baris_event):
        event = make(kemensos, panrb, facilitator)
        if event is None:
            continue
        services.event_publish(actor=SYSTEM, event=event)
        Event.objects.filter(pk=event.pk).update(published_at=event.ends_at + dt.timedelta(days=1))
        event.refresh_from_db()
        result.events.append(event)
        result.created += 1
    return result
