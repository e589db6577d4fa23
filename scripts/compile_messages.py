"""Compile gettext catalogs (.po -> .mo) in pure Python, so no system gettext is needed."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "sebaya" / "locale"


def main() -> int:
    count = 0
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/*.po")):
        catalog = polib.pofile(str(po_path))
        catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
        untranslated = len(catalog.untranslated_entries())
        fuzzy = len(catalog.fuzzy_entries())
        print(
            f"{po_path.relative_to(ROOT.parent.parent.parent)}: "
            f"{catalog.percent_translated()}% translated, "
            f"{untranslated} untranslated, {fuzzy} fuzzy"
        )
    if count == 0:
        print("no catalogs found", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
