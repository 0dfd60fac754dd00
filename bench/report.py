"""docs/benchmarks.md and the PSNR-vs-speed plot, from the results of one run."""

from __future__ import annotations

from pathlib import Path

from training.inference import context_pixels

START, END = "<!-- bench:start -->", "<!-- bench:end -->"

# Colour denoising, CBSD68, PSNR (dB) at sigma 15 / 25 / 50, as published in Zhang et al.,
# "Plug-and-Play Image Restoration with Deep Denoiser Prior" (DRUNet), TPAMI 2021,
# Table 3 (CBM3D, CDnCNN, FFDNet, DRUNet), and gray BSD68 from its Table 2. Parameters as
# published; MAC/pixel computed from the published architectures (convolutions only).
PUBLISHED = [
    ("CBM3D", "33.52 / 30.71 / 27.38", "31.07 / 28.57 / 25.62", "–", "– (non-learned)"),
    ("CDnCNN / DnCNN", "33.89 / 31.23 / 27.92", "31.73 / 29.23 / 26.23", "0.67 M", "≈ 0.67 M"),
    ("FFDNet", "33.87 / 31.21 / 27.96", "31.63 / 29.19 / 26.29", "0.85 M", "≈ 0.21 M"),
    ("DRUNet", "34.30 / 31.69 / 28.51", "31.91 / 29.48 / 26.59", "32.6 M", "≈ 2.1 M"),
]


def engine_label(row: dict) -> str:
    return f"{row['backend']} ×{row['threads']}" if row["backend"] == "wasm" else row["backend"]


def row_tile(row: dict) -> int | None:
    """The tile side the engine reported for a row's measured sizes (older runs: None)."""
    tiles = {cell["tile"] for cell in row["sizes"].values() if "tile" in cell}
    return tiles.pop() if len(tiles) == 1 else None


def overlap_factor(tile: int, model_card: dict) -> float:
    """Work per output pixel of a full tile relative to the tile alone: its input
    carries `context` pixels on every side."""
    context = context_pixels(model_card["halo"], model_card["size_multiple"])
    return ((tile + 2 * context) / tile) ** 2


def size_cell(cell: dict | None, key: str, unit: str = "") -> str:
    if not cell:
        return "–"
    if "skipped" in cell:
        return f"skipped ({cell['skipped']})"
    value = cell.get(key)
    return "n/a" if value is None else f"{value:,}{unit}"


def browser_rows(results: dict, leading, cell) -> list[str]:  # noqa: ANN001
    """One table row per browser engine: model, backend, `leading(row)` cells, then
    `cell(size cell)` for each size."""
    sizes = [f"{s:g}" for s in results["sizes_mp"]]
    return [
        "| "
        + " | ".join(
            [
                row["model"],
                engine_label(row),
                *leading(row),
                *(cell(row["sizes"].get(s)) for s in sizes),
            ]
        )
        + " |"
        for row in results["browser"]
    ]


def memory_cell(cell: dict | None) -> str:
    """Peak tensor memory / the tab's growth, for a measured size."""
    if not cell or "skipped" in cell:
        return size_cell(cell, "")
    tensor = "n/a" if cell["peak_tensor_mb"] is None else f"{cell['peak_tensor_mb']:.0f} MB"
    return f"{tensor} / +{cell['tab_growth_mb']} MB"


