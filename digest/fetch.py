"""Fetching one page for `digest add`, with limits an editor's laptop and a CI runner can live with.

A page that never finishes, never stops growing or redirects to a non-web address must end in a
clear message, not a hung command or a capture nobody can build.

The address fetched is the address recorded, and a recorded address can attribute the article to
an outlet (attribution.py). So every host, the first and each redirect's, is put in the one form
attribution compares (UTS #46, punycode) before it is looked up: Python's resolver would map
"straße.de" by IDNA 2003 to strasse.de, another domain than the xn--strae-oqa.de attributed.
A public page may not redirect into loopback, private or link-local addresses (an outlet's page
must not make an editor's machine or a CI runner fetch its own services into content/).
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from digest.attribution import normalise_host
from digest.errors import InputError

WEB_SCHEMES = ("http", "https")
USER_AGENT = "digest-add/0.1 (research digest capture tool)"
_CHUNK = 64 * 1024
_SINGLE_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$")


@dataclass(frozen=True)
class Page:
    data: bytes
    url: str  # after redirects
    content_type: str  # e.g. text/html, without parameters


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 - urllib hook
        if _split(newurl).scheme.lower() not in WEB_SCHEMES:
            raise InputError(f"{req.full_url}: redirected to {newurl}, which is not an http(s) address")
        target = canonical_address(newurl)
        if _is_public(_split(req.full_url).hostname or "") and not _is_public(_split(target).hostname or ""):
            raise InputError(f"{req.full_url}: redirected to {newurl}, a loopback, private or link-local address")
        return super().redirect_request(req, fp, code, msg, headers, target)


def canonical_address(url: str) -> str:
    """``url`` with its host in the form attribution compares; InputError if it has none."""
    parts = _split(url)
    try:
        port = parts.port
    except ValueError:
        raise InputError(f"{url}: the port is not a number") from None
    if "@" in parts.netloc:
        raise InputError(f"{url}: an address with user information (user@host) is not fetched")
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
        ascii_host = host if ":" not in host else f"[{host}]"
    except ValueError:  # a name: an intranet's single label as it is, any other in attribution's form
        ascii_host = host.rstrip(".") if _SINGLE_LABEL.match(host) else normalise_host(host)
    if not ascii_host:
        raise InputError(f"{url}: {host!r} is not a host name that can be fetched")
    netloc = ascii_host + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def _is_public(host: str) -> bool:
    """Whether every address ``host`` resolves to is a global one (an unresolvable host is not)."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses)


def is_web_address(source: str) -> bool:
    return _split(source).scheme.lower() in WEB_SCHEMES


def _split(url: str):
    """urlsplit, with an address it cannot read ("http://[::1") named in an InputError."""
    try:
        return urlsplit(url)
    except ValueError as err:
        raise InputError(f"{url}: not an address that can be read ({err})") from None


def fetch(url: str, timeout: float, max_bytes: int) -> Page:
    """Download ``url`` whole within ``timeout`` seconds and ``max_bytes``; InputError otherwise."""
    if not is_web_address(url):
        raise InputError(f"{url}: only http:// and https:// addresses can be fetched")
    opener = urllib.request.build_opener(_WebOnlyRedirects)
    request = urllib.request.Request(canonical_address(url), headers={"User-Agent": USER_AGENT})
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
