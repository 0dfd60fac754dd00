"""The real noisy/clean pairs through the page itself, as a user meets them: `python -m
bench.page_real` (~10 min for CC15 and Nam25) opens the built page on the real server in
headless Chromium, drops each noisy photo in, touches nothing (auto strength, automatic
passes, the backend the page picks), presses Denoise, downloads the result and scores
it against the pair's reference. Beside each set: the Python table's numbers for the same
pairs (docs/real-noise.json, `training.evaluate --real`), so that a gap between the page
and its Python mirror shows. Writes docs/page-real.md (+ .json).

Why: the issue's targets are "through the page"; the Python table runs the same
computation in Keras, and this checks that claim on the real pairs rather than on a test
image.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image

from training import real_noise
from training.metrics import psnr_uint8

ROOT = Path(__file__).resolve().parents[1]


def run_pairs(page, url: str, pair_set: real_noise.PairSet, folder: Path, log) -> list[dict]:  # noqa: ANN001
    """Each pair through the page, untouched: name, the model it ran, strength, passes, PSNR."""
    from tests.conftest import denoise_through_ui, wait_until_ready

    rows = []
    for pair in pair_set.pairs:
        page.goto(url)
        wait_until_ready(page, 180_000)
        path = folder / f"{pair.name}.png"
        Image.fromarray(pair.noisy).save(path)
        download = denoise_through_ui(page, path)  # the page's own strength and passes
        out = np.asarray(Image.open(download.path()).convert("RGB"))
        link = page.locator("[data-testid=download]")
        row = {
            "name": pair.name,
            # the page's own pick: its default, or its white-noise model where the noise reads white
            "model": page.input_value("[data-testid=model]"),
            "strength": int(link.get_attribute("data-sigma")),
            "passes": int(link.get_attribute("data-passes")),
            "backend": page.get_attribute("[data-testid=backend]", "data-backend"),
            "psnr": round(psnr_uint8(pair.clean, out), 3),
        }
        log(f"  {pair.name}: {row}")
        rows.append(row)
    return rows


def compare(rows: list[dict], python: dict | None, model: str) -> dict:
    """The page's mean, and where the Python table (of `model`) has the same pairs run on
    that model, its mean, the largest per-pair gap and how many strengths and passes agree
    (a photo the page ran on its white-noise model has no Python row to meet)."""
    summary: dict = {
        "pairs": len(rows),
        "models": " ".join(sorted({r["model"] for r in rows})),
        "page": round(float(np.mean([r["psnr"] for r in rows])), 3),
    }
    per_pair = python["pairs"] if python else {}
    known = [r for r in rows if r["name"] in per_pair and r["model"] == model]
    if known:
        summary["compared"] = len(known)
        summary["python"] = round(float(np.mean([per_pair[r["name"]]["auto"] for r in known])), 3)
        summary["largest_gap"] = round(
            max(abs(r["psnr"] - per_pair[r["name"]]["auto"]) for r in known), 3
        )
        summary["same_strength"] = sum(
            r["strength"] == per_pair[r["name"]]["auto_strength"] for r in known
        )
        summary["same_passes"] = sum(
            r["passes"] == per_pair[r["name"]].get("passes", 1) for r in known
        )
    return summary


def markdown(model: str, summaries: dict[str, dict], seconds: float) -> str:
    lines = [
        "# Real pairs through the page",
        "",
        f"`python -m bench.page_real` ({time.strftime('%Y-%m-%d')}, {seconds:.0f} s): each noisy"
        " photo dropped into the built page on the real server in headless Chromium, nothing"
        " touched (auto strength, automatic passes, the backend the page picks), Denoise,"
        " the download scored against the reference (PSNR on uint8, dB). Python: the same"
        f" pairs in `training.evaluate --real` (docs/real-noise.json), model `{model}`."
        " Models run: what the page ran, its default or, where an image's noise reads"
        " white, its white-noise model.",
        "",
        "| set | pairs | page | Python | largest per-pair gap | same strength | same passes"
        " | models run |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, s in summaries.items():
        python = f"{s['python']:.2f}" if "python" in s else "–"
        if "python" in s and s["compared"] < s["pairs"]:  # the page ran another model on some
            python += f" (the {s['compared']} run on `{model}`)"
        gap = f"{s['largest_gap']:.3f}" if "largest_gap" in s else "–"
        lines.append(
            f"| {label} | {s['pairs']} | **{s['page']:.2f}** | {python} |"
            f" {gap} | {s.get('same_strength', '–')} |"
            f" {s.get('same_passes', '–')} | {s['models']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    import tempfile

    from bench import browser

    p = argparse.ArgumentParser(prog="python -m bench.page_real", description=__doc__)
    p.add_argument("sets", nargs="*", default=["CC15", "Nam25"])
    p.add_argument("--model", default=None, help="a model of the page's menu (default: its own)")
    p.add_argument("--out", type=Path, default=ROOT / "docs")
    args = p.parse_args(argv)
    index = json.loads((browser.STATIC / "models/index.json").read_text())
    model = args.model or index.get("default", "default")
    record = ROOT / "docs/real-noise.json"
    python = json.loads(record.read_text())["results"].get(model, {}) if record.exists() else {}
    start = time.perf_counter()
    results, summaries = {}, {}
    chromium = browser.Browser()  # the real server and Chromium, as the other benches use
    try:
        with tempfile.TemporaryDirectory() as folder:
            page = chromium.chromium.new_page(accept_downloads=True)
            url = f"{chromium.base}/" + (f"?model={args.model}" if args.model else "")
            for name in args.sets:
                pair_set = real_noise.read_pairs(real_noise.real_folder(name))
                print(name)
                rows = run_pairs(page, url, pair_set, Path(folder), print)
                results[pair_set.label] = rows
                summaries[pair_set.label] = compare(rows, python.get(pair_set.label), model)
    finally:
        chromium.close()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "page-real.json").write_text(
        json.dumps({"model": model, "summaries": summaries, "pairs": results}, indent=1)
    )
    text = markdown(model, summaries, time.perf_counter() - start)
    (args.out / "page-real.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