def speed_tables(results: dict) -> list[str]:
    sizes = [f"{s:g}" for s in results["sizes_mp"]]
    return [
        "## Speed in the browser",
        "",
        "Milliseconds per megapixel (lower is better), σ = 25, the engine's default tile size"
        " for this backend and machine (WASM: 1024 px where the browser reports 8 GB of "
        "memory or more, else 512). Warm-up: the first inference after loading (shader "
        "compilation, WASM set-up), counted apart; for litert-wasm only compiling the default"
        " tile's file (each file's first run falls in the first size that uses it). `webgl` "
        "here is SwiftShader, a software renderer (no GPU on this machine; the app itself "
        "would not choose it). A size is skipped when the last one's speed (for webgl and "
        "cpu, first a 256×192 probe) projects past the time cap (300 s for wasm, 120 s for "
        "the others).",
        "",
        "| model | backend | tile px | warm-up ms | " + " | ".join(f"{s} MP" for s in sizes) + " |",
        "|---|---|---:|---:|" + "---:|" * len(sizes),
        *browser_rows(
            results,
            lambda row: [str(row_tile(row) or "–"), f"{row['warmupMs']:,.0f}"],
            lambda cell: size_cell(cell, "ms_per_mp"),
        ),
        "",
        "Memory per image: peak bytes held by TF.js tensors during the image (weights "
        "included; measured by `tf.profile` on wasm and cpu, n/a on webgl) / growth of "
        "all Chromium processes' resident memory during the image (sampled every 0.2 s). "
        "Flat across sizes means the tiling bounds memory by the tile, not the photo.",
        "",
        "| model | backend | " + " | ".join(f"{s} MP" for s in sizes) + " |",
        "|---|---|" + "---|" * len(sizes),
        *browser_rows(results, lambda row: [], memory_cell),
    ]


def native_table(results: dict, cards: dict[str, dict]) -> list[str]:
    sizes = [f"{s:g}" for s in results["sizes_mp"]]
    overlaps = [
        f"{row['model']} {tile}-px ×{overlap_factor(tile, cards[row['model']]):.2f}"
        for row in results["browser"]
        if row["backend"] == "wasm" and row["threads"] > 1 and row["model"] in cards
        if (tile := row_tile(row))
    ]
    overlap_text = (
        f"The browser's WASM tiles carry context on each side whose overlap costs extra work "
        f"({', '.join(overlaps)}). "
        if overlaps
        else ""
    )
    lines = [
        "## Browser against native TensorFlow",
        "",
        "Native: the same Keras model, float32, TensorFlow on all cores: the whole image in "
        "one call up to 4 MP, 12 MP in 1024-px tiles (a whole 12 MP image, and 2048-px "
        "tiles, made TensorFlow use all 24 GB). The tiles turned out faster per megapixel "
        "than whole images (large tensors are memory-bound), so native's best case here is "
        "its 12 MP number. "
        + overlap_text
        + "Ratio = native ms/MP ÷ browser ms/MP at the same size, i.e. the browser's speed "
        "as a fraction of native; the headline compares best with best (goal ≥ 0.5 with all "
        "threads). LiteRT.js runs the same network with int8 weights (dynamic range), "
        "native TensorFlow and TF.js in float32.",
        "",
        "| model | | " + " | ".join(f"{s} MP" for s in sizes) + " |",
        "|---|---|" + "---:|" * len(sizes),
    ]
    headlines: list[str] = []
    for row in results["native"]:
        lines.append(
            f"| {row['model']} | native ms/MP (first call {row['warmup_ms']:,} ms) | "
            + " | ".join(size_cell(row["sizes"].get(s), "ms_per_mp") for s in sizes)
            + " |"
        )
        # Each CPU runtime on all threads: TF.js WASM and LiteRT.js (int8 weights).
        for ours_row in results["browser"]:
            if not (
                ours_row["model"] == row["model"]
                and ours_row["backend"] in CPU_RUNTIMES
                and ours_row["threads"] > 1
            ):
                continue
            ratios = []
            for s in sizes:
                ours, theirs = ours_row["sizes"].get(s), row["sizes"].get(s)
                if ours and theirs and "ms_per_mp" in ours:
                    ratios.append(f"**{theirs['ms_per_mp'] / ours['ms_per_mp']:.2f}**")
                else:
                    ratios.append("–")
            lines.append(
                f"| {row['model']} | ratio, {runtime_label(ours_row)} | "
                + " | ".join(ratios)
                + " |"
            )
            headlines.append(headline(row, ours_row))
    return [*lines, "", *headlines]


