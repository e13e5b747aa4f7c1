"""Time of ten uploads of one piece through the PDF sandbox, merged into one PDF (issue 20), against ``qpdf``.

The corpus is generated here, no network: 7 PDFs (5 typed documents rendered by xhtml2pdf, 2 scans saved by
Pillow as JPEG pages) and 3 phone photos (JPEG), 100 pages in all. Timings, each the median of ``--reps`` runs
(the very first run, which may start the sandbox, is reported apart as ``first_ten_files_s``):

- ``ten_files``: the ten files as one upload batch (``pdf_sandbox.normalise_batch``, what ``add_piece_files`` does
  with a selection): one sandbox child normalises each and writes the merged PDF; ``ten_files_per_file``: the path
  before batches, each file in a child of its own (``normalise``), then merged here as ``piece_files.merge_files``
  does without a batch (pypdf, pages copied);
- ``seven_pdfs``: the same for the 7 PDFs alone;
- ``seven_pdfs_flate``: the same 7 PDFs with the typed ones rendered without ReportLab's ASCII85 layer (its
  default wraps every content stream in ASCII85, whose decoding in Python's standard library was a third of the
  sandbox's PDF time; office suites and scanners write plain Flate streams): the representative case;
- ``qpdf`` and ``qpdf_flate``: ``qpdf --empty --pages ... -- out.pdf`` on each set of 7 PDFs (``null`` and a note
  when qpdf is absent: ``apt-get install -y qpdf``), and our ratio to each;
- ``merges``: the merge alone of the ten normalised files in this process (after a removal, a reordering, or a
  batch that fell back), once (``ten_files_once``) and as ten uploads sent one at a time caused it before batches
  (``ten_files_one_by_one``: merged again here after each added file, 1 + 2 + … + 10);
- ``ten_uploads_one_by_one``: ten uploads sent one at a time, each a batch of one whose child appends the new
  pages to the piece's merged PDF (an incremental update), against ``ten_uploads_one_by_one_per_file`` (a child
  per file, merged here after each).

Each timing gives wall seconds and ``cpu_median_s``, the CPU of this process and of its children (the sandbox's
too): the upload path is sequential, so on a quiet machine wall ≈ CPU; on a shared one trust the CPU figures.

Only ``normalise`` and ``normalise_batch`` are called, with the limits of the settings.
Usage: python bench/merge.py [--reps 7]
"""

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ECANDIDAT_SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")
os.environ["ECANDIDAT_DEMO"] = "false"

from pypdf import PdfReader, PdfWriter
from sqlmodel import SQLModel

import app.models  # noqa: F401  (the tables create_all makes)
from app.config import reset_settings
from app.db import make_engine, reset_engine
from app.services.documents import pdf_sandbox

TYPED_PAGES = (30, 25, 15, 10, 7)  # relevés de notes, CV, lettre…
SCANNED_PAGES = (6, 4)
PHOTOS = 3
PHOTO_SIZE = (1512, 2016)  # a 12 MP phone photo as messaging apps send it


def typed_pdf(pages: int, title: str, *, ascii85: bool = True) -> bytes:
    """A typed document rendered by xhtml2pdf; ReportLab wraps every content stream in ASCII85 by default, which
    office suites and scanners do not: ``ascii85=False`` gives the plain Flate streams of a representative PDF."""
    from reportlab import rl_config
    from xhtml2pdf import pisa

    rows = "".join(
        f"<tr><td>UE {i}</td><td>Analyse et algèbre linéaire, semestre {i % 6 + 1}</td><td>{10 + i % 9},5</td></tr>"
        for i in range(28)
    )
    page = f"<h2>{title}</h2><p>Université de Rouen — année 2025-2026</p><table>{rows}</table>"
    html = "<html><body>" + "<pdf:nextpage />".join(page for _ in range(pages)) + "</body></html>"
    out = io.BytesIO()
    default, rl_config.useA85 = rl_config.useA85, int(ascii85)
    try:
        pisa.CreatePDF(html, dest=out, encoding="utf-8")
    finally:
        rl_config.useA85 = default
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == pages, (title, len(reader.pages))
    return out.getvalue()


