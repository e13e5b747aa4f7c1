"""One state machine per lifecycle: the moves each table allows, and no other code writing the columns they own.

The dossier status (``applications/dossier_status.py``), a piece's status (``applications/piece_status.py``), a decision
(``decisions/decision_status.py``) and the candidate's answer (``decisions/answer_status.py``). The expected
tables are written out here on purpose: a change of a machine is a change of this file too.
"""

import ast
import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.models import AnswerKind, Application, Decision, DecisionKind, DocumentStatus, DossierStatus
from app.models import SubmittedDocument as Piece
from app.services.applications import dossier_status, piece_status
from app.services.decisions import answer_status, decision_status
from app.services.decisions.decision_status import DecisionState
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.platform.lifecycle import By

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
C, ST, SY = By.CANDIDATE, By.STAFF, By.SYSTEM
D, P, A, E = DossierStatus, DocumentStatus, AnswerKind, DecisionState

DOSSIER_MOVES = {
    (D.PENDING, D.RECEIVED): {C, ST},  # « Transmettre »; « Réceptionner »
    (D.INCOMPLETE, D.RECEIVED): {C, ST},
    (D.RECEIVED, D.INCOMPLETE): {ST},
    (D.COMPLETE, D.INCOMPLETE): {ST},
    (D.RECEIVED, D.COMPLETE): {ST},
    (D.INCOMPLETE, D.COMPLETE): {ST},
    (D.RECEIVED, D.PENDING): {ST},
    (D.INCOMPLETE, D.PENDING): {ST},
    (D.COMPLETE, D.PENDING): {ST},
}
PIECE_MOVES = {
    # The candidate's files (some: Transmise, none: En attente), from any status but Validée, and « Non concerné ».
    **{(s, t): {C} for s in (P.PENDING, P.SUBMITTED, P.REFUSED, P.NOT_APPLICABLE) for t in (P.PENDING, P.SUBMITTED)},
    **{(s, P.NOT_APPLICABLE): {C, ST} for s in (P.PENDING, P.SUBMITTED, P.REFUSED)},
    # Staff review, from any status.
    **{(s, t): {ST} for s in P for t in (P.VALIDATED, P.REFUSED)},
    (P.VALIDATED, P.NOT_APPLICABLE): {ST},
    (P.NOT_APPLICABLE, P.NOT_APPLICABLE): {ST},
}
PIECE_MOVES[(P.PENDING, P.PENDING)] = {C, SY}  # a shared piece the administration adds, without files
PIECE_MOVES[(P.PENDING, P.SUBMITTED)] = {C, SY}  # … with the candidate's files
PIECE_MOVES[(P.NOT_APPLICABLE, P.PENDING)] = {C, SY}  # taken back; a piece made mandatory
DECISION_MOVES = {
    (None, E.ENTERED): {ST},
    (None, E.PUBLISHED): {ST, SY},  # a waiting-list call, by hand or after a withdrawal
    (E.ENTERED, E.ENTERED): {ST},
    (E.ENTERED, E.PUBLISHED): {ST},
}
ANSWER_MOVES = {
    (None, A.CONFIRMED): {C},
    (None, A.PROVISIONAL): {C},
    (None, A.WITHDRAWN): {C, SY},  # an offer withdrawn, or the waiting list left (candidate); the deadline passed
    (A.PROVISIONAL, A.CONFIRMED): {C},
    (A.PROVISIONAL, A.WITHDRAWN): {C, SY},
    (A.CONFIRMED, A.WITHDRAWN): {C},
    (A.CONFIRMED, None): {ST},  # a non-favourable decision published
    (A.PROVISIONAL, None): {ST},
}


def _cases(states: list, expected: dict) -> list:
    return [
        pytest.param(current, target, by, by in expected.get((current, target), set()), id=f"{current}-{target}-{by}")
        for current, target, by in itertools.product(states, states, By)
    ]


def _refused(move, *args, **kwargs) -> None:
    with pytest.raises(DomainError) as error:
        move(*args, **kwargs)
    assert error.value.code == "transition_refused"