CPU_RUNTIMES = {"wasm": "TF.js WASM", "litert-wasm": "LiteRT.js int8"}


def runtime_label(row: dict) -> str:
    return f"{CPU_RUNTIMES[row['backend']]} ×{row['threads']}"


def best_ms_per_mp(row: dict) -> float | None:
    speeds = [c["ms_per_mp"] for c in row["sizes"].values() if "ms_per_mp" in c]
    return min(speeds) if speeds else None


def headline(native_row: dict, browser_row: dict) -> str:
    """Best native speed against the browser's best, one CPU runtime on all threads."""
    native_best, browser_best = best_ms_per_mp(native_row), best_ms_per_mp(browser_row)
    if not (native_best and browser_best):
        return ""
    ratio = native_best / browser_best
    verdict = "meets" if ratio >= 0.5 else "misses"
    return (
        f"**Headline, {native_row['model']}: the browser ({runtime_label(browser_row)}) runs at "
        f"{ratio:.2f} of native TensorFlow's speed** (best {browser_best:,} against "
        f"{native_best:,} ms/MP): {verdict} the 0.5 goal.  "
    )


def quality_table(results: dict) -> list[str]:
    q = results["quality"]
    lines = [
        "## Quality and speed on the same noisy images",
        "",
        f"σ = {q['sigma']}, {q['source']}; the noise is seeded float Gaussian, then clipped "
        "and rounded to 8 bits (a file is what every method gets); PSNR on uint8.",
        "",
        "| method | where | PSNR (dB) | ms/MP | model bytes |",
        "|---|---|---:|---:|---:|",
    ]
    for name, m in q["methods"].items():
        size = f"{m['bytes'] / 1e6:.1f} MB" if m.get("bytes") else "–"
        lines.append(f"| {name} | {m['where']} | {m['psnr']:.2f} | {m['ms_per_mp']:,} | {size} |")
    return lines


def peer_section(results: dict) -> list[str]:
    peer = results.get("peer")
    if not peer:
        return ["## The peer", "", "Not run (`--quick` or `--no-peer`)."]
    return [
        "## The peer: UpscalerJS with MAXIM denoising",
        "",
        f"`upscaler` 1.0.0 + `@upscalerjs/maxim-denoising` 0.1.0 on TF.js 4.11 (installed apart "
        f"in bench/peer), WASM ×{peer['threads']} on the page's main thread, its model loaded "
        "from the local package (its definition points at a CDN). TF.js's WASM backend has no "
        "`Einsum`, which the model uses 732 times: bench/peer/einsum.js adds one built from "
        "the backend's Transpose, Reshape and BatchMatMul (checked against `tf.einsum` on the "
        "CPU backend by the tests).",
        "",
        f"- model: {peer['model_bytes'] / 1e6:.1f} MB; load {peer['load_ms'] / 1000:.1f} s; "
        f"first run (its 256×256 fixture, with warm-up) {peer['first_run_ms'] / 1000:.1f} s",
        f"- the package's own fixture → result: PSNR {peer['fixture_psnr_vs_package_result']} dB "
        "between our run and the package's `assets/result.png`",
        "- 256×256 crops: " + ", ".join(f"{ms / 1000:.1f} s" for ms in peer["crop_ms"]),
    ]


def published_table() -> list[str]:
    lines = [
        "## Published numbers (not measured here)",
        "",
        "CBSD68 and BSD68 PSNR at σ = 15 / 25 / 50 as published (Zhang et al., DRUNet, TPAMI "
        "2021), beside the shipped models' own evaluation (docs/evaluation.md, same protocol).",
        "",
        "| method | CBSD68 σ 15/25/50 | BSD68 σ 15/25/50 | parameters | MAC/pixel |",
        "|---|---|---|---:|---:|",
    ]
    lines += [f"| {n} | {c} | {g} | {p} | {m} |" for n, c, g, p, m in PUBLISHED]
    return lines


