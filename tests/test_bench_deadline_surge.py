"""The deadline-surge benchmark (bench/deadline_surge.py) still runs: 2 units, 2 at a time, on SQLite.

It starts its own gunicorn on a fresh database, so this checks the whole machinery end to end:
every unit's 9 requests succeed and exactly one entry per unit is submitted.
"""

import json
import subprocess
import sys
from pathlib import Path

from .markers import same_on_every_database

BENCH = Path(__file__).resolve().parent.parent / "bench" / "deadline_surge.py"


@same_on_every_database
def test_two_units_file_exactly_two_entries_through_gunicorn():
    done = subprocess.run([sys.executable, str(BENCH), "--units", "2", "--concurrency", "2", "--backends", "sqlite",
                           "--json"], capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])[str(BENCH.parent.parent)]["sqlite"]
    surge = result["rounds"]["2"]
    assert surge["failures"] == [] and surge["completed"] == 2
    assert surge["count"] == {"entries": 2, "submitted": 2, "units_submitted": 2, "submit_transitions": 2}
    assert sorted(surge["steps"]) == sorted(["floor", "login", "me", "edition", "create", "texts", "completers",
                                             "answers", "problems", "submit"])
    assert all(len(surge["steps"][step]) == 2 for step in surge["steps"] if step != "floor")
    # The query log of one journey: every step ran and touched the database.
    assert all(result["queries"][step] > 0 for step in surge["steps"])
