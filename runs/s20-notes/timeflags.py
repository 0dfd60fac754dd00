"""One-off: the page's engine at 1 MP under extra Chromium flags (argv[1], comma-separated)."""

import sys
from bench import browser

extra = [f for f in sys.argv[1].split(",") if f]
browser.CHROMIUM_FLAGS = [*browser.CHROMIUM_FLAGS, *extra]
chromium = browser.Browser()
try:
    for spec in sys.argv[2:]:
        model, backend, mp = spec.split(":")
        print("flags", extra)
        browser.time_engine(chromium, model, backend, 2, [float(mp)], 900, print)
finally:
    chromium.close()
