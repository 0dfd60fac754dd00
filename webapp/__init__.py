"""The web app: the static page's sources (src/), its build (static/) and the asset server."""
