"""How `mkdocs serve` watches a content folder of tens of thousands of captures.

MkDocs watches by polling: every half second it lists and stats every file below each watched
folder. For a content folder of 20,000 files that is 0.2 s of Python every 0.5 s in the
server's own process, and while it rebuilds, the polling takes its turns at Python's lock: an
edited sidecar took 27.6 s to appear at 10,000 articles, against 21.6 s for a warm `digest
build`. So the folders the digest adds to the watch (content/ and the templates) are watched
through the system's change notifications (inotify, FSEvents, ReadDirectoryChangesW, by way of
watchdog), which cost nothing between edits; what MkDocs itself watches stays with its polling.

Where the system cannot give notifications (it has none, or is out of inotify watches), those
folders fall back to polling. A folder on a network or host-mounted drive may not report edits
made on the other side: the plugin's ``watch_by_polling: true`` keeps MkDocs' polling there.
"""

from __future__ import annotations

import logging
import os
import threading

import watchdog.events
import watchdog.observers

log = logging.getLogger("mkdocs.plugins.digest")

# What polling can see. Notifications also report a file opened or closed unwritten, which every
# build does to each capture it reads: passed on, each build would ask for the next, forever.
CHANGES = [getattr(watchdog.events, f"{kind}{change}Event")
           for kind in ("File", "Dir") for change in ("Created", "Deleted", "Modified", "Moved")]
# What can happen to a watched folder's name in its parent: a folder, or a symbolic link (a file
# to the system) made, deleted, or moved onto it (`mv -T new content` repoints a link at once).
NAME_CHANGES = [getattr(watchdog.events, f"{kind}{change}Event")
                for kind in ("File", "Dir") for change in ("Created", "Deleted", "Moved")]
# A change of name comes as several events (a move is reported from both ends, a replacement as a
# deletion then a creation): the folder is watched again once they have stopped for this long.
RENEW_AFTER_SECONDS = 0.3


class NotifiedFolders:
    """Stands in for the live-reload server's observer: the given folders go to the system's
    notifications, every other path to the server's own (polling) observer."""

    def __init__(self, polling, folders):
        self._polling = polling
        self._notified = watchdog.observers.Observer()
        self._folders = {os.path.abspath(folder) for folder in folders}
        self._scheduled: dict[object, tuple[object, tuple]] = {}  # watch: (observer, schedule arguments)
        self._renewals: dict[object, threading.Timer] = {}
        self._renewals_lock = threading.Lock()

    def schedule(self, handler, path, recursive=False, **options):
        observer = self._notified if os.path.abspath(path) in self._folders else self._polling
        if observer is not self._polling:
            options.setdefault("event_filter", CHANGES)
            # A content folder that is a symbolic link: the folder it names is watched (through
            # the link, edits inside are not reported), and a repointed link is renewed below.
            options.setdefault("follow_symlink", True)
        watch = observer.schedule(handler, path, recursive=recursive, **options)
        self._scheduled[watch] = (observer, (handler, path, recursive, options))
        if observer is not self._polling:
            # A folder deleted or moved away and made again (a restore, another branch checked
            # out), or a link repointed, is a new folder to the system, and the notifications
            # went with the old one: its parent says when the name comes and goes.
            folder = os.path.abspath(path)
            replaced = watchdog.events.FileSystemEventHandler()
            replaced.on_any_event = lambda event: self._renew_soon(watch) if folder in (
                event.src_path, getattr(event, "dest_path", "")) else None
            observer.schedule(replaced, os.path.dirname(folder), recursive=False, event_filter=NAME_CHANGES)
        return watch

    def _renew_soon(self, watch) -> None:
        with self._renewals_lock:
            if watch in self._renewals:
                self._renewals[watch].cancel()
            self._renewals[watch] = threading.Timer(RENEW_AFTER_SECONDS, self._renew, args=(watch,))
            self._renewals[watch].daemon = True
            self._renewals[watch].start()

    def _renew(self, watch) -> None:
        """Watch the folder now under the watched name, and rebuild: what is in it is new."""
        scheduled = self._scheduled.get(watch)
        if scheduled is None or scheduled[0] is self._polling:  # unwatched meanwhile, or polled
            return
        observer, (handler, path, recursive, options) = scheduled
        try:
            observer.unschedule(watch)
        except KeyError:
            pass  # the name was already gone
        if os.path.isdir(path):
            observer.schedule(handler, path, recursive=recursive, **options)
        handler.dispatch(watchdog.events.FileModifiedEvent(path))  # MkDocs' handler rebuilds on file events only

    def unschedule(self, watch) -> None:
        observer, _ = self._scheduled.pop(watch)
        try:
            observer.unschedule(watch)
        except KeyError:
            pass  # its folder is gone, and with it the watch

    def start(self) -> None:
        try:
            self._notified.start()
        except OSError as err:  # no notifications here, or no watches left: poll those folders too
            log.info(f"change notifications unavailable ({err}); polling the content folder instead")
            self._notified.stop()  # and the watches it had started
            self._notified = self._polling
            for watch, (observer, (handler, path, recursive, options)) in list(self._scheduled.items()):
                if observer is not self._polling:
                    del self._scheduled[watch]
                    self.schedule(handler, path, recursive, **options)
        self._polling.start()

    def stop(self) -> None:
        with self._renewals_lock:
            for timer in self._renewals.values():
                timer.cancel()
        for observer in {self._notified, self._polling}:
            observer.stop()

    def join(self, timeout=None) -> None:
        for observer in {self._notified, self._polling}:
            if observer.is_alive():
                observer.join(timeout)
