"""The page's HTTP header policy, as data: the one source for every server that hosts it.

Why one file: the page only works, and only keeps its privacy promise, with these headers
(a CSP that lets it talk to its own origin only; COOP/COEP so that WASM may use threads;
CORP/CORS so that other sites can embed the widget's files; revalidated page and models,
immutable hashed build assets). `webapp/server.py` applies it per request and
`webapp/deploy.py` writes it out as nginx, Caddy and `_headers` configs, so the servers
cannot drift apart. Paths here are relative to the static folder, without a leading "/".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALLOWED_METHODS = ("GET", "HEAD")

CSP = "; ".join(
    [
        "default-src 'self'",
        # blob: lets TF.js's WASM threads start: each pthread worker imports the
        # backend from a blob URL. Without it the thread pool never starts.
        "script-src 'self' 'wasm-unsafe-eval' blob:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "img-src 'self' blob: data:",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        # Any site may frame the page (the iframe way of embedding it); it has nothing to
        # click-jack: no account, no upload, no state beyond the user's own image.
        "frame-ancestors *",
    ]
)

# On every response, errors included.
COMMON_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    # Public static files: readable (and frameable) by a cross-origin isolated host.
    "Cross-Origin-Resource-Policy": "cross-origin",
}

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@dataclass(frozen=True)
class Route:
    """A class of files and the headers they get on top of COMMON_HEADERS.

    `pattern` is a regular expression searched in the path (the syntax nginx's PCRE,
    Caddy's RE2 and Python's re share); `splats` the same set as `_headers` URL patterns
    (static hosts match `*` only, not regular expressions)."""

    name: str
    pattern: str
    splats: tuple[str, ...]
    headers: dict[str, str]

    def matches(self, path: str) -> bool:
        return re.search(self.pattern, path) is not None


CORS_READABLE = {"Access-Control-Allow-Origin": "*"}

# First match wins. Vite names build outputs name-HASH.ext: their content never changes
# under a name. Models, wasm and the widget with the chunks it imports (assets/) are for
# other sites too.
ROUTES: tuple[Route, ...] = (
    Route(
        "hashed build asset",
        r"^assets/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$",
        ("/assets/*",),
        {"Cache-Control": IMMUTABLE, **CORS_READABLE},
    ),
    Route(
        "embeddable file",
        r"^(models/|widget/|assets/|wasm/)|\.wasm$",
        ("/models/*", "/widget/*", "/wasm/*"),
        {"Cache-Control": REVALIDATE, **CORS_READABLE},
    ),
    Route("page file", r"", ("/*",), {"Cache-Control": REVALIDATE}),
)

# Every kind of file the build holds (tests check that none is missing).
MIME_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".bin": "application/octet-stream",
    ".tflite": "application/octet-stream",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}
DEFAULT_MIME = "application/octet-stream"


def route_for(path: str) -> Route:
    """The route of a file path relative to the static folder ("" is the page itself)."""
    path = path.lstrip("/") or "index.html"
    return next(route for route in ROUTES if route.matches(path))


def headers_for(path: str) -> dict[str, str]:
    """Every policy header a successful response for `path` carries."""
    return {**COMMON_HEADERS, **route_for(path).headers}
