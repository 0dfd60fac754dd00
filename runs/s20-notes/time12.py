"""One-off: photo-fast through the page's own engine (litert-wasm, 2 threads) at 1 and 12 MP."""

import json

from bench import browser

chromium = browser.Browser()
try:
    import sys

    row = browser.time_engine(
        chromium, sys.argv[1], "litert-wasm", 2, [float(x) for x in sys.argv[2:]], 600, print
    )
finally:
    chromium.close()
print(json.dumps(row, indent=1))
