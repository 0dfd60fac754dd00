"""The benchmark harness: the peer's Einsum kernel, the report, and a quick real run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench import report
from training import card
from training.inference import context_pixels

ROOT = Path(__file__).resolve().parents[1]


def test_the_einsum_kernel_matches_tfjs_einsum_and_leaks_nothing() -> None:
    result = subprocess.run(
        ["node", "scripts/check-einsum.mjs"],
        cwd=ROOT / "webapp",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    checked = json.loads(result.stdout.strip().splitlines()[0])
    equations = {case["equation"] for case in checked["cases"]}
    assert {"abcg,gf->abcf", "abgd,gf->abdf", "gb,cgef->bcef"} <= equations  # the model's
    for case in checked["cases"]:
        assert case["shape"] == case["expectedShape"], case
        assert case["maxError"] < 1e-5, case
        assert case["leaked"] == 0 and case["leakedData"] == 0, case
    assert "repeated index" in checked["refused"]


def test_the_report_keeps_what_people_wrote_around_the_numbers(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    page.write_text(
        f"# Benchmarks\n\nIntro.\n\n{report.START}\nold\n{report.END}\n\n## Reading\nKept.\n"
    )
    results = json.loads((ROOT / "tests/fixtures/bench-results.json").read_text())
    cards = {
        m: json.loads((ROOT / f"models/{m}/card.json").read_text()) for m in ("default", "fast")
    }
    text = report.markdown(results, cards, page)
    assert text.startswith("# Benchmarks\n\nIntro.") and text.endswith("## Reading\nKept.\n")
    assert "old" not in text
    assert "| fast | wasm ×2 | 512 | 400 | 20,000 | skipped (projected 9 min) |" in text
    context = context_pixels(cards["fast"]["halo"], 8)  # fast's measured halo: 32 px
    assert f"fast 512-px ×{((512 + 2 * context) / 512) ** 2:.2f}" in text
    assert "**0.20**" in text  # native 4000 ms/MP / browser 20000 ms/MP


def test_quick_benchmark_runs_for_real(tmp_path: Path) -> None:
    """Real server, Chromium, engine, TensorFlow and CBM3D; numbers are not judged here
    (timed tests lie on shared machines), only that each was measured."""
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    results = json.loads((tmp_path / "benchmarks.json").read_text())
    (wasm,) = results["browser"]
    assert wasm["backend"] == "wasm" and wasm["threads"] >= 2 and wasm["isolated"]
    # The engine's default tile follows the memory the browser reports (8 GB: 1024 px).
    expected_tile = 1024 if (wasm["deviceMemory"] or 0) >= 8 else 512
    for size in ("1", "4"):
        cell = wasm["sizes"][size]
        assert cell["ms_per_mp"] > 0 and cell["peak_tensor_mb"] > 0
        assert cell["tile"] == expected_tile, (cell, wasm["deviceMemory"])
        assert results["native"][0]["sizes"][size]["ms_per_mp"] > 0
    # Memory is bounded by the tile: four times the pixels, not four times the tensors.
    assert wasm["sizes"]["4"]["peak_tensor_mb"] < 1.5 * wasm["sizes"]["1"]["peak_tensor_mb"]
    for method in ("ours: fast", "CBM3D"):  # the noisy crops are at about 20 dB
        assert results["quality"]["methods"][method]["psnr"] > 25, results["quality"]
    assert "| fast | ratio, TF.js WASM ×" in (tmp_path / "benchmarks.md").read_text()
    assert (tmp_path / "benchmarks.png").stat().st_size > 10_000


def test_the_load_check_runs_against_nginx_without_the_test_package() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.load", "--server", "nginx", "--connections", "4",
         "--seconds", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "'server': 'nginx'" in result.stdout and "'errors': 0" in result.stdout
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, bench.load; print(sorted(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "'tests'" not in imported and "'tests." not in imported


def test_candidates_are_timed_in_litert_and_tabled(tmp_path: Path) -> None:
    """bench/candidates.py: untrained designs as int8 .tflite in real Chromium (a tiny
    input); the shipped design carries its trained PSNR, a new one none."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.candidates", "--only", "fast", "separable", "--side", "64",
         "--reps", "2", "--out", str(tmp_path), "--cache", str(tmp_path / "cache")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    rows = {r["name"]: r for r in json.loads((tmp_path / "candidates.json").read_text())["rows"]}
    fast_card = json.loads((ROOT / "models/fast/card.json").read_text())
    assert rows["fast"]["macs_per_pixel"] == fast_card["macs_per_pixel"]
    assert rows["fast"]["cbsd68_sigma25"] == fast_card["evaluation"]["CBSD68"]["25"]["psnr"]
    assert rows["separable"]["cbsd68_sigma25"] is None
    assert rows["separable"]["macs_per_pixel"] < rows["fast"]["macs_per_pixel"] / 2
    assert all(len(r["ms"]) == 2 and r["ms_per_mp"] > 0 for r in rows.values())
    table = (tmp_path / "candidates.md").read_text()
    assert "| `separable` |" in table and "| 30.94 |" in table
    assert (tmp_path / "candidates.png").stat().st_size > 10_000


