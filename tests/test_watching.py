"""`mkdocs serve` watches the digest's folders through the system's change notifications, and
polls them where it cannot."""

from __future__ import annotations

import os
import shutil
import threading
import time
from types import SimpleNamespace

import pytest
import watchdog.events
import watchdog.observers
from watchdog.observers.polling import PollingObserver

from digest.site.mkdocs_plugin import DigestPlugin
from digest.site.watching import NotifiedFolders


def _handler(seen: threading.Event):
    handler = watchdog.events.FileSystemEventHandler()
    handler.on_any_event = lambda event: None if event.is_directory else seen.set()
    return handler


@pytest.fixture
def folders(tmp_path):
    content, docs = tmp_path / "content", tmp_path / "docs"
    content.mkdir()
    docs.mkdir()
    return content, docs


def _watch(observer: NotifiedFolders, folder) -> threading.Event:
    seen = threading.Event()
    observer.schedule(_handler(seen), str(folder), recursive=True)
    return seen


def test_the_digest_folders_are_notified_and_the_rest_polled(folders):
    content, docs = folders
    polling = PollingObserver(timeout=0.1)
    observer = NotifiedFolders(polling, [content])
    content_seen, docs_seen = _watch(observer, content), _watch(observer, docs)
    assert [e.watch.path for e in polling.emitters] == [str(docs)]
    observer.start()
    try:
        (content / "a.yml").write_text("summary: edited\n")
        (docs / "extra.css").write_text("p {}\n")
        assert content_seen.wait(10) and docs_seen.wait(10)
    finally:
        observer.stop()
        observer.join(10)
    assert not polling.is_alive()


def test_without_notifications_the_folders_are_polled(folders, monkeypatch):
    content, _ = folders

    def refuse(self):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watchdog.observers.Observer, "on_thread_start", refuse)
    polling = PollingObserver(timeout=0.1)
    observer = NotifiedFolders(polling, [content])
    seen = _watch(observer, content)
    observer.start()
    try:
        assert [e.watch.path for e in polling.emitters] == [str(content)]
        (content / "a.yml").write_text("summary: edited\n")
        assert seen.wait(10)
    finally:
        observer.stop()
        observer.join(10)


def test_an_unwatched_folder_stops_reporting(folders):
    content, _ = folders
    observer = NotifiedFolders(PollingObserver(timeout=0.1), [content])
    seen = threading.Event()
    watch = observer.schedule(_handler(seen), str(content), recursive=True)
    observer.unschedule(watch)
    observer.start()
    try:
        (content / "a.yml").write_text("summary: edited\n")
        time.sleep(1)
        assert not seen.is_set()
    finally:
        observer.stop()
        observer.join(10)


@pytest.mark.parametrize("polling_asked", [False, True])
def test_serve_watches_by_notification_unless_polling_is_asked_for(tmp_path, polling_asked):
    plugin = DigestPlugin()
    plugin.load_config({"content": str(tmp_path), "watch_by_polling": polling_asked})
    polling = PollingObserver()
    server = SimpleNamespace(observer=polling)
    plugin.on_serve(server, SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml")), builder=None)
    assert (server.observer is polling) == polling_asked


def test_reading_a_watched_file_is_not_a_change(folders):
    """A build reads every capture: were reading a change, each build would start the next."""
    content, _ = folders
    capture = content / "a.txt"
    capture.write_text("text\n")
    observer = NotifiedFolders(PollingObserver(timeout=0.1), [content])
    seen = _watch(observer, content)
    observer.start()
    try:
        time.sleep(0.5)
        assert capture.read_text() == "text\n"
        time.sleep(1)
        assert not seen.is_set()
        capture.write_text("changed\n")
        assert seen.wait(10)
    finally:
        observer.stop()
        observer.join(10)


@pytest.mark.parametrize("replace", ["deleted and made again", "moved away and another moved in", "a link repointed in one step"])
def test_a_watched_folder_replaced_is_watched_again(tmp_path, replace):
    content = tmp_path / "content"
    if replace == "a link repointed in one step":
        for name in ("c1", "c2"):
            (tmp_path / name).mkdir()
        content.symlink_to("c1")
    else:
        content.mkdir()
    (content / "a.yml").write_text("summary: one\n")
    observer = NotifiedFolders(PollingObserver(timeout=0.1), [content])
    seen = _watch(observer, content)
    observer.start()
    try:
        time.sleep(0.3)
        if replace == "deleted and made again":
            shutil.rmtree(content)
            content.mkdir()
        elif replace == "moved away and another moved in":
            content.rename(content.with_name("away"))
            fresh = content.with_name("fresh")
            fresh.mkdir()
            fresh.rename(content)
        else:  # `ln -s c2 content.new && mv -T content.new content`: the name is a link, its change a file's
            (tmp_path / "content.new").symlink_to("c2")
            os.replace(tmp_path / "content.new", content)
            assert seen.wait(10), "repointing the link was not a change"
        time.sleep(1)
        seen.clear()
        (content / "a.yml").write_text("summary: edited in the new folder\n")
        assert seen.wait(10), "an edit in the replacing folder was not seen"
        # Whether the folder moved away still reports is not asserted: watchdog's shared inotify
        # now and then keeps a moved folder's watch (an extra rebuild, nothing missed).
    finally:
        observer.stop()
        observer.join(10)


def test_serve_watches_the_content_and_templates_folders_by_their_names_not_where_links_point(tmp_path):
    for name in ("c1", "t1"):
        (tmp_path / name).mkdir()
    (tmp_path / "content").symlink_to("c1")
    (tmp_path / "templates").symlink_to("t1")
    plugin = DigestPlugin()
    plugin.load_config({"content": "content"})
    watched = plugin._watched_folders(SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml")))
    assert tmp_path / "content" in watched and tmp_path / "templates" in watched  # a repointed link is a change of these
    assert tmp_path / "c1" not in watched and tmp_path / "t1" not in watched
