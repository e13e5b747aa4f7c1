"""A programme's own page, and the public pages built once: they follow every committed change of the offer."""

from datetime import timedelta

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session, transaction
from app.models import Program
from app.services.offer import changes as offer_changes
from tests.ui import test_applications_pages as offer_pages
from tests.ui.static_html import marked, page_blocks
from tests.ui.test_applications_pages import Setup, applications, sign_in

setup = offer_pages.setup  # the same offer: three programmes (open, upcoming, closed), a piece, a candidate


async def test_a_visitor_reads_a_programme_page_linked_from_the_offer(user: User, setup: Setup) -> None:
    await user.open("/formations")
    links = [a.attrs["href"] for a in page_blocks(user).find("a") if a.text == "Master Chimie"]
    assert links == [f"/formations/{setup.open_program.code}"]
    await user.open(links[0])
    await user.should_see("Master Chimie")  # the page's h1
    await user.should_see("UFR Sciences")
    await user.should_see("Candidatures ouvertes jusqu'au")
    await user.should_see("Curriculum vitae")
    assert marked(user, f"sign-in-{setup.open_program.code}") is not None
    await user.open(f"/formations/{setup.closed.code}")
    await user.should_see("Candidatures closes depuis le")
    assert marked(user, f"sign-in-{setup.closed.code}") is None  # nothing to apply to


async def test_an_unknown_programme_is_said_so(user: User, setup: Setup) -> None:
    await user.open("/formations/NOPE-42")
    await user.should_see("Aucune formation ne porte ce code dans la campagne en cours.")


async def test_a_candidate_applies_from_the_programme_page(user: User, setup: Setup) -> None:
    await sign_in(user, setup.email, f"/formations/{setup.open_program.code}")
    await user.should_see(marker=f"apply-{setup.open_program.code}", retries=20)
    user.find(marker=f"apply-{setup.open_program.code}").click()
    await user.should_see("Candidater à « Master Chimie » ?")
    user.find(marker="apply-confirm").click()
    await user.should_see(marker=f"applied-{setup.open_program.code}", retries=50)
    assert len(applications()) == 1


async def test_the_shared_pages_show_a_committed_change_of_the_offer_at_once(user: User, setup: Setup, clock) -> None:
    await user.open("/")
    await user.should_see("Master Chimie")
    await user.open(f"/formations/{setup.open_program.code}")
    await user.should_see("Master Chimie")
    with transaction() as session:
        program = session.exec(select(Program).where(Program.id == setup.open_program.id)).one()
        program.label_fr = "Master Chimie verte"
    await user.open("/")
    await user.should_see("Master Chimie verte")
    await user.open("/formations")
    await user.should_see("Master Chimie verte")
    await user.open(f"/formations/{setup.open_program.code}")
    await user.should_see("Master Chimie verte")
    # Time moves the offer too: once its window closes, the programme leaves the home page's open list.
    clock.set(setup.open_program.window_closes_at + timedelta(minutes=1))
    await user.open("/")
    await user.should_not_see("Master Chimie verte")


def test_only_a_committed_change_of_the_offer_moves_the_generation(setup: Setup) -> None:
    before = offer_changes.generation()
    with new_session() as session:
        program = session.get(Program, setup.open_program.id)
        assert program is not None
        program.label_fr = "Jamais enregistré"
        session.flush()
        session.rollback()
    assert offer_changes.generation() == before
    with transaction() as session:
        session.exec(select(Program)).all()  # reading changes nothing
    assert offer_changes.generation() == before
    with transaction() as session:
        program = session.get(Program, setup.open_program.id)
        assert program is not None
        program.capacity = 42
    assert offer_changes.generation() == before + 1
