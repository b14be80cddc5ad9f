"""What the sync's HTTP clients verify TLS with: one place for the client and its page helper."""

import functools
import ssl


@functools.cache
def _default_context() -> ssl.SSLContext:
    """httpx's default TLS context (certificates checked against its CA bundle, or the one
    SSL_CERT_FILE names), made once per process: loading the bundle takes 40 ms here."""
    import httpx

    return httpx.create_ssl_context()


def verify_for(base_url: str) -> ssl.SSLContext | bool:
    """The `verify` argument of an httpx client for `base_url`. A plain http:// server (a court
    intranet without TLS, the tests) needs no CA bundle: requests use relative paths and
    redirects are not followed, so none can reach TLS."""
    return _default_context() if base_url.lower().startswith("https:") else False