def ours_published_rows(cards: dict[str, dict]) -> list[str]:
    rows = []
    for name, model_card in cards.items():
        ev = model_card.get("evaluation", {})

        def triple(dataset: str, ev: dict = ev) -> str:
            scores = ev.get(dataset, {})
            return " / ".join(
                f"{scores[s]['psnr']:.2f}" if s in scores else "–" for s in ("15", "25", "50")
            )

        rows.append(
            f"| ours: {name} | {triple('CBSD68')} | {triple('BSD68')} | "
            f"{model_card['parameters'] / 1e6:.2f} M | {model_card['macs_per_pixel'] / 1e3:.0f} k |"
        )
    return rows


def markdown(results: dict, cards: dict[str, dict], page: Path) -> str:
    """The page with the generated part between the markers replaced."""
    body = [
        START,
        f"Measured {results['date']} on {results['machine']}, one run of `{results['command']}` "
        f"({results['wall_minutes']} min); raw numbers in benchmarks.json.",
        "",
        "![PSNR against speed](benchmarks.png)",
        "",
        *speed_tables(results),
        "",
        *native_table(results, cards),
        "",
        *cbm3d_table(results),
        "",
        *quality_table(results),
        "",
        *peer_section(results),
        "",
        *published_table(),
        *ours_published_rows(cards),
        END,
    ]
    text = page.read_text() if page.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return head + "\n".join(body) + tail


def cbm3d_table(results: dict) -> list[str]:
    row = results["cbm3d"]
    return [
        "## CBM3D speed",
        "",
        "The `bm3d` package (true σ = 25), CPU, same test card as the browser runs.",
        "",
        "| size | seconds | s/MP |",
        "|---|---:|---:|",
        *(f"| {s} MP | {v['s']} | {v['s_per_mp']} |" for s, v in row.items()),
    ]


def plot(results: dict, path: Path) -> None:
    """PSNR (on the crops) against ms/MP (log scale): one point per method and backend.

    Our models' PSNR does not depend on the backend (parity ≥ 45 dB between them), so
    each of their backends is plotted at the model's PSNR with that backend's best speed
    over the sizes measured (the probe's for a backend too slow for any size).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = results["quality"]["methods"]
    points = []
    for row in [*results["browser"], *results["native"]]:
        speed = best_ms_per_mp(row) or row.get("probe_ms_per_mp")
        quality = methods.get(f"ours: {row['model']}")
        label = engine_label(row) if "backend" in row else "native TF"
        if quality and speed:
            points.append((f"{row['model']} {label}", speed, quality["psnr"]))
    for name in ("CBM3D", "UpscalerJS MAXIM"):
        if name in methods:
            points.append((name, methods[name]["ms_per_mp"], methods[name]["psnr"]))

    # Our models' backends share a PSNR, so points sit side by side on one line: text
    # labels next to them collided, a legend (colour per point, marker per model) does not.
    figure, axes = plt.subplots(figsize=(9, 5), dpi=110)
    colours = plt.get_cmap("tab20").colors
    markers = {"default": "o", "fast": "^"}
    for index, (label, speed, psnr) in enumerate(sorted(points, key=lambda p: p[1])):
        axes.scatter(
            speed,
            psnr,
            s=40,
            color=colours[index % len(colours)],
            marker=markers.get(label.split()[0], "s"),
            label=f"{label} ({speed / 1000:,.1f} s/MP)",
        )
    axes.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8, frameon=False)
    axes.set_xscale("log")
    axes.set_xlabel("milliseconds per megapixel, best size (log scale; left is faster)")
    axes.set_ylabel(f"PSNR at σ = {results['quality']['sigma']} (dB)")
    axes.set_title(f"Denoisers on {results['machine']}")
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
