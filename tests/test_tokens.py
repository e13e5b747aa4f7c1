"""Mailed links: random, stored hashed, single-use, expiring, with distinct refusals."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import AccountToken, TokenPurpose
from app.services.accounts.tokens import TokenError, check_token, consume_token, hash_secret, issue_token, revoke_tokens
from tests import factories


@pytest.fixture
def account(session):
    return factories.account(session)


def test_only_the_hash_of_the_secret_is_stored(session, account) -> None:
    secret, token = issue_token(
        session, account_id=account.id, purpose=TokenPurpose.ACTIVATION, lifetime=timedelta(days=1)
    )
    assert len(secret) >= 40
    assert token.token_hash == hash_secret(secret) != secret
    assert session.get(AccountToken, token.id).token_hash != secret
    other, _ = issue_token(session, account_id=account.id, purpose=TokenPurpose.ACTIVATION, lifetime=timedelta(days=1))
    assert other != secret


def test_a_token_is_single_use(session, account) -> None:
    secret, _ = issue_token(
        session, account_id=account.id, purpose=TokenPurpose.PASSWORD_RESET, lifetime=timedelta(hours=2)
    )
    consume_token(session, secret=secret, purpose=TokenPurpose.PASSWORD_RESET)
    with pytest.raises(TokenError) as error:
        consume_token(session, secret=secret, purpose=TokenPurpose.PASSWORD_RESET)
    assert error.value.code == "token_used"


def test_a_token_expires(session, account, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC))
    secret, _ = issue_token(
        session, account_id=account.id, purpose=TokenPurpose.PASSWORD_RESET, lifetime=timedelta(hours=2)
    )
    clock.set(datetime(2026, 3, 1, 10, 59, tzinfo=UTC))
    check_token(session, secret=secret, purpose=TokenPurpose.PASSWORD_RESET)
    clock.set(datetime(2026, 3, 1, 11, 0, tzinfo=UTC))
    with pytest.raises(TokenError) as error:
        consume_token(session, secret=secret, purpose=TokenPurpose.PASSWORD_RESET)
    assert error.value.code == "token_expired"


def test_unknown_or_other_purpose_tokens_are_refused(session, account) -> None:
    secret, _ = issue_token(session, account_id=account.id, purpose=TokenPurpose.ACTIVATION, lifetime=timedelta(days=1))
    for bad, purpose in (
        ("nope", TokenPurpose.ACTIVATION),
        ("", TokenPurpose.ACTIVATION),
        (secret, TokenPurpose.EMAIL_CHANGE),
    ):
        with pytest.raises(TokenError) as error:
            check_token(session, secret=bad, purpose=purpose)
        assert error.value.code == "token_unknown"


def test_revoking_spends_pending_tokens(session, account) -> None:
    secret, _ = issue_token(
        session, account_id=account.id, purpose=TokenPurpose.PASSWORD_RESET, lifetime=timedelta(hours=2)
    )
    revoke_tokens(session, account_id=account.id, purpose=TokenPurpose.PASSWORD_RESET)
    with pytest.raises(TokenError) as error:
        check_token(session, secret=secret, purpose=TokenPurpose.PASSWORD_RESET)
    assert error.value.code == "token_used"
