"""Render the documents councils publish, to look at them: the members' report and the objectives
appendix of the example records, as Word, PDF (as the product makes it: `exports.pdf.to_pdf`,
LibreOffice headless) and PNG pages (pdftoppm).

    .venv/bin/python scripts/render_documents.py [OUT]      (default: test-artifacts/documents)

Made on a fresh SQLite database with the examples: Worcestershire on its own framework (2022);
Medway (2023); and Medway after starting 2024 against Worcestershire's framework, so that its
report and appendix show the earlier periods through the mapping. Not part of the tests; needs
`soffice` and `pdftoppm` (Debian: libreoffice-writer, poppler-utils) for the PDF and PNG pages.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import workflows  # noqa: E402
from assessment.formats.writers.pdf import pdf_available, to_pdf  # noqa: E402
from assessment.formats.writers.word_appendix import WordExport, appendix_docx  # noqa: E402
from assessment.formats.writers.word_report import report_docx  # noqa: E402
from assessment.workflows import LOCAL_ACTOR, queries  # noqa: E402

TODAY = date(2026, 12, 3)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        store = workflows.connect(f"sqlite:///{Path(folder) / 'documents.db'}")
        workflows.ensure_examples(store)
        made: dict[Path, WordExport] = {}

        def write(name: str, org: str, period: str, periods: list[str]) -> None:
            view = queries.record(store, LOCAL_ACTOR, org)
            made[out / f"{name}-report.docx"] = report_docx(view.framework, view.record, period, today=TODAY)
            made[out / f"{name}-appendix.docx"] = appendix_docx(view.framework, view.record, periods, today=TODAY)

        write("worcestershire-2022", "worcestershire", "2022", ["2022"])
        write("medway-2023", "medway", "2023", ["2022", "2023"])
        workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", framework_id="worcestershire-2022")
        write("medway-2024-on-worcestershires-framework", "medway", "2024", ["2023", "2024"])
        store.engine.dispose()
    for path, export in made.items():
        path.write_bytes(export.data)
    if not (pdf_available() and shutil.which("pdftoppm")):
        print(f"wrote {len(made)} Word files to {out}; soffice or pdftoppm is not installed, so no PDF or PNG")
        return
    for path, export in made.items():
        pdf = path.with_suffix(".pdf")
        pdf.write_bytes(to_pdf(export.data, export.title))
        for old in out.glob(f"{path.stem}-*.png"):   # pages of an earlier, longer rendering
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(path.with_suffix(""))], check=True, timeout=300)
    print(f"wrote {len(made)} Word files, their PDFs and PNG pages to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test-artifacts" / "documents")
