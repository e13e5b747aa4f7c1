"""NiceGUI's per-browser storage goes to Redis when ECANDIDAT_REDIS_URL is set (app/session_store.py), each key
living as long as the session cookie; without it, NiceGUI's files as before."""

import pytest
from nicegui.persistence import RedisPersistentDict
from nicegui.storage import Storage

from app import session_store
from app.config import Settings


@pytest.fixture
def nicegui_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a test sets on NiceGUI's Storage class (and in the environment) is put back afterwards."""
    monkeypatch.setattr(Storage, "redis_url", None)
    monkeypatch.setattr(Storage, "redis_key_prefix", "nicegui:")
    monkeypatch.setattr(Storage, "_create_persistent_dict", Storage.__dict__["_create_persistent_dict"])
    monkeypatch.delenv("NICEGUI_REDIS_URL", raising=False)
    monkeypatch.delenv("NICEGUI_REDIS_KEY_PREFIX", raising=False)


def settings(**values: object) -> Settings:
    return Settings(secret_key="x" * 40, demo=False, database_url="sqlite:///unused.db", **values)  # type: ignore[arg-type]


@pytest.mark.usefixtures("nicegui_storage")
def test_without_redis_nicegui_keeps_its_files() -> None:
    assert session_store.use_settings(settings()) is None
    assert Storage.redis_url is None
    assert not isinstance(Storage._create_persistent_dict("user-abc"), RedisPersistentDict)


@pytest.mark.usefixtures("nicegui_storage")
def test_with_redis_a_browsers_storage_lives_there_as_long_as_its_cookie() -> None:
    url = "redis://127.0.0.1:6379/3"  # nothing is sent until the storage is used
    assert session_store.use_settings(settings(redis_url=url, session_max_hours=4)) == url
    assert Storage.redis_url == url
    user = Storage._create_persistent_dict("user-abc")
    assert isinstance(user, RedisPersistentDict)
    assert user.key == "ecandidat:nicegui:user-abc" and user.ttl == 4 * 3600
    tab = Storage._create_persistent_dict("tab-abc")
    assert isinstance(tab, RedisPersistentDict) and tab.ttl != 4 * 3600  # NiceGUI's own age for tabs
    session_store.use_settings(settings(redis_url=url, session_max_hours=2))  # a second call does not stack
    assert Storage._create_persistent_dict("user-def").ttl == 2 * 3600  # type: ignore[attr-defined]
