"""Time from ``python main.py`` on a fresh data directory (migrations + demo seed) to the home page's answer.

Prints JSON: {"runs": [...seconds], "median_s": ..., "max_s": ...}. Usage: python bench/startup.py [runs]
"""

import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.portal_process import run_portal


def main(runs: int = 3) -> None:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp, run_portal(Path(tmp) / "var") as portal:
            times.append(round(portal.seconds_to_first_answer, 2))
    print(json.dumps({"runs": times, "median_s": statistics.median(times), "max_s": max(times)}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
