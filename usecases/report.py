"""Documents to share, as `personas report`, `personas export --format xlsx` and the app's download buttons make
them: the HTML report, the same report printed to PDF by headless Chromium, and the spreadsheet."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from personas.errors import InputError

if TYPE_CHECKING:
    from personas.sets import PersonaSet

FORMATS = ("html", "pdf")
# The flags every headless Chromium in this project runs with (the browser test's too): nothing fetched, no GPU.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def check_out(out: Path | None, suffix: str) -> Path | None:
    """An output file that can be written, checked before any work starts (one line for people if not)."""
    if out is None:
        return None
    out = Path(out)
    if out.is_dir():
        raise InputError(f"--out {out} is a folder; give a file name such as {out / ('personas.' + suffix)}")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"--out {out}: the folder {parent} does not exist; create it or choose another path")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InputError(f"--out {out}: cannot write there; choose a path you can write to")
    return out


def default_name(pset: PersonaSet, suffix: str) -> Path:
    return Path(f"personas-{pset.name}-v{pset.version}.{suffix}")


def report_bytes(pset: PersonaSet, fmt: str) -> bytes:
    """The report of ``pset`` as HTML (UTF-8) or PDF."""
    from personas.report_html import report_html

    if fmt not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    html = report_html(pset)
    return html.encode("utf-8") if fmt == "html" else html_to_pdf(html)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise InputError("the PDF report needs Debian's chromium: apt-get install chromium (or use --format html)")
    return path


def html_to_pdf(html: str) -> bytes:
    """Print HTML to PDF (A4, backgrounds on) with the system's headless Chromium through Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise InputError("the PDF report needs Playwright: pip install 'data-personas[pdf]'") from exc
    executable = chromium_path()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            return page.pdf(format="A4", print_background=True)
        finally:
            browser.close()


def xlsx_bytes(pset: PersonaSet) -> bytes:
    """The set as a workbook: a sheet of personas with the APG columns, a sheet per list."""
    import io

    import pandas as pd

    from personas.spreadsheet import workbook_frames

    try:
        import openpyxl  # noqa: F401  (pandas' xlsx writer)
    except ImportError as exc:
        raise InputError("the xlsx export needs openpyxl: pip install openpyxl") from exc
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for sheet, frame in workbook_frames(pset).items():
            frame.to_excel(writer, sheet_name=sheet, index=False)
    return buf.getvalue()


def write_atomic(out: Path, data: bytes) -> None:
    """Write to a temporary file beside ``out`` and rename, so a failed write leaves no half file."""
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
