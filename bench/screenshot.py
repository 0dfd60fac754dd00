"""The README's screenshot of the page: a photo with synthetic camera noise, denoised at
the auto strength, in headless Chromium against the real server.

    python -m bench.screenshot [--out docs/page.png]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from training import camera_noise, data
from webapp import hosts
from webapp.server import DEFAULT_STATIC

CHROMIUM = "/usr/bin/chromium"
PHOTO = (
    Path(__file__).resolve().parents[2] / "shared/data/val/CBSD68/102061.png"
)  # shown, never trained on


def noisy_photo(folder: Path) -> Path:
    clean = data.read_rgb(PHOTO)[:480, :320] / 255.0
    rng = np.random.default_rng(5)  # a phone at high ISO (shot 8e-3), JPEG 90: noise RMS 19
    noisy, _ = camera_noise.camera_noise(clean, rng, camera_noise.sample_camera(rng))
    path = folder / "evening.jpg"
    Image.fromarray(np.round(noisy * 255).astype(np.uint8)).save(path, quality=95)
    return path


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(prog="python -m bench.screenshot", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/page.png"))
    args = parser.parse_args(argv)
    port = hosts.free_port()
    server = hosts.start("waitress", DEFAULT_STATIC, port)
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
            photo = noisy_photo(Path(folder))
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1200, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector(
                "[data-testid=backend][data-backend]:not([data-backend=''])", timeout=120_000
            )
            page.set_input_files("[data-testid=file-input]", str(photo))
            page.wait_for_selector("[data-testid=preview][data-updating=false]", timeout=120_000)
            page.click("[data-testid=denoise]")
            page.wait_for_selector("[data-testid=download]", timeout=300_000)
            page.locator("[data-testid=compare]").fill("50")
            page.screenshot(path=str(args.out), full_page=True)
            browser.close()
    finally:
        hosts.stop(server)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
