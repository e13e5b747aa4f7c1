"""What ``deploy/`` ships for a university's IT team is valid as shipped: nginx accepts the rendered site, the
systemd units verify, the composition names the services of the README with their health checks, and the image
copies what exists."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from app.config import Settings
from devtools import nginx_proxy
from tests.portal_process import ROOT

DEPLOY = ROOT / "deploy"
needs_nginx = pytest.mark.skipif(nginx_proxy.NGINX is None, reason="nginx is not installed (apt-get install nginx)")


def template_names() -> set[str]:
    return set(re.findall(r"\$\{(NGINX_[A-Z0-9_]+)\}", nginx_proxy.TEMPLATE.read_text()))


def values(tmp_path: Path) -> dict[str, str]:
    return nginx_proxy.site_values(tmp_path, ["127.0.0.1:18081", "127.0.0.1:18082"], 18443, 18080)


@needs_nginx
def test_nginx_accepts_the_rendered_site(tmp_path: Path) -> None:
    main = nginx_proxy.write_configuration(tmp_path, values(tmp_path))
    checked = nginx_proxy.check_configuration(main)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


@needs_nginx
@pytest.mark.parametrize("count", [1, 3])
def test_the_upstream_gets_one_server_line_per_instance(tmp_path: Path, count: int) -> None:
    """As the template's comment asks an administrator: one instance (bench/scale.py's baseline) or three."""
    web = [f"127.0.0.1:{18081 + n}" for n in range(count)]
    given = nginx_proxy.site_values(tmp_path, web, 18443, 18080)
    rendered = nginx_proxy.render_template(given)
    assert re.findall(r"^\s*server (127\.0\.0\.1:\d+) max_fails=1 fail_timeout=10s;$", rendered, re.M) == web
    checked = nginx_proxy.check_configuration(nginx_proxy.write_configuration(tmp_path, given))
    assert checked.returncode == 0, checked.stderr


@pytest.mark.skipif(shutil.which("envsubst") is None, reason="envsubst is not installed (gettext-base)")
def test_the_documented_envsubst_command_renders_only_the_nginx_names(tmp_path: Path) -> None:
    given = values(tmp_path)
    command = next(
        line.removeprefix("#").strip()
        for line in nginx_proxy.TEMPLATE.read_text().splitlines()
        if line.startswith("#   envsubst")
    )
    command = command.rstrip(" \\") + f" < {nginx_proxy.TEMPLATE}"  # the template's own command, into stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("NGINX_")} | given | {"host": "not-this"}
    rendered = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, check=True).stdout
    assert rendered == nginx_proxy.render_template(given)
    directives = "\n".join(line for line in rendered.splitlines() if not line.lstrip().startswith("#"))
    assert "$host" in directives and "$request_id" in directives and "${" not in directives


def test_uploads_as_large_as_the_portal_accepts_pass_nginx() -> None:
    settings = Settings(secret_key="x" * 40, demo=False)
    limit_mb = int(
        yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["nginx"]["environment"][
            "NGINX_CLIENT_MAX_BODY_SIZE"
        ].removesuffix("m")
    )
    envelope = 64 * 1024  # app/upload_guard.py
    assert limit_mb * 1024 * 1024 >= max(settings.max_piece_mb, settings.max_file_mb) * 1024 * 1024 + envelope


def test_the_composition_runs_the_issues_services_with_health_checks() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web1", "web2", "worker", "nginx"}
    assert services["postgres"]["image"].endswith("postgres:15")
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in ("web1", "web2"):
        assert services[name]["environment"]["ECANDIDAT_ROLE"] == "web"
        assert services[name]["environment"]["ECANDIDAT_REDIS_URL"].startswith("redis://redis:")
    assert services["worker"]["command"] == ["python", "-m", "app.worker"]
    assert services["worker"]["healthcheck"]["test"][-2:] == ["app.worker", "--check"]
    nginx = services["nginx"]
    assert template_names() <= set(nginx["environment"])  # every name of the template gets a value
    assert {nginx["environment"]["NGINX_WEB_1"], nginx["environment"]["NGINX_WEB_2"]} == {"web1:8080", "web2:8080"}
    mounted = [volume.split(":")[0] for volume in nginx["volumes"]]
    assert "./nginx/ecandidat.conf.template" in mounted and (DEPLOY / "nginx" / "ecandidat.conf.template").exists()
    depends = set(services["web1"]["depends_on"])
    assert depends == {"postgres", "redis"}
    assert all(services["web1"]["depends_on"][d]["condition"] == "service_healthy" for d in depends)


def test_the_image_copies_what_the_repository_has_and_starts_the_portal() -> None:
    lines = (DEPLOY / "Containerfile").read_text().splitlines()
    assert re.match(
        r"FROM docker\.io/library/python:3\.\d+-slim", next(line for line in lines if line.startswith("FROM"))
    )
    for line in lines:
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
    assert lines[-1] == 'CMD ["python", "main.py"]'


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path: Path) -> None:
    web = tmp_path / "ecandidat-web@8081.service"  # an instance of the template, as systemctl enable makes it
    web.write_text((DEPLOY / "systemd" / "ecandidat-web@.service").read_text())
    worker = DEPLOY / "systemd" / "ecandidat-worker.service"
    result = subprocess.run(
        ["systemd-analyze", "verify", str(web), str(worker)], capture_output=True, text=True, timeout=60
    )
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and "/opt/ecandidat/venv/bin/python is not executable" not in line  # not installed here
    ]
    assert complaints == []
    assert (
        "ECANDIDAT_ROLE=web" in web.read_text()
        and "ExecStart=/opt/ecandidat/venv/bin/python main.py" in web.read_text()
    )
    assert "ExecStart=/opt/ecandidat/venv/bin/python -m app.worker" in worker.read_text()


def test_every_variable_of_the_examples_is_a_setting_listed_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    fields = {f"ECANDIDAT_{name.upper()}" for name in Settings.model_fields}
    for example in (DEPLOY / "systemd" / "ecandidat.env.example", DEPLOY / "compose.env.example"):
        for line in example.read_text().splitlines():
            name = line.split("=", 1)[0]
            if name.startswith("ECANDIDAT_") and name != "ECANDIDAT_SERVER_NAME":  # compose's own, for nginx
                assert name in fields, f"{example.name}: {name} is no setting"
    for name in ("ECANDIDAT_ROLE", "ECANDIDAT_REDIS_URL"):
        assert f"`{name}`" in readme


@needs_nginx
@pytest.mark.skipif(not Path("/etc/nginx/nginx.conf").exists(), reason="no /etc/nginx/nginx.conf (Debian's) to fit in")
def test_the_site_fits_in_debians_own_nginx_configuration(tmp_path: Path) -> None:
    """Dropped into conf.d/ as the README says, next to Debian's http {} settings (its gzip on, its logs)."""
    tree = tmp_path / "nginx"
    shutil.copytree("/etc/nginx", tree, symlinks=True)
    main = (tree / "nginx.conf").read_text().replace("/etc/nginx/", f"{tree}/")
    main = re.sub(r"^pid .*;$", f"pid {tmp_path}/nginx.pid;", main, flags=re.M)
    main = re.sub(r"^user .*;$", "", main, flags=re.M)
    (tree / "nginx.conf").write_text(main)
    for enabled in (tree / "sites-enabled").glob("*"):
        enabled.unlink()
    (tree / "conf.d" / "ecandidat.conf").write_text(nginx_proxy.render_template(values(tmp_path)))
    checked = subprocess.run(
        [str(nginx_proxy.NGINX), "-t", "-c", str(tree / "nginx.conf")], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
