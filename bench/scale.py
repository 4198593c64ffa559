"""A digest of N articles against the MkDocs floor: cold build, rebuild after one edited sidecar,
peak memory and the bytes a reader's first search downloads.

    .venv/bin/python bench/scale.py [--articles 1000 10000] [--shared ../shared/bench] [--skip-browser]

For each size, in one run (so that a busy machine slows both sides alike):
- the corpus: N plain-text captures cycled from the benchmark's text pages (``extraction/text``),
  each varied (a numbered headline, its paragraphs rotated) so that no two are alike; a
  synthetic corpus when the shared folder is missing;
- the floor: ``mkdocs build`` of the same N bodies as ready Markdown, with Material and its
  search plugin, articles off the nav;
- ``digest build`` cold (empty cache), then warm after one edited sidecar;
- with --serve, ``mkdocs serve`` on the same digest: seconds until its first page answers, then
  until a second edited sidecar shows on its article page (the rebuild a previewing editor waits
  for). Serve starts after the two builds, from the digest's folder and its mkdocs.yml (the one
  the builds used), with their caches, as an editor would after a build.
Peak memory is the largest resident set of a child process (resource.getrusage); "tree MiB" is
the most the digest build's whole process tree held at once (its forked workers and Pagefind,
which runs beside MkDocs, summed by proportional set size, sampled every 0.2 s). Search bytes
are measured in headless Chromium: what the server sends for every request a first query makes.
30,000 articles take long on a 2-core machine: pass it explicitly with --articles 30000.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def corpus_texts(shared: Path) -> list[str]:
    folder = shared / "extraction" / "text"
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))] if folder.is_dir() else []
    if texts:
        return texts
    rng = random.Random(3)
    words = [f"word{n}" for n in range(5000)]
    return ["\n\n".join(" ".join(rng.choices(words, k=60)) + "." for _ in range(12)) for _ in range(50)]


def write_corpus(texts: list[str], count: int, content: Path, floor_docs: Path) -> None:
    articles = content / "articles"
    articles.mkdir(parents=True)
    floor_docs.mkdir(parents=True)
    for n in range(count):
        paragraphs = [p for p in texts[n % len(texts)].split("\n\n") if p.strip()] or ["(empty)"]
        shift = (n // len(texts)) % len(paragraphs)
        body = paragraphs[shift:] + paragraphs[:shift]
        title = f"Report {n}: {body[0][:60].strip()}"
        (articles / f"a{n:05d}.txt").write_text(title + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
        (articles / f"a{n:05d}.yml").write_text(f"published: {2015 + n % 8}-0{1 + n % 9}-1{n % 10}\nsummary: Draft {n}.\n", encoding="utf-8")
        (floor_docs / f"a{n:05d}.md").write_text(f"# {title}\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    (floor_docs / "index.md").write_text("# Floor\n", encoding="utf-8")


def _tree_pss_kib(root: int) -> int:
    """Proportional set size of a process and all its descendants (Linux), so memory that
    forked workers share with their parent is counted once."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(status.parent.name))
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total


DROP_CACHES = Path("/proc/sys/vm/drop_caches")
drop_caches = False  # --drop-caches


def _fresh_kernel_caches() -> None:
    """Start a timed command with the kernel's caches emptied (root on Linux only).

    On the 2-core machines here, creating a file slows as the kernel's dentry and inode caches
    grow (10,000 files: 1.2 s with them emptied, 5 to 11 s after a few builds' worth of files),
    so whichever command runs later in a run pays for the files the earlier ones made."""
    if drop_caches:
        os.sync()
        DROP_CACHES.write_text("3\n")


def timed(command: list[str], cwd: Path, peaks: list[float] | None = None) -> float:
    """Seconds the command takes; with ``peaks``, appends the largest memory its whole process
    tree held at once (MiB, sampled every 0.2 s): the build, its workers and Pagefind together."""
    _fresh_kernel_caches()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    output = threading.Thread(target=lambda: setattr(process, "captured", process.communicate()), daemon=True)
    output.start()
    while process.poll() is None:
        if peaks is not None:
            peak = max(peak, _tree_pss_kib(process.pid))
        time.sleep(0.2)
    output.join()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.captured[1][-2000:]}")
    if peaks is not None:
        peaks.append(peak / 1024)
    return seconds


