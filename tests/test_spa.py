"""Serving the dashboard: SPA fallback, assets, caching, compression, security headers, and
the base path under a mount prefix. These use a small stand-in for the build, so they need
neither Node nor a database; the browser tests cover the real build."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from litestar import Litestar, asgi, get
from litestar.testing import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from chancy_web.middleware import SecurityHeadersMiddleware
from chancy_web.spa.csp import content_security_policy
from chancy_web.spa.files import accepts
from chancy_web.spa.serve import BASE_PLACEHOLDER, spa_handlers

BOOT = "_app/immutable/boot.abc123.js"
CHUNK = "_app/immutable/chunks/Dx1.js"
PAGE_NODE = "_app/immutable/nodes/5.abc.js"
PAGE_CSS = "_app/immutable/assets/5.abc.css"
STYLE_HASH = "sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo="
INDEX = f"""<!doctype html><html><head>
<link rel="icon" href="{BASE_PLACEHOLDER}/favicon.svg">
<link href="{BASE_PLACEHOLDER}/{CHUNK}" rel="modulepreload">
</head><body><div id="app"><script src="{BASE_PLACEHOLDER}/{BOOT}"></script></div></body></html>
"""


@pytest.fixture
def static_dir(tmp_path: Path) -> Path:
    """What `scripts/build_ui.sh` leaves in chancy_web/static/, in miniature."""
    root = tmp_path / "static"
    (root / "_app" / "immutable" / "chunks").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / BOOT).write_text("console.log('boot')")
    chunk = b"export const x = 1;" * 20
    (root / CHUNK).write_bytes(chunk)
    (root / f"{CHUNK}.gz").write_bytes(gzip.compress(chunk))
    (root / f"{CHUNK}.br").write_bytes(b"pretend-brotli")
    (root / "_app" / "version.json").write_text('{"version":"0.1.0"}')
    (root / "_app" / "csp.json").write_text(json.dumps({"style_hashes": [STYLE_HASH]}))
    (root / "_app" / "routes.json").write_text(
        json.dumps(
            [
                {"id": "/", "pattern": "^\\/$", "js": [], "css": []},
                {
                    "id": "/jobs/[id]",
                    "pattern": "^\\/jobs\\/([^/]+?)\\/?$",
                    "js": [PAGE_NODE],
                    "css": [PAGE_CSS],
                },
            ]
        )
    )
    (root / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for you")
    return root


@get("/api/v1/ping", sync_to_thread=False)
def ping() -> dict[str, bool]:
    return {"ok": True}


def make_app(static_dir: Path | None) -> Litestar:
    return Litestar(
        route_handlers=[ping, *spa_handlers(static_dir)],
        middleware=[SecurityHeadersMiddleware()],
    )


@pytest.fixture
def client(static_dir: Path):
    with TestClient(make_app(static_dir)) as test_client:
        yield test_client


def base_of(html: str) -> str:
    match = re.search(r'<script src="([^"]*)/_app/immutable/boot', html)
    assert match, html
    return match.group(1)


def test_unknown_pages_get_index_html_with_the_base_path_filled_in(client):
    for path in ("/", "/jobs", "/jobs/0190f4b2-7c1e-7a3b-9d2e-111111111111", "/queues/a/b"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["cache-control"] == "no-store"
        assert BASE_PLACEHOLDER not in response.text
        assert base_of(response.text) == ""
        assert f'href="/{CHUNK}"' in response.text


def test_the_page_preloads_the_files_of_the_route_it_shows(static_dir: Path):
    inner = make_app(static_dir)
    host = Litestar(route_handlers=[asgi("/p", is_mount=True, copy_scope=True)(inner)])
    with TestClient(host) as client:
        detail = client.get("/p/jobs/0190f4b2-7c1e-7a3b-9d2e-111111111111").text
        assert f'<link rel="modulepreload" href="/p/{PAGE_NODE}">' in detail
        assert f'<link rel="stylesheet" href="/p/{PAGE_CSS}">' in detail
        for other in ("/p/", "/p/jobs/a/b", "/p/nowhere"):
            assert PAGE_NODE not in client.get(other).text, other


def test_unknown_api_paths_are_json_404_not_the_page(client):
    for path in ("/api", "/api/v1/nope", "/api/v2/jobs"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["status_code"] == 404
    assert client.get("/api/v1/ping").json() == {"ok": True}


def test_missing_assets_are_a_real_404(client):
    for path in ("/_app/immutable/chunks/nope.js", "/_app/nope.css", f"/{CHUNK}.br"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "<html" not in response.text


def test_paths_cannot_escape_the_static_dir(client):
    for raw in ("/_app/..%2F..%2Fsecret.txt", "/_app/%2e%2e/%2e%2e/secret.txt", "/..%2Fsecret.txt"):
        response = client.get(raw)
        assert "not for you" not in response.text, raw


def test_hashed_assets_are_cached_for_good_and_sent_compressed(client):
    response = client.get(f"/{CHUNK}", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.text == "export const x = 1;" * 20

    brotli = client.get(f"/{CHUNK}", headers={"accept-encoding": "gzip, br"})
    assert brotli.headers["content-encoding"] == "br"

    plain = client.get(f"/{CHUNK}", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == "export const x = 1;" * 20


def test_files_without_hashes_are_revalidated(client):
    response = client.get("/_app/version.json")
    assert response.headers["cache-control"] == "no-cache"
    etag = response.headers["etag"]
    again = client.get("/_app/version.json", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert client.get("/favicon.svg").headers["content-type"] == "image/svg+xml"


def test_the_page_is_gzipped_when_accepted(client):
    zipped = client.get("/jobs", headers={"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    plain = client.get("/jobs", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert zipped.text == plain.text


def test_dashboard_responses_carry_a_csp_without_inline_script(client):
    for path in ("/", "/jobs", f"/{BOOT}"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert f"'unsafe-hashes' '{STYLE_HASH}'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-frame-options"] == "DENY"


def test_api_responses_get_the_default_security_headers(client):
    headers = client.get("/api/v1/ping").headers
    assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert headers["x-content-type-options"] == "nosniff"


def test_csp_without_style_hashes_allows_no_inline_style():
    assert "style-src 'self';" in content_security_policy()
    assert "unsafe" not in content_security_policy()


def test_an_unbuilt_dashboard_says_how_to_build_it(tmp_path: Path):
    with TestClient(make_app(tmp_path / "missing")) as client:
        response = client.get("/jobs")
        assert response.status_code == 404
        assert "scripts/build_ui.sh" in response.json()["detail"]
        assert client.get("/api/v1/ping").status_code == 200
    with TestClient(make_app(None)) as client:
        assert client.get("/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/ops/chancy", "/ops/chancy/", "/ops/chancy/jobs", "/ops/chancy/jobs/"]
)
def test_litestar_mount_gets_its_prefix(static_dir: Path, path: str):
    inner = make_app(static_dir)
    host = Litestar(route_handlers=[asgi("/ops/chancy", is_mount=True, copy_scope=True)(inner)])
    with TestClient(host) as client:
        response = client.get(path)
        assert response.status_code == 200
        assert base_of(response.text) == "/ops/chancy"
        assert client.get(f"/ops/chancy/{BOOT}").status_code == 200
        assert client.get("/ops/chancy/api/v1/ping").json() == {"ok": True}
        assert client.get("/ops/chancy/api/v1/nope").status_code == 404


def test_starlette_mount_gets_its_prefix(static_dir: Path):
    host = Starlette(routes=[Mount("/jobs-ui", app=make_app(static_dir))])
    with TestClient(host) as client:  # type: ignore[arg-type]
        for path in ("/jobs-ui/", "/jobs-ui/queues/default"):
            assert base_of(client.get(path).text) == "/jobs-ui"
        assert client.get(f"/jobs-ui/{CHUNK}").status_code == 200
        assert (
            client.get("/jobs-ui/api/v1/nope")
            .headers["content-type"]
            .startswith("application/json")
        )


def test_a_hostile_prefix_is_escaped(static_dir: Path):
    inner = make_app(static_dir)
    host = Litestar(route_handlers=[asgi('/a"b<c>', is_mount=True, copy_scope=True)(inner)])
    with TestClient(host) as client:
        html = client.get('/a"b<c>/jobs').text
        assert '"b<c>' not in html
        assert base_of(html) == "/a%22b%3Cc%3E"


def test_accept_encoding_parsing():
    assert accepts("gzip, deflate, br", "br")
    assert accepts("br;q=0.5, gzip", "br")
    assert not accepts("br;q=0, gzip", "br")
    assert accepts("*", "gzip")
    assert not accepts("identity", "gzip")
    assert not accepts("", "gzip")
