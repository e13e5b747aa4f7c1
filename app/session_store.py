"""Where NiceGUI keeps the signed-in state (``app.storage.user``): in Redis when ``ECANDIDAT_REDIS_URL`` is set.

NiceGUI stores each browser's ``app.storage.user`` (identity, language, sign-in time: ``app.ui.session``) under the
id of its session cookie, in a JSON file per browser by default, or in Redis when ``NICEGUI_REDIS_URL`` is set
(``nicegui[redis]``). With several instances the files would stay on the instance that wrote them: a candidate
sent to another instance (a restart, the proxy rebalancing) would find themself signed out and back in French.

NiceGUI reads ``NICEGUI_REDIS_URL`` once, when ``nicegui`` is imported (``Storage.redis_url``), and reads that class
attribute each time it creates a browser's storage, on its first request. ``use_settings`` is the one place that
derives it from our settings: called by ``app.server.main`` before ``ui.run``, it sets the attribute (and the
variable, for processes NiceGUI spawns). Its general storage, made at import and unused here, stays a file.

NiceGUI gives a browser's Redis key no expiry: every session would stay in Redis for ever. Its session cookie lives
``session_max_hours`` (``app.server.session_cookie_options``), so the key is given that lifetime too, renewed by each
write (an active session writes its ``seen_at`` every 30 s): a key outliving its cookie could never be read again.
That wraps NiceGUI's private ``Storage._create_persistent_dict``: it is listed among the internals checked when
NiceGUI's version changes (``app.ui.runtime_tuning.NICEGUI_INTERNALS``).
"""

import os
from typing import Any

from nicegui.persistence import PersistentDict, RedisPersistentDict
from nicegui.storage import USER_PREFIX, Storage

from app.config import Settings
from app.ui.runtime_tuning import check_nicegui_version

KEY_PREFIX = "ecandidat:nicegui:"  # beside the relay's ecandidat:* channels; NICEGUI_REDIS_KEY_PREFIX overrides it
_create = Storage.__dict__["_create_persistent_dict"].__func__  # NiceGUI's own, wrapped below


def use_settings(settings: Settings) -> str | None:
    """Keep the browsers' storage in ``settings.redis_url`` when set; returns the URL used (None: files)."""
    if not settings.redis_url:
        return None
    check_nicegui_version()  # the wrapper below leans on a private method of NiceGUI
    os.environ["NICEGUI_REDIS_URL"] = settings.redis_url
    Storage.redis_url = settings.redis_url
    prefix = os.environ.setdefault("NICEGUI_REDIS_KEY_PREFIX", KEY_PREFIX)
    Storage.redis_key_prefix = prefix
    lifetime = settings.session_max_hours * 3600

    def create_with_lifetime(id: str) -> PersistentDict:
        storage: Any = _create(id)
        if isinstance(storage, RedisPersistentDict) and id.startswith(USER_PREFIX):
            storage.ttl = lifetime  # written with each SET (EX), so each write renews it
        return storage

    Storage._create_persistent_dict = staticmethod(create_with_lifetime)  # type: ignore[method-assign]
    return settings.redis_url
