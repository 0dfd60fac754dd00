"""An evaluation keeps the earlier report's rows of the models it did not run again, and
only when they were measured the same way (training/report_record.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from training.report_record import Record, merged, read_record

PROTOCOL = {"datasets": ["CBSD68"], "sigmas": [25.0], "limit": None, "crop": None}


def row(psnr: float) -> dict:
    return {"CBSD68": {"25": {"psnr": psnr, "ssim": 0.9, "images": 68}}}


def earlier() -> Record:
    return Record(
        PROTOCOL,
        folders={"default": "models/default", "fast": "models/fast"},
        results={"noisy": row(20.5), "CBM3D": row(30.9), "default": row(31.2), "fast": row(30.9)},
        method_args={"CBM3D": ["--cbm3d-limit", "10"]},
    )


def test_a_run_of_one_model_keeps_the_others_rows_in_their_order() -> None:
    new = Record(PROTOCOL, {"photo": "models/photo"}, {"noisy": row(20.5), "photo": row(30.7)}, {})
    got = merged(new, earlier())
    assert list(got.results) == ["noisy", "CBM3D", "default", "fast", "photo"]
    assert got.results["photo"] == row(30.7) and got.results["default"] == row(31.2)
    assert got.folders == {
        "default": "models/default",
        "fast": "models/fast",
        "photo": "models/photo",
    }
    assert got.method_args == {"CBM3D": ["--cbm3d-limit", "10"]}  # the kept CBM3D row's


def test_a_model_run_again_replaces_its_row_and_cbm3d_its_arguments() -> None:
    new = Record(
        PROTOCOL,
        {"default": "runs/default-2"},
        {"noisy": row(20.5), "CBM3D": row(31.0), "default": row(31.3)},
        {"CBM3D": ["--cbm3d-limit", "68"]},
    )
    got = merged(new, earlier())
    assert got.results["default"] == row(31.3) and got.results["fast"] == row(30.9)
    assert got.folders["default"] == "runs/default-2"
    assert got.method_args == {"CBM3D": ["--cbm3d-limit", "68"]}


def test_rows_measured_otherwise_are_not_kept() -> None:
    other = {**PROTOCOL, "limit": 5}
    new = Record(other, {"photo": "models/photo"}, {"noisy": row(20.1), "photo": row(30.1)}, {})
    assert merged(new, earlier()) == new
    assert merged(new, None) == new


def test_the_record_reads_back_and_anything_else_starts_anew(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "evaluation.json"
    assert read_record(path) is None  # no earlier report
    path.write_text(earlier().to_json())
    assert read_record(path) == earlier()
    caplog.set_level(logging.WARNING)
    path.write_text('{"noisy": {"CC15": 33.4}}')  # a report from before records
    assert read_record(path) is None
    path.write_text("{not json")
    assert read_record(path) is None
    assert caplog.text.count("is not an evaluation record") == 2
