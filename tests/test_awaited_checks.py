"""Screen tests await NiceGUI's ``User`` checks: ``user.should_not_see(...)`` without ``await`` makes a coroutine that
never runs, so the check cannot fail (one such line passed unnoticed, only a RuntimeWarning said so)."""

import re
from pathlib import Path

ASYNC_CHECKS = re.compile(r"^\s*(?:[\w.]+\s*=\s*)?user\.(should_see|should_not_see|open|should_see_marked)\(")


def test_every_user_check_in_the_screen_tests_is_awaited() -> None:
    tests = Path(__file__).parent
    unawaited = [
        f"{path.relative_to(tests)}:{number}: {line.strip()}"
        for path in sorted(tests.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ASYNC_CHECKS.match(line)
    ]
    assert unawaited == []
