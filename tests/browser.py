"""Headless Chromium for the tests: a page's DOM as the browser renders it, with every network request refused.

``make test`` installs Debian's ``chromium`` where it is missing; where it cannot (no apt-get, no root), the
tests that need it are skipped with that reason.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium here: `make test` installs Debian's chromium with apt-get, which it could not do")


def rendered_dom(page: Path) -> str:
    """The DOM of ``page`` once loaded in headless Chromium with the network off: every host resolves to
    nothing and every proxy is a closed port, so a page that needs the internet shows what it shows offline."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                browser(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--proxy-server=127.0.0.1:9",
                "--virtual-time-budget=5000",
                "--dump-dom",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
