"""The sandbox refuses every hostile file with its message, keeps the server alive, and still accepts good files.

The hostile corpus is generated here, small where possible: the inflating stream and the 5,000-page PDF are
built by hand (a repeated deflate block, a flat page tree), not by compressing gigabytes. Misbehaving children
(endless loops, memory eaters) come from a fork server whose job is replaced by that misbehaviour and sets no limit
itself: only the limits this process applies stop them.
"""

import io
import os
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from app.services.documents import fork_server, pdf_sandbox
from app.services.documents.pdf_sandbox import SandboxLimits, normalise
from app.services.platform.errors import DomainError
from tests.factories import image_bytes, pdf_bytes

MB = 1024 * 1024
LIMITS = SandboxLimits(
    cpu_seconds=10, memory_bytes=384 * MB, wall_seconds=30, output_bytes=64 * MB, max_pages=100, max_pixels=50_000_000
)


# --- The hostile corpus -------------------------------------------------------------------------------------------


def raw_pdf(objects: list[bytes], *, root: int = 1) -> bytes:
    """A PDF from numbered object bodies (object i+1 is objects[i]), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def inflating_zeros(megabytes: int) -> bytes:
    """A zlib stream of ``megabytes`` MB of zeros, ~1 KB per MB, made without compressing them all.

    After a full flush the compressor forgets its history, so every further 1 MB block of zeros encodes to the
    same bytes: repeat that block, close with an empty final block and the Adler-32 of N zeros (a=1, b=N).
    """
    chunk = bytes(MB)
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    total = megabytes * MB
    adler = ((total % 65521) << 16) | 1
    return first + block * (megabytes - 1) + b"\x03\x00" + struct.pack(">I", adler)


def flate_bomb_pdf(gigabytes: int = 2) -> bytes:
    stream = inflating_zeros(gigabytes * 1024)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )


def many_pages_pdf(pages: int = 5000) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    return raw_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
        + [page] * pages
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 100_000) -> bytes:
    """A tiny PNG declaring side × side pixels (10 gigapixels): decoding it would need ~30 GB."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(2))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_zip() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.exe", b"MZ" + bytes(100))
    return pdf_bytes(1) + archive.getvalue()


def jpeg_html() -> bytes:
    """A JPEG whose comment segment is an HTML page: a browser sniffing it would run the script."""
    jpeg = image_bytes("JPEG")
    comment = b"<html><body><script>alert(document.cookie)</script></body></html>"
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]


HOSTILE: dict[str, tuple[Callable[[], bytes], str, dict]] = {
    "truncated pdf": (lambda: pdf_bytes(3)[:-200], "file_corrupt", {}),
    "encrypted pdf": (encrypted_pdf, "pdf_encrypted", {}),
    "flate stream inflating to 2 GB": (flate_bomb_pdf, "file_bomb", {}),
    "zero bytes": (lambda: b"", "file_empty", {}),
    "wrong magic (zip)": (lambda: zipfile_bytes(), "file_type", {}),
    "wrong magic (exe)": (lambda: b"MZ\x90\x00" + bytes(200), "file_type", {}),
    "pdf header then html": (lambda: b"%PDF-1.4\n<html><script>alert(1)</script></html>", "file_polyglot", {}),
    "pdf then zip": (pdf_with_zip, "file_polyglot", {}),
    "jpeg that is html": (jpeg_html, "file_polyglot", {}),
    "pdf header, garbage": (lambda: b"%PDF-1.7\n" + os.urandom(4000) + b"\n%%EOF\n", "file_corrupt", {}),
    "5,000-page pdf": (many_pages_pdf, "too_many_pages", {"pages": 5000, "max": 100}),
    "png decompression bomb": (png_bomb, "image_too_large", {"pixels": 10_000, "max": 50}),
    "truncated png": (lambda: image_bytes("PNG", (400, 400))[:300], "file_corrupt", {}),
}


def zipfile_bytes() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.txt", "hello")
    return archive.getvalue()


# --- Tests --------------------------------------------------------------------------------------------------------


