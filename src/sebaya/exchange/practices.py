"""The practice import pipeline: read, check, flag likely duplicates, then write in one go.

`sebaya import innovations`, the curators' pages and the Huey job all come through
`import_practices`; reading and checking rows is `sebaya.innovations.importers`, writing is the
innovations services.
"""

from __future__ import annotations

import difflib
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sebaya.core.imports import RowError, normalise_header
from sebaya.exchange.models import MergedRecord
from sebaya.exchange.policies import exchange_policy
from sebaya.innovations.importers import (
    Duplicate,
    DuplicateCandidate,
    ImportReport,
    ImportRow,
    Progress,
    RowDefaults,
    parse_file,
)
from sebaya.innovations.models import Innovation, Link, Theme, Urusan
from sebaya.innovations.reference import load_reference_data, sector_mappings
from sebaya.innovations.services import (
    IMPORT_CLASSIFICATION_FIELDS,
    IMPORT_OWNED_FIELDS,
    NewPractice,
    WriteFact,
    innovation_merge_from_import,
    innovation_upsert_from_import,
    innovations_bulk_create_from_import,
)

# How alike a title (or a long summary) must be to flag a likely duplicate, 0..1.
TITLE_SIMILARITY = 0.85
SUMMARY_SIMILARITY = 0.9
MIN_SUMMARY_CHARS = 80
MAX_CANDIDATES = 3
DUPLICATE_CHOICES = ("create", "merge", "skip")


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < TITLE_SIMILARITY or matcher.quick_ratio() < TITLE_SIMILARITY:
        return 0.0
    return matcher.ratio()


def find_duplicates(rows: list[ImportRow], *, exclude: set[int]) -> list[Duplicate]:
    """Rows that would create a practice much like one stored in the same region.

    Alike: titles that differ only in case, spacing and punctuation, or are at least
    TITLE_SIMILARITY similar; or long summaries at least SUMMARY_SIMILARITY similar. Practices
    in `exclude` (the rows' own records) are never candidates.
    """
    if not rows:
        return []
    stored: dict[int, list[tuple[int, str, str, str, str]]] = defaultdict(list)
    for pk, region_id, slug, title, summary in Innovation.objects.filter(
        region_id__in={row.region.pk for row in rows}
    ).values_list("pk", "region_id", "slug", "title", "summary"):
        if pk not in exclude:
            stored[region_id].append(
                (pk, slug, title, normalise_header(title), normalise_header(summary))
            )
    found: list[Duplicate] = []
    for row in rows:
        title_key = normalise_header(row.title)
        summary_key = normalise_header(row.summary)
        scored: list[DuplicateCandidate] = []
        for pk, slug, title, other_title, other_summary in stored.get(row.region.pk, ()):
            score = 1.0 if title_key == other_title else _similarity(title_key, other_title)
            if (
                score < TITLE_SIMILARITY
                and len(summary_key) >= MIN_SUMMARY_CHARS
                and len(other_summary) >= MIN_SUMMARY_CHARS
            ):
                matcher = difflib.SequenceMatcher(None, summary_key, other_summary)
                if matcher.quick_ratio() >= SUMMARY_SIMILARITY:
                    score = max(score, matcher.ratio())
                    if score < SUMMARY_SIMILARITY:
                        score = 0.0
            if score >= TITLE_SIMILARITY or score >= SUMMARY_SIMILARITY:
                scored.append(DuplicateCandidate(pk=pk, slug=slug, title=title, score=score))
        if scored:
            scored.sort(key=lambda c: -c.score)
            found.append(
                Duplicate(
                    line=row.line,
                    external_id=row.external_id,
                    title=row.title,
                    region=row.region.name,
                    candidates=scored[:MAX_CANDIDATES],
                )
            )
    return found


def _decision(value: str | None, default: str) -> tuple[str, int | None]:
    """ "merge:12" -> ("merge", 12); "create"/"skip" as they are; anything else: the default."""
    text = (value or default or "create").strip()
    action, _sep, target = text.partition(":")
    if action == "merge":
        return action, int(target) if target.isdigit() else None
    return (action, None) if action in DUPLICATE_CHOICES else ("create", None)


class _Progress:
    """Calls the callback when a stage has moved on `step` rows since the last call (rows may
    come a batch at a time), and always for the last one."""

    def __init__(self, callback: Progress | None, step: int = 50) -> None:
        self.callback = callback
        self.step = step
        self.last: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.callback is None:
            return
        if stage not in self.last:
            # A stage starting is news even before its first rows are done.
            self.last[stage] = done
            self.callback(stage, done, total)
            return
        last = self.last[stage]
        if (done == total and last != total) or done - last >= self.step:
            self.last[stage] = done
            self.callback(stage, done, total)