def scanned_pdf(pages: int) -> bytes:
    from PIL import Image, ImageDraw

    images = []
    for number in range(pages):
        image = Image.new("L", (1240, 1754), 235)  # A4 at 150 dpi, greyscale
        draw = ImageDraw.Draw(image)
        for line in range(60):
            draw.text((100, 80 + line * 26), f"Attestation {number} — ligne {line} " * 3, fill=30)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=150, quality=60)
    return out.getvalue()


def photo(seed: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFilter

    image = Image.effect_noise(PHOTO_SIZE, 40).convert("RGB")
    image = Image.blend(image, Image.new("RGB", PHOTO_SIZE, (200, 190, 170)), 0.7)
    draw = ImageDraw.Draw(image)
    for line in range(80):
        draw.text((120, 100 + line * 22), f"Carte d'identité {seed} " * 5, fill=(20, 20, 60))
    out = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(0.6)).save(out, "JPEG", quality=85)
    return out.getvalue()


def corpus(*, ascii85: bool = True) -> tuple[list[bytes], list[bytes]]:
    """(the 7 PDFs, the 3 photos); ``ascii85=False``: the typed PDFs with plain Flate streams."""
    typed = [typed_pdf(n, f"Document {i}", ascii85=ascii85) for i, n in enumerate(TYPED_PAGES)]
    return typed + [scanned_pdf(n) for n in SCANNED_PAGES], [photo(i) for i in range(PHOTOS)]


def merged(normalised: list[bytes]) -> int:
    """The clean PDFs merged as ``piece_files.merge_files`` does; the merged pages."""
    writer = PdfWriter()
    for pdf in normalised:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return len(writer.pages)


def through_sandbox(files: list[bytes]) -> int:
    """The files as one upload batch (``add_piece_files``): one sandbox child normalises each and writes the merged
    piece; the merged pages."""
    batch = pdf_sandbox.normalise_batch(files)
    assert batch.merged is not None and all(isinstance(f, pdf_sandbox.NormalisedFile) for f in batch.files)
    return batch.merged.page_count


def per_file(files: list[bytes]) -> int:
    """The path before batches: each file normalised in a child of its own, then the clean PDFs merged here."""
    return merged([pdf_sandbox.normalise(data).pdf for data in files])


def uploads_one_by_one(files: list[bytes], *, batches: bool) -> int:
    """Ten uploads sent one at a time, each normalised and the piece merged after it: in the batch's child, which
    appends the new pages to the piece's merged PDF (``batches``, as ``add_piece_files`` does), or a child per file
    and the merge here."""
    clean: list[bytes] = []
    previous: bytes | None = None
    pages = 0
    for data in files:
        if batches:
            batch = pdf_sandbox.normalise_batch([data], previous=previous)
            assert batch.merged is not None and isinstance(batch.files[0], pdf_sandbox.NormalisedFile)
            clean.append(batch.files[0].pdf)
            previous = batch.merged.pdf
            pages += batch.merged.page_count
        else:
            clean.append(pdf_sandbox.normalise(data).pdf)
            pages += merged(clean)
    return pages


def one_by_one(normalised: list[bytes]) -> int:
    """The merges a candidate's ten uploads, sent one at a time, cause: the piece is merged again after each added
    file (``add_piece_file``), so the k-th upload merges k files: 1 + 2 + … + 10 files merged in all."""
    return sum(merged(normalised[:count]) for count in range(1, len(normalised) + 1))


def tree_cpu() -> float:
    """CPU seconds of this process, its ended children and its live ones with theirs (a sandbox server): on a
    shared machine wall times swell with the load, CPU times much less."""
    times = os.times()
    total = times.user + times.system + times.children_user + times.children_system
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            total += sum(int(value) for value in fields[11:15]) / tick  # utime stime cutime cstime
    return total


