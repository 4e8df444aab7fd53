"""The dashboard's security headers, with a CSP completed from the build's style hashes."""

from __future__ import annotations

import json
import re

#: Written by the UI build: hashes of the inline style attributes in its templates.
CSP_FILE = "_app/csp.json"
_HASH = re.compile(r"sha(256|384|512)-[A-Za-z0-9+/]+=*")


def content_security_policy(style_hashes: list[str] | tuple[str, ...] = ()) -> str:
    """No inline script at all; inline style attributes only by hash ('unsafe-hashes')."""
    styles = " ".join(["'self'", *(["'unsafe-hashes'"] if style_hashes else [])])
    styles += "".join(f" '{h}'" for h in style_hashes)
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {styles}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


#: Headers on every dashboard response (the CSP is completed from the build's CSP_FILE).
SECURITY_HEADERS = {
    "Content-Security-Policy": content_security_policy(),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def security_headers(csp_file: bytes | None) -> dict[str, str]:
    """SECURITY_HEADERS with the CSP allowing the inline style hashes of `csp_file` (the
    build's CSP_FILE, None when missing)."""
    hashes: list[str] = []
    if csp_file is not None:
        try:
            loaded = json.loads(csp_file)
            hashes = [h for h in loaded.get("style_hashes", []) if _HASH.fullmatch(h)]
        except (ValueError, AttributeError):
            hashes = []
    return {**SECURITY_HEADERS, "Content-Security-Policy": content_security_policy(hashes)}
