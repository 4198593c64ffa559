"""Search that scales: Pagefind indexes the built site's article pages.

Material's lunr search ships the whole index to every reader (80 MB at 10,000 articles).
Pagefind splits its index into chunks by word, so a reader's query downloads only the chunks
for its words and the fragments of the results it shows. The binary comes inside the
``pagefind[bin]`` wheel from PyPI, so nothing is fetched at build time. Pages are chosen and
filtered by attributes the theme override writes (digest/site/templates/overrides/main.html).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from digest.errors import InputError

BUNDLE_DIR = "pagefind"


def index_site(site_dir: Path) -> None:
    """Write the search bundle into ``site_dir/pagefind/``."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", BUNDLE_DIR, "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise InputError(f"search index: Pagefind could not run ({err})") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise InputError(f"search index: Pagefind failed ({detail[-1] if detail else f'exit status {result.returncode}'})")