def test_the_flate_bomb_really_inflates() -> None:
    sample = inflating_zeros(3)
    assert zlib.decompress(sample) == bytes(3 * MB)
    assert len(inflating_zeros(2048)) < 3 * MB  # 2 GB inflated, under the 10 MB upload limit


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_with_its_message_and_the_server_goes_on(name: str) -> None:
    build, code, params = HOSTILE[name]
    with pytest.raises(DomainError) as refused:
        normalise(build(), limits=LIMITS)
    assert refused.value.code == code
    assert refused.value.params == params
    assert refused.value.translate(lambda m: m)  # a complete French sentence, placeholders filled
    # This process is still here and the next candidate's file goes through.
    assert normalise(pdf_bytes(1), limits=LIMITS).page_count == 1


def test_messages_say_what_to_do() -> None:
    with pytest.raises(DomainError) as refused:
        normalise(encrypted_pdf(), limits=LIMITS)
    assert refused.value.translate(lambda m: m) == (
        "Ce fichier PDF est protégé par un mot de passe : déposez une version sans protection."
    )
    with pytest.raises(DomainError) as refused:
        normalise(many_pages_pdf(101), limits=LIMITS)
    assert refused.value.translate(lambda m: m) == "Ce document compte trop de pages (101, au plus 100)."


def test_too_large_is_refused_before_any_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_sandbox, "_run", lambda *a: pytest.fail("the sandbox must not run"))
    with pytest.raises(DomainError) as refused:
        normalise(b"%PDF-1.4\n" + bytes(10 * MB), limits=LIMITS)
    assert refused.value.code == "file_too_large"
    assert refused.value.params == {"max": 10}


def test_a_pdf_protected_only_against_editing_is_accepted() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(2))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    result = normalise(buffer.getvalue(), limits=LIMITS)
    assert result.page_count == 2
    assert not PdfReader(io.BytesIO(result.pdf)).is_encrypted


def test_scripts_and_open_actions_are_dropped() -> None:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(1))))
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hello');")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(script.clone(writer))})
    buffer = io.BytesIO()
    writer.write(buffer)
    result = normalise(buffer.getvalue(), limits=LIMITS)
    reader = PdfReader(io.BytesIO(result.pdf))
    assert "/Names" not in reader.trailer["/Root"] and "/OpenAction" not in reader.trailer["/Root"]
    assert b"app.alert" not in result.pdf


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_an_image_becomes_one_a4_page(fmt: str) -> None:
    result = normalise(image_bytes(fmt, (1200, 800)), limits=LIMITS)
    page = PdfReader(io.BytesIO(result.pdf)).pages[0]
    assert result.page_count == 1 and result.source_media_type == f"image/{fmt.lower()}"
    assert float(page.mediabox.width) == pytest.approx(595.3, abs=1)
    assert float(page.mediabox.height) == pytest.approx(841.9, abs=1)


def test_exif_orientation_is_applied() -> None:
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": a landscape sensor image shown as portrait
    wide = image_bytes("JPEG", (1600, 400), exif=exif.tobytes())
    result = normalise(wide, limits=LIMITS)
    page = PdfReader(io.BytesIO(result.pdf)).pages[0]
    image = next(iter(page.images)).image
    assert image is not None and image.size == (1654, 2339)  # the whole A4 page at 200 dpi
    from PIL import ImageOps

    left, top, right, bottom = ImageOps.invert(image.convert("L")).getbbox() or (0, 0, 0, 0)
    assert bottom - top > 3 * (right - left)  # the navy band stands upright, as the camera meant it


# --- Misbehaving children and the fork server ------------------------------------------------------------------


