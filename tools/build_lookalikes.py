"""Build data/gazetteer/lookalikes.csv: for each character of a division name, the characters that look
most like it, as OCR confuses them (沭 and 沐, 己 and 已).

    .venv/bin/python tools/build_lookalikes.py [--font /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

Every character of the 6,763 of GB 2312 and of the gazetteer's names is drawn in the font at 64 px and
blurred a little; two characters' likeness is the correlation of their images, or of one with the left
or right part of the other (62, 70 or 78 % of its width) drawn at full size (a radical dropped or
added: 治 read as 台, 洲 as 州, 按 as 安),
whichever is higher. For each character of a name, the 32 most alike are kept (沐 is the fourth for 沭,
已 the second for 己, 酉 the first for 西). The font is needed only here (Debian's fonts-noto-cjk); the
CSV is what the parser reads.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
SIZE = 64
KEEP = 32
PARTS = (0.62, 0.7, 0.78)  # shares of the width a left or right component may take (氵 is narrow, 扌 wider)


def gb2312() -> list[str]:
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def image(ch: str, font: ImageFont.FreeTypeFont, part: str | None = None, share: float = PARTS[0]) -> np.ndarray:
    """The character drawn and blurred; ``part`` 'left' or 'right': that side of it (``share`` of the
    width), stretched to full size."""
    canvas = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(canvas).text((SIZE // 2, SIZE // 2), ch, font=font, fill=255, anchor="mm")
    if part is not None:
        width = int(SIZE * share)
        box = (0, 0, width, SIZE) if part == "left" else (SIZE - width, 0, SIZE, SIZE)
        canvas = canvas.crop(box).resize((SIZE, SIZE))
    return np.asarray(canvas.filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float32).ravel()


def _normed(vectors: np.ndarray) -> np.ndarray:
    vectors = vectors - vectors.mean(axis=1, keepdims=True)
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--font", default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    args = parser.parse_args()
    font = ImageFont.truetype(args.font, int(SIZE * 0.9))
    with (ROOT / "data" / "gazetteer" / "divisions.csv").open(encoding="utf-8") as f:
        names = sorted({ch for row in csv.DictReader(f) for ch in row["name"]})
    pool = sorted(set(gb2312()) | set(names))
    vectors = _normed(np.stack([image(ch, font) for ch in pool]))
    parts = [
        _normed(np.stack([image(ch, font, side, share) for ch in pool]))
        for side in ("left", "right")
        for share in PARTS
    ]
    index = {ch: i for i, ch in enumerate(pool)}
    rows = []
    for ch in names:
        whole = vectors[index[ch]]
        scores = vectors @ whole
        for part in parts:  # a name's character against a side of another (台 in 治), and the reverse (治's
            scores = np.maximum(scores, part @ whole)  # side against 台)
            scores = np.maximum(scores, vectors @ part[index[ch]])
        scores[index[ch]] = -1
        rows += [(ch, pool[j], f"{scores[j]:.3f}") for j in np.argsort(-scores)[:KEEP]]
    out = ROOT / "data" / "gazetteer" / "lookalikes.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("char", "lookalike", "likeness"))
        writer.writerows(rows)
    print(f"{len(rows)} pairs for {len(names)} characters of division names → {out}")


if __name__ == "__main__":
    main()
