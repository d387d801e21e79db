"""Benchmarks (`make bench`). Each prints what it measured; none of them is a pass/fail test."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHMARKS = ["concurrent_writers.py", "upload_memory.py", "pdf_render.py", "entry_list.py", "duplicates.py",
              "review_queue.py", "deadline_surge.py", "aggregation.py", "assignment.py", "assignment_job.py",
              "review_results.py", "roadshow_live.py", "certificates.py"]

if __name__ == "__main__":
    status = 0
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        status |= subprocess.call([sys.executable, str(HERE / name)])
    sys.exit(status)
