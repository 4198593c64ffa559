"""Which outlet published an article: decided on evidence only, and saying which evidence.

A wrong outlet puts another outlet's reliability rating on an article, so attribution is never
taken from the capture itself: a hostile page can print any name, canonical link, og:site_name,
copyright line or hidden tag it likes. Two kinds of evidence count:

- ``editor``: the sidecar's ``outlet:``, an editor's word in a reviewed pull request;
- ``source-url``: the address the capture's bytes came from, recorded by ``digest add`` in the
  sidecar's provenance together with their SHA-256. It counts only while the capture still has
  that hash, and only if its host is a profiled outlet's domain or a subdomain of it.

What the page says about itself is kept as ``outlet_claimed`` and shown as a claim, never with
a rating. This module is the one place that turns names, domains and addresses into outlets.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import idna
from confusable_homoglyphs import confusables
from tld import is_tld

from digest.paths import safe_name
from digest.records import Outlet
from digest.schemas import SidecarModel
from digest.site.escaping import heading_text, safe_url

AttributionSource = Literal["editor", "source-url"]
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


@dataclass(frozen=True)
class Attribution:
    """An article's outlet and the evidence it rests on; all None when there is none."""

    outlet_id: str | None = None
    outlet_name: str | None = None  # shown when the outlet has no profile yet
    source: AttributionSource | None = None
    fetched_host: str | None = None  # the host the capture was fetched from, when recorded


_BLANK_SYMBOLS = frozenset("\u2800\ufffc")  # draw nothing, yet are neither spaces nor invisible to Unicode
_JOINERS_AND_SELECTORS = re.compile("[\u200c\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef]")


@functools.lru_cache(maxsize=4096)  # profile names are compared for every sidecar
def reads_as(name: str) -> str:
    """A name as a reader tells it from others: invisible characters out (the joiners and
    variation selectors a shown name keeps too), compatibility forms (full width, ligatures,
    no-break spaces) folded, letters of other scripts that look like Latin ones (Cyrillic "а",
    Greek "Τ", by Unicode's confusables data) read as those, every dash as "-", blank symbols
    as spaces, case and spacing ignored."""
    shown = unicodedata.normalize("NFKC", _JOINERS_AND_SELECTORS.sub("", heading_text(name)))
    return " ".join("".join(map(_as_latin, shown)).casefold().split())


@functools.lru_cache(maxsize=None)
def _as_latin(character: str) -> str:
    if character.isascii():
        return character
    if character in _BLANK_SYMBOLS:
        return " "
    if unicodedata.category(character) == "Pd":
        return "-"
    for found in confusables.is_confusable(character, greedy=True, preferred_aliases=["latin"]) or []:
        latin = next((glyph["c"] for glyph in found["homoglyphs"] if glyph["n"].startswith("LATIN")), None)
        if latin:
            return latin
    return character


def lookalike_profile(name: str, outlets: Mapping[str, Outlet]) -> Outlet | None:
    """The profile an editor's ``outlet:`` reads as without naming it (its id, name or domain
    with an invisible, full-width or look-alike character, "Reuters\u200b"): such a name would
    show as the profile's next to it, under another rating, and share its search filter."""
    names = _names_of(outlets)
    return None if names.named(name) else names.read_as.get(reads_as(name))


@dataclass(frozen=True)
class _ProfileNames:
    """Every way an editor may name a profile, indexed once per profile set: each sidecar is
    looked up in it, and walking every profile for each of 10,000 sidecars took seconds."""

    by_name: dict[str, Outlet]  # id or lower-case name, the first profile that has it
    by_domain: dict[str, str]  # normalised domain -> outlet id (domains_of)
    read_as: dict[str, Outlet]  # reads_as() of an id, name or domain -> the first profile

    @classmethod
    def of(cls, outlets: Mapping[str, Outlet]) -> "_ProfileNames":
        by_name: dict[str, Outlet] = {}
        read_as: dict[str, Outlet] = {}
        for outlet in outlets.values():
            by_name.setdefault(outlet.id, outlet)
            by_name.setdefault(outlet.name.lower(), outlet)
        for outlet in outlets.values():
            for spelling in (outlet.id, outlet.name, *outlet.domains):
                read_as.setdefault(reads_as(spelling), outlet)
        return cls(by_name, domains_of(outlets), read_as)

    def named(self, name: str) -> Outlet | None:
        """The profile ``name`` names exactly: its id or name in any case, or one of its domains."""
        wanted = name.strip().lower()
        if wanted in self.by_name:
            return self.by_name[wanted]
        host = normalise_host(wanted.removeprefix("www."))
        owner = self.by_domain.get(host) if host else None
        return self.by_name[owner] if owner else None


_last_names: tuple[Mapping[str, Outlet], _ProfileNames] | None = None


def _names_of(outlets: Mapping[str, Outlet]) -> _ProfileNames:
    """The index of this profile set, kept for the next sidecar (a build reads its profiles once
    and never changes them; the mapping itself is kept, so its id cannot be reused meanwhile)."""
    global _last_names
    if _last_names is None or _last_names[0] is not outlets:
        _last_names = (outlets, _ProfileNames.of(outlets))
    return _last_names[1]