def _check_move(machine, move, row, column: str, current, target, by: By, allowed: bool) -> None:
    """The table's answer, then the writer's: the move done and stamped, or refused and nothing written."""
    assert machine.allows(current, target, by) == allowed
    if not allowed:
        _refused(move, row, target, by=by, now=NOW)
        assert getattr(row, column) == current
        return
    assert move(row, target, by=by, now=NOW) == current
    assert (getattr(row, column), getattr(row, f"{column}_at")) == (target, None if target is None else NOW)


@pytest.mark.parametrize(("current", "target", "by", "allowed"), _cases(list(D), DOSSIER_MOVES))
def test_dossier_status_moves(current, target, by, allowed) -> None:
    row = Application(dossier_status=current)
    _check_move(
        dossier_status.DOSSIER, dossier_status.move_dossier, row, "dossier_status", current, target, by, allowed
    )


def test_dossier_dates_follow_each_move() -> None:
    """« Transmettre » stamps the transmission and the receipt; staff moves stamp or clear the receipt and
    completeness as the dossier goes back and forth; going back to En attente keeps the transmission."""
    earlier = datetime(2026, 5, 1, tzinfo=UTC)
    application = Application(dossier_status=D.PENDING)
    dossier_status.move_dossier(application, D.RECEIVED, by=C, now=earlier)
    assert (application.transmitted_at, application.received_at, application.complete_at) == (earlier, earlier, None)
    dossier_status.move_dossier(application, D.COMPLETE, by=ST, now=NOW)
    assert (application.received_at, application.complete_at) == (earlier, NOW)
    dossier_status.move_dossier(application, D.INCOMPLETE, by=ST, now=NOW)
    assert application.complete_at is None
    dossier_status.move_dossier(application, D.RECEIVED, by=ST, now=NOW)
    assert (application.transmitted_at, application.received_at) == (earlier, NOW)
    dossier_status.move_dossier(application, D.PENDING, by=ST, now=NOW)
    assert (application.transmitted_at, application.received_at, application.complete_at) == (earlier, None, None)


def test_the_editable_rule_is_the_candidates_moves() -> None:
    """« En attente or Incomplet »: where the candidate still holds the dossier is where « Transmettre » starts."""
    assert dossier_status.EDITABLE_DOSSIER == (D.PENDING, D.INCOMPLETE)
    assert {s for s in D if dossier_status.DOSSIER.targets(s, C)} == set(dossier_status.EDITABLE_DOSSIER)
    assert [s for s in D if dossier_status.dossier_editable(s)] == list(dossier_status.EDITABLE_DOSSIER)
    # The staff screen offers the staff's moves, in its order.
    assert dossier_status.allowed_transitions(D.RECEIVED) == (D.INCOMPLETE, D.COMPLETE, D.PENDING)


@pytest.mark.parametrize(("current", "target", "by", "allowed"), _cases(list(P), PIECE_MOVES))
def test_piece_status_moves(current, target, by, allowed) -> None:
    _check_move(
        piece_status.PIECE, piece_status.move_piece, Piece(status=current), "status", current, target, by, allowed
    )


def _decision(state: DecisionState | None) -> Decision:
    decision = Decision(kind=DecisionKind.WAITING_LIST)
    if state is not None:
        decision.id = 7
        decision.published_at = NOW if state == E.PUBLISHED else None
    return decision


@pytest.mark.parametrize(("current", "target", "by", "allowed"), _cases([None, *E], DECISION_MOVES))
def test_decision_moves(current, target, by, allowed) -> None:
    decision, application = _decision(current), Application()
    assert decision_status.decision_state(decision) == current
    assert decision_status.DECISION.allows(current, target, by) == allowed
    if target is None:
        return  # no move undoes a decision: there is no function to refuse it with
    if target == E.ENTERED:
        move = lambda: decision_status.enter(decision, application, by=by)  # noqa: E731
    else:
        move = lambda: decision_status.publish(decision, application, by=by, now=NOW, staff_id=3)  # noqa: E731
    if not allowed:
        _refused(move)
        assert application.last_decision_kind is None and decision_status.decision_state(decision) == current
        return
    move()
    published = target == E.PUBLISHED
    assert (application.last_decision_kind, application.last_decision_published) == (
        DecisionKind.WAITING_LIST,
        published,
    )
    assert (decision.published_at, decision.published_by_staff_id) == ((NOW, 3) if published else (None, None))