def import_practices(
    *,
    path: Path,
    source: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    user: Any | None = None,
    mapping: Mapping[str, str] | None = None,
    default_source_url: str = "",
    default_province: str = "",
    duplicates: str = "create",
    decisions: Mapping[int | str, str] | None = None,
    progress: Progress | None = None,
    on_facts: Callable[[list[WriteFact]], None] | None = None,
) -> ImportReport:
    """Import a file of practices; see docs/exchange.md.

    - Atomic by default: nothing is written when any row fails; `skip_invalid` writes the
      good rows. `dry_run` runs the writes in a transaction that is rolled back, so its counts
      are exact.
    - Upserts by (source, external_id): the file's `source` (default: the file name stem), or a
      row's own `source` column. A record merged into another practice once stays merged.
    - Likely duplicates (same region, near-identical title or summary) of rows that would be
      created are reported; `decisions` ({line: "create" | "skip" | "merge:<practice id>"})
      settles them one by one, `duplicates` ("create", "skip" or "merge" into the closest) the
      rest.
    - `progress(stage, done, total)`: stage "check" while rows are read and checked, "write"
      while they are written.
    - `on_facts(facts)`: called inside the write transaction with one WriteFact per practice
      created or changed (id and the fields written), in one list, for a bulk history write.

    New practices are written in bulk (innovations_bulk_create_from_import: constant queries
    per thousand rows, one search-index pass after the commit); stored practices the file does
    not change are recognised in bulk and not written; updates and merges go row by row.
    """
    if user is not None and not exchange_policy.can_import(user):
        raise PermissionDenied(_("Hanya kurator yang boleh mengimpor data praktik."))
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport(
        path=path, source=source or path.stem, dry_run=dry_run, skip_invalid=skip_invalid
    )
    tick = _Progress(progress)
    defaults = RowDefaults(source_url=default_source_url, region_province=default_province)
    rows, errors, warnings = parse_file(path, mapping=mapping, defaults=defaults, progress=tick)
    report.rows = len(rows) + len({e.line for e in errors})
    report.errors.extend(errors)
    report.warnings.extend(warnings)
    # A dry run goes on with the good rows, so the preview also says what they would do.
    if errors and not skip_invalid and not dry_run:
        report.seconds = time.perf_counter() - started
        return report

    existing = _existing_records(rows, report.source)
    merged = {**_site_records(rows, report.source), **_merged_records(rows, report.source)}
    new_rows = [
        row
        for row in rows
        if (row.source or report.source, row.external_id) not in existing
        and (row.source or report.source, row.external_id) not in merged
    ]
    report.duplicates = find_duplicates(new_rows, exclude=set(existing.values()))
    flagged = {d.line: d for d in report.duplicates}
    chosen = {int(k): v for k, v in (decisions or {}).items()}

    outcomes: dict[int, tuple[str, str]] = {}  # line: (report list, external id)
    write_errors: list[RowError] = []
    facts: list[WriteFact] = []
    total = len(rows)

    handled: set[int] = set()  # lines written, skipped or failed, for the progress

    def settle(row: ImportRow, action: str) -> None:
        outcomes[row.line] = (action, row.external_id)
        handled.add(row.line)
        tick("write", len(handled), total)

    def fail(row: ImportRow, exc: ValidationError) -> None:
        for field_name, messages in exc.message_dict.items():
            for message in messages:
                write_errors.append(RowError(row.line, field_name, message, row.external_id))
        handled.add(row.line)
        tick("write", len(handled), total)

    tick("write", 0, total)
    with transaction.atomic():
        # Themes and urusan must exist for the sector mapping; loading them is idempotent.
        load_reference_data()
        themes = {t.slug: t for t in Theme.objects.all()}
        urusan = {u.code: u for u in Urusan.objects.all()}
        mappings = sector_mappings()
        # Sort the rows: new practices are created in bulk; rows of stored practices that
        # change nothing are recognised in bulk and left alone; updates and merges (rare) go
        # through the per-row services, as does a key repeated in the file (after the bulk).
        single: list[tuple[ImportRow, _Plan, int | None]] = []
        stored: list[tuple[ImportRow, _Plan, int]] = []
        new: list[tuple[ImportRow, _Plan]] = []
        late: list[tuple[ImportRow, _Plan, int | None]] = []
        new_keys: set[tuple[str, str]] = set()
        for row in rows:
            plan = _plan(row, themes, urusan, mappings)
            key = (row.source or report.source, row.external_id)
            target: int | None = merged.get(key)
            if row.line in flagged and target is None:
                action, target = _decision(chosen.get(row.line), duplicates)
                if action == "skip":
                    settle(row, "skipped")
                    continue
                if action == "merge":
                    candidates = {c.pk for c in flagged[row.line].candidates}
                    target = target if target in candidates else flagged[row.line].candidates[0].pk
                else:
                    target = None
            if target is not None:
                single.append((row, plan, target))
            elif key in existing:
                stored.append((row, plan, existing[key]))
            elif key in new_keys:
                late.append((row, plan, None))
            else:
                new_keys.add(key)
                new.append((row, plan))
        same = _unchanged_lines(stored)
        for row, plan, _pk in stored:
            if row.line in same:
                settle(row, "unchanged")
            else:
                single.append((row, plan, None))
        single.sort(key=lambda item: item[0].line)

        for row, plan, target in single:
            _write_one(row, plan, target, report.source, user, settle, fail, facts)
        if new:
            written = len(handled)
            result = innovations_bulk_create_from_import(
                user=user,
                practices=[_new_practice(row, plan, report.source) for row, plan in new],
                progress=lambda n: tick("write", written + n, total),
            )
            for i, (row, _row_plan) in enumerate(new):
                if i in result.errors:
                    fail(row, result.errors[i])
                else:
                    outcomes[row.line] = ("created", row.external_id)
                    handled.add(row.line)
            facts += result.facts
        for row, plan, target in late:
            _write_one(row, plan, target, report.source, user, settle, fail, facts)
        tick("write", total, total)

        if on_facts is not None and facts:
            # Inside the transaction: a history written here is undone with the import.
            on_facts(facts)
        for line in sorted(outcomes):
            action, external_id = outcomes[line]
            getattr(report, action).append(external_id)
        report.errors.extend(sorted(write_errors, key=lambda e: e.line))
        if dry_run or (report.errors and not skip_invalid):
            transaction.set_rollback(True)
        else:
            report.written = True
    report.seconds = time.perf_counter() - started
    return report


