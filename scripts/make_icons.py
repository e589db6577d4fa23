"""Draw Sebaya's app icons (two overlapping circles: peers) as PNG and SVG, without libraries.

python scripts/make_icons.py      # writes src/sebaya/static/sebaya/img/icon-*.png and icon.svg
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "sebaya" / "static" / "sebaya" / "img"
BRAND = (0x0B, 0x5E, 0x55)
LIGHT = (0xFF, 0xFF, 0xFF)
PALE = (0xB8, 0xE0, 0xDA)
# Circles in a 100x100 design space: (centre x, centre y, radius, colour); later ones on top.
CIRCLES = ((38.0, 50.0, 22.0, LIGHT), (62.0, 50.0, 22.0, PALE))
OVERLAP = (0x5F, 0xA8, 0x9E)


def _pixel(x: float, y: float) -> tuple[int, int, int]:
    inside = [(cx - x) ** 2 + (cy - y) ** 2 <= r * r for cx, cy, r, _ in CIRCLES]
    if all(inside):
        return OVERLAP
    for hit, (_, _, _, colour) in zip(reversed(inside), reversed(CIRCLES), strict=True):
        if hit:
            return colour
    return BRAND


def png(size: int) -> bytes:
    """A size x size RGB PNG; 4x4 supersampling smooths the edges."""
    rows = []
    scale = 100.0 / size
    for j in range(size):
        row = bytearray([0])  # filter: none
        for i in range(size):
            acc = [0, 0, 0]
            for sj in range(4):
                for si in range(4):
                    colour = _pixel((i + (si + 0.5) / 4) * scale, (j + (sj + 0.5) / 4) * scale)
                    for k in range(3):
                        acc[k] += colour[k]
            row.extend(round(a / 16) for a in acc)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def svg() -> str:
    def hexc(c: tuple[int, int, int]) -> str:
        return "#" + "".join(f"{v:02x}" for v in c)

    (x1, y1, r1, c1), (x2, y2, r2, c2) = CIRCLES
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" fill="{hexc(BRAND)}"/>'
        f'<circle cx="{x1:g}" cy="{y1:g}" r="{r1:g}" fill="{hexc(c1)}"/>'
        f'<circle cx="{x2:g}" cy="{y2:g}" r="{r2:g}" fill="{hexc(c2)}"/>'
        f'<clipPath id="a"><circle cx="{x1:g}" cy="{y1:g}" r="{r1:g}"/></clipPath>'
        f'<circle cx="{x2:g}" cy="{y2:g}" r="{r2:g}" fill="{hexc(OVERLAP)}" clip-path="url(#a)"/>'
        "</svg>\n"
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))
    (OUT / "icon.svg").write_text(svg(), encoding="utf-8")


if __name__ == "__main__":
    main()