@pytest.mark.parametrize(("current", "target", "by", "allowed"), _cases([None, *A], ANSWER_MOVES))
def test_answer_moves(current, target, by, allowed) -> None:
    row = Application(answer=current, answer_at=None if current is None else NOW)
    _check_move(answer_status.ANSWER, answer_status.move_answer, row, "answer", current, target, by, allowed)


def test_a_trigger_is_the_actors_kind() -> None:
    assert [By.of(Actor(kind)) for kind in ("candidate", "staff", "system")] == [C, ST, SY]
    with pytest.raises(ValueError):
        By.of(Actor.anonymous())


# --- No other code writes these columns -----------------------------------------------------------------------------

APP = Path(__file__).resolve().parents[1] / "app"
MACHINES = {
    "app/services/applications/dossier_status.py",
    "app/services/applications/piece_status.py",
    "app/services/decisions/decision_status.py",
    "app/services/decisions/answer_status.py",
}
# The one declared exception: the demo campus is written as a fixture, each application directly in the state its
# scenario names, with past dates (``demo/scenarios.py``); no request or job reaches it.
DEMO = "app/services/demo/"
# Columns no other model of the app has: any write outside the machines is one.
OWNED = {
    "dossier_status",
    "dossier_status_at",
    "transmitted_at",
    "received_at",
    "complete_at",
    "status_at",  # SubmittedDocument's only
    "answer",
    "answer_at",
    "published_at",
    "published_by_staff_id",
    "last_decision_kind",
    "last_decision_published",
}
# ``status`` is also a job's, an export's, a mail's, a hand-off's: an assignment is a piece's when its value names
# DocumentStatus, or names no enum at all (a variable); then only these targets are known not to be pieces.
OTHER_STATUS = {("app/pages/offer.py", "offer_page.status")}  # the offer page's filter, not a piece
# What a new row may be born with: its lifecycle's first state, and that state's time.
BIRTH = {
    "Application": {"dossier_status": "DossierStatus.PENDING", "dossier_status_at": None},
    "SubmittedDocument": {"status": "DocumentStatus.PENDING", "status_at": None},
}
STATE_MODELS = {"Application", "SubmittedDocument", "Decision"}
RAW_UPDATE = re.compile(r"\bupdate\s+(application|submitteddocument|decision)\b", re.IGNORECASE)


def _enum_names(node: ast.AST) -> set[str]:
    return {
        n.value.id
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id.endswith(("Status", "Kind"))
    }


def _writes_piece_status(path: str, target: ast.Attribute, value: ast.AST) -> bool:
    if isinstance(target.value, ast.Name) and target.value.id in ("self", "cls"):
        return False
    enums = _enum_names(value)
    if enums:
        return "DocumentStatus" in enums
    return (path, ast.unparse(target)) not in OTHER_STATUS


