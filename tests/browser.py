"""Headless Chromium for the tests: a page's DOM as the browser renders it, with every network request refused,
the boxes its elements are drawn in, and every URL it asked the network for.

``make test`` installs Debian's ``chromium`` where it is missing; where it cannot (no apt-get, no root), the
tests that need it are skipped with that reason.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium here: `make test` installs Debian's chromium with apt-get, which it could not do")


@dataclass(frozen=True)
class Rendered:
    dom: str
    requests: list[str]
    """Every URL the page asked Chromium's network stack for (its net log): a page that stays on the machine
    asks for none; ``file:`` pages are read without it."""


def render(page: Path) -> Rendered:
    """``page`` loaded in headless Chromium with the network off: every host resolves to nothing and every proxy is
    a closed port, so a page that needs the internet shows what it shows offline, and its attempts are logged."""
    with tempfile.TemporaryDirectory() as scratch:
        net_log = Path(scratch) / "net-log.json"
        done = subprocess.run(
            [
                browser(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={Path(scratch) / 'profile'}",
                f"--log-net-log={net_log}",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--proxy-server=127.0.0.1:9",
                "--window-size=1280,1024",
                "--virtual-time-budget=5000",
                "--dump-dom",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return Rendered(done.stdout, _requested_urls(net_log))


def rendered_dom(page: Path) -> str:
    return render(page).dom


def _requested_urls(net_log: Path) -> list[str]:
    """The URLs the page asked for: the net log's requests started for a document (their initiator is the page's
    origin, ``null`` for a ``file:`` page); the browser's own (time sync, sign-in, spelling dictionaries) have
    none ("not an origin") and are left out."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return sorted(
        {
            str(event["params"]["url"])
            for event in log["events"]
            if event["type"] == start_job
            and "url" in event.get("params", {})
            and event["params"].get("initiator") != "not an origin"
        }
    )


_MEASURE = """<script>
document.body.setAttribute("data-boxes", JSON.stringify(
  Array.from(document.querySelectorAll("svg, img")).filter(e => !e.parentElement.closest("svg")).map(e => {
    const box = e.getBoundingClientRect();
    return {tag: e.tagName.toLowerCase(), width: box.width, height: box.height,
            id: e.closest("[id]") ? e.closest("[id]").id : null};
  })));
</script>"""


def drawn_boxes(page: Path) -> tuple[list[dict[str, object]], Rendered]:
    """The size Chromium gives each top-level ``<svg>`` and ``<img>`` of ``page`` (read by a script added to a copy
    of it, beside it so its links still resolve; the page itself has none), and the copy's rendering."""
    copy = page.with_name(f".measured-{page.name}")
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    try:
        rendered = render(copy)
    finally:
        copy.unlink()
    body = lxml_html.fromstring(rendered.dom).find("body")
    assert body is not None and body.get("data-boxes"), "the measuring script did not run"
    return json.loads(body.get("data-boxes")), rendered