def _existing_records(rows: list[ImportRow], source: str) -> dict[tuple[str, str], int]:
    keys = {(row.source or source, row.external_id) for row in rows}
    found: dict[tuple[str, str], int] = {}
    by_source: dict[str, list[str]] = defaultdict(list)
    for key_source, external_id in keys:
        by_source[key_source].append(external_id)
    for key_source, ids in by_source.items():
        for start in range(0, len(ids), 500):
            for pk, external_id in Innovation.objects.filter(
                source=key_source, external_id__in=ids[start : start + 500]
            ).values_list("pk", "external_id"):
                found[(key_source, external_id)] = pk
    return found


def _site_records(rows: list[ImportRow], source: str) -> dict[tuple[str, str], int]:
    """Rows of an export that stand for practices written on the site (source "sebaya", id the
    slug): they fold back into those practices."""
    from sebaya.exchange.exports import SITE_SOURCE

    slugs = [row.external_id for row in rows if (row.source or source) == SITE_SOURCE]
    found: dict[tuple[str, str], int] = {}
    for start in range(0, len(slugs), 500):
        for pk, slug in Innovation.objects.filter(
            external_id="", slug__in=slugs[start : start + 500]
        ).values_list("pk", "slug"):
            found[(SITE_SOURCE, slug)] = pk
    return found


def _merged_records(rows: list[ImportRow], source: str) -> dict[tuple[str, str], int]:
    sources = {row.source or source for row in rows}
    ids = {row.external_id for row in rows}
    return {
        (record_source, external_id): innovation_id
        for record_source, external_id, innovation_id in MergedRecord.objects.filter(
            source__in=sources
        ).values_list("source", "external_id", "innovation_id")
        if external_id in ids
    }


class _Plan(NamedTuple):
    """What a row sets besides its own columns: its themes and urusan (its own and its
    sector's), and the classification columns the file has."""

    themes: list[Theme]
    urusan: list[Urusan]
    classification: dict[str, str]


def _plan(
    row: ImportRow,
    themes: Mapping[str, Theme],
    urusan: Mapping[str, Urusan],
    mappings: Mapping[str, Any],
) -> _Plan:
    mapping_ = mappings.get(row.sector)
    row_themes = [themes[s] for s in row.theme_slugs if s in themes]
    row_urusan = [urusan[c] for c in row.urusan_codes if c in urusan]
    if mapping_:
        row_themes += [themes[s] for s in mapping_.themes if s in themes]
        row_urusan += [urusan[c] for c in mapping_.urusan if c in urusan]
    classification = {
        name: value
        for name in IMPORT_CLASSIFICATION_FIELDS
        if (value := getattr(row, name)) is not None
    }
    return _Plan(row_themes, row_urusan, classification)