def search_bytes(site: Path, query: str, served: list | None = None) -> int:
    """Bytes a reader's first query transfers: page load excluded, search assets and index included.

    Counted by the server (response bodies and headers), not the page's Performance timeline:
    Pagefind 1.5 loads its wasm, meta, index chunks and fragments from a worker, whose
    fetches the page's timeline never lists (it saw only pagefind.js and the worker script,
    85.4 KB). ``served``, if given, receives the (path, bytes) of each response counted.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    log: list[tuple[str, int]] = []
    lock = threading.Lock()

    class Counting(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def end_headers(self):
            self._headers_bytes = sum(map(len, getattr(self, "_headers_buffer", [])))
            super().end_headers()

        def copyfile(self, source, outputfile):
            size = os.fstat(source.fileno()).st_size
            with lock:
                log.append((self.path, size + self._headers_bytes))
            super().copyfile(source, outputfile)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/")
        time.sleep(1)
        with lock:
            before = len(log)
        driver.execute_script("return window.digestSearch.search(arguments[0])", query)
        WebDriverWait(driver, 60).until(seen.presence_of_element_located((By.CSS_SELECTOR, ".digest-search__count")))
        time.sleep(2)  # the shown results' fragments
        with lock:
            counted = log[before:]
        if served is not None:
            served.extend(counted)
        return sum(size for _, size in counted)
    finally:
        driver.quit()
        server.shutdown()


def _page_text(url: str) -> str:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def serve_seconds(root: Path, sidecar: Path, article_url: str) -> tuple[float, float]:
    """Seconds until `mkdocs serve` answers its first page, then until an edited sidecar shows."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    _fresh_kernel_caches()
    start = time.perf_counter()
    server = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}", "-f", str(root / "mkdocs.yml")],
                              cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while "</html>" not in _page_text(base):
            if server.poll() is not None:
                raise SystemExit("mkdocs serve stopped before it served a page")
            time.sleep(0.2)
        first = time.perf_counter() - start
        sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("Edited summary.", "Edited while served."), encoding="utf-8")
        start = time.perf_counter()
        while "Edited while served." not in _page_text(base + article_url):
            time.sleep(0.2)
        return first, time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=60)


def measure(count: int, texts: list[str], browser: bool, serve: bool = False) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix=f"scale-{count}-") as tmp:
        root = Path(tmp)
        write_corpus(texts, count, root / "content", root / "floor" / "docs")
        (root / "floor" / "mkdocs.yml").write_text(
            "site_name: Floor\ntheme:\n  name: material\nplugins:\n  - search\nnav:\n  - Home: index.md\n", encoding="utf-8")
        floor = timed([str(BIN / "mkdocs"), "build", "-q", "-f", str(root / "floor" / "mkdocs.yml")], root)
        (root / "mkdocs.yml").write_text(  # a digest's folder, as `digest new` makes one
            f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\ndocs_dir: docs\n"
            "plugins:\n  - digest:\n      content: content\n      cache_dir: cache\n", encoding="utf-8")
        (root / "docs").mkdir(exist_ok=True)
        build = [str(BIN / "digest"), "build", "--content", str(root / "content"), "--site-dir", str(root / "site"),
                 "--cache-dir", str(root / "cache"), "--config-file", str(root / "mkdocs.yml")]
        tree_peaks: list[float] = []
        cold = timed(build, root, tree_peaks)
        sidecar = root / "content" / "articles" / "a00000.yml"
        sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("Draft 0.", "Edited summary."), encoding="utf-8")
        warm = timed(build, root, tree_peaks)
        figures = {"floor": floor, "cold": cold, "warm": warm,
                   "peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "tree_mib": max(tree_peaks)}
        if browser:
            figures["search_kb"] = search_bytes(root / "site", "government") / 1024
        if serve:
            figures["serve_first"], figures["serve_edit"] = serve_seconds(root, sidecar, "articles/a00000/")
        shutil.rmtree(root / "site", ignore_errors=True)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "bench")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--serve", action="store_true", help="also time `mkdocs serve`: its first page, then an edit")
    parser.add_argument("--drop-caches", action="store_true",
                        help="empty the kernel's caches before each timed command (root, Linux), so none pays for another's files")
    args = parser.parse_args()
    global drop_caches
    drop_caches = args.drop_caches
    texts = corpus_texts(args.shared)
    print(f"{'articles':>8} {'floor s':>8} {'cold s':>8} {'cold/floor':>10} {'warm s':>8} {'warm/floor':>10} {'peak MiB':>9} "
          f"{'tree MiB':>9} {'search KB':>9}")
    for count in args.articles:
        f = measure(count, texts, not args.skip_browser, args.serve)
        print(f"{count:>8,} {f['floor']:>8.1f} {f['cold']:>8.1f} {f['cold'] / f['floor']:>10.2f} {f['warm']:>8.1f} "
              f"{f['warm'] / f['floor']:>10.2f} {f['peak_mib']:>9.0f} {f['tree_mib']:>9.0f} {f.get('search_kb', float('nan')):>9.1f}",
              flush=True)
        if args.serve:
            print(f"{'':>8} mkdocs serve: first page {f['serve_first']:.1f} s ({f['serve_first'] / f['floor']:.2f} of the floor), "
                  f"edited sidecar shown {f['serve_edit']:.1f} s after saving ({f['serve_edit'] / f['floor']:.2f})", flush=True)


if __name__ == "__main__":
    main()
