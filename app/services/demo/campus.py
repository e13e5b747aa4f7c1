"""The demo campus: a whole Université d'Orléans campaign, seeded into an empty database in demo mode.

Every date is computed from the clock, so every phase of a campaign is on screen whenever the demo starts: windows open,
closing, not yet open, closed, decisions entered, results published, a preselection. The content lives in ``demo_data``.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from app import clock
from app.models import (
    Account,
    AlertRecipients,
    Application,
    ApplicationCentre,
    Campaign,
    Candidate,
    Committee,
    DecisionType,
    DiplomaType,
    IssuedDossierNumber,
    Program,
    Question,
    RefusalReason,
    RequiredDocument,
    Scope,
    StaffMember,
    StaffRoleAssignment,
    Tag,
)
from app.services.accounts.passwords import hash_password
from app.services.demo import committees, interviews, mail_failures, messages, next_campaign, scoring
from app.services.demo import data as d
from app.services.demo.data import DEMO_IDENTITIES, DemoIdentity
from app.services.demo.people import ascii_upper, demo_ine, dossier_rows, mail_part, seed_duplicate
from app.services.demo.scenarios import PRESELECTION_PLACE, Calendar, Scenario
from app.services.offer.faq import seed_guide_faq

__all__ = ["DEMO_IDENTITIES", "DemoIdentity", "intake_year", "seed_demo_campus"]


def intake_year(today: date) -> int:
    """The September intake a campaign running on ``today`` recruits for (from autumn on, next year's)."""
    return today.year + 1 if today.month >= 9 else today.year


def seed_demo_campus(session: Session) -> bool:
    """Seed the demo campus in the caller's transaction; False, doing nothing, once the database holds a campaign.

    A campaign there means the demo, or real data, is already in place."""
    if session.exec(select(Campaign.id).limit(1)).first() is not None:
        return False
    Seeder(session).run()
    messages.seed_demo_messages(session)  # « Envoyer un message » in use: mails, « Messages » pages, histories
    mail_failures.seed_mail_failures(session)
    committees.seed_examining_committees(session)  # a programme examined by two more committees, their opinions
    interviews.seed_demo_interviews(session)
    next_campaign.seed_next_campaign(session)  # a prepared campaign whose switch is scheduled (« Bascule programmée »)
    seed_guide_faq(session)  # the FAQ of the candidates' guide, when the FAQ is empty
    scoring.seed_demo_scoring(session)  # a scored programme (« Classements »)
    return True


class Seeder:
    def __init__(self, session: Session) -> None:
        self.s = session
        self.now = clock.now()
        self.today = clock.today_paris()
        self.year = intake_year(self.today)
        self.ids: dict[str, Any] = {}  # code → row, for every referential

    def at(self, days: int, hour: int = 23, minute: int = 59) -> datetime:
        """Paris wall-clock time ``days`` from today (calendar moments are set in Paris time)."""
        day = self.today + timedelta(days=days)
        return clock.paris_datetime(day.year, day.month, day.day, hour, minute)

    def add(self, *rows: Any) -> None:
        self.s.add_all(rows)

    def run(self) -> None:
        # One hash per distinct password (argon2 is slow), in threads while the offer is written (GIL released).
        with ThreadPoolExecutor(max_workers=2) as pool:
            staff_hash = pool.submit(hash_password, d.STAFF_PASSWORD)
            candidate_hash = pool.submit(hash_password, d.CANDIDATE_PASSWORD)
            self.seed_offer()
            self.staff_hash, self.candidate_hash = staff_hash.result(), candidate_hash.result()
        self.seed_staff()
        self.seed_people()
        seed_duplicate(self.s, self.accounts[d.DUPLICATE_OF], self.candidates[d.DUPLICATE_OF], self.at(-20, 21, 4))
        self.seed_applications()
        self.s.flush()

    # -- the offer ---------------------------------------------------------------------------------------------
    def calendars(self) -> dict[str, Calendar]:
        at = self.at
        return {
            "open": Calendar(at(-20, 9, 0), at(25), at(32), at(45, 14, 0), at(50, 10, 0), confirmation_days=7),
            "closing": Calendar(at(-30, 9, 0), at(1, 12, 0), at(8), at(20, 9, 0), at(25, 10, 0), at(35)),
            "not_open": Calendar(at(10, 9, 0), at(50), at(57), at(70, 14, 0), at(75, 10, 0), confirmation_days=5),
            "closed": Calendar(at(-60, 9, 0), at(-15), at(-8), at(3, 14, 0), at(7, 10, 0), confirmation_days=8),
            "deliberated": Calendar(at(-75, 9, 0), at(-30), at(-22), at(-2, 14, 0), at(2, 10, 0), at(12)),
            "published": Calendar(at(-90, 9, 0), at(-45), at(-38), at(-12, 14, 0), at(-5, 10, 0), at(4)),
            "published_delay": Calendar(at(-85, 9, 0), at(-40), at(-33), at(-10, 14, 0), at(-3, 10, 0), None, 7, None),
            "preselection": Calendar(
                at(-50, 9, 0), at(-20), at(-14), at(12, 14, 0), at(15, 10, 0), None, 5, 3, at(6, 14, 0)
            ),
        }

    def seed_offer(self) -> None:
        self.seed_campaigns()
        self.seed_referentials()
        self.seed_committees()
        self.seed_programs()
        self.seed_pieces_and_questions()

    def seed_campaigns(self) -> None:
        """Last year's campaign, archived, and this year's, active."""
        previous = Campaign(
            code=str(self.year - 1),
            label_fr=f"Campagne {self.year - 1}",
            label_en=f"{self.year - 1} intake",
            starts_on=self.today - timedelta(days=475),
            ends_on=self.today - timedelta(days=115),
            activated_at=self.at(-475, 8, 0),
            archived_at=self.at(-110, 8, 0),
        )
        self.add(previous)
        self.s.flush()
        self.campaign = Campaign(
            code=str(self.year),
            label_fr=f"Campagne {self.year}",
            label_en=f"{self.year} intake",
            starts_on=self.today - timedelta(days=110),
            ends_on=self.today + timedelta(days=255),
            sign_in_closes_at=self.at(255),
            is_active=True,
            activated_at=self.at(-110, 8, 0),
            previous_campaign_id=previous.id,
        )
        self.add(self.campaign)

    def seed_referentials(self) -> None:
        """Centres, diploma types, decision types and refusal reasons, by code in ``ids``."""
        for code, fr, en, mail, maximum, edit in d.CENTRES:
            self.ids[code] = ApplicationCentre(
                code=code,
                label_fr=fr,
                label_en=en,
                contact_email=f"{mail}@{d.MAIL_DOMAIN}",
                max_applications=maximum,
                info_url=f"{d.SITE}/{code.lower()}",
                managers_edit_offer=edit,
                # One centre alerts all its managers, the others their contact address.
                alert_recipients=AlertRecipients.MANAGERS if code == "UFR-DEG" else AlertRecipients.CONTACT,
            )
        for code, fr, en in d.DIPLOMA_TYPES:
            self.ids[code] = DiplomaType(code=code, label_fr=fr, label_en=en, display_order=len(self.ids))
        for code, kind, fr, en, final in d.DECISION_TYPES:
            self.ids[code] = DecisionType(code=code, kind=kind, label_fr=fr, label_en=en, is_final=final)
        for code, fr, en in d.REFUSAL_REASONS:
            self.ids[code] = RefusalReason(code=code, label_fr=fr, label_en=en)
        self.add(*self.ids.values())
        self.s.flush()

    def seed_committees(self) -> None:
        """One committee or more per centre, with its address and signatory."""
        for c in d.COMMITTEES:
            line2, line3, postcode, city = d._ADDRESSES[c.centre]
            self.ids[c.code] = Committee(
                centre_id=self.ids[c.centre].id,
                code=c.code,
                label_fr=c.label_fr,
                label_en=c.label_en,
                contact_email=f"{c.mail}@{d.MAIL_DOMAIN}",
                phone=c.phone,
                address_line1="Université d'Orléans",
                address_line2=line2,
                address_line3=line3,
                postcode=postcode,
                city=city,
                signatory_name=c.signatory,
                signatory_title=c.title,
                alert_on_new_application=c.alert_new,
                alert_on_cancellation=c.alert_cancel,
            )
            self.add(self.ids[c.code])
        self.s.flush()

    def seed_programs(self) -> None:
        """The programmes, each with the calendar of the phase it shows."""
        calendars = self.calendars()
        self.calendar_of: dict[str, Calendar] = {}
        for p in d.PROGRAMS:
            cal = calendars[p.phase]
            self.calendar_of[p.code] = cal
            self.ids[p.code] = Program(
                campaign_id=self.campaign.id,
                centre_id=self.ids[p.centre].id,
                committee_id=self.ids[p.committee].id,
                diploma_type_id=self.ids[p.diploma].id,
                code=p.code,
                label_fr=p.label_fr,
                label_en=p.label_en,
                keywords=p.keywords,
                info_url=f"{d.SITE}/formations/{p.info_path}",
                capacity=p.capacity,
                procedure=p.procedure,
                has_waiting_list=p.waiting_list,
                favorable_decision_type_id=self.ids["FAV"].id,
                waiting_list_call_decision_type_id=self.ids["FAV-LC"].id if p.waiting_list else None,
                window_opens_at=cal.opens,
                window_closes_at=cal.closes,
                return_by=cal.return_by,
                jury_on=cal.jury,
                publication_on=cal.publication,
                confirmation_by=cal.confirmation_by,
                confirmation_delay_days=cal.confirmation_days,
                waiting_list_confirmation_delay_days=cal.waiting_list_days if p.waiting_list else None,
                preselection_at=cal.preselection_at,
                preselection_place=PRESELECTION_PLACE if cal.preselection_at else None,
            )
            self.add(self.ids[p.code])
        self.s.flush()

    def seed_pieces_and_questions(self) -> None:
        """The pieces (each programme's cover letter and CV too), the questions and two tags."""
        documents = list(d.DOCUMENTS)
        for p in d.PROGRAMS:
            documents.append((f"LM-{p.code}", f"P:{p.code}", "Lettre de motivation", "Cover letter", False, False))
            documents.append(
                (f"CV-{p.code}", f"P:{p.code}", "Curriculum vitae (CV)", "Curriculum vitae (CV)", False, True)
            )
        self.documents = [
            RequiredDocument(
                code=code,
                label_fr=fr,
                label_en=en,
                is_conditional=cond,
                is_shared=shared,
                display_order=i,
                **self.scope(target),
            )
            for i, (code, target, fr, en, cond, shared) in enumerate(documents)
        ]
        self.questions = [
            Question(
                code=code,
                kind=kind,
                label_fr=fr,
                label_en=en,
                is_mandatory=mandatory,
                display_order=i,
                **self.scope(target),
            )
            for i, (code, target, kind, fr, en, mandatory) in enumerate(d.QUESTIONS)
        ]
        self.add(*self.documents, *self.questions)
        tags = [Tag(label="À revoir", colour="#e53935"), Tag(centre_id=self.ids["UFR-ST"].id, label="Alternance")]
        self.tags = tags
        self.add(*tags)
        self.s.flush()

    def scope(self, target: str) -> dict[str, Any]:
        if not target:
            return {"scope": Scope.INSTITUTION}
        if target.startswith("P:"):
            return {"scope": Scope.PROGRAM, "program_id": self.ids[target[2:]].id}
        return {"scope": Scope.CENTRE, "centre_id": self.ids[target].id}

    def applicable(self, rows: list[Any], program: Program) -> list[Any]:
        """Institution pieces + the centre's + the programme's (eCandidat's rule); the same for questions."""
        return [
            r
            for r in rows
            if r.scope == Scope.INSTITUTION
            or (r.scope == Scope.CENTRE and r.centre_id == program.centre_id)
            or (r.scope == Scope.PROGRAM and r.program_id == program.id)
        ]

    # -- people ------------------------------------------------------------------------------------------------
    def seed_staff(self) -> None:
        self.staff: dict[str, StaffMember] = {}
        for s in d.STAFF:
            self.staff[s.login] = StaffMember(
                login=s.login,
                email=f"{mail_part(s.first)}.{mail_part(s.last)}@{d.MAIL_DOMAIN}",
                display_name=f"{s.first} {s.last}",
                password_hash=self.staff_hash,
                created_at=self.at(-400, 9, 0),
            )
        self.add(*self.staff.values())
        self.s.flush()
        for s in d.STAFF:
            for role, scope, president in s.roles:
                centre = self.ids[scope].id if scope in {c[0] for c in d.CENTRES} else None
                committee = self.ids[scope].id if scope and centre is None else None
                self.add(
                    StaffRoleAssignment(
                        staff_id=self.staff[s.login].id,
                        role=role,
                        centre_id=centre,
                        committee_id=committee,
                        is_president=president,
                    )
                )
        # Who checks pieces and publishes decisions in each centre, who enters them in each committee.
        self.manager_of = {"UFR-ST": "jroussel", "UFR-DEG": "hbenali", "UFR-LLSH": "sgirard"}
        self.manager_of |= {"IUT-ORL": "hbenali", "POLYTECH": "tbouvier"}
        self.member_of = {"COM-INFO": "pgauthier", "COM-SCI": "ecolin", "COM-DROIT": "alemoine"}
        self.member_of |= {"COM-ECO": "alemoine", "COM-LLSH": "sgirard", "COM-IUT": "hbenali", "COM-POLY": "fmartineau"}

    def seed_people(self) -> None:
        self.accounts: dict[str, Account] = {}
        for i, p in enumerate(d.PEOPLE):
            activated = p.key != d.NOT_ACTIVATED
            created = self.now - timedelta(days=1, hours=3) if not activated else self.at(-100 + i, 8 + i % 12, i)
            self.accounts[p.key] = Account(
                dossier_number=d.DOSSIER_NUMBERS[p.key],
                email=f"{mail_part(p.first)}.{mail_part(p.last)}@{d.CANDIDATE_MAIL_DOMAIN}",
                last_name=p.last,
                first_name=p.first,
                password_hash=self.candidate_hash,
                language="en" if p.nationality == "BR" else "fr",
                campaign_id=self.campaign.id,
                student_number=f"2{self.year % 100 - 4:02d}{i:05d}" if "internal" in p.extras else None,
                activated_at=created + timedelta(minutes=12) if activated else None,
                created_at=created,
            )
            self.add(IssuedDossierNumber(number=d.DOSSIER_NUMBERS[p.key], issued_at=created))
        self.add(*self.accounts.values())
        self.s.flush()
        self.candidates: dict[str, Candidate] = {}
        for i, p in enumerate(d.PEOPLE):
            if p.key == d.NOT_ACTIVATED:
                continue
            self.candidates[p.key] = self.candidate(i, p)
        self.add(*self.candidates.values())
        self.s.flush()
        for i, p in enumerate(d.PEOPLE):
            if p.key in self.candidates:
                self.add(*self.dossier(i, p, self.candidates[p.key].id))

    def candidate(self, i: int, p: d.PersonData) -> Candidate:
        internal = "internal" in p.extras
        if p.foreign:
            birth = {"birth_country": p.nationality, "birth_place": p.foreign[2]}
        else:
            insee, city = d.ADDRESSES[p.address][3:]
            birth = {"birth_department": insee[:2], "birth_commune_insee": insee, "birth_place": city}
        return Candidate(
            account_id=self.accounts[p.key].id,
            campaign_id=self.campaign.id,
            civility=p.civility,
            birth_name=ascii_upper(p.last),
            first_names=ascii_upper(p.first),
            birth_date=date(self.year - p.age, 1 + i % 12, 1 + (i * 7) % 28),
            nationality=p.nationality,
            mobile="" if p.foreign else f"06 39 98 {10 + i:02d} {(i * 37) % 100:02d}",
            ine=None if p.foreign else demo_ine(i),
            student_number=self.accounts[p.key].student_number,
            locked_fields=["birth_name", "first_names", "birth_date", "ine", "student_number"] if internal else [],
            imported_at=self.accounts[p.key].activated_at if internal else None,
            **birth,
        )

    def dossier(self, i: int, p: d.PersonData, cid: int) -> list[Any]:
        """Address, baccalauréat and records of one candidate."""
        return dossier_rows(i, p, cid, year=self.year, imported_at=self.accounts[p.key].activated_at)

    # -- applications ------------------------------------------------------------------------------------------
    def seed_applications(self) -> None:
        programs = {p.code: p for p in d.PROGRAMS}
        played: list[Scenario] = []
        for i, (key, code, scenario) in enumerate(d.APPLICATIONS):
            program: Program = self.ids[code]
            cal = self.calendar_of[code]
            created = cal.opens + timedelta(days=1 + i % 5, hours=i % 7, minutes=7 * i % 60)
            app = Application(
                candidate_id=self.candidates[key].id,
                program_id=program.id,
                committee_id=program.committee_id,
                centre_id=program.centre_id,
                campaign_id=program.campaign_id,
                created_at=created,
                dossier_status_at=created,
            )
            played.append(Scenario(self, i, key, app, program, programs[code], cal))
            played[-1].play(scenario)  # before the insert: each application is written once, in its final state
            self.add(app)
        self.s.flush()
        for scene in played:
            for row in scene.rows:
                row.application_id = scene.app.id
            self.add(*scene.rows)
