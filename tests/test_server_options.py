"""What ``python main.py`` hands to NiceGUI and uvicorn: the session cookie's attributes and the trusted proxies."""

import pytest

from app import server
from app.config import Settings
from app.ui import response_tuning


def settings(**values) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(demo=True, **values)


def test_forwarded_headers_are_believed_only_from_the_configured_proxies() -> None:
    assert server.proxy_options(settings()) == {"proxy_headers": False, "forwarded_allow_ips": ""}
    assert server.proxy_options(settings(trusted_proxies=" 10.0.0.5, 10.0.0.6 ")) == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.5,10.0.0.6",
    }


def test_the_session_cookie_follows_the_base_url_and_the_session_length() -> None:
    assert server.session_cookie_options(settings(session_max_hours=8)) == {
        "max_age": 8 * 3600,
        "same_site": "lax",
        "https_only": False,
    }
    assert server.session_cookie_options(settings(base_url="https://candidatures.univ.example"))["https_only"]


def test_main_passes_them_to_ui_run(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict = {}
    monkeypatch.setattr(server, "get_settings", lambda: settings(trusted_proxies="192.0.2.10"))
    monkeypatch.setattr(server, "prepare_database", lambda: None)
    monkeypatch.setattr(server, "build_app", lambda: None)
    monkeypatch.setattr(server.ui, "run", lambda **kwargs: seen.update(kwargs))
    monkeypatch.setattr(server.run, "process_pool_start_method", server.run.process_pool_start_method)
    server.main()
    assert seen["forwarded_allow_ips"] == "192.0.2.10" and seen["proxy_headers"] is True
    assert seen["session_middleware_kwargs"]["same_site"] == "lax"
    assert seen["session_middleware_kwargs"]["max_age"] == 10 * 3600
    assert seen["gzip_middleware_factory"] is response_tuning.gzip_middleware  # level 6, large pages off the loop
