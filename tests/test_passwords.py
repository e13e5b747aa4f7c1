"""Password hashing: argon2id round trip, refusals that never raise, rehash detection."""

from argon2 import PasswordHasher

from app.services.accounts.passwords import hash_password, needs_rehash, verify_password


def test_round_trip() -> None:
    hashed = hash_password("Correct-Horse-42!")
    assert hashed.startswith("$argon2id$")
    assert hashed != hash_password("Correct-Horse-42!")  # salted
    assert verify_password(hashed, "Correct-Horse-42!")
    assert not needs_rehash(hashed)


def test_wrong_password_is_false() -> None:
    hashed = hash_password("Correct-Horse-42!")
    assert not verify_password(hashed, "correct-horse-42!")
    assert not verify_password(hashed, "")


def test_garbage_or_missing_hash_is_false() -> None:
    assert not verify_password("not-a-hash", "anything")
    assert not verify_password("$argon2id$v=19$m=65536,t=3,p=4$broken", "anything")
    assert not verify_password("", "anything")
    assert not verify_password(None, "anything")


def test_weaker_parameters_need_a_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("Correct-Horse-42!")
    assert verify_password(weak, "Correct-Horse-42!")
    assert needs_rehash(weak)
    assert needs_rehash("not-a-hash")


def test_the_portal_hashes_with_rfc_9106_parameters() -> None:
    """The portal's cost (the rest of the suite hashes at the lowest one, tests/conftest.py): argon2id, 64 MiB,
    3 passes, 4 lanes."""
    assert hash_password("Correct-Horse-42!").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
