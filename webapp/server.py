"""The asset server: serves the built page and models, and nothing else.

No endpoint receives an image or any other body: GET and HEAD of files under
`static_dir` only. Every response carries the headers of `webapp/policy.py` (the one
policy that `python -m webapp.deploy` also writes out for nginx, Caddy and static hosts):
CSP that only lets the page talk to its own origin, COOP/COEP so that the WASM backend
may use threads, CORS/CORP on the files other sites embed.

    python -m webapp.server --host 127.0.0.1 --port 8000
"""

from __future__ import annotations

import argparse
import mimetypes
import os
import sys
from pathlib import Path

from flask import Flask, Response, abort, request, send_from_directory

from webapp import policy

DEFAULT_STATIC = Path(__file__).resolve().parent / "static"
BUILD_COMMAND = "make build"
REQUIRED_FILES = ("index.html", "models/default/model.json")


class MissingBuildError(RuntimeError):
    """The static folder lacks the built page or the default model."""


def check_static_dir(static_dir: Path) -> None:
    missing = [f for f in REQUIRED_FILES if not (static_dir / f).is_file()]
    if missing:
        raise MissingBuildError(
            f"{static_dir} lacks {', '.join(missing)}: run the build first: {BUILD_COMMAND}"
        )


def create_app(static_dir: Path | str | None = None, check: bool = True) -> Flask:
    """App factory. `check=False` skips the built-page check (for tests of errors)."""
    root = Path(static_dir or DEFAULT_STATIC).resolve()
    if check:
        check_static_dir(root)
    for suffix, mime in policy.MIME_TYPES.items():
        mimetypes.add_type(mime.split(";")[0], suffix)
    app = Flask(__name__, static_folder=None)
    app.config["STATIC_DIR"] = root

    @app.before_request
    def refuse_bodies() -> None:
        if request.content_length or request.headers.get("Transfer-Encoding"):
            abort(400, "this server accepts no request body")

    def serve(path: str) -> Response:
        full = (root / path).resolve()
        if not full.is_relative_to(root) or not full.is_file():
            abort(404)  # outside static/ (.., symlinks out) or a folder: no listings
        relative = full.relative_to(root).as_posix()
        response = send_from_directory(root, relative, conditional=True, etag=True)
        response.headers.update(policy.route_for(relative).headers)
        return response

    @app.get("/", provide_automatic_options=False)
    def index() -> Response:
        return serve("index.html")

    @app.get("/<path:path>", provide_automatic_options=False)
    def static_file(path: str) -> Response:
        if os.path.isabs(path) or "\\" in path:
            abort(404)
        return serve(path)

    @app.after_request
    def common_headers(response: Response) -> Response:
        response.headers.update(policy.COMMON_HEADERS)
        return response

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m webapp.server",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--static-dir", type=Path, default=DEFAULT_STATIC)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--debug", action="store_true", help="Flask's dev server, reloads")
    args = parser.parse_args(argv)
    try:
        app = create_app(args.static_dir)
    except MissingBuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    print(f"serving {args.static_dir} on http://{args.host}:{args.port}", flush=True)
    if args.debug:
        app.run(host=args.host, port=args.port, debug=True)
    else:
        import waitress

        waitress.serve(app, host=args.host, port=args.port, threads=args.threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
