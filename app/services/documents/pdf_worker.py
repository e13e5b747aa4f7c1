"""The child process of the PDF sandbox: validate one untrusted file and write it back as a clean PDF.

Started once by ``pdf_sandbox`` as ``python -m app.services.documents.pdf_worker --serve``, with a cleaned
environment (no secrets, no database URL): a fork server (``fork_server.serve``) that loads the parsers, then forks
one child per upload, which runs ``run_job`` on that file and exits (``pdf_worker JOB.json`` runs one job in this
process, by hand). It imports nothing of the application but ``fork_server`` (standard library only) and
``pdf_assembly`` (pypdf only): pypdf and Pillow. A child lowers its own resource limits first (the application
lowers them too, with ``prlimit``), then:

- PDF: refuses encrypted files (an empty user password is tried: "protected against editing" PDFs open in any
  viewer), files without a final ``%%EOF`` (truncated), more pages than allowed; inflates every page's content
  and its XObjects (pypdf's own limits, then the address-space limit, stop decompression bombs); copies the
  pages into a fresh document without the catalogue's scripts, open actions or attachments, and without page or
  annotation actions.
- Image: Pillow with a pixel ceiling (larger declared sizes are refused before decoding), ``verify()``, EXIF
  orientation applied, transparency flattened on white, scaled to fit an A4 page at 200 dpi with margins, saved
  as a one-page PDF.

It writes ``{"ok": true, "pages": N}`` or ``{"ok": false, "code": ..., "params": {...}}`` to the result file
and exits 0; any other ending (killed by a limit, crash) is the parent's to interpret. A batch job (``files``: one
upload batch of one candidate's piece) does the same for each file in one child and also writes the merged piece
(``run_batch``, ``pdf_assembly``): ``{"ok": true, "files": [one result per file], "pages": N}``.
"""

import json
import resource
import sys
import warnings
from pathlib import Path
from typing import Any

from app.services.documents.fork_server import serve
from app.services.documents.pdf_assembly import MergedPiece

A4_DPI = 200
A4_PIXELS = (1654, 2339)  # 210 × 297 mm at 200 dpi
MARGIN_PIXELS = 79  # 1 cm
_RISKY_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/ResetForm"}


class Refused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def set_limits(cpu_seconds: int, memory_bytes: int, output_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))  # SIGXCPU, then SIGKILL
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


# --- PDF ----------------------------------------------------------------------------------------------------------


def _strip_actions(page: Any) -> None:
    from pypdf.generic import NameObject

    for key in ("/AA",):
        if NameObject(key) in page:
            del page[NameObject(key)]
    annotations = page.get("/Annots")
    if annotations is None:
        return
    for ref in annotations.get_object():
        annotation = ref.get_object()
        if NameObject("/AA") in annotation:
            del annotation[NameObject("/AA")]
        action = annotation.get("/A")
        if action is not None and action.get_object().get("/S") in _RISKY_ACTIONS:
            del annotation[NameObject("/A")]


def _inflate_resources(page: Any) -> None:
    """Decode the page's XObjects once, so a stream that inflates to gigabytes is caught here, not by a viewer."""
    resources = page.get("/Resources")
    if resources is None:
        return
    xobjects = resources.get_object().get("/XObject")
    if xobjects is None:
        return
    for ref in xobjects.get_object().values():
        stream = ref.get_object()
        if hasattr(stream, "get_data"):
            stream.get_data()


def normalise_pdf(source: Path, target: Path, max_pages: int) -> int:
    from pypdf import PdfWriter

    writer = PdfWriter()
    pages = copy_clean_pages(source, writer, max_pages)
    with target.open("wb") as handle:
        writer.write(handle)
    return pages


