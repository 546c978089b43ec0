"""The GraphiQL page, served fully offline.

``build.sh`` (run by ``make install``) copies pinned UMD bundles of React 18 and GraphiQL 4
into ``hub/http/ide/static/``; :func:`ide_routes` serves them under ``/ide-assets/`` next to the
page at ``/graphiql``. The page loads nothing from any other origin: the GraphiQL stylesheet
carries its fonts inline (``data:`` URLs) and the Content-Security-Policy sent with the page
blocks every other origin anyway (except the GraphQL endpoint's, if it is an absolute URL).
The page's own script is ``ide.js`` (committed, shipped in the wheel with this module), inlined
into the page and allowed by the policy through its sha256.

The headers editor is open and pre-filled with a template for the bearer token and the
``X-Purpose`` header; a header still holding the ``<paste token>`` placeholder is not sent.
The token is never written to the browser's storage: headers are not persisted, and the
query history GraphiQL keeps in ``localStorage`` is stored with credential headers reset to
the placeholder. Changing the headers re-fetches the schema (GraphiQL's first introspection
runs before the headers editor exists, i.e. without the token: a request with no
``Authorization`` header is answered in the page with "No token yet", never sent to a 401).

If the assets are missing the page says so ("IDE assets not built: run make install")
instead of rendering a blank screen.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

__all__ = [
    "ASSETS_PATH",
    "BOOTSTRAP_FILE",
    "DEFAULT_HEADERS",
    "PAGE_PATH",
    "STATIC_DIR",
    "ide_assets_present",
    "ide_html",
    "ide_routes",
]

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE_PATH = "/graphiql"
ASSETS_PATH = "/ide-assets"

_STYLESHEET = "graphiql.min.css"
# Load order matters: GraphiQL's UMD bundle reads the React and ReactDOM globals.
_SCRIPTS = ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js")
_ASSET_FILES = (_STYLESHEET, *_SCRIPTS)
_STAMP_FILE = ".build-stamp"

HEADER_PLACEHOLDER = "<paste token>"
DEFAULT_HEADERS: dict[str, str] = {
    "Authorization": f"Bearer {HEADER_PLACEHOLDER}",
    "X-Purpose": "SUPERVISION",
}
_DEFAULT_QUERY = """\
# credit-hub GraphQL IDE
#
# 1. In "Headers" below, replace <paste token>
#    with your bearer token and set X-Purpose.
#    The schema (docs, completion) reloads itself.
# 2. Run a query: Ctrl-Enter or the play button.

{
  __typename
}
"""

_MISSING_MESSAGE = "IDE assets not built: run make install"
_NO_TOKEN_MESSAGE = "No token yet: paste your bearer token into Headers (the schema then loads)"  # noqa: S105 (a message, not a secret)
_LOAD_FAILED_MESSAGE = "IDE assets failed to load (see the browser console): run make install"

# Static (``ide.js``, committed beside this module), so the Content-Security-Policy can allow
# exactly this inline script by hash; the per-page values travel in a JSON data block that is
# never executed.
BOOTSTRAP_FILE = Path(__file__).resolve().parent / "ide.js"
_BOOTSTRAP_JS = BOOTSTRAP_FILE.read_text(encoding="utf-8")
_BOOTSTRAP_HASH = base64.b64encode(hashlib.sha256(_BOOTSTRAP_JS.encode()).digest()).decode()


def ide_assets_present() -> bool:
    """Whether ``build.sh`` has put every bundle the page needs into :data:`STATIC_DIR`."""
    return all(_non_empty_file(STATIC_DIR / name) for name in _ASSET_FILES)


def ide_html(endpoint: str = "/graphql", *, assets_url: str = ASSETS_PATH) -> str:
    """The GraphiQL page talking to ``endpoint``, or a plain notice if the assets are missing.

    ``assets_url`` is where :func:`ide_routes` mounts the bundles (prefixed with the ASGI
    ``root_path`` when served through it).
    """
    if not ide_assets_present():
        return _missing_html()
    base = assets_url.rstrip("/")
    version = _asset_version()
    query = f"?v={version}" if version else ""

    def url(name: str) -> str:
        return html.escape(f"{base}/{name}{query}", quote=True)

    config = {
        "endpoint": endpoint,
        "defaultHeaders": json.dumps(DEFAULT_HEADERS, indent=2),
        "defaultQuery": _DEFAULT_QUERY,
        "placeholder": HEADER_PLACEHOLDER,
        "loadFailedMessage": _LOAD_FAILED_MESSAGE,
        "noTokenMessage": _NO_TOKEN_MESSAGE,
    }
    scripts = "\n".join(f'<script src="{url(name)}"></script>' for name in _SCRIPTS)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>credit-hub · GraphiQL</title>
<link rel="stylesheet" href="{url(_STYLESHEET)}">
<style>
html, body {{ height: 100%; margin: 0; overflow: hidden; }}
#graphiql {{ height: 100vh; }}
</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script type="application/json" id="ide-config">{_json_for_script(config)}</script>
{scripts}
<script>{_BOOTSTRAP_JS}</script>
</body>
</html>
"""


