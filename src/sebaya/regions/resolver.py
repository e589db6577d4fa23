"""Turn region names as people write them ("Kab. Sragen", "Jatim", "DIY") into Region rows."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from sebaya.regions.models import COUNTRY_CODE, Region, RegionLevel

# Without an explicit `levels`, only regions with their own government (and the country) are
# candidates: kecamatan and desa names repeat thousands of times ("Sragen" is also a kecamatan)
# and would make almost every bare name ambiguous.
DEFAULT_LEVELS: frozenset[str] = frozenset(
    {RegionLevel.COUNTRY, RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.CITY}
)
MAX_CANDIDATES = 5
# difflib ratio below which a name is not offered as "did you mean"; 0.75 lets "Sragenn" and
# "Kalimantan Barar" through without proposing unrelated names.
FUZZY_CUTOFF = 0.75

# Short forms and official abbreviations (singkatan resmi/lazim) of the provinces, keyed by
# Kemendagri code. The official idn-area-data name is always indexed too; write aliases as
# people type them, they are normalised like any input.
PROVINCE_ALIASES: dict[str, tuple[str, ...]] = {
    "11": ("NAD", "Nanggroe Aceh Darussalam", "Daerah Istimewa Aceh"),
    "12": ("Sumut",),
    "13": ("Sumbar",),
    "14": (),
    "15": (),
    "16": ("Sumsel",),
    "17": (),
    "18": (),
    "19": ("Babel", "Bangka Belitung", "Kep. Bangka Belitung"),
    "21": ("Kepri", "Kep. Riau"),
    # Renamed "Daerah Khusus Jakarta" by UU 2/2024; both names stay in use.
    "31": ("DKI", "DKI Jakarta", "Jakarta", "Daerah Khusus Jakarta", "DK Jakarta"),
    "32": ("Jabar",),
    "33": ("Jateng",),
    "34": ("DIY", "DI Yogyakarta", "Yogyakarta", "Jogja", "Yogya", "DI Jogjakarta"),
    "35": ("Jatim",),
    "36": (),
    "51": (),
    "52": ("NTB",),
    "53": ("NTT",),
    "61": ("Kalbar",),
    "62": ("Kalteng",),
    "63": ("Kalsel",),
    "64": ("Kaltim",),
    "65": ("Kaltara",),
    "71": ("Sulut",),
    "72": ("Sulteng",),
    "73": ("Sulsel",),
    "74": ("Sultra",),
    "75": (),
    "76": ("Sulbar",),
    "81": (),
    "82": ("Malut",),
    "91": (),
    "92": ("Pabar",),
    "93": ("Papsel",),
    "94": ("Papteng",),
    "95": ("Papeg",),
    "96": ("PBD",),
}
COUNTRY_ALIASES = ("Indonesia", "Nasional", "Republik Indonesia", "NKRI", "RI")

# Leading words that name the level; longest first so "pemerintah kabupaten" beats "kabupaten".
_LEVEL_PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = tuple(
    sorted(
        [
            (("pemerintah", "provinsi"), RegionLevel.PROVINCE),
            (("pemprov",), RegionLevel.PROVINCE),
            (("provinsi",), RegionLevel.PROVINCE),
            (("propinsi",), RegionLevel.PROVINCE),
            (("prov",), RegionLevel.PROVINCE),
            (("pemerintah", "kabupaten"), RegionLevel.REGENCY),
            (("pemkab",), RegionLevel.REGENCY),
            (("kabupaten",), RegionLevel.REGENCY),
            (("kab",), RegionLevel.REGENCY),
            (("pemerintah", "kota"), RegionLevel.CITY),
            (("pemkot",), RegionLevel.CITY),
            (("kota",), RegionLevel.CITY),
            (("kecamatan",), RegionLevel.DISTRICT),
            (("kec",), RegionLevel.DISTRICT),
            (("desa",), RegionLevel.VILLAGE),
            (("kelurahan",), RegionLevel.VILLAGE),
            (("kel",), RegionLevel.VILLAGE),
        ],
        key=lambda item: -len(item[0]),
    )
)
_LEVEL_ORDER = {level: i for i, level in enumerate(RegionLevel.values)}
_CODE_RE = re.compile(r"^(?:\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?|ID)$", re.IGNORECASE)
_PARENS_RE = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_NON_WORD_RE = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Resolution:
    region: Region | None  # the unambiguous match, else None
    candidates: list[Region]  # best guesses when unsure (max ~5), [] when matched or nothing close
    message: str  # empty when matched; else a clear Indonesian (translatable) message


@dataclass(frozen=True)
class _Parsed:
    level: str | None  # the level its prefix names ("Kab." -> regency), if any
    key: str  # the name without prefix, lowercased, without spaces or punctuation
    full_key: str  # the same with the prefix kept


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD_RE.sub(" ", text.lower()).split()


def parse_name(text: str) -> _Parsed:
    """Split "Kab. Sragen" into (regency, "sragen"); text in brackets is not part of the name."""
    tokens = _tokens(_PARENS_RE.sub(" ", text))
    full_key = "".join(tokens)
    level: str | None = None
    for prefix, prefix_level in _LEVEL_PREFIXES:
        if tuple(tokens[: len(prefix)]) == prefix and len(tokens) > len(prefix):
            level, tokens = prefix_level, tokens[len(prefix) :]
            break
    # Jakarta's units are "Kota Administrasi Jakarta Pusat", "Kabupaten Administrasi ...".
    if level in (RegionLevel.REGENCY, RegionLevel.CITY) and tokens[:1] == ["administrasi"]:
        tokens = tokens[1:]
    # Spaces are dropped so "Pangkalpinang" finds "Pangkal Pinang" and "Tolitoli" "Toli-Toli".
    return _Parsed(level=level, key="".join(tokens), full_key=full_key)


def _region_key(region: Region) -> str:
    parsed = parse_name(region.name)
    # Strip only a prefix that names the region's own level: the desa "Kota Baru" is not a kota.
    if parsed.level is None or parsed.level == region.level:
        return parsed.key
    return "".join(_tokens(region.name))


def _sort_key(region: Region) -> tuple[int, str]:
    return (_LEVEL_ORDER.get(region.level, 99), region.code)


@dataclass
class RegionResolver:
    """An in-memory index of regions; build it once (`from_db`) and resolve many names."""

    regions: list[Region]
    _by_key: dict[str, list[Region]] = field(default_factory=dict, init=False, repr=False)
    _by_code: dict[str, Region] = field(default_factory=dict, init=False, repr=False)
    _by_id: dict[int, Region] = field(default_factory=dict, init=False, repr=False)
    _province_by_key: dict[str, Region] = field(default_factory=dict, init=False, repr=False)
    _keys_by_levels: dict[frozenset[str], list[str]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        by_key: dict[str, list[Region]] = defaultdict(list)
        for region in self.regions:
            self._by_code[region.code.upper()] = region
            self._by_id[region.pk] = region
            by_key[_region_key(region)].append(region)
            if region.level == RegionLevel.PROVINCE:
                self._province_by_key[_region_key(region)] = region
        for code, aliases in PROVINCE_ALIASES.items():
            province = self._by_code.get(code)
            if province is None:
                continue
            for alias in aliases:
                key = parse_name(alias).key
                self._province_by_key[key] = province
                if province not in by_key[key]:
                    by_key[key].append(province)
        country = self._by_code.get(COUNTRY_CODE)
        if country is not None:
            for alias in COUNTRY_ALIASES:
                key = parse_name(alias).key
                if country not in by_key[key]:
                    by_key[key].append(country)
        self._by_key = {key: sorted(found, key=_sort_key) for key, found in by_key.items()}

    @classmethod
    def from_db(cls, *, levels: Collection[str] | None = None) -> RegionResolver:
        """Index the regions of `levels` (default: country, provinces, kabupaten and kota).

        Provinces are always indexed: province hints need them.
        """
        wanted = set(DEFAULT_LEVELS if levels is None else levels) | {RegionLevel.PROVINCE}
        return cls(regions=list(Region.objects.filter(level__in=wanted).order_by("code")))

    def province(self, text: str) -> Region | None:
        """The province that `text` names (name, alias or code), or None."""
        text = text.strip()
        if _CODE_RE.match(text):
            region = self._by_code.get(text.upper())
            return region if region and region.level == RegionLevel.PROVINCE else None
        parsed = parse_name(text)
        if parsed.level not in (None, RegionLevel.PROVINCE):
            return None
        return self._province_by_key.get(parsed.key)

    def resolve(
        self,
        text: str,
        *,
        province_hint: str | None = None,
        levels: Collection[str] | None = None,
    ) -> Resolution:
        """Find the one region that `text` names, or say why not and offer candidates.

        `levels` limits the levels considered (default: country, province, kabupaten, kota).
        `province_hint` (a province name, alias or code) settles names that several regions
        share; a name that matches only outside the hinted province still matches. A comma
        tail or bracketed text that names a province ("Kabupaten Banjar, Kalimantan Selatan")
        serves as the hint when none is given. Fuzzy matches are only ever offered as candidates.
        """
        allowed = frozenset(DEFAULT_LEVELS if levels is None else levels)
        raw = text.strip()
        if not raw:
            return Resolution(None, [], _("Nama wilayah kosong."))

        if _CODE_RE.match(raw):
            region = self._by_code.get(raw.upper())
            if region is not None and region.level in allowed:
                return Resolution(region, [], "")
            return Resolution(None, [], _("Kode wilayah tidak dikenal: %(code)s.") % {"code": raw})

        hint: Region | None = None
        if province_hint:
            hint = self.province(province_hint)
            if hint is None:
                message = _("Provinsi tidak dikenal: %(name)s.") % {"name": province_hint}
                return Resolution(None, [], message)
        main = raw
        head, sep, tail = raw.rpartition(",")
        if sep and head.strip() and self.province(tail) is not None:
            main, hint = head, hint or self.province(tail)
        if hint is None:
            for bracketed in _PARENS_RE.findall(main):
                hint = self.province(bracketed.strip("()[]"))
                if hint is not None:
                    break

        parsed = parse_name(main)
        if not parsed.key:
            return Resolution(None, [], _("Nama wilayah kosong."))
        wanted = allowed & {parsed.level} if parsed.level else allowed
        matches = [r for r in self._by_key.get(parsed.key, ()) if r.level in wanted]
        if hint is not None and len(matches) > 1:
            in_hint = [r for r in matches if r.code.startswith(hint.code)]
            matches = in_hint or matches
        if len(matches) == 1:
            return Resolution(matches[0], [], "")
        if matches:
            candidates = matches[:MAX_CANDIDATES]
            message = _(
                "“%(text)s” cocok dengan beberapa wilayah: %(names)s. Tulis lengkap "
                "(mis. “Kabupaten …” atau “Kota …”) atau sebutkan provinsinya."
            ) % {"text": raw, "names": self._labels(candidates)}
            return Resolution(None, candidates, message)

        candidates = self._near(parsed, allowed, hint)
        if candidates:
            message = _("Wilayah tidak dikenal: “%(text)s”. Mungkin maksud Anda: %(names)s.") % {
                "text": raw,
                "names": self._labels(candidates),
            }
        else:
            message = _("Wilayah tidak dikenal: “%(text)s”.") % {"text": raw}
        return Resolution(None, candidates, message)

    def _near(self, parsed: _Parsed, allowed: frozenset[str], hint: Region | None) -> list[Region]:
        """Regions that the text may have meant: same name at another level, then similar names."""
        found: list[Region] = []
        # The same name at another level ("Kabupaten Yogyakarta" -> Kota Yogyakarta), or the
        # prefix read as part of the name ("Kota Baru" -> Kabupaten Kotabaru).
        for key in (parsed.key, parsed.full_key):
            found.extend(
                r for r in self._by_key.get(key, ()) if r.level in allowed and r not in found
            )
        keys = self._keys_by_levels.get(allowed)
        if keys is None:
            keys = [k for k, rs in self._by_key.items() if any(r.level in allowed for r in rs)]
            self._keys_by_levels[allowed] = keys
        for key in difflib.get_close_matches(parsed.key, keys, MAX_CANDIDATES, FUZZY_CUTOFF):
            found.extend(r for r in self._by_key[key] if r.level in allowed and r not in found)
        if hint is not None:
            # Stable sort: regions of the hinted province first, similarity order kept.
            found.sort(key=lambda r: not r.code.startswith(hint.code))
        return found[:MAX_CANDIDATES]

    def _labels(self, regions: Iterable[Region]) -> str:
        """Names with their parent where that tells them apart: "Kota Banjar (Jawa Barat)"."""
        labels = []
        for region in regions:
            parent = self._by_id.get(region.parent_id) if region.parent_id else None
            if region.level == RegionLevel.PROVINCE:
                # idn-area-data writes provinces without "Provinsi"; next to "Kota Jambi" the
                # bare "Jambi" would not say which is which.
                labels.append(_("Provinsi %(name)s") % {"name": region.name})
            elif parent is not None and parent.level != RegionLevel.COUNTRY:
                labels.append(f"{region.name} ({parent.name})")
            else:
                labels.append(region.name)
        return ", ".join(labels)


# One resolver per set of indexed levels, with the highest region id when it was built.
_cache: dict[frozenset[str], tuple[int | None, RegionResolver]] = {}


def _fingerprint() -> int | None:
    # The highest id moves when rows are added, including rows that bulk loads created without
    # signals and rows that a rolled-back (test) transaction took away; one primary-key index
    # lookup, cheap enough for every call. Edits and deletes are caught by the signals below.
    table = connection.ops.quote_name(Region._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 (no user input)
        row = cursor.fetchone()
    return row[0] if row else None


def cached_resolver(*, levels: Collection[str] | None = None) -> RegionResolver:
    """The process-wide resolver for `levels`, rebuilt when the regions table changed."""
    indexed = frozenset(DEFAULT_LEVELS | set(levels or ()) | {RegionLevel.PROVINCE})
    fingerprint = _fingerprint()
    cached = _cache.get(indexed)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    resolver = RegionResolver.from_db(levels=indexed)
    _cache[indexed] = (fingerprint, resolver)
    return resolver


def reset_resolver_cache() -> None:
    """Forget the cached resolvers (after loading or editing regions, and between tests)."""
    _cache.clear()


def resolve_region(
    text: str, *, province_hint: str | None = None, levels: Collection[str] | None = None
) -> Resolution:
    """Resolve one name with the cached resolver; for many names use `RegionResolver.from_db()`."""
    return cached_resolver(levels=levels).resolve(text, province_hint=province_hint, levels=levels)


def _forget_on_change(sender: type[Region], **kwargs: object) -> None:
    # Renames keep count and max id; drop the cache on any single-row change.
    reset_resolver_cache()


post_save.connect(_forget_on_change, sender=Region, dispatch_uid="regions.resolver.post_save")
post_delete.connect(_forget_on_change, sender=Region, dispatch_uid="regions.resolver.post_delete")
