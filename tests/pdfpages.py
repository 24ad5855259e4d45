"""Reading PDF pages back for the tests: their text, and how far down each page the body reaches
(poppler's pdftotext, which the test set-up installs with LibreOffice)."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Page:
    number: int
    height: float
    body_bottom: float   # the lowest point of any text above the footer, in points from the top

    @property
    def filled(self) -> float:
        """How far down the page the body reaches, as a share of the page's height."""
        return self.body_bottom / self.height


def pdf_info(pdf: bytes) -> dict[str, str]:
    """What poppler's pdfinfo says of the PDF ("Pages", "Page size", "Title", "Tagged", ...)."""
    said = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    pairs = (line.split(":", 1) for line in said.splitlines() if ":" in line)
    return {key: value.strip() for key, value in pairs}


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, laid out as on the page."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


def pages(pdf: bytes, footer_starts: str) -> list[Page]:
    """Each page's height and the bottom of its body: of the text above the footer, whose first
    line starts with `footer_starts` (the footer touches the body's last line, and pdftotext can
    put the two in one block, so the footer is found by its words)."""
    html = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    found = []
    for number, page in enumerate(ET.fromstring(html).iter(f"{XHTML}page"), start=1):
        lines = [(float(line.get("yMin")), float(line.get("yMax")), " ".join(w.text or "" for w in line.iter(f"{XHTML}word")))
                 for line in page.iter(f"{XHTML}line")]
        footer_top = max(top for top, _, text in lines if text.startswith(footer_starts))
        found.append(Page(number, float(page.get("height")),
                          max((bottom for top, bottom, _ in lines if top < footer_top), default=0.0)))
    return found
