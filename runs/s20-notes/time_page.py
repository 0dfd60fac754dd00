"""One-off (session 20): the page's own engine timed in Chromium, 2 threads, one run each.

    PYTHONPATH=. python runs/s20-notes/time_page.py FLAGS MODEL:BACKEND:MP [...]

FLAGS: extra Chromium flags, comma-separated ("" for none), e.g. "--js-flags=--no-liftoff".
Used for docs/runtimes.md "Remeasured": `"" photo:litert-wasm:12 photo-fast:litert-wasm:12
fast:litert-wasm:12`, the 1 MP rows, and `photo:wasm:1` / `fast:wasm:1` for TF.js.
"""

import sys

from bench import browser

extra = [f for f in sys.argv[1].split(",") if f]
browser.CHROMIUM_FLAGS = [*browser.CHROMIUM_FLAGS, *extra]
chromium = browser.Browser()
try:
    print("extra flags:", extra)
    for spec in sys.argv[2:]:
        model, backend, mp = spec.split(":")
        browser.time_engine(chromium, model, backend, 2, [float(mp)], 900, print)
finally:
    chromium.close()
