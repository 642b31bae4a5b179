"""Build data/gazetteer/lookalikes.csv: for each character of a division name, the characters that look
most like it, as OCR confuses them (沭 and 沐, 己 and 已).

    .venv/bin/python tools/build_lookalikes.py [--font /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

Every character of the 6,763 of GB 2312 and of the gazetteer's names is drawn in the font at 64 px and
blurred a little; two characters' likeness is the correlation of their images. For each character of
a name, the 16 most alike are kept (沐 is the fourth for 沭, 已 the second for 己, 酉 the first for
西). The font is needed only here (Debian's fonts-noto-cjk); the CSV is what the parser reads.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
SIZE = 64
KEEP = 16


def gb2312() -> list[str]:
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def image(ch: str, font: ImageFont.FreeTypeFont) -> np.ndarray:
    canvas = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(canvas).text((SIZE // 2, SIZE // 2), ch, font=font, fill=255, anchor="mm")
    return np.asarray(canvas.filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float32).ravel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--font", default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    args = parser.parse_args()
    font = ImageFont.truetype(args.font, int(SIZE * 0.9))
    with (ROOT / "data" / "gazetteer" / "divisions.csv").open(encoding="utf-8") as f:
        names = sorted({ch for row in csv.DictReader(f) for ch in row["name"]})
    pool = sorted(set(gb2312()) | set(names))
    vectors = np.stack([image(ch, font) for ch in pool])
    vectors -= vectors.mean(axis=1, keepdims=True)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    index = {ch: i for i, ch in enumerate(pool)}
    rows = []
    for ch in names:
        scores = vectors @ vectors[index[ch]]
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
