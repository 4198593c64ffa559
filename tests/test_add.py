"""`digest add` from a file and from a URL served here on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from digest import add as add_module
from digest.add import add, read_source
from digest.check import check_content
from digest.cli import main
from digest.errors import InputError

TEXT = """Troops leave the base

By Jane Doe
12 March 2018

The last convoy left the base on Monday morning, officials said, ending a deployment that had lasted two years.

Residents watched from the roadside as the vehicles passed through the town centre and onto the highway north.

A spokesman said the withdrawal had been planned for months and that no further changes were expected this year.
"""
PAGE = f"""<!DOCTYPE html>
<html><head><title>Troops leave the base | The Wire</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe to The Wire</a></nav>
<article><h1>Troops leave the base</h1><p class="byline">By Jane Doe</p><time datetime="2018-03-12">12 March 2018</time>
{"".join(f"<p>{p}</p>" for p in TEXT.split(chr(10) * 2)[2:])}
</article><footer>© The Wire. All rights reserved.</footer></body></html>
""".encode()
OUTLETS = "wire:\n  name: The Wire\n  domains: [wire.example]\n  rating: mixed\n"
NOW = dt.datetime(2026, 11, 21, 12, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def content(make_content):
    return make_content({"outlets.yml": OUTLETS})


@pytest.fixture
def saved(tmp_path) -> Path:
    path = tmp_path / "saved" / "troops.txt"
    path.parent.mkdir()
    path.write_bytes(TEXT.encode())
    return path


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file (hidden ones too) with the hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _add_file(path: Path, content: Path, **options):
    return add(read_source(str(path), options.pop("url", None)), content, now=NOW, **options)


def test_add_file_stores_the_bytes_and_a_draft_stub(content, saved):
    result = _add_file(saved, content, url="https://wire.example/2018/troops")
    assert (result.status, result.slug) == ("added", "troops-leave-the-base")
    articles = content / "articles"
    assert (articles / "troops-leave-the-base.txt").read_bytes() == saved.read_bytes()
    text = (articles / "troops-leave-the-base.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/sidecar.schema.json\n")
    assert yaml.safe_load(text) == {
        "title": "Troops leave the base",
        "url": "https://wire.example/2018/troops",
        "published": dt.date(2018, 3, 12),
        "summary": "",
        "summary_status": "draft",
        "provenance": {  # no url: nothing was fetched, so the editor's --url attributes nothing
            "source": "troops.txt",
            "retrieved": "2026-11-21T12:30:00Z",
            "sha256": hashlib.sha256(saved.read_bytes()).hexdigest(),
        },
    }
    assert sorted(p.name for p in articles.iterdir()) == ["troops-leave-the-base.txt", "troops-leave-the-base.yml"]
    assert [(p.severity, p.message.split(":")[0]) for p in check_content(content)] == [("warning", "no outlet"), ("warning", "no summary yet")]


def test_schema_line_points_at_the_repository_schemas(tmp_path, saved):
    (tmp_path / "repo" / "schemas").mkdir(parents=True)
    (tmp_path / "repo" / "schemas" / "sidecar.schema.json").write_text("{}")
    content = tmp_path / "repo" / "editors" / "content"
    content.mkdir(parents=True)
    slug = _add_file(saved, content).slug
    first_line = (content / "articles" / f"{slug}.yml").read_text().splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../../../schemas/sidecar.schema.json"


def test_options_win_over_what_normalization_found(content, saved):
    slug = _add_file(saved, content, outlet="other", published=dt.date(2018, 3, 13)).slug
    sidecar = yaml.safe_load((content / "articles" / f"{slug}.yml").read_text())
    assert (sidecar["outlet"], sidecar["published"]) == ("other", dt.date(2018, 3, 13))


def test_same_bytes_again_writes_nothing(content, saved):
    _add_file(saved, content)
    before = _snapshot(content)
    result = _add_file(saved, content)
    assert (result.status, result.slug) == ("identical", "troops-leave-the-base")
    assert _snapshot(content) == before


def test_same_text_in_other_chrome_is_reported_with_its_slug(content, saved, tmp_path):
    _add_file(saved, content)
    before = _snapshot(content)
    page = tmp_path / "saved" / "troops.html"
    page.write_bytes(PAGE)
    result = _add_file(page, content)
    assert (result.status, result.slug) == ("near-duplicate", "troops-leave-the-base")
    assert result.similarity >= 0.8
    assert _snapshot(content) == before
    kept = _add_file(page, content, allow_near_duplicate=True)
    assert (kept.status, kept.slug) == ("added", "troops-leave-the-base-2")
    assert (content / "articles" / "troops-leave-the-base-2.html").read_bytes() == PAGE


def test_a_taken_slug_gets_a_suffix_and_is_left_alone(make_content, saved):
    content = make_content({"articles/troops-leave-the-base.yml": "summary: an orphan\n", "articles/troops-leave-the-base-2.md": "Other text entirely, about something else."})
    before = _snapshot(content)
    assert _add_file(saved, content).slug == "troops-leave-the-base-3"
    after = _snapshot(content)
    assert {name: after[name] for name in before} == before
    assert sorted(set(after) - set(before)) == ["articles/troops-leave-the-base-3.txt", "articles/troops-leave-the-base-3.yml"]


def test_failure_while_writing_leaves_nothing_behind(content, saved, monkeypatch):
    real_link = add_module.os.link

    def link(source, target):
        if str(target).endswith(".yml"):
            raise PermissionError(13, "Permission denied")
        real_link(source, target)

    monkeypatch.setattr(add_module.os, "link", link)
    with pytest.raises(InputError, match="cannot write into .*articles: Permission denied"):
        _add_file(saved, content)
    assert list((content / "articles").iterdir()) == []


def test_unusable_file_is_refused(content, tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    with pytest.raises(InputError, match=r"^image.txt: cannot be used as a capture: binary data"):
        _add_file(binary, content)
    with pytest.raises(InputError, match="no such file"):
        read_source(str(tmp_path / "missing.txt"), None)
    assert list((content / "articles").iterdir()) == []


# --- from a URL -------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/article":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/huge-declared":
            self._send(200, b"x" * 2000, "text/plain")
        elif self.path == "/huge-streamed":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"y" * 100)
        elif self.path == "/slow":
            time.sleep(2)
            self._send(200, b"late", "text/plain")
        elif self.path.startswith("/to-local/"):  # /to-local/HOST:PORT/PATH
            self.send_response(302)
            self.send_header("Location", "http://" + self.path.removeprefix("/to-local/"))
            self.end_headers()
        elif self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/article")
            self.end_headers()
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output clean
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # the client hanging up early is the point
        pass


@pytest.fixture
def server():
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_add_url_stores_the_page_with_its_address(content, server):
    result = add(read_source(f"{server}/article", None), content, now=NOW)
    assert result.status == "added"
    articles = content / "articles"
    assert (articles / f"{result.slug}.html").read_bytes() == PAGE
    sidecar = yaml.safe_load((articles / f"{result.slug}.yml").read_text())
    assert sidecar["url"] == sidecar["provenance"]["source"] == sidecar["provenance"]["url"] == f"{server}/article"
    assert "outlet" not in sidecar  # the page names The Wire, but a page's word is no evidence
    assert sidecar["summary_status"] == "draft"
    assert sidecar["provenance"]["sha256"] == hashlib.sha256(PAGE).hexdigest()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", r"/missing: the server answered 404 Not Found$"),
        ("/huge-declared", r"/huge-declared: the page is 2,000 bytes, over the limit of 1,000$"),
        ("/huge-streamed", r"/huge-streamed: the page is over the size limit of 1,000 bytes$"),
        ("/slow", r"/slow: no answer within 0.5 seconds$"),
        ("/to-file", r"/to-file: redirected to ftp://127.0.0.1/article, which is not an http\(s\) address$"),
    ],
)
def test_fetch_failures_are_clear_and_write_nothing(content, server, monkeypatch, path, message):
    monkeypatch.setattr(add_module, "MAX_CAPTURE_BYTES", 1000)
    with pytest.raises(InputError, match=message):
        read_source(f"{server}{path}", None, timeout=0.5)
    assert list((content / "articles").iterdir()) == []


def test_only_web_addresses_are_fetched():
    with pytest.raises(InputError, match=r"^ftp://example.org/a: only http:// and https:// addresses can be fetched$"):
        read_source("ftp://example.org/a", None)


@pytest.mark.parametrize("address", ["http://[::1", "https://[v1.x/a", "http://]/"])
def test_an_address_no_parser_can_read_is_named(address):
    with pytest.raises(InputError, match=r"not an address that can be read"):
        read_source(address, None)


def test_cli_add_reports_each_outcome(content, saved, tmp_path):
    run = CliRunner().invoke
    options = ["--content", str(content), "--cache-dir", str(tmp_path / "cache")]
    first = run(main, ["add", str(saved), *options])
    assert first.exit_code == 0, first.output
    assert "Added 'troops-leave-the-base'" in first.stdout
    again = run(main, ["add", str(saved), *options])
    assert again.exit_code == 0
    assert "already in the digest as 'troops-leave-the-base'; nothing written" in again.stdout
    page = tmp_path / "troops.html"
    page.write_bytes(PAGE)
    near = run(main, ["add", str(page), *options])
    assert near.exit_code == 1
    assert "already in the digest as 'troops-leave-the-base'" in near.stderr and "--allow-near-duplicate" in near.stderr
    missing = run(main, ["add", str(tmp_path / "nope.txt"), *options])
    assert missing.exit_code == 1 and "nope.txt: no such file" in missing.stderr


@pytest.mark.parametrize("url", ["http://straße.de/a", "https://ＲＥＵＴＥＲＳ。com/a", "https://Reuters.COM./a", "http://ﬁnance.example/a",
                                 "http://xn--strae-oqa.de/a", "https://news.σας.gr/a"])
def test_the_host_fetched_is_the_host_attribution_reads(url):
    # Python's resolver maps "straße.de" to strasse.de (IDNA 2003); attribution maps it to
    # xn--strae-oqa.de (UTS #46). The fetch must look up exactly the host that is recorded.
    from urllib.parse import urlsplit

    from digest.attribution import web_host
    from digest.fetch import canonical_address

    assert urlsplit(canonical_address(url)).hostname == web_host(url)


@pytest.mark.parametrize("url", ["http://reuters.com@evil.example/a", "http://exa mple.com/a", "http://a..b/a"])
def test_addresses_that_name_no_single_host_are_not_fetched(url):
    with pytest.raises(InputError, match=r"user information|not a host name"):
        read_source(url, None)


def test_a_public_page_cannot_redirect_into_the_editors_own_network(content, server, monkeypatch):
    # The test server stands for a public outlet; its redirect points at this machine's loopback.
    from digest import fetch as fetch_module

    monkeypatch.setattr(fetch_module, "_is_public", lambda host: host == "127.0.0.1")
    local = server.replace("127.0.0.1", "localhost").removeprefix("http://")
    with pytest.raises(InputError, match="a loopback, private or link-local address"):
        read_source(f"{server}/to-local/{local}/article", None)
    assert list((content / "articles").iterdir()) == []


def test_a_page_the_editor_fetches_from_their_own_network_may_redirect_within_it(server):
    local = server.replace("127.0.0.1", "localhost").removeprefix("http://")
    assert read_source(f"{server}/to-local/{local}/article", None).data == PAGE


@pytest.mark.parametrize(("host", "public"), [("127.0.0.1", False), ("10.1.2.3", False), ("169.254.169.254", False),
                                               ("192.168.0.1", False), ("::1", False), ("8.8.8.8", True)])
def test_which_addresses_count_as_public(host, public):
    from digest.fetch import _is_public

    assert _is_public(host) is public
