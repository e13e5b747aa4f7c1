"""Live updates across instances: the Redis relay, installed with the application only when ``ECANDIDAT_REDIS_URL``
is set (``notifications_redis`` needs the redis package; ``notifications`` stays free of it)."""

from typing import Any


def install_redis_relay(app: Any) -> None:
    """Relay through Redis between instances with the application's life when ``ECANDIDAT_REDIS_URL`` is set."""
    from app.config import get_settings

    if get_settings().redis_url:
        from app.services.platform.notifications_redis import install  # needs the redis package: only then

        install(app)