def _pairs(node: ast.Assign | ast.AugAssign | ast.AnnAssign) -> list[tuple[ast.AST, ast.AST]]:
    """(target, the value it receives) of an assignment, tuples unpacked element by element."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    value = node.value if node.value is not None else ast.Constant(None)
    pairs: list[tuple[ast.AST, ast.AST]] = []
    for target in targets:
        if isinstance(target, ast.Tuple | ast.List):
            if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts):
                pairs.extend(zip(target.elts, value.elts, strict=True))
            else:
                pairs.extend((element, value) for element in target.elts)
        else:
            pairs.append((target, value))
    return pairs


def _statement_model(call: ast.Call) -> str | None:
    """The model of ``update(Model)…values(…)`` / ``insert(Model)…``, walking down the chain."""
    node: ast.AST = call.func
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func).rsplit(".", 1)[-1]
            if name in ("update", "insert") and node.args:
                return ast.unparse(node.args[0])
            node = node.func
        else:
            node = node.value
    return None


def state_writes(path: str, source: str) -> list[str]:
    """Every write of a lifecycle's column in ``source`` (``path`` relative to the repository), as "path:line: …"."""
    found: list[str] = []

    def flag(node: ast.AST, what: str) -> None:
        found.append(f"{path}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            for target, value in _pairs(node):
                if not isinstance(target, ast.Attribute):
                    continue
                if target.attr in OWNED or (target.attr == "status" and _writes_piece_status(path, target, value)):
                    flag(node, f"assigns {ast.unparse(target)}")
        elif isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
            if node.args and isinstance(node.args[0], ast.Dict):  # .values({"column": …})
                keywords |= {
                    k.value: v
                    for k, v in zip(node.args[0].keys, node.args[0].values, strict=True)
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                }
            if func in ("setattr", "object.__setattr__") and len(node.args) >= 2:
                name = node.args[1]
                if isinstance(name, ast.Constant) and (name.value in OWNED or name.value == "status"):
                    flag(node, f"setattr {name.value}")
            elif func.endswith(".values"):
                model = _statement_model(node)
                for name in keywords:
                    if name in OWNED or (name == "status" and model in STATE_MODELS):
                        flag(node, f"bulk statement sets {name}")
            elif func in STATE_MODELS:
                birth = BIRTH.get(func, {})
                for name, value in keywords.items():
                    if name not in OWNED and name != "status":
                        continue
                    if name in birth and birth[name] in (None, ast.unparse(value)):
                        continue
                    flag(node, f"{func}({name}=…) born in a state other than its first")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and RAW_UPDATE.search(node.value):
            flag(node, "raw SQL UPDATE of a lifecycle's table")
    return found


def test_no_code_but_the_machines_writes_a_lifecycle_column() -> None:
    root = APP.parent
    offenders = []
    for file in sorted(APP.rglob("*.py")):
        path = file.relative_to(root).as_posix()
        if path in MACHINES or path.startswith(DEMO):
            continue
        offenders += state_writes(path, file.read_text(encoding="utf-8"))
    assert offenders == [], "write these through their lifecycle's machine:\n" + "\n".join(offenders)


def test_each_machine_writes_its_columns() -> None:
    """The scan sees the machines' own writes (it would see them anywhere else)."""
    root = APP.parent
    for path in sorted(MACHINES):
        assert state_writes(path, (root / path).read_text(encoding="utf-8")), path


@pytest.mark.parametrize(
    "line",
    [
        "application.dossier_status = DossierStatus.RECEIVED",
        "application.dossier_status, application.dossier_status_at = status, now",
        "row.status, row.status_at = DocumentStatus.PENDING, clock.now()",
        "document.status, document.comment = status, comment",
        "document.status = DocumentStatus.SUBMITTED if files else DocumentStatus.PENDING",
        "application.answer, application.answer_at = None, None",
        "application.last_decision_published = True",
        "decision.published_at = now",
        "setattr(application, 'answer', kind)",
        "session.execute(sa.update(Application).where(Application.id == 1).values(dossier_status=target))",
        "session.execute(update(SubmittedDocument).values(status=DocumentStatus.VALIDATED))",
        "session.execute(update(SubmittedDocument).values({'status': status}))",
        "session.add(Decision(application_id=1, kind=kind, published_at=now))",
        "session.add(Application(candidate_id=1, dossier_status=DossierStatus.COMPLETE))",
        "session.add(SubmittedDocument(application_id=1, status=DocumentStatus.VALIDATED))",
        "session.execute(text('UPDATE application SET answer = NULL'))",
    ],
)
def test_a_page_writing_a_state_is_caught(line: str) -> None:
    assert state_writes("app/pages/applications_detail.py", f"def act():\n    {line}\n") != []


@pytest.mark.parametrize(
    "line",
    [
        "row.status = HandoffStatus.PENDING if row.sent_at is not None else HandoffStatus.CANCELLED",
        "job.status, job.finished_at = ExportStatus.FAILED, now",
        "self.status = ui.label()",
        "session.execute(update(JobRun).values(status=status, finished_at=now))",
        "session.add(Application(candidate_id=1, dossier_status=DossierStatus.PENDING, dossier_status_at=now))",
        "session.add(SubmittedDocument(application_id=1, status=DocumentStatus.PENDING, status_at=now))",
        "summary = DecisionView(published_at=decision.published_at)",
        "answer.text_value, answer.bool_value = text_value, bool_value",
    ],
)
def test_unrelated_writes_pass(line: str) -> None:
    assert state_writes("app/services/x.py", f"def act():\n    {line}\n") == []
