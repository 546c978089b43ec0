"""The offline GraphiQL page: only local assets, every one of them served.

The assets are built by ``make install`` (``hub/http/ide/build.sh``); if they are missing these
tests fail on purpose rather than skip.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from hub.http.ide import page
from hub.http.ide.page import BOOTSTRAP_FILE, ide_assets_present, ide_html, ide_routes

_REF = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]*)\"", re.IGNORECASE)
_CONFIG = re.compile(r'<script type="application/json" id="ide-config">(.*?)</script>', re.S)


def _client() -> TestClient:
    return TestClient(Starlette(routes=ide_routes()))


def _refs(html: str) -> list[str]:
    return _REF.findall(html)


def test_assets_are_built() -> None:
    assert ide_assets_present(), "IDE assets missing: run make install (hub/http/ide/build.sh)"


def test_page_references_only_local_assets() -> None:
    response = _client().get("/graphiql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "IDE assets not built" not in html
    assert "http://" not in html
    assert "https://" not in html
    assert "//" not in html  # no protocol-relative URL either
    refs = _refs(html)
    local = [ref for ref in refs if ref.startswith("/ide-assets/")]
    # Nothing but /ide-assets/ (the favicon is an inline empty data: URL, so no request).
    assert sorted(set(refs) - set(local)) == ["data:,"]
    names = {ref.split("?", 1)[0].rsplit("/", 1)[1] for ref in local}
    assert names == {
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "graphiql.min.css",
    }
    # React must load before ReactDOM, both before GraphiQL.
    scripts = [ref.split("?", 1)[0] for ref in local if ".js" in ref]
    assert scripts == [
        "/ide-assets/react.production.min.js",
        "/ide-assets/react-dom.production.min.js",
        "/ide-assets/graphiql.min.js",
    ]


def test_every_referenced_asset_is_served() -> None:
    client = _client()
    refs = [ref for ref in _refs(client.get("/graphiql").text) if ref.startswith("/ide-assets/")]
    assert len(refs) == 4
    for ref in refs:
        response = client.get(ref)
        assert response.status_code == 200, ref
        assert len(response.content) > 1000, ref
        expected = "text/css" if ref.split("?")[0].endswith(".css") else "javascript"
        assert expected in response.headers["content-type"], ref


def test_stylesheet_pulls_nothing_from_the_network() -> None:
    client = _client()
    css_ref = next(r for r in _refs(client.get("/graphiql").text) if ".css" in r)
    css = client.get(css_ref).text
    assert "@import" not in css
    assert re.search(r"url\(\s*[\"']?(?:https?:)?//", css, re.IGNORECASE) is None
    assert "http" not in css


def test_headers_editor_template_and_fetcher() -> None:
    response = _client().get("/graphiql")
    html = response.text
    match = _CONFIG.search(html)
    assert match is not None
    config = json.loads(match.group(1))
    assert config["endpoint"] == "/graphql"
    assert json.loads(config["defaultHeaders"]) == {
        "Authorization": "Bearer <paste token>",
        "X-Purpose": "SUPERVISION",
    }
    assert "isHeadersEditorEnabled: true" in html
    assert "shouldPersistHeaders: false" in html
    assert 'method: "POST"' in html
    # The placeholder cannot break out of the JSON <script> block.
    assert "<paste token>" not in match.group(1)


def test_content_security_policy_keeps_the_page_offline() -> None:
    csp = _client().get("/graphiql").headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self' 'sha256-" in csp
    assert "connect-src 'self'" in csp
    assert "http" not in csp


def test_custom_endpoint_is_used() -> None:
    html = ide_html("/api/graphql")
    match = _CONFIG.search(html)
    assert match is not None
    assert json.loads(match.group(1))["endpoint"] == "/api/graphql"


def test_missing_assets_say_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(page, "STATIC_DIR", tmp_path / "not-built")
    assert not ide_assets_present()
    client = _client()
    response = client.get("/graphiql")
    assert response.status_code == 200
    assert "IDE assets not built: run make install" in response.text
    assert "<script" not in response.text
    assert client.get("/ide-assets/graphiql.min.js").status_code == 404


def test_the_page_inlines_ide_js_and_the_policy_allows_exactly_it() -> None:
    response = _client().get("/graphiql")
    script = BOOTSTRAP_FILE.read_text(encoding="utf-8")
    assert f"<script>{script}</script>" in response.text
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in response.headers["content-security-policy"]
