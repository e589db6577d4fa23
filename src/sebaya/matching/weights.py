"""The weights of the matcher's score components: defaults, settings, and per-request overrides.

A recommendation's score is the weighted mean of its components (each 0..1). The defaults are
set in docs/matching.md with their reasons; SEBAYA_MATCHING_WEIGHTS changes them for a site and
`--weights` / `?weights=` for one request, written "relevance=0.5,evidence=0.2" (components not
named keep their default). Weights are normalised to sum to 1, so only their ratios matter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from django.conf import settings
from django.utils.translation import gettext as _

RELEVANCE = "relevance"
TRANSFERABILITY = "transferability"
EVIDENCE = "evidence"
TRACK_RECORD = "track_record"
FEASIBILITY = "feasibility"
COMPONENTS: tuple[str, ...] = (RELEVANCE, TRANSFERABILITY, EVIDENCE, TRACK_RECORD, FEASIBILITY)

MAX_WEIGHT = 100.0


class WeightsError(ValueError):
    """A weights text that cannot be read; the message says why, in the current language."""


@dataclass(frozen=True)
class Weights:
    """Relative weights of the five components (any non-negative numbers; normalised on use)."""

    relevance: float = 0.45
    transferability: float = 0.20
    evidence: float = 0.15
    track_record: float = 0.10
    feasibility: float = 0.10

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}

    def normalised(self, present: set[str] | None = None) -> dict[str, float]:
        """Weights summing to 1 over the components in `present` (all when None).

        A component that does not apply to a request (relevance with no problem written) is
        left out and the others share its weight, rather than every practice scoring 0 on it.
        """
        raw = {k: v for k, v in self.as_dict().items() if present is None or k in present}
        total = sum(raw.values())
        if total <= 0:
            return {k: 1 / len(raw) for k in raw} if raw else {}
        return {k: v / total for k, v in raw.items()}

    def to_text(self) -> str:
        return ",".join(f"{k}={v:g}" for k, v in self.as_dict().items())

    def with_overrides(self, overrides: Mapping[str, float]) -> Weights:
        values = self.as_dict() | dict(overrides)
        if sum(values.values()) <= 0:
            raise WeightsError(_("Paling tidak satu bobot harus lebih dari nol."))
        return Weights(**values)


def parse_weights(text: str) -> dict[str, float]:
    """ "relevance=0.5, evidence=0.2" -> {"relevance": 0.5, "evidence": 0.2} (";" separates too).

    Raises WeightsError for an unknown component, a value that is not a number, or a value
    outside 0..MAX_WEIGHT.
    """
    overrides: dict[str, float] = {}
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, raw = part.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep:
            raise WeightsError(
                _("Tulis bobot sebagai nama=angka, mis. relevance=0.5 (bukan “%(part)s”).")
                % {"part": part[:60]}
            )
        if name not in COMPONENTS:
            raise WeightsError(
                _("Komponen “%(name)s” tidak dikenal; pilih dari: %(names)s.")
                % {"name": name[:40], "names": ", ".join(COMPONENTS)}
            )
        try:
            value = float(raw.strip())
        except ValueError:
            raise WeightsError(_("Bobot “%(name)s” harus berupa angka.") % {"name": name}) from None
        if not 0 <= value <= MAX_WEIGHT:  # also refuses nan
            raise WeightsError(
                _("Bobot “%(name)s” harus antara 0 dan %(max)s.")
                % {"name": name, "max": f"{MAX_WEIGHT:g}"}
            )
        overrides[name] = value
    return overrides


def default_weights() -> Weights:
    """The site's weights: the defaults above, changed by SEBAYA_MATCHING_WEIGHTS if set."""
    text = str(getattr(settings, "SEBAYA_MATCHING_WEIGHTS", "") or "")
    return Weights().with_overrides(parse_weights(text)) if text.strip() else Weights()


def resolve_weights(text: str | None) -> Weights:
    """The site's weights with a request's overrides applied (WeightsError if unreadable)."""
    base = default_weights()
    if not text or not text.strip():
        return base
    return base.with_overrides(parse_weights(text))
