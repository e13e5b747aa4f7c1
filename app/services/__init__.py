"""Business rules and adapters, one package per capability; no module here imports NiceGUI.

From the bottom up (a package imports only those below it; tests/test_import_graph.py): platform (clock-driven jobs,
files, audit, notifications, parameters, leases, errors, actors…), mail, accounts, offer, dossier, applications,
documents, admin, handoff, decisions, review, interviews, exports, scoring and demo. Services import each other's
submodules (``from app.services.platform.parameters import ...``); pages, widgets and the API import only what a
package's ``__init__`` exports. An ``__init__`` imports nothing eagerly: its ``__getattr__`` fetches an export from
its submodule on each access, so importing one submodule loads no more than before (no new import cycles; the
sandboxed PDF worker still imports no application code) and a test patching a submodule patches what pages see.
"""