@pytest.fixture
def children_that(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``children_that("while True: pass")``: a fork server whose children run that instead of the worker's job
    for an upload starting with ``%PDF-1.7\n%hostile``, alone or in a batch (other jobs go through the real job;
    ``batches=True``: every batch job instead); no limit is set in the child, so only this process's (``prlimit``,
    wall clock) can stop it."""

    def use(body: str, *, batches: bool = False) -> None:
        guilty = "'files' in job" if batches else "any(hostile(item['input']) for item in job.get('files', [job]))"
        code = (
            "from pathlib import Path\n"
            "from app.services.documents.fork_server import serve\n"
            "from app.services.documents.pdf_worker import preload, run_job\n"
            "def hostile(path):\n"
            "    return Path(path).read_bytes().startswith(b'%PDF-1.7\\n%hostile')\n"
            "def job(job):\n"
            f"    if not ({guilty}):\n"
            "        return run_job(job)\n"
            f"    {body}\n"
            "serve(job, preload=preload)\n"
        )
        monkeypatch.setattr(pdf_sandbox, "server_command", lambda: [sys.executable, "-c", code])
        pdf_sandbox.shutdown()

    yield use
    pdf_sandbox.shutdown()  # the next test starts the real one


HOSTILE_UPLOAD = b"%PDF-1.7\n%hostile\n%%EOF\n"


def server_pid() -> int:
    return pdf_sandbox._fork_server().pid


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True  # ended, waiting for its parent to read its status
        except OSError:
            return True
        time.sleep(0.05)
    return False


def test_a_child_that_loops_is_killed_by_the_wall_clock(children_that: Callable[[str], None]) -> None:
    children_that("while True: pass")
    limits = SandboxLimits(**(vars(LIMITS) | {"wall_seconds": 0.5, "cpu_seconds": 30}))
    with pytest.raises(DomainError) as refused:
        normalise(HOSTILE_UPLOAD, limits=limits)
    assert refused.value.code == "file_timeout"


def test_a_child_that_burns_cpu_is_stopped_by_its_cpu_limit(children_that: Callable[[str], None]) -> None:
    children_that("while True: pass")
    limits = SandboxLimits(**(vars(LIMITS) | {"wall_seconds": 20, "cpu_seconds": 1}))
    started = time.monotonic()
    with pytest.raises(DomainError) as refused:
        normalise(HOSTILE_UPLOAD, limits=limits)
    assert refused.value.code == "file_timeout"
    assert time.monotonic() - started < 15  # the CPU limit, not the wall clock


def test_a_child_that_eats_memory_hits_its_limit(children_that: Callable[[str], None]) -> None:
    children_that("chunks = [bytearray(64 << 20) for _ in range(256)]")  # 16 GB, far above the limit
    with pytest.raises(DomainError) as refused:
        normalise(HOSTILE_UPLOAD, limits=LIMITS)
    assert refused.value.code == "file_corrupt"  # ended without a result: refused, and this process is fine


def test_each_file_gets_a_fresh_child_that_ends_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    pids: list[int] = []
    apply = pdf_sandbox._apply_limits
    monkeypatch.setattr(pdf_sandbox, "_apply_limits", lambda pid, limits: (pids.append(pid), apply(pid, limits)))
    server = server_pid()
    for pages in (1, 2, 3):
        assert normalise(pdf_bytes(pages), limits=LIMITS).page_count == pages
    assert normalise(image_bytes("PNG"), limits=LIMITS).page_count == 1
    assert len(set(pids)) == 4 and server not in pids
    assert all(gone(pid) for pid in pids)
    assert server_pid() == server and children_of(server) == []


def test_a_hostile_file_kills_only_its_child(children_that: Callable[[str], None]) -> None:
    children_that("while True: pass")
    limits = SandboxLimits(**(vars(LIMITS) | {"wall_seconds": 0.5}))
    assert normalise(pdf_bytes(1), limits=limits).page_count == 1
    server = server_pid()
    for _ in range(5):
        with pytest.raises(DomainError):
            normalise(HOSTILE_UPLOAD, limits=limits)
    assert server_pid() == server  # the same server: only the children were killed
    assert children_of(server) == []  # none left behind
    assert normalise(pdf_bytes(2), limits=limits).page_count == 2


def test_files_at_once_each_get_their_own_child(children_that: Callable[[str], None]) -> None:
    """Uploads of several candidates side by side: a looping file does not hold up the others."""
    children_that("while True: pass")
    limits = SandboxLimits(**(vars(LIMITS) | {"wall_seconds": 3}))
    outcomes: dict[int, object] = {}

    def upload(index: int, data: bytes) -> None:
        try:
            outcomes[index] = normalise(data, limits=limits).page_count
        except DomainError as refused:
            outcomes[index] = refused.code

    files = [HOSTILE_UPLOAD, pdf_bytes(1), HOSTILE_UPLOAD, pdf_bytes(2), image_bytes("JPEG")]
    threads = [threading.Thread(target=upload, args=item) for item in enumerate(files)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {0: "file_timeout", 1: 1, 2: "file_timeout", 3: 2, 4: 1}


def test_a_dead_server_is_replaced_at_the_next_file() -> None:
    first = server_pid()
    assert normalise(pdf_bytes(1), limits=LIMITS).page_count == 1
    os.kill(first, signal.SIGKILL)
    assert gone(first)
    assert normalise(pdf_bytes(2), limits=LIMITS).page_count == 2
    assert server_pid() != first


def test_shutdown_ends_the_server_and_the_child_at_work(children_that: Callable[[str], None]) -> None:
    children_that("while True: pass")
    pids: list[int] = []
    server = pdf_sandbox._fork_server()
    outcome: list[int] = []
    job = threading.Thread(
        target=lambda: outcome.append(server.run(Path("/nonexistent/job.json"), wall_seconds=60, started=pids.append))
    )
    job.start()
    deadline = time.monotonic() + 10
    while not pids and time.monotonic() < deadline:
        time.sleep(0.05)
    pdf_sandbox.shutdown()
    job.join(timeout=10)
    assert outcome and outcome[0] != 0  # the job failed at once instead of waiting for its wall clock
    assert gone(server.pid) and all(gone(pid) for pid in pids)


def test_a_child_at_work_dies_with_its_killed_server(children_that: Callable[[str], None]) -> None:
    """The death signal each child asks for (prctl, resolved once by the server before it forks) ends the child
    when the server is killed: no parser outlives it."""
    children_that("while True: pass")
    limits = SandboxLimits(**(vars(LIMITS) | {"wall_seconds": 20, "cpu_seconds": 30}))
    server = server_pid()
    outcome: list[str] = []

    def upload() -> None:
        try:
            normalise(HOSTILE_UPLOAD, limits=limits)
        except DomainError as refused:
            outcome.append(refused.code)

    job = threading.Thread(target=upload)
    job.start()
    deadline = time.monotonic() + 10
    while not children_of(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    [child] = children_of(server)
    time.sleep(0.2)  # the child has set its death signal (its first act) before the server dies
    os.kill(server, signal.SIGKILL)
    assert gone(server) and gone(child, within=2.0)  # well before the 20 s wall clock
    job.join(timeout=10)
    assert outcome == ["file_timeout"]  # the upload is refused at once, not left waiting


def test_the_server_and_its_children_end_with_the_process() -> None:
    """As in ``python -m app.worker`` (no NiceGUI): at exit nothing of the sandbox is left running."""
    code = (
        "from app.services.documents import pdf_sandbox\n"
        "from tests.factories import pdf_bytes\n"
        "from tests.test_pdf_sandbox import LIMITS\n"
        "pdf_sandbox.check_size = lambda data: None  # no database in this process\n"
        "print(pdf_sandbox.normalise(pdf_bytes(2), limits=LIMITS).page_count, pdf_sandbox._fork_server().pid)\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = os.environ | {"PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    pages, server = map(int, done.stdout.split())
    assert pages == 2 and gone(server)


def test_the_child_protocol_reports_the_signal(tmp_path: Path) -> None:
    """The fork server's client on its own: return code, kill past the wall clock, the signal that ended a child."""
    code = (
        "import os, signal\n"
        "from app.services.documents.fork_server import serve\n"
        "def job(job):\n"
        "    if job['do'] == 'exit': os._exit(3)\n"
        "    if job['do'] == 'abort': os.kill(os.getpid(), signal.SIGABRT)\n"
        "    while True: pass\n"
        "serve(job)\n"
    )
    server = fork_server.ForkServer(
        [sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1], env=pdf_sandbox._child_env()
    )
    try:
        outcomes = {}
        for do, wall in (("exit", 10), ("abort", 10), ("loop", 0.3)):
            job = tmp_path / f"{do}.json"
            job.write_text(f'{{"do": "{do}"}}')
            outcomes[do] = server.run(job, wall_seconds=wall, started=lambda pid: None)
        assert outcomes == {"exit": 3, "abort": -signal.SIGABRT, "loop": fork_server.KILLED}
        assert children_of(server.pid) == []
    finally:
        server.close()
    assert gone(server.pid)


def test_the_child_gets_no_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECANDIDAT_SECRET_KEY", "do-not-leak")
    env = pdf_sandbox._child_env()
    assert not any("ECANDIDAT" in name for name in env)
