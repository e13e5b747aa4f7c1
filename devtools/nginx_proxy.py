"""Debian's nginx in front of local instances, with the configuration a university installs (``deploy/nginx``).

The site template is rendered as ``envsubst`` renders it in production (only the ``${NGINX_*}`` names), with one
``server`` line per instance in its upstream (as its comment asks an administrator to write), then wrapped in a main
configuration whose every path (pid, logs, temporary files, cache) is in a folder of the caller's own, and run in
the foreground on loopback ports. Its access log names the instance that answered each request.

Used by the scale-out tests (``tests/browser/test_scale_out.py``, ``tests/test_deploy.py``) and by
``bench/scale.py``.
"""

import contextlib
import datetime
import ipaddress
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
TEMPLATE = ROOT / "deploy" / "nginx" / "ecandidat.conf.template"
# The upstream's instance lines, the first one a model for as many as there are instances.
_INSTANCE_LINE = re.compile(r"^([ \t]*server )\$\{NGINX_WEB_\d+\}(.*)\n", re.M)
# "|"-separated; $upstream_addr lists every instance tried ("A, B" when A refused): the last one answered.
ACCESS_FORMAT = "$cookie_ecandidat_route|$request_method|$request_uri|$status|$upstream_addr"


def render_template(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """The template with its ``${NGINX_*}`` names replaced, nginx's own ``$variables`` left alone (as envsubst);
    its upstream lists ``NGINX_WEB_1``, ``NGINX_WEB_2``… as far as ``values`` goes (two as shipped)."""
    text = with_instances(template.read_text(), sum(1 for name in values if name.startswith("NGINX_WEB_")))
    missing = sorted(set(re.findall(r"\$\{(NGINX_[A-Z0-9_]+)\}", text)) - set(values))
    if missing:
        raise KeyError(f"no value for {missing}")
    return re.sub(r"\$\{(NGINX_[A-Z0-9_]+)\}", lambda m: values[m.group(1)], text)


def with_instances(text: str, count: int) -> str:
    """The template's upstream with ``count`` instance lines (``server ${NGINX_WEB_1} …;`` and so on)."""
    lines = list(_INSTANCE_LINE.finditer(text))
    if not lines or count < 1:
        raise ValueError("the template's upstream has no ${NGINX_WEB_n} line, or no instance was given")
    head, tail = lines[0].group(1), lines[0].group(2)
    servers = "".join(f"{head}${{NGINX_WEB_{n}}}{tail}\n" for n in range(1, count + 1))
    return text[: lines[0].start()] + servers + text[lines[-1].end() :]


def main_configuration(prefix: Path, site: Path, workers: str = "1") -> str:
    """What /etc/nginx/nginx.conf gives the site, with every path inside ``prefix`` (Debian's has ``auto``
    workers: one per core)."""
    user = "user root root;\n" if os.geteuid() == 0 else ""  # the workers must reach the caller's private folder
    return f"""{user}worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format upstreams '{ACCESS_FORMAT}';
    access_log {prefix}/access.log upstreams;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {site};
}}
"""


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (Chromium is told to accept it), and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_values(prefix: Path, web: list[str], https_port: int, http_port: int) -> dict[str, str]:
    cert, key = self_signed_certificate(prefix)
    return {
        "NGINX_SERVER_NAME": "127.0.0.1",
        "NGINX_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
        "NGINX_HTTP_LISTEN": f"127.0.0.1:{http_port}",
        "NGINX_TLS_CERTIFICATE": str(cert),
        "NGINX_TLS_CERTIFICATE_KEY": str(key),
        **{f"NGINX_WEB_{n}": address for n, address in enumerate(web, start=1)},
        "NGINX_CLIENT_MAX_BODY_SIZE": "31m",
        "NGINX_CACHE_DIR": str(prefix / "cache"),
    }


def write_configuration(prefix: Path, values: dict[str, str], workers: str = "1") -> Path:
    """The rendered site and its main configuration in ``prefix``; returns the main file."""
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    site = prefix / "ecandidat.conf"
    site.write_text(render_template(values))
    main = prefix / "nginx.conf"
    main.write_text(main_configuration(prefix, site, workers))
    return main


def check_configuration(main: Path) -> subprocess.CompletedProcess[str]:
    assert NGINX is not None
    return subprocess.run(
        [NGINX, "-t", "-p", str(main.parent), "-c", str(main)], capture_output=True, text=True, timeout=30
    )


@dataclass
class Proxy:
    url: str  # https://127.0.0.1:port
    prefix: Path

    def upstreams(self) -> list[tuple[str, str, str, str]]:
        """(instance address, route cookie, method, path) of each request answered so far."""
        log = self.prefix / "access.log"
        rows = []
        for line in log.read_text().splitlines() if log.exists() else []:
            route, method, path, _status, tried = line.split("|", 4)
            rows.append((tried.split(", ")[-1], route, method, path))
        return rows

    def instance_for_route(self, route: str) -> str:
        """Which instance serves a browser sending the route cookie ``route`` (asks nginx once)."""
        before = len(self.upstreams())
        request = urllib.request.Request(self.url + "/robots.txt", headers={"Cookie": f"ecandidat_route={route}"})
        with contextlib.suppress(urllib.error.HTTPError):  # a 404 from the instance is an answer too
            urllib.request.urlopen(request, timeout=15, context=insecure()).close()
        for _ in range(50):
            answered = self.upstreams()[before:]
            if answered:
                return answered[-1][0]
            time.sleep(0.1)
        raise AssertionError("nginx logged no answer")


def insecure() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@contextmanager
def run_nginx(prefix: Path, web: list[str], https_port: int | None = None, *, workers: str = "1") -> Iterator[Proxy]:
    """nginx in the foreground on loopback (``https_port``, or a free one) in front of ``web`` (host:port, one or
    more instances), with ``workers`` worker processes."""
    assert NGINX is not None
    https_port, http_port = https_port or free_port(), free_port()
    main = write_configuration(prefix, site_values(prefix, web, https_port, http_port), workers)
    checked = check_configuration(main)
    assert checked.returncode == 0, checked.stderr
    log = (prefix / "nginx.out").open("wb")
    process = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(main), "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited with {process.returncode}: {(prefix / 'error.log').read_text()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", https_port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError("nginx did not listen within 20 s")
            time.sleep(0.1)
        yield Proxy(f"https://127.0.0.1:{https_port}", prefix)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
