"""The practice import pipeline: read, check, flag likely duplicates, then write in one go.

`sebaya import innovations`, the curators' pages and the Huey job all come through
`import_practices`; reading and checking rows is `sebaya.innovations.importers`, writing is the
innovations services.
"""

from __future__ import annotations

import difflib
import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
from sebaya.innovations.models import Innovation, Theme, Urusan
from sebaya.innovations.reference import load_reference_data, sector_mappings
from sebaya.innovations.services import (
    innovation_merge_from_import,
    innovation_upsert_from_import,
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
    """Calls the callback at most every `step` rows, and always for the last one."""

    def __init__(self, callback: Progress | None, step: int = 50) -> None:
        self.callback = callback
        self.step = step

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.callback is not None and (done == total or done % self.step == 0):
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

    with transaction.atomic():
        # Themes and urusan must exist for the sector mapping; loading them is idempotent.
        load_reference_data()
        themes = {t.slug: t for t in Theme.objects.all()}
        urusan = {u.code: u for u in Urusan.objects.all()}
        mappings = sector_mappings()
        total = len(rows)
        for done, row in enumerate(rows, start=1):
            tick("write", done, total)
            row_source = row.source or report.source
            mapping_ = mappings.get(row.sector)
            row_themes = [themes[s] for s in row.theme_slugs if s in themes]
            row_urusan = [urusan[c] for c in row.urusan_codes if c in urusan]
            if mapping_:
                row_themes += [themes[s] for s in mapping_.themes if s in themes]
                row_urusan += [urusan[c] for c in mapping_.urusan if c in urusan]
            classification = {
                name: value
                for name in ("stage", "jenis", "bentuk", "inisiator")
                if (value := getattr(row, name)) is not None
            }
            target: int | None = merged.get((row_source, row.external_id))
            if row.line in flagged and target is None:
                action, target = _decision(chosen.get(row.line), duplicates)
                if action == "skip":
                    report.skipped.append(row.external_id)
                    continue
                if action == "merge":
                    candidates = {c.pk for c in flagged[row.line].candidates}
                    target = target if target in candidates else flagged[row.line].candidates[0].pk
                else:
                    target = None
            try:
                with transaction.atomic():
                    if target is not None:
                        result = innovation_merge_from_import(
                            user=user,
                            innovation=Innovation.objects.get(pk=target),
                            summary=row.summary,
                            year=row.year,
                            sector=row.sector,
                            classification=classification,
                            themes=row_themes,
                            urusan=row_urusan,
                            source_urls=row.source_urls,
                        )
                        MergedRecord.objects.get_or_create(
                            source=row_source,
                            external_id=row.external_id,
                            defaults={"innovation": result.innovation},
                        )
                        report.merged.append(row.external_id)
                        continue
                    result = innovation_upsert_from_import(
                        user=user,
                        source=row_source,
                        external_id=row.external_id,
                        region=row.region,
                        title=row.title,
                        summary=row.summary,
                        year=row.year,
                        sector=row.sector,
                        themes=row_themes,
                        urusan=row_urusan,
                        source_urls=row.source_urls,
                        classification=classification,
                    )
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    for message in messages:
                        report.errors.append(
                            RowError(row.line, field_name, message, row.external_id)
                        )
                continue
            getattr(report, result.action).append(row.external_id)
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
