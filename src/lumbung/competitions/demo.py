"""Competitions demo: the national competition of 2023 whose results are the demo catalog's
awards of that year, and this year's internal selection of Kemensos under way.

Call :func:`load_competitions_demo` after the core demo (:mod:`lumbung.platform.demo`): it finds
agencies, innovations and the demo accounts by name. It is idempotent (a round found by its slug
is left as it is) and runs in one transaction. Everything goes through the services, as people
would do it: the 2023 round is replayed today and then dated as it happened.

Real (public sources, docs/domain.md): KIPP 2023's Top 99 of the demo catalog (BARIS DITEBAS,
Malam Batik Sawit, Bulan Melah) and its Top 45 (PaDi UMKM); Kemensos running an internal
selection of its technical units before the national competition. EXAMPLE DATA (``is_example``):
the start year of an entered innovation whose start the catalog does not know (two years
before the round), the 2023 round's other entries' ranks, every score and comment, the two
example judges, the internal selection's dates, sections and who has done what so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lumbung.catalog.models import Award, Innovation
from lumbung.core.actors import SYSTEM
from lumbung.organisations.models import Agency, User

from .models import Assignment, Entry, Group, Round, Stage
from .services import entries, judging, results, rounds

PAST_SLUG = "kipp-2023"
#: the internal selection's address, the same every year the demo is loaded in
INTERNAL_SLUG = "seleksi-internal-kemensos"
PAST_YEAR = 2023
INTERNAL_TITLE = "Seleksi Internal Inovasi Kementerian Sosial"

#: KIPP 2023 in the demo catalog, best first: (agency, innovation, what it won)
PAST_ENTRIES = (
    ("Kementerian Badan Usaha Milik Negara", "PaDi UMKM", Award.Level.TOP_45),
    ("Kementerian Sosial", "BARIS DITEBAS", Award.Level.TOP_99),
    ("Badan Riset dan Inovasi Nasional (BRIN)", "Malam Batik Sawit", Award.Level.TOP_99),
    ("Pemerintah Kabupaten Buleleng", "Bulan Melah", Award.Level.TOP_99),
    ("Pemerintah Kota Semarang", "Serba Emas Cegah TBC", ""),
)

#: the internal selection: (innovation, how far it got) — draft, with the agency, submitted,
#: passed the check and judged by both judges, or by one so far
INTERNAL_ENTRIES = (
    ("Sheltered Workshop Peduli (SWP)", "draft"),
    ("Pinter Melatih Anak Kobra", "at_agency"),
    ("Risol Gepeng Mas", "submitted"),
    ("BASODARA", "judged"),
    ("Pesona Surga", "judged"),
    ("SWP Disabilitas Mental Sentra Dharma Guna", "half"),
    ("SIKS-NG", "half"),
)

EXAMPLE_JUDGES = (
    ("juri-contoh-1", "Dr. Lestari Widodo (contoh)"),
    ("juri-contoh-2", "Ir. Bayu Nugroho (contoh)"),
)

RUBRIC = (
    ("Signifikansi", "30", "Seberapa penting masalah yang diselesaikan dan manfaatnya."),
    ("Kebaruan", "25", "Apa yang baru dibandingkan layanan sebelumnya."),
    ("Dampak", "25", "Perubahan yang terukur bagi penerima manfaat."),
    ("Keberlanjutan", "20", "Dukungan kebijakan, SDM dan anggaran agar tetap berjalan."),
)


@dataclass(frozen=True)
class _Dates:
    registration: tuple[dt.datetime, dt.datetime]
    check: tuple[dt.datetime, dt.datetime]
    desk: tuple[dt.datetime, dt.datetime]
    final: tuple[dt.datetime, dt.datetime]


def _setup(
    dates: _Dates, *, final_top: int, final_award: str, desk_top: int, desk_award: str
) -> dict:
    rubric = tuple(
        rounds.CriterionSpec(name=n, weight=Decimal(w), guidance=g, scale_min=1, scale_max=10)
        for n, w, g in RUBRIC
    )
    group = rounds.GroupSpec(
        code="umum",
        name="Kelompok Umum",
        name_en="General group",
        sections=(
            rounds.SectionSpec(title="Ringkasan inovasi", word_limit=150),
            rounds.SectionSpec(title="Hasil yang sudah dicapai", word_limit=200),
        ),
    )
    return {
        "groups": [group],
        "stages": [
            rounds.StageSpec("registration", "Pendaftaran", *dates.registration),
            rounds.StageSpec("administrative", "Seleksi administrasi", *dates.check),
            rounds.StageSpec(
                "desk",
                "Evaluasi proposal",
                *dates.desk,
                criteria=rubric,
                quotas=(rounds.QuotaSpec("umum", desk_top, desk_award),),
            ),
            rounds.StageSpec(
                "presentation",
                "Presentasi dan wawancara",
                *dates.final,
                judges_per_entry=2,
                criteria=rubric,
                quotas=(rounds.QuotaSpec("umum", final_top, final_award),),
            ),
        ],
    }


def _judges(round_: Round) -> list[User]:
    people = [User.objects.get(username="demo-judge")]
    for username, name in EXAMPLE_JUDGES:
        person, created = User.objects.get_or_create(
            username=username, defaults={"display_name": name}
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        people.append(person)
    for person in people:
        judging.judge_add(actor=SYSTEM, round_=round_, user=person)
    return people


def _enter(round_: Round, group: Group, innovation: Innovation, *, until: str) -> Entry:
    if innovation.start_date is None and innovation.start_year is None:
        # the demo catalog does not say when these started: two years before the round
        # (example data), so that the rule "running for at least a year" can be met
        Innovation.objects.filter(pk=innovation.pk).update(start_year=round_.year - 2)
        innovation.refresh_from_db()
    entry = entries.entry_create(actor=SYSTEM, round_=round_, group=group, innovation=innovation)
    entry.is_example = True
    entry.save(update_fields=["is_example"])
    summary = innovation.summary or innovation.problem or innovation.name
    texts = [summary, innovation.implementation or summary]
    answers = {
        s.pk: " ".join(t.split()[: s.word_limit or 150])
        for s, t in zip(group.sections.all(), texts, strict=False)
    }
    entries.entry_update(actor=SYSTEM, entry=entry, answers=answers)
    if until == "draft":
        return entry
    entries.entry_send(actor=SYSTEM, entry=entry)
    if until == "at_agency":
        return entry
    entries.entry_submit(actor=SYSTEM, entry=entry)
    if until == "submitted":
        return entry
    return entries.entry_check(actor=SYSTEM, entry=entry, passed=True)


def _score_all(stage: Stage, marks: dict[int, int]) -> None:
    """Every assignment of the stage scored (``marks``: entry id → score on every criterion,
    the second judge one point lower)."""
    criteria = list(stage.criteria.all())
    seen: set[int] = set()
    for a in Assignment.objects.filter(stage=stage).select_related("judge__user").order_by("id"):
        if a.entry_id not in marks:
            continue
        first = a.entry_id not in seen
        seen.add(a.entry_id)
        value = max(1, marks[a.entry_id] - (0 if first else 1))
        judging.scores_save(
            actor=a.judge.user,
            assignment=a,
            values={c.pk: (value, "Contoh komentar juri.") for c in criteria},
            submit=True,
        )


def _innovation(agency: str, name: str) -> Innovation | None:
    return Innovation.objects.filter(agency__name=agency, name=name).first()


def _past_round(panrb: Agency) -> None:
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    dates = _Dates(
        (now - hour, now + hour),
        (now - hour, now + hour),
        (now - hour, now + hour),
        (now - hour, now + 2 * hour),
    )
    round_ = rounds.round_define(
        actor=SYSTEM,
        organiser=panrb,
        title=f"Kompetisi Inovasi Pelayanan Publik (KIPP) {PAST_YEAR}",
        year=PAST_YEAR,
        level=Round.Level.NATIONAL,
        is_example=True,
        **_setup(
            dates,
            final_top=1,
            final_award=Award.Level.TOP_45,
            desk_top=4,
            desk_award=Award.Level.TOP_99,
        ),
    )
    Round.objects.filter(pk=round_.pk).update(slug=PAST_SLUG)
    round_.refresh_from_db()
    rounds.round_open(actor=SYSTEM, round_=round_)
    group = round_.groups.get()
    found = [(i, level) for agency, name, level in PAST_ENTRIES if (i := _innovation(agency, name))]
    made = [_enter(round_, group, innovation, until="eligible") for innovation, _level in found]
    _judges(round_)
    desk, final = round_.stages.get(kind="desk"), round_.stages.get(kind="presentation")
    judging.stage_assign(actor=SYSTEM, stage=desk)
    _score_all(desk, {e.pk: 10 - i for i, e in enumerate(made)})
    results.stage_close(actor=SYSTEM, stage=desk)
    judging.stage_assign(actor=SYSTEM, stage=final)
    _score_all(final, {e.pk: 10 - i for i, e in enumerate(made)})
    results.stage_close(actor=SYSTEM, stage=final)
    results.results_publish(actor=SYSTEM, round_=round_)
    # dated as it happened: registration in spring 2023, results in the autumn (WIB)
    wib = dt.timezone(dt.timedelta(hours=7))
    history = {
        "registration": (
            dt.datetime(2023, 3, 1, 8, tzinfo=wib),
            dt.datetime(2023, 4, 30, 23, 59, tzinfo=wib),
        ),
        "administrative": (
            dt.datetime(2023, 5, 2, 8, tzinfo=wib),
            dt.datetime(2023, 5, 31, 23, 59, tzinfo=wib),
        ),
        "desk": (
            dt.datetime(2023, 6, 5, 8, tzinfo=wib),
            dt.datetime(2023, 7, 14, 23, 59, tzinfo=wib),
        ),
        "presentation": (
            dt.datetime(2023, 8, 14, 8, tzinfo=wib),
            dt.datetime(2023, 8, 25, 17, tzinfo=wib),
        ),
    }
    for stage in round_.stages.all():
        starts, ends = history[stage.kind]
        Stage.objects.filter(pk=stage.pk).update(
            starts_at=starts, ends_at=ends, closed_at=ends if stage.is_judged else None
        )
    Round.objects.filter(pk=round_.pk).update(
        results_published_at=dt.datetime(2023, 10, 9, 10, tzinfo=wib)
    )


def _internal_round(kemensos: Agency) -> None:
    today = timezone.localtime()
    start = today.replace(hour=8, minute=0, second=0, microsecond=0)
    day = dt.timedelta(days=1)
    dates = _Dates(
        (start - 20 * day, start + 10 * day),
        (start - 20 * day, start + 15 * day),
        (start - 5 * day, start + 25 * day),
        (start + 30 * day, start + 32 * day),
    )
    round_ = rounds.round_define(
        actor=SYSTEM,
        organiser=kemensos,
        title=f"{INTERNAL_TITLE} {today.year}",
        year=today.year,
        level=Round.Level.INTERNAL,
        entries_per_agency=None,
        award_competition="Seleksi Internal Kemensos",
        is_example=True,
        **_setup(dates, final_top=3, final_award="", desk_top=4, desk_award=""),
    )
    if not Round.objects.filter(slug=INTERNAL_SLUG).exists():
        Round.objects.filter(pk=round_.pk).update(slug=INTERNAL_SLUG)
        round_.refresh_from_db()
    rounds.round_open(actor=SYSTEM, round_=round_)
    group = round_.groups.get()
    made: dict[str, Entry] = {}
    for name, until in INTERNAL_ENTRIES:
        innovation = _innovation(kemensos.name, name)
        if innovation is not None:
            made[until + name] = _enter(
                round_,
                group,
                innovation,
                until="eligible" if until in ("judged", "half") else until,
            )
    _judges(round_)
    desk = round_.stages.get(kind="desk")
    judging.stage_assign(actor=SYSTEM, stage=desk)
    judged = {e.pk: 9 - i for i, (k, e) in enumerate(made.items()) if k.startswith("judged")}
    half = {e.pk: 8 - i for i, (k, e) in enumerate(made.items()) if k.startswith("half")}
    # the demo judge has work left: only the example judges have scored so far
    demo_judge = User.objects.get(username="demo-judge")
    for stage_marks, only_first in ((judged, False), (half, True)):
        criteria = list(desk.criteria.all())
        seen: set[int] = set()
        for a in (
            Assignment.objects.filter(stage=desk, entry_id__in=stage_marks)
            .select_related("judge__user")
            .order_by("id")
        ):
            if a.judge.user_id == demo_judge.pk or (only_first and a.entry_id in seen):
                continue
            seen.add(a.entry_id)
            judging.scores_save(
                actor=a.judge.user,
                assignment=a,
                values={c.pk: (stage_marks[a.entry_id], "Contoh komentar juri.") for c in criteria},
                submit=True,
            )


@transaction.atomic
def load_competitions_demo() -> None:
    panrb = Agency.objects.filter(short_name="KemenPANRB").first()
    kemensos = Agency.objects.filter(name="Kementerian Sosial").first()
    if panrb is not None and not Round.objects.filter(slug=PAST_SLUG).exists():
        _past_round(panrb)
    if (
        kemensos is not None
        and not Round.objects.filter(
            organiser=kemensos, level=Round.Level.INTERNAL, year=timezone.localdate().year
        ).exists()
    ):
        _internal_round(kemensos)