def copy_clean_pages(source: Path, writer: Any, max_pages: int) -> int:
    """Check the untrusted PDF ``source`` and copy its pages into ``writer`` without actions; its page count."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError

    data_tail = source.read_bytes()[-2048:]
    if b"%%EOF" not in data_tail:
        raise Refused("file_corrupt")
    try:
        reader = PdfReader(source, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # an unsupported or broken encryption is still "protected"
                opened = 0
            if not opened:
                raise Refused("pdf_encrypted")
        pages = len(reader.pages)
        if pages == 0:
            raise Refused("file_corrupt")
        if pages > max_pages:
            raise Refused("too_many_pages", pages=pages, max=max_pages)
        for page in reader.pages:
            box = page.mediabox
            if float(box.width) <= 0 or float(box.height) <= 0:
                raise Refused("file_corrupt")
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
            _inflate_resources(page)
            added = writer.add_page(page)
            _strip_actions(added)
        return pages
    except Refused:
        raise
    except LimitReachedError as exc:
        raise Refused("file_bomb") from exc
    except FileNotDecryptedError as exc:
        raise Refused("pdf_encrypted") from exc
    except MemoryError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on broken input
        raise Refused("file_corrupt") from exc


# --- Images -------------------------------------------------------------------------------------------------------


def normalise_image(source: Path, target: Path, max_pixels: int) -> int:
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # opening reads the header only: check the declared size ourselves, by value
    try:
        with Image.open(source) as probe:
            width, height = probe.size
            fmt = probe.format
    except Exception as exc:
        raise Refused("file_corrupt") from exc
    if width * height > max_pixels:
        raise Refused("image_too_large", pixels=round(width * height / 1_000_000), max=max_pixels // 1_000_000)
    if fmt not in ("PNG", "JPEG", "MPO"):
        raise Refused("file_type")
    Image.MAX_IMAGE_PIXELS = max_pixels  # and Pillow's own ceiling for whatever follows
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    try:
        with Image.open(source) as probe:
            probe.verify()
        with Image.open(source) as image:
            image.load()
            image = ImageOps.exif_transpose(image) or image
            if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
                rgba = image.convert("RGBA")
                image = Image.new("RGB", rgba.size, "white")
                image.paste(rgba, mask=rgba.getchannel("A"))
            else:
                image = image.convert("RGB")
            box = (A4_PIXELS[0] - 2 * MARGIN_PIXELS, A4_PIXELS[1] - 2 * MARGIN_PIXELS)
            scale = min(box[0] / image.width, box[1] / image.height)
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            image = image.resize(size, Image.Resampling.LANCZOS)
            page = Image.new("RGB", A4_PIXELS, "white")
            page.paste(image, ((A4_PIXELS[0] - size[0]) // 2, (A4_PIXELS[1] - size[1]) // 2))
            page.save(target, format="PDF", resolution=A4_DPI, quality=88)
        return 1
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Refused("image_too_large", pixels=round(width * height / 1_000_000), max=max_pixels // 1_000_000) from exc
    except MemoryError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Exception) as exc:
        raise Refused("file_corrupt") from exc


def preload() -> None:
    """Ready the fork server's parsers once, so that no child pays for it (~0.3 s of CPU a file): the imports, then
    one pass over a PDF made here (pypdf imports its filters and codecs on first use: ~20 ms)."""
    import tempfile

    from PIL import Image, ImageOps  # noqa: F401
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    Image.init()  # every format plugin: saving as PDF would import them all in each child
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    content = DecodedStreamObject()
    content.set_data(b"0 0 m 10 10 l S")
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    with tempfile.TemporaryDirectory(prefix="ecandidat-sandbox-warmup-") as scratch:
        source = Path(scratch) / "warmup.pdf"
        with source.open("wb") as handle:
            writer.write(handle)
        normalise_pdf(source, Path(scratch) / "normalised.pdf", max_pages=1)


def run_job(job: dict[str, Any]) -> None:
    """Normalise the job's file under the job's limits; write the result file (what one child does)."""
    set_limits(job["cpu_seconds"], job["memory_bytes"], job["output_bytes"])
    if "files" in job:
        return run_batch(job)
    result_path = Path(job["result"])
    try:
        if job["media_type"] == "application/pdf":
            pages = normalise_pdf(Path(job["input"]), Path(job["output"]), job["max_pages"])
        else:
            pages = normalise_image(Path(job["input"]), Path(job["output"]), job["max_pixels"])
        result: dict[str, Any] = {"ok": True, "pages": pages}
    except Refused as refusal:
        result = {"ok": False, "code": refusal.code, "params": refusal.params}
    except MemoryError:
        result = {"ok": False, "code": "file_bomb", "params": {}}
    except RecursionError:
        result = {"ok": False, "code": "file_corrupt", "params": {}}
    result_path.write_text(json.dumps(result))


def run_batch(job: dict[str, Any]) -> None:
    """One upload batch: each new file normalised in turn (a refusal is its file's, the others go on), and the
    merged piece written by the same child: the piece's merged PDF so far (``previous``) with the accepted new
    pages appended as an incremental update, or its earlier clean files (``earlier``) merged again, then the new.
    A ``previous`` of another shape sent without ``earlier``: the merge is incomplete (``"merged": false``).

    A MemoryError (or any crash) ends the batch without a result: the parent then runs each file in a child of its
    own, where it is refused alone, with the single file's limits.
    """
    previous = job.get("previous")
    merged = MergedPiece(Path(job["merged"]), Path(previous) if previous else None)
    if not merged.appending:  # the new pages are not appended to the piece's merged PDF: merge it all again
        for earlier in job["earlier"]:
            _copy_into(merged, Path(earlier))
    outcomes: list[dict[str, Any]] = []
    for item in job["files"]:
        try:
            outcomes.append({"ok": True, "pages": _normalise_into(merged, item, job)})
        except Refused as refusal:
            outcomes.append({"ok": False, "code": refusal.code, "params": refusal.params})
    pages = merged.close()
    # Complete: it holds the piece's earlier pages (appended to, merged again, or none); else the parent merges.
    complete = merged.appending or not previous or bool(job["earlier"])
    result = {"ok": True, "files": outcomes, "pages": pages, "merged": complete}
    Path(job["result"]).write_text(json.dumps(result))


def _normalise_into(merged: MergedPiece, item: dict[str, Any], job: dict[str, Any]) -> int:
    output = Path(item["output"])
    if item["media_type"] == "application/pdf":
        writer = merged.new_writer()
        copy_clean_pages(Path(item["input"]), writer, job["max_pages"])
        return merged.add(writer, output)  # the file's own PDF and its share of the merged one, one serialisation
    pages = normalise_image(Path(item["input"]), output, job["max_pixels"])
    _copy_into(merged, output)
    return pages


def _copy_into(merged: MergedPiece, clean: Path) -> None:
    """Add a PDF this worker wrote (an earlier file of the piece, an image's page) to the merged piece."""
    from pypdf import PdfReader

    writer = merged.new_writer()
    for page in PdfReader(clean).pages:
        writer.add_page(page)
    merged.add(writer, None)


def main(argv: list[str]) -> int:
    if argv[1:] == ["--serve"]:
        serve(run_job, preload=preload)
    else:  # one job, in this process (by hand, to look at one file)
        run_job(json.loads(Path(argv[1]).read_text()))
    return 0


if __name__ == "__main__":
    import logging

    logging.disable(logging.CRITICAL)  # pypdf logs every oddity of a broken file; the result says enough
    warnings.simplefilter("ignore")
    sys.exit(main(sys.argv))