def test_candidates_find_a_design_by_architecture_not_folder(tmp_path: Path) -> None:
    """A folder named `default` that runs another design gives that design its point; the
    designs it replaced (one keeping the one before it) keep theirs through `replaces`; a camera-noise card of the same
    architecture is not a white-noise result; an unknown design has none."""
    from bench.candidates import trained_psnr

    def write(name: str, body: dict) -> None:
        (tmp_path / name).mkdir()
        (tmp_path / name / "card.json").write_text(json.dumps(body))

    def scored(psnr: float) -> dict:
        return {"CBSD68": {"25": {"psnr": psnr}}}

    write("photo", {"architecture": "default", "training": {"noise": "photo"},
                    "evaluation": scored(30.61)})  # fmt: skip
    write("default", {"architecture": "half-res-edge", "training": {"noise": "gaussian"},
                      "evaluation": scored(31.26),
                      "replaces": {"architecture": "half-res", "evaluation": scored(31.24),
                                   "replaces": {"architecture": "default",
                                                "evaluation": scored(31.25)}}})  # fmt: skip
    (tmp_path / "notes").mkdir()  # a folder without a card is skipped
    assert trained_psnr("half-res-edge", tmp_path) == 31.26
    assert trained_psnr("half-res", tmp_path) == 31.24
    assert trained_psnr("default", tmp_path) == 31.25
    assert trained_psnr("separable", tmp_path) is None


