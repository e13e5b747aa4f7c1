"""Password hashing with argon2id (argon2-cffi's defaults, which follow RFC 9106's recommendations)."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(plain: str) -> str:
    """A salted argon2id hash of ``plain``, self-describing (its parameters travel with it)."""
    return _hasher().hash(plain)


def verify_password(password_hash: str | None, plain: str) -> bool:
    """Whether ``plain`` matches ``password_hash``; False for a mismatch, a missing or a malformed hash."""
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, plain)
    except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's: rehash at the next successful sign-in."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True