def timed(run: Callable[[], object], reps: int) -> dict[str, Any]:
    seconds, cpu = [], []
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), tree_cpu()
        run()
        seconds.append(time.perf_counter() - start)
        cpu.append(tree_cpu() - start_cpu)
    return {
        "median_s": round(statistics.median(seconds), 3),
        "min_s": round(min(seconds), 3),
        "max_s": round(max(seconds), 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
    }


def qpdf_runner(pdfs: list[bytes], folder: Path) -> Callable[[], object] | None:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        return None
    folder.mkdir(exist_ok=True)
    paths = []
    for i, data in enumerate(pdfs):
        path = folder / f"in{i}.pdf"
        path.write_bytes(data)
        paths.append(str(path))
    command = [qpdf, "--empty", "--pages", *paths, "--", str(folder / "out.pdf")]
    return lambda: subprocess.run(command, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-merge-") as scratch:
        folder = Path(scratch)
        # The sandbox reads the portal parameters (file size limit): an empty database, no override.
        url = f"sqlite:///{folder / 'bench.db'}"
        os.environ["ECANDIDAT_DATABASE_URL"] = url
        reset_settings()
        reset_engine()
        SQLModel.metadata.create_all(make_engine(url))
        pdfs, photos = corpus()
        flate = corpus(ascii85=False)[0]
        ten = pdfs + photos
        start = time.perf_counter()
        assert through_sandbox(ten) == 100  # the first call may start the sandbox: reported apart
        first = time.perf_counter() - start
        result: dict[str, Any] = {
            "corpus": {
                "pdfs": len(pdfs),
                "photos": len(photos),
                "pages": 100,
                "mb": round(sum(map(len, ten)) / 1e6, 2),
            },
            "reps": args.reps,
            "first_ten_files_s": round(first, 3),
            "ten_files": timed(lambda: through_sandbox(ten), args.reps),
            "seven_pdfs": timed(lambda: through_sandbox(pdfs), args.reps),
            # The same typed documents without ReportLab's ASCII85 layer, as office suites write them.
            "seven_pdfs_flate": timed(lambda: through_sandbox(flate), args.reps),
            "ten_files_per_file": timed(lambda: per_file(ten), args.reps),
            "seven_pdfs_per_file": timed(lambda: per_file(pdfs), args.reps),
            "seven_pdfs_flate_per_file": timed(lambda: per_file(flate), args.reps),
        }
        clean = [pdf_sandbox.normalise(data).pdf for data in ten]
        result["merges"] = {
            "ten_files_once": timed(lambda: merged(clean), args.reps),
            "ten_files_one_by_one": timed(lambda: one_by_one(clean), args.reps),
            "ten_uploads_one_by_one": timed(lambda: uploads_one_by_one(ten, batches=True), args.reps),
            "ten_uploads_one_by_one_per_file": timed(lambda: uploads_one_by_one(ten, batches=False), args.reps),
        }
        for name, inputs in (("", pdfs), ("_flate", flate)):
            runner = qpdf_runner(inputs, folder / f"qpdf{name}")
            if runner is None:
                result["qpdf"] = None
                result["note"] = "qpdf is not installed (apt-get install -y qpdf): no reference time"
                break
            reference = result[f"qpdf{name}"] = timed(runner, args.reps)
            ours = result[f"seven_pdfs{name}"]
            result[f"seven_pdfs{name}_over_qpdf"] = round(ours["median_s"] / reference["median_s"], 1)
            result[f"seven_pdfs{name}_over_qpdf_cpu"] = round(
                ours["cpu_median_s"] / max(reference["cpu_median_s"], 0.01), 1
            )
            before = result[f"seven_pdfs{name}_per_file"]
            result[f"seven_pdfs{name}_per_file_over_qpdf"] = round(before["median_s"] / reference["median_s"], 1)
        result["goals"] = {"ten_files_s": 1.0, "seven_pdfs_over_qpdf": 3.0}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