def test_candidates_refuse_a_side_off_the_grid(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.candidates", "--side", "100", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0 and "not a multiple of 8" in result.stderr


def test_strength_check_compares_the_auto_strengths_with_the_true_noise_level(
    tmp_path: Path, capsys
) -> None:  # noqa: ANN001
    """bench.strength_check on two generated photos: the four sets, each fit of the
    card, and at phone-level noise and beyond, in daylight and dark, the model really
    denoises at the true RMS."""
    from PIL import Image

    from bench import strength_check
    from tests.test_page import synthetic_photo

    for seed in (1, 2):
        Image.fromarray(synthetic_photo((200, 200), seed=seed)).save(tmp_path / f"{seed}.png")
    root = Path(__file__).resolve().parents[1]
    assert strength_check.main([str(root / "models/photo-fast"), "--images", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = [c.strip() for c in lines[1].strip("|").split("|")]
    assert header[3:8] == [
        "noisy",
        "hand-made fit",
        "learned level fit",
        "page's rule",
        "true RMS",
    ]
    rows = {c[0]: c for c in ([x.strip() for x in r.strip("|").split("|")] for r in lines[3:])}
    assert set(rows) == {"mix", "phone", "dark", "heavy"}
    assert all(row[1] == "2" for row in rows.values())
    assert float(rows["heavy"][2]) > float(rows["dark"][2])  # mean RMS
    for row in (rows["phone"], rows["dark"], rows["heavy"]):  # at the true RMS: cleaned well
        assert float(row[2]) > 8
        assert float(row[7]) > float(row[3]) + 3


def test_strength_check_draws_each_sets_camera_in_its_range() -> None:
    """camera_for: phone and dark shot noise in the phone range, dark under-exposed,
    heavy beyond the mix (its read noise above any phone's), mix the training draw."""
    import numpy as np

    from bench.strength_check import DARK_EXPOSURE, SHOT, camera_for
    from training import camera_noise

    rng = np.random.default_rng(3)
    for _ in range(20):
        for kind in ("phone", "dark"):
            camera = camera_for(kind, rng)
            assert SHOT[kind][0] <= camera.shot <= SHOT[kind][1]
            assert camera.read == camera_noise.read_noise(camera.shot)
        assert DARK_EXPOSURE[0] <= camera_for("dark", rng).exposure <= DARK_EXPOSURE[1]
    # the same draws as the sample functions themselves, so the crops stay reproducible
    for kind, sample in (
        ("mix", camera_noise.sample_camera),
        ("heavy", camera_noise.sample_heavy_camera),
    ):
        drawn, direct = camera_for(kind, np.random.default_rng(5)), sample(np.random.default_rng(5))
        assert repr(drawn) == repr(direct)  # numpy fields: compared by their printed values


def test_strength_check_names_a_folder_without_photos(tmp_path: Path) -> None:
    from bench import strength_check

    with pytest.raises(SystemExit, match="error: .*"):
        strength_check.main(["models/photo-fast", "--images", str(tmp_path)])


def test_slider_check_finds_the_shipped_photo_model_monotonic(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    """bench.slider_check on two generated photos: in every set the shipped photo model
    removes more at each higher slider value of its range, from almost nothing at 0 to
    several times the noise at the top; a curve that falls is caught by worst_drop."""
    from PIL import Image

    from bench import slider_check
    from tests.test_page import synthetic_photo

    for seed in (1, 2):
        Image.fromarray(synthetic_photo((200, 200), seed=seed)).save(tmp_path / f"{seed}.png")
    argv = [str(ROOT / "models/photo"), "--images", str(tmp_path), "--real"]
    assert slider_check.main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {c[0]: c for c in ([x.strip() for x in r.strip("|").split("|")] for r in lines[3:])}
    assert set(rows) == {"mix", "phone", "dark", "heavy"}
    # The grid ends at the card's top (photo's range ends at 50 since stage 11).
    grid = slider_check.slider_values(card.read_card(ROOT / "models/photo"))
    for row in rows.values():
        assert row[2] == "0" and row[5] == "-"  # none bends, so none is named
        curve = [float(v) for v in row[4].split()]
        assert len(curve) == len(grid)
        # At the top several times what slider 8 removes (3x when the top was 75; 2x at 50).
        assert curve[0] < 1.5 and curve[-1] > 2 * curve[3]
    assert slider_check.worst_drop(np.array([0.0, 2.0, 1.5, 3.0])) == 0.5
    assert slider_check.worst_drop(np.array([0.0, 2.0, 3.0])) == 0.0
    curves = [np.array([0.0, 2.0, 1.5]), np.array([0.0, 2.0, 1.9]), np.array([0.0, 1.0, 2.0])]
    assert slider_check.bending(["falls", "wobbles", "rises"], curves) == ["falls"]


def test_slider_check_names_a_folder_without_photos(tmp_path: Path) -> None:
    from bench import slider_check

    with pytest.raises(SystemExit, match="error: .*"):
        slider_check.main(["models/photo", "--images", str(tmp_path)])


def test_bias_check_finds_a_brightness_shift_and_the_local_mean_removes_it() -> None:
    """A result 4 levels too bright reads +4 in every luma bin beside the noisy photo's
    ~0, and putting the noisy photo's local mean back removes the shift (PSNR rises)."""
    from bench import bias_check
    from training.metrics import psnr_uint8
    from training.real_noise import Pair

    rng = np.random.default_rng(0)
    clean = np.repeat(np.linspace(10, 200, 96)[None, :, None], 64, axis=0).repeat(3, axis=2)
    clean = clean.astype(np.uint8)
    noisy = np.clip(clean + rng.normal(0, 3, clean.shape), 0, 255).round().astype(np.uint8)
    shifted = np.clip(clean.astype(int) + 4, 0, 255).astype(np.uint8)
    rows = bias_check.bias_by_luma([(Pair("ramp", noisy, clean), shifted)])
    assert len(rows) == len(bias_check.LUMA_BINS) - 2  # 10-200: the top bin is empty, left out
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)
    assert all(np.allclose(r["result"], 4.0) for r in rows)
    assert all(abs(v) < 0.5 for r in rows for v in r["noisy"])
    restored = bias_check.local_mean_restored(shifted, noisy, 12.0)
    assert psnr_uint8(clean, restored) > psnr_uint8(clean, shifted) + 5


def test_bias_check_runs_a_model_on_pairs_and_names_a_folder_without_them(
    tmp_path: Path, capsys
) -> None:  # noqa: ANN001
    from PIL import Image

    from bench import bias_check
    from tests.test_real_noise import camera_pair

    folder = tmp_path / "pairs"
    folder.mkdir()
    noisy, clean = camera_pair(0)
    Image.fromarray(noisy).save(folder / "cam_real.png")
    Image.fromarray(clean).save(folder / "cam_mean.png")
    root = Path(__file__).resolve().parents[1]
    assert bias_check.main([str(root / "models/photo-fast"), "--sets", str(folder)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| pairs |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "1" and float(cells[2]) > 20  # the model denoised the pair
    assert "| reference luma |" in out
    (tmp_path / "empty").mkdir()
    Image.fromarray(clean).save(tmp_path / "empty" / "a.png")
    with pytest.raises(SystemExit, match="error: .*no NAME_real"):
        bias_check.main([str(root / "models/photo-fast"), "--sets", str(tmp_path / "empty")])


def test_passes_bench_times_one_pass_and_the_automatic_count(tmp_path: Path) -> None:
    """bench.passes on a tiny card: one pass, then Auto's eight, each timed and tabled."""
    from bench import passes

    rows = passes.measure("fast", [(64, 48)], lambda *_: None)
    assert rows[0]["one"]["passes"] == 1 and rows[0]["auto"]["passes"] == 8
    assert rows[0]["one"]["seconds"] >= 0 and rows[0]["ran_on"] in ("LiteRT.js", "TF.js WASM")
    table = passes.markdown("fast", rows, 1.0)
    assert "| 64 × 48 | 0.00 |" in table and table.rstrip().endswith("| 8 |")


def test_page_real_runs_pairs_through_the_page_untouched(tmp_path: Path) -> None:
    """bench.page_real on one generated camera pair: the page's own auto strength and
    passes, the result scored against the reference and set beside the Python table's."""
    from PIL import Image

    from bench import page_real
    from tests.test_real_noise import camera_pair
    from training.metrics import psnr_uint8

    folder = tmp_path / "pairs"
    folder.mkdir()
    noisy, clean = camera_pair(0)
    Image.fromarray(noisy).save(folder / "cam_real.png")
    Image.fromarray(clean).save(folder / "cam_mean.png")
    assert page_real.main([str(folder), "--out", str(tmp_path / "docs")]) == 0  # photo
    saved = json.loads((tmp_path / "docs/page-real.json").read_text())
    (row,) = saved["pairs"]["pairs"]
    assert row["model"] == "photo" and row["passes"] == 8 and row["strength"] > 0
    assert row["psnr"] > psnr_uint8(clean, noisy) + 0.3  # it really denoised
    report = (tmp_path / "docs/page-real.md").read_text()
    assert "| pairs | 1 | **" in report and report.rstrip().endswith("| photo |")
    python = {"pairs": {"cam": {"auto": row["psnr"] - 0.01, "auto_strength": 3, "passes": 8}}}
    summary = page_real.compare([row], python, "photo")
    assert summary["largest_gap"] == 0.01 and summary["same_passes"] == 1
    assert summary["models"] == "photo"
    assert summary["same_strength"] == int(row["strength"] == 3)
    # A photo the page ran on its white-noise model is not set against photo's Python row.
    white = {**row, "name": "flat", "model": "default"}
    python["pairs"]["flat"] = {"auto": 10.0, "auto_strength": 25, "passes": 4}
    mixed = page_real.compare([row, white], python, "photo")
    assert mixed["compared"] == 1 and mixed["models"] == "default photo"
    assert mixed["largest_gap"] == 0.01
    table = page_real.markdown("photo", {"set": mixed}, 1.0)
    assert "| (the 1 run on `photo`) |" not in table and "(the 1 run on `photo`)" in table
    alone = page_real.compare([white], python, "photo")
    assert "python" not in alone
    assert "| set | 1 | **" in page_real.markdown("photo", {"set": alone}, 1.0)
