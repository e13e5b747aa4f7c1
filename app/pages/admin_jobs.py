"""« Tâches planifiées » (/admin/jobs): each job, its schedule, its last runs, and « Lancer maintenant »."""

from nicegui import run, ui

from app import clock
from app.i18n import _
from app.models import JobRun, JobStatus, StaffRole
from app.services.admin import scheduled_jobs
from app.services.platform import Actor, DomainError, jobs
from app.ui import routes
from app.ui.buttons import disabled_while
from app.ui.frame import frame
from app.ui.guards import as_staff
from app.ui.offer_admin import in_transaction
from app.ui.page import page
from app.ui.text import heading, paragraph

RUNS_SHOWN = 5


def _when(run: JobRun) -> str:
    return clock.paris(run.started_at).strftime("%d/%m/%Y %H:%M:%S")


def _duration(run: JobRun) -> str:
    if run.finished_at is None:
        return "—"
    seconds = max((run.finished_at - run.started_at).total_seconds(), 0)
    return _("{seconds} s").format(seconds=f"{seconds:.1f}")


def _runs_table(runs: list[JobRun], marker: str) -> None:
    if not runs:
        paragraph(_("Aucune exécution pour l'instant.")).mark(f"{marker}-no-run")
        return
    columns = [
        {"name": "started", "label": _("Début"), "field": "started", "align": "left"},
        {"name": "status", "label": _("Résultat"), "field": "status", "align": "left"},
        {"name": "duration", "label": _("Durée"), "field": "duration", "align": "left"},
        {"name": "processed", "label": _("Traités"), "field": "processed", "align": "right"},
        {"name": "message", "label": _("Message"), "field": "message", "align": "left"},
        {"name": "worker", "label": _("Instance"), "field": "worker", "align": "left"},
    ]
    rows = [
        {
            "id": r.id,
            "started": _when(r),
            "status": _(jobs.STATUS_LABELS[JobStatus(r.status)]),
            "duration": _duration(r),
            "processed": r.processed,
            "message": r.message,
            "worker": r.worker,
        }
        for r in runs
    ]
    ui.table(columns=columns, rows=rows, row_key="id").props("flat dense wrap-cells").classes("w-full").mark(
        f"{marker}-runs"
    )


def _job_section(overview: scheduled_jobs.JobOverview, actor: Actor, refresh) -> None:  # type: ignore[no-untyped-def]
    job = overview.job
    marker = f"job-{job.name}"
    with ui.element("section").classes("w-full mt-4").mark(marker):
        heading(_(job.label), 2)
        msgid, params = jobs.schedule_label(job)
        paragraph(_("Planification : {schedule}").format(schedule=_(msgid).format(**params))).mark(f"{marker}-schedule")
        paragraph(_("Nom technique : {name}").format(name=job.name)).classes("text-sm")

        async def launch() -> None:
            with disabled_while(button):
                try:
                    launched = await run.io_bound(scheduled_jobs.run_job_now, actor=actor, name=job.name)
                except DomainError as error:
                    ui.notify(error.translate(_), type="negative")
                    return
            if launched is None:
                ui.notify(_("Cette tâche est déjà en cours d'exécution : elle n'a pas été relancée."), type="warning")
            elif isinstance(launched, scheduled_jobs.LeftToWorker):
                ui.notify(
                    _(
                        "Demande enregistrée : le processus de fond lancera la tâche d'ici une minute ; rechargez la "
                        "page pour suivre son exécution."
                    )
                )
            elif launched.status == JobStatus.SUCCEEDED:
                ui.notify(_("Tâche terminée : {message}").format(message=launched.message), type="positive")
            else:
                ui.notify(_("La tâche a échoué : {message}").format(message=launched.message), type="negative")
            refresh()

        button = ui.button(_("Lancer maintenant"), on_click=launch).props("no-caps").mark(f"{marker}-run")
        heading(_("Dernières exécutions"), 3)
        _runs_table(overview.runs, marker)


async def _admin_jobs(actor: Actor) -> None:
    with frame(_("Tâches planifiées")):
        paragraph(
            _(
                "Ces tâches s'exécutent automatiquement selon leur planification (heure de Paris). "
                "Une tâche déjà en cours n'est jamais lancée une seconde fois."
            )
        )

        @ui.refreshable
        async def body() -> None:
            try:
                overview = await in_transaction(
                    lambda session: scheduled_jobs.list_jobs(session, actor=actor, runs_per_job=RUNS_SHOWN)
                )
            except DomainError as error:
                paragraph(error.translate(_)).mark("refusal")
                return
            for item in overview:
                _job_section(item, actor, body.refresh)

        await body()


def register() -> None:
    @page(routes.ADMIN_JOBS)
    async def admin_jobs():
        return await as_staff(_admin_jobs, roles=(StaffRole.ADMINISTRATOR,))
