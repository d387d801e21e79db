"""The live roadshow benchmark (bench/roadshow_live.py) still runs: 2 judges × 2 presentations, on SQLite.

It starts its own gunicorn on a fresh database, so this checks the whole machinery end to end: the console
drives both presentations, both judges' scores reach the big screen's state, and the count is exact.
"""

import json
import subprocess
import sys
from pathlib import Path

from .markers import same_on_every_database

BENCH = Path(__file__).resolve().parent.parent / "bench" / "roadshow_live.py"


@same_on_every_database
def test_two_judges_score_two_presentations_through_gunicorn():
    done = subprocess.run([sys.executable, str(BENCH), "--judges", "2", "--presentations", "2", "--backends",
                           "sqlite", "--json"], capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])["sqlite"]
    assert result["failures"] == [] and result["submitted"] == 4
    assert result["count"] == {"rows": 4, "live": 4, "pairs": 4, "doubled_pairs": 0, "slots_with_result": 2,
                               "slots": 2}
    # every score was seen on the big screen and on the console, after its submit started
    assert len(result["screen"]) == 4 and len(result["console"]) == 4
    assert all(0 < latency < 10 for latency in result["screen"] + result["console"])
    # the screen's poll with ?v= of the state it shows answers "nothing new" once nothing changes
    assert result["settled_screen"] == 204