def attribute(sidecar: SidecarModel | None, capture_sha256: str, outlets: Mapping[str, Outlet]) -> Attribution:
    """The article's outlet: the editor's word, else the profile serving the recorded address.

    An ``outlet:`` that only looks like a profile's name attributes nothing (reported by the
    pipeline at its line)."""
    fetched_host = recorded_host(sidecar, capture_sha256)
    if sidecar and sidecar.outlet and not lookalike_profile(sidecar.outlet, outlets):
        outlet_id, name = _named_outlet(sidecar.outlet, outlets)
        return Attribution(outlet_id, name, "editor", fetched_host)
    profile = profile_serving(fetched_host, outlets) if fetched_host else None
    if profile:
        return Attribution(profile.id, profile.name, "source-url", fetched_host)
    return Attribution(fetched_host=fetched_host)


def recorded_host(sidecar: SidecarModel | None, capture_sha256: str) -> str | None:
    """The host `digest add` fetched these very bytes from, or None without such a record."""
    provenance = sidecar.provenance if sidecar else None
    if not provenance or not provenance.url or provenance.sha256 != capture_sha256:
        return None
    return web_host(provenance.url)


def provenance_mismatch(sidecar: SidecarModel | None, capture_sha256: str) -> bool:
    """True when the sidecar records a hash the capture no longer has: it was changed after `digest add`."""
    provenance = sidecar.provenance if sidecar else None
    return bool(provenance and provenance.sha256 and provenance.sha256 != capture_sha256)


def web_host(url: str) -> str | None:
    """The normalised host of an http(s) URL that can only mean that host, else None.

    Refused: user information (``reuters.com@evil.org``), a port other than the scheme's own,
    backslashes, spaces and quotes (parsers disagree on them), and hosts that are not DNS names
    once case, a trailing dot and international characters are normalised (IDNA, UTS #46).
    """
    url = safe_url(url)
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if "@" in parts.netloc or (port is not None and port != _DEFAULT_PORTS[scheme]):
        return None
    return normalise_host(parts.hostname or "")


def normalise_host(host: str) -> str | None:
    """A host name in its ASCII (punycode) lowercase form without a trailing dot, or None.

    International characters are mapped as browsers map them (UTS #46: full-width letters and
    the ideographic full stop are the ASCII ones); a label that stays non-ASCII becomes its
    punycode A-label, so a Cyrillic look-alike is a different host.
    """
    try:
        mapped = idna.uts46_remap(host.strip(), std3_rules=False, transitional=False)
        labels = [label if label.isascii() else idna.alabel(label).decode("ascii") for label in mapped.rstrip(".").split(".")]
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    ascii_host = ".".join(labels).lower()
    return ascii_host if _HOST.match(ascii_host) else None


def profile_serving(host: str, outlets: Mapping[str, Outlet]) -> Outlet | None:
    """The profile whose domain is ``host`` or its nearest parent ("world.wire.example" -> wire.example)."""
    labels = host.split(".")
    by_domain = _names_of(outlets).by_domain
    for start in range(len(labels) - 1):
        outlet_id = by_domain.get(".".join(labels[start:]))
        if outlet_id:
            return outlets[outlet_id]
    return None


def profile_domain(domain: str) -> str | None:
    """A profile's domain in normalised form, or None if it cannot name one outlet's sites.

    A public suffix (``com``, ``co.uk``, ``github.io``, ``blogspot.com``, ``公司.cn``: the Public
    Suffix List, as bundled by the tld package, in either spelling of an international name) is
    shared by sites of many owners, so it would hand one outlet's rating to all of them.
    """
    host = normalise_host(domain)
    if not host or "." not in host:
        return None
    return None if is_tld(host) or is_tld(_unicode_form(host)) else host


def _unicode_form(host: str) -> str:
    """The host with its punycode labels decoded: the Public Suffix List writes 公司.cn so."""
    try:
        return ".".join(idna.decode(label) if label.startswith("xn--") else label for label in host.split("."))
    except (idna.IDNAError, UnicodeError):
        return host


def domains_of(outlets: Mapping[str, Outlet]) -> dict[str, str]:
    """Each normalised profile domain and the outlet it belongs to (the first profile listing it)."""
    owners: dict[str, str] = {}
    for outlet in outlets.values():
        for domain in outlet.domains:
            host = profile_domain(domain)
            if host:
                owners.setdefault(host, outlet.id)
    return owners


def _named_outlet(name: str, outlets: Mapping[str, Outlet]) -> tuple[str, str]:
    """The editor's ``outlet:`` as (outlet id, display name): a profile's id, name or domain.

    An outlet without a profile still gets an id, so that its articles share an outlet page
    that says it has not been assessed yet.
    """
    profile = _names_of(outlets).named(name)
    return (profile.id, profile.name) if profile else (safe_name(name.strip()), name.strip())


def claim_confirmed(claim: str | None, attribution: Attribution, outlets: Mapping[str, Outlet]) -> bool:
    """Whether what the page claims agrees with the evidence (then there is nothing to point out).

    A claim is a name or a host; it agrees when it is the attributed profile's name or one of its
    hosts. This only ever silences a note: it never attributes anything.
    """
    if not claim or not attribution.outlet_id:
        return False
    outlet = outlets.get(attribution.outlet_id)
    if outlet is None:
        return _words(claim) == _words(attribution.outlet_name or "")
    host = normalise_host(claim.removeprefix("www."))
    served = profile_serving(host, outlets) if host else None
    return _words(claim) == _words(outlet.name) or (served is not None and served.id == outlet.id)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