def _new_practice(row: ImportRow, plan: _Plan, source: str) -> NewPractice:
    return NewPractice(
        source=row.source or source,
        external_id=row.external_id,
        region=row.region,
        title=row.title,
        summary=row.summary,
        year=row.year,
        sector=row.sector,
        themes=tuple(plan.themes),
        urusan=tuple(plan.urusan),
        source_urls=tuple(row.source_urls),
        classification=tuple(plan.classification.items()),
    )


def _write_one(
    row: ImportRow,
    plan: _Plan,
    target: int | None,
    source: str,
    user: Any | None,
    settle: Callable[[ImportRow, str], None],
    fail: Callable[[ImportRow, ValidationError], None],
    facts: list[WriteFact],
) -> None:
    """One row through the per-row services: a merge into `target`, or an upsert."""
    row_source = row.source or source
    try:
        with transaction.atomic():
            if target is not None:
                result = innovation_merge_from_import(
                    user=user,
                    innovation=Innovation.objects.get(pk=target),
                    summary=row.summary,
                    year=row.year,
                    sector=row.sector,
                    classification=plan.classification,
                    themes=plan.themes,
                    urusan=plan.urusan,
                    source_urls=row.source_urls,
                )
                MergedRecord.objects.get_or_create(
                    source=row_source,
                    external_id=row.external_id,
                    defaults={"innovation": result.innovation},
                )
                action = "merged"
            else:
                result = innovation_upsert_from_import(
                    user=user,
                    source=row_source,
                    external_id=row.external_id,
                    region=row.region,
                    title=row.title,
                    summary=row.summary,
                    year=row.year,
                    sector=row.sector,
                    themes=plan.themes,
                    urusan=plan.urusan,
                    source_urls=row.source_urls,
                    classification=plan.classification,
                )
                action = result.action
    except ValidationError as exc:
        fail(row, exc)
        return
    settle(row, action)
    if result.action != "unchanged":
        innovation = result.innovation
        fields: dict[str, Any] = {
            name: getattr(innovation, "region_id" if name == "region" else name)
            for name in IMPORT_OWNED_FIELDS
        }
        fields.update(plan.classification)
        fields["themes"] = [t.pk for t in plan.themes]
        fields["urusan"] = [u.pk for u in plan.urusan]
        fields["links"] = list(row.source_urls)
        facts.append(
            WriteFact(
                "created" if result.action == "created" else "updated",
                "innovations.innovation",
                innovation.pk,
                fields,
            )
        )


def _unchanged_lines(stored: list[tuple[ImportRow, _Plan, int]]) -> set[int]:
    """Lines whose stored practice already has everything the row would write: the same
    import-owned fields and classification, and all its themes, urusan and source links
    (the test innovation_upsert_from_import makes, in five queries per 500 rows)."""
    same: set[int] = set()
    columns = ("pk", "title", "summary", "year", "sector", "region_id")
    theme_through = Innovation.themes.through
    urusan_through = Innovation.urusan.through
    for start in range(0, len(stored), 500):
        chunk = stored[start : start + 500]
        pks = [pk for _row, _plan, pk in chunk]
        values = {
            record["pk"]: record
            for record in Innovation.objects.filter(pk__in=pks).values(
                *columns, *IMPORT_CLASSIFICATION_FIELDS
            )
        }
        have: dict[str, defaultdict[int, set[Any]]] = {
            "themes": defaultdict(set),
            "urusan": defaultdict(set),
            "links": defaultdict(set),
        }
        for innovation_id, theme_id in theme_through.objects.filter(
            innovation_id__in=pks
        ).values_list("innovation_id", "theme_id"):
            have["themes"][innovation_id].add(theme_id)
        for innovation_id, urusan_id in urusan_through.objects.filter(
            innovation_id__in=pks
        ).values_list("innovation_id", "urusan_id"):
            have["urusan"][innovation_id].add(urusan_id)
        for innovation_id, url in Link.objects.filter(innovation_id__in=pks).values_list(
            "innovation_id", "url"
        ):
            have["links"][innovation_id].add(url)
        for row, plan, pk in chunk:
            record = values.get(pk)
            if record is None:
                continue
            wanted: dict[str, Any] = {
                "title": (row.title or "").strip(),
                "summary": (row.summary or "").strip(),
                "year": row.year,
                "sector": row.sector or "",
                "region_id": row.region.pk,
            }
            wanted.update({name: value or "" for name, value in plan.classification.items()})
            if any(record[name] != value for name, value in wanted.items()):
                continue
            if not {t.pk for t in plan.themes} <= have["themes"][pk]:
                continue
            if not {u.pk for u in plan.urusan} <= have["urusan"][pk]:
                continue
            if not {url for url in row.source_urls if url} <= have["links"][pk]:
                continue
            same.add(row.line)
    return same
