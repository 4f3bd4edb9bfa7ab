"""The quality gate's own index page: every validation result and every suite, readable without the internet.

Great Expectations' Data Docs index builds its list of validation results with JavaScript loaded from CDNs
(jQuery, Bootstrap, bootstrap-table).  On a machine without internet, as in many provincial offices, it shows
an unstyled page with nothing listed.  Its pages for one validation or one suite are rendered on the server
and read fine offline.  So vnplan writes ``quality/index.html`` next to them: one HTML file, with its styles
inline and no script, no image and no link that leaves the folder except the one to GX's own index.  It
gives the gate's verdict, each table's validation (passed or not, how many expectations failed) linked to
its GX page, each suite linked to its page, and the expectations that failed.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

INDEX_NAME = "index.html"

_STYLE = """
body { font-family: "Liberation Sans", Arial, sans-serif; margin: 2em; color: #222; max-width: 70em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: .35em .6em; text-align: left; }
th { background: #f2f2f2; } .ok { color: #1a7f37; font-weight: bold; } .bad { color: #b42318; font-weight: bold; }
.warn { color: #9a6700; font-weight: bold; } .note { color: #555; font-size: .9em; }
"""


class _Result(Protocol):
    """One expectation's result (``pipeline.quality.ExpectationResult``)."""

    @property
    def table(self) -> str: ...
    @property
    def expectation(self) -> str: ...
    @property
    def column(self) -> str | None: ...
    @property
    def severity(self) -> str: ...
    @property
    def success(self) -> bool: ...
    @property
    def description(self) -> str: ...
    @property
    def unexpected_count(self) -> int: ...


@dataclass(frozen=True)
class _Validation:
    table: str
    page: Path
    checked: int
    critical: int
    warnings: int


def write_index(
    quality_dir: Path, run_name: str, results: Sequence[_Result], validation_pages: Sequence[Path], docs_dir: Path
) -> Path:
    """Write ``quality_dir/index.html`` for ``results`` and the GX pages under ``docs_dir``; returns its path."""
    validations = [_validation(page, results) for page in validation_pages]
    suites = sorted((docs_dir / "expectations").glob("*.html"))
    critical = [r for r in results if not r.success and r.severity == "critical"]
    warnings = [r for r in results if not r.success and r.severity != "critical"]
    verdict = (
        '<p class="ok">Đạt: không có kiểm tra bắt buộc nào thất bại; bộ dữ liệu được công bố.</p>'
        if not critical
        else f'<p class="bad">Không đạt: {len(critical)} kiểm tra bắt buộc thất bại; bộ dữ liệu không được công bố.</p>'
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>Kiểm tra chất lượng – {_text(run_name)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Kiểm tra chất lượng dữ liệu (quality gate) – lượt chạy {_text(run_name)}</h1>",
        verdict,
        f'<p class="note">{len(results)} kỳ vọng (expectations) trên {len(validations)} bảng; '
        f"{len(critical)} bắt buộc thất bại, {len(warnings)} cảnh báo.</p>",
        '<h2 id="validations">Kết quả kiểm tra theo bảng (validation results)</h2>',
        "<table><tr><th>Bảng</th><th>Kết quả</th><th>Kỳ vọng</th><th>Bắt buộc thất bại</th><th>Cảnh báo</th></tr>",
        *(_validation_row(v, quality_dir) for v in validations),
        "</table>",
        '<h2 id="suites">Bộ kỳ vọng (expectation suites)</h2><ul>',
        *(f'<li><a href="{_link(page, quality_dir)}">{_text(page.stem)}</a></li>' for page in suites),
        "</ul>",
    ]
    if critical or warnings:
        parts += [
            '<h2 id="failed">Kỳ vọng không đạt</h2>',
            "<table><tr><th>Bảng</th><th>Cột</th><th>Kỳ vọng</th><th>Mức</th><th>Số dòng</th><th>Mô tả</th></tr>",
            *(_failure_row(r) for r in [*critical, *warnings]),
            "</table>",
        ]
    gx_index = docs_dir / INDEX_NAME
    if gx_index.is_file():
        parts.append(
            f'<p class="note">Trang Data Docs gốc của Great Expectations: <a href="{_link(gx_index, quality_dir)}">'
            "data_docs/index.html</a> (cần Internet để hiện danh sách).</p>"
        )
    parts.append("</body></html>")
    index = quality_dir / INDEX_NAME
    index.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return index


def _validation(page: Path, results: Sequence[_Result]) -> _Validation:
    # GX names the page "<checkpoint's data source>-<suite>.html" under validations/<suite>/<run>/<time>/.
    table = page.relative_to(page.parents[3]).parts[0] if len(page.parents) > 3 else page.stem
    own = [r for r in results if r.table == table]
    return _Validation(
        table=table,
        page=page,
        checked=len(own),
        critical=sum(1 for r in own if not r.success and r.severity == "critical"),
        warnings=sum(1 for r in own if not r.success and r.severity != "critical"),
    )


def _validation_row(validation: _Validation, root: Path) -> str:
    if validation.critical:
        status = '<span class="bad">không đạt</span>'
    elif validation.warnings:
        status = '<span class="warn">đạt, có cảnh báo</span>'
    else:
        status = '<span class="ok">đạt</span>'
    link = f'<a href="{_link(validation.page, root)}">{_text(validation.table)}</a>'
    counts = f"<td>{validation.checked}</td><td>{validation.critical}</td><td>{validation.warnings}</td>"
    return f"<tr><td>{link}</td><td>{status}</td>{counts}</tr>"


def _failure_row(result: _Result) -> str:
    cells = (result.table, result.column or "", result.expectation, result.severity, str(result.unexpected_count))
    return "<tr>" + "".join(f"<td>{_text(c)}</td>" for c in (*cells, result.description)) + "</tr>"


def _link(page: Path, root: Path) -> str:
    return html.escape(page.relative_to(root).as_posix(), quote=True)


def _text(value: str) -> str:
    return html.escape(value, quote=False)
