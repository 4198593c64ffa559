"""Fetching one page for `digest add`, with limits an editor's laptop and a CI runner can live with.

A page that never finishes, never stops growing or redirects to a non-web address must end in a
clear message, not a hung command or a capture nobody can build.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from digest.errors import InputError

WEB_SCHEMES = ("http", "https")
USER_AGENT = "digest-add/0.1 (research digest capture tool)"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Page:
    data: bytes
    url: str  # after redirects
    content_type: str  # e.g. text/html, without parameters


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 - urllib hook
        if urlsplit(newurl).scheme not in WEB_SCHEMES:
            raise InputError(f"{req.full_url}: redirected to {newurl}, which is not an http(s) address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def is_web_address(source: str) -> bool:
    return urlsplit(source).scheme.lower() in WEB_SCHEMES


def fetch(url: str, timeout: float, max_bytes: int) -> Page:
    """Download ``url`` whole within ``timeout`` seconds and ``max_bytes``; InputError otherwise."""
    if not is_web_address(url):
        raise InputError(f"{url}: only http:// and https:// addresses can be fetched")
    opener = urllib.request.build_opener(_WebOnlyRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise InputError(f"{url}: the page is {int(declared):,} bytes, over the limit of {max_bytes:,}")
            data = _read_limited(response, url, deadline, timeout, max_bytes)
            return Page(data, response.geturl(), response.headers.get_content_type())
    except urllib.error.HTTPError as err:
        raise InputError(f"{url}: the server answered {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise InputError(f"{url}: cannot fetch ({err.reason})") from None
    except TimeoutError:
        raise InputError(f"{url}: no answer within {timeout:g} seconds") from None
    except (http.client.HTTPException, OSError, ValueError) as err:
        raise InputError(f"{url}: cannot fetch ({type(err).__name__}: {err})") from None


def _read_limited(response, url: str, deadline: float, timeout: float, max_bytes: int) -> bytes:
    """Read in chunks so that a server dripping bytes cannot outlast the timeout."""
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"{url}: the page is over the size limit of {max_bytes:,} bytes")
        if time.monotonic() > deadline:
            raise InputError(f"{url}: not downloaded within {timeout:g} seconds")
        chunks.append(chunk)
    return b"".join(chunks)