def ide_routes(endpoint: str = "/graphql") -> list[BaseRoute]:
    """``GET /graphiql`` (the page) and ``/ide-assets`` (the bundles).

    Works whether or not the assets are built: without them the page shows
    "IDE assets not built: run make install" and ``/ide-assets/*`` answers 404.
    """

    def page(request: Request) -> HTMLResponse:
        root_path = str(request.scope.get("root_path", "")).rstrip("/")
        body = ide_html(endpoint, assets_url=root_path + ASSETS_PATH)
        return HTMLResponse(
            body,
            headers={
                "Cache-Control": "no-store",
                "Content-Security-Policy": _content_security_policy(endpoint),
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    return [
        Route(PAGE_PATH, page, methods=["GET"], name="graphiql"),
        Mount(ASSETS_PATH, app=_AssetFiles(directory=STATIC_DIR), name="ide-assets"),
    ]


class _AssetFiles(StaticFiles):
    """StaticFiles that answers 404 (not 500) while the directory has not been built yet."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, check_dir=False)

    async def check_config(self) -> None:
        if self.directory is not None and not await anyio.to_thread.run_sync(
            os.path.isdir, self.directory
        ):
            return  # lookups 404 until build.sh creates it; nothing to misconfigure
        await super().check_config()


def _missing_html() -> str:
    message = html.escape(_MISSING_MESSAGE)
    static_dir = html.escape(str(STATIC_DIR))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>credit-hub · GraphiQL (not built)</title>
<style>body {{ font-family: sans-serif; margin: 3rem; }} code {{ background: #eee; }}</style>
</head>
<body>
<h1>{message}</h1>
<p>The GraphiQL bundles are missing from <code>{static_dir}</code>.
Run <code>make install</code> (or <code>hub/http/ide/build.sh</code>) and reload this page.</p>
</body>
</html>
"""


def _content_security_policy(endpoint: str) -> str:
    connect = ["'self'"]
    parts = urlsplit(endpoint)
    if parts.scheme in ("http", "https") and parts.netloc:
        connect.append(f"{parts.scheme}://{parts.netloc}")
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' 'sha256-{_BOOTSTRAP_HASH}'",
            "style-src 'self' 'unsafe-inline'",
            "font-src 'self' data:",
            "img-src 'self' data:",
            f"connect-src {' '.join(connect)}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def _json_for_script(value: object) -> str:
    """JSON that cannot close the surrounding ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset_version() -> str:
    """A short tag from the build stamp (the lock file's hash), to bust browser caches."""
    try:
        first = (STATIC_DIR / _STAMP_FILE).read_text(encoding="utf-8").split("\n", 1)[0]
    except OSError:
        return ""
    digest = first.rpartition(" ")[2]
    return digest[:12] if digest.isalnum() else ""


def _non_empty_file(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False
