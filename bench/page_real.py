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
from webapp import hosts
from webapp.server import DEFAULT_STATIC

ROOT = Path(__file__).resolve().parents[1]


def run_pairs(page, url: str, pair_set: real_noise.PairSet, folder: Path, log) -> list[dict]:  # noqa: ANN001
    """Each pair through the page, untouched: name, strength, passes, PSNR."""
    rows = []
    for pair in pair_set.pairs:
        page.goto(url)
        page.wait_for_selector(
            "[data-testid=backend][data-backend]:not([data-backend=''])", timeout=180_000
        )
        path = folder / f"{pair.name}.png"
        Image.fromarray(pair.noisy).save(path)
        page.set_input_files("[data-testid=file-input]", str(path))
        page.click("[data-testid=denoise]", timeout=120_000)  # waits for the auto strength
        link = page.wait_for_selector("[data-testid=download]", timeout=600_000)
        with page.expect_download() as download:
            link.click()
        out = np.asarray(Image.open(download.value.path()).convert("RGB"))
        row = {
            "name": pair.name,
            "strength": int(link.get_attribute("data-sigma")),
            "passes": int(link.get_attribute("data-passes")),
            "backend": page.get_attribute("[data-testid=backend]", "data-backend"),
            "psnr": round(psnr_uint8(pair.clean, out), 3),
        }
        log(f"  {pair.name}: {row}")
        rows.append(row)
    return rows


def compare(rows: list[dict], python: dict | None) -> dict:
    """The page's mean, and where the Python table has the same pairs, its mean, the
    largest per-pair gap and how many strengths and passes agree."""
    summary: dict = {
        "pairs": len(rows),
        "page": round(float(np.mean([r["psnr"] for r in rows])), 3),
    }
    if python:
        per_pair = python["pairs"]
        known = [r for r in rows if r["name"] in per_pair]
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
        f" pairs in `training.evaluate --real` (docs/real-noise.json). Model: `{model}`.",
        "",
        "| set | pairs | page | Python | largest per-pair gap | same strength | same passes |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, s in summaries.items():
        lines.append(
            f"| {label} | {s['pairs']} | **{s['page']:.2f}** | {s.get('python', float('nan')):.2f} |"
            f" {s.get('largest_gap', float('nan')):.3f} | {s.get('same_strength', '–')} |"
            f" {s.get('same_passes', '–')} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    import tempfile

    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_FLAGS

    p = argparse.ArgumentParser(prog="python -m bench.page_real", description=__doc__)
    p.add_argument("sets", nargs="*", default=["CC15", "Nam25"])
    p.add_argument("--model", default=None, help="a model of the page's menu (default: its own)")
    p.add_argument("--out", type=Path, default=ROOT / "docs")
    args = p.parse_args(argv)
    index = json.loads((DEFAULT_STATIC / "models/index.json").read_text())
    model = args.model or index.get("default", "default")
    record = ROOT / "docs/real-noise.json"
    python = json.loads(record.read_text())["results"].get(model, {}) if record.exists() else {}
    start = time.perf_counter()
    port = hosts.free_port()
    server = hosts.start("waitress", DEFAULT_STATIC, port)
    results, summaries = {}, {}
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(accept_downloads=True)
            url = f"http://127.0.0.1:{port}/" + (f"?model={args.model}" if args.model else "")
            for name in args.sets:
                pair_set = real_noise.read_pairs(real_noise.real_folder(name))
                print(name)
                rows = run_pairs(page, url, pair_set, Path(folder), print)
                results[pair_set.label] = rows
                summaries[pair_set.label] = compare(rows, python.get(pair_set.label))
            browser.close()
    finally:
        hosts.stop(server)
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
