"""Run the portal: ``python main.py`` (settings from ECANDIDAT_* variables, see README.md)."""

from app.server import main

if __name__ in {"__main__", "__mp_main__"}:
    main()
