"""The JSON record beside an evaluation report, and the rows a new run keeps from it.

Why: `python -m training.evaluate models/photo` used to rewrite docs/evaluation.md (and,
with `--real`, docs/real-noise.md) with only the models it was given, dropping every other
model's rows; updating one model meant running all of them again (minutes each) or merging
tables by hand. Each report now has a record beside it (`NAME.json`: the protocol, each
model's folder, the results), and a run with the same protocol keeps the earlier rows of
the methods it did not compute itself. A run with another protocol (other sets, sigmas,
strengths, image limit or crop) starts a new record: its numbers would not compare.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Record:
    """protocol: what makes two runs' numbers comparable; folders: model name -> the
    folder it was read from; method_args: other method -> the command-line arguments
    that produced its row (CBM3D's image limit); both for the report's command line.
    results: method -> its rows, in report order."""

    protocol: dict[str, Any]
    folders: dict[str, str]
    results: dict[str, Any]
    method_args: dict[str, list[str]]

    def to_json(self) -> str:
        names = ("protocol", "folders", "method_args", "results")
        fields = {k: getattr(self, k) for k in names}
        return json.dumps(fields, indent=1) + "\n"


def read_record(path: Path) -> Record | None:
    """The record at `path`, or None when there is none or it is not one (an older
    report's plain results): the new run then starts a new record."""
    try:
        raw = json.loads(path.read_text())
        return Record(raw["protocol"], raw["folders"], raw["results"], raw["method_args"])
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        log.warning("%s is not an evaluation record (%s): starting a new one", path, error)
        return None


def merged(new: Record, previous: Record | None) -> Record:
    """`new` plus the rows of `previous` for methods `new` did not compute, when both were
    measured the same way. Order: methods that are not models (noisy, CBM3D) first, then
    the earlier report's order, then methods new to it."""
    if previous is None or previous.protocol != new.protocol:
        if previous is not None:
            log.info("the earlier report was measured otherwise: its rows are not kept")
        return new
    results = {**previous.results, **new.results}
    folders = {**previous.folders, **new.folders}
    method_args = {**previous.method_args, **new.method_args}
    order = sorted(results, key=lambda m: m in folders)  # stable: non-models first
    kept = [m for m in previous.results if m not in new.results]
    if kept:
        log.info("keeping the earlier report's rows for: %s", ", ".join(kept))
    return Record(
        new.protocol,
        {m: folders[m] for m in order if m in folders},
        {m: results[m] for m in order},
        {m: method_args[m] for m in order if m in method_args},
    )


def update(path: Path, new: Record) -> Record:
    """Merge `new` into the record at `path` (see `merged`), write it back, return it:
    what each report of training.evaluate does before writing its table."""
    record = merged(new, read_record(path))
    path.write_text(record.to_json())
    return record
