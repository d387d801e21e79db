"""The near-duplicate finder over 10,000 and 100,000 synthetic entries (issue 4, benchmarks).

Each entry is about 1,500 characters of Chinese-like text (tests/screening/textgen.py: shared
technical words and random words, in sentences). 1% of the entries are planted near-duplicates of
another entry: 5 to 40 characters edited, 1 to 8 pairs of sentences swapped, punctuation changed.
The two worker processes generate the texts and compute their signatures (the flags service
streams them from the database instead); the candidates' texts are generated again for
verification, as the flags service fetches them again.
Prints the time, the peak memory (ru_maxrss of the process and of its workers), the recall on
the planted pairs and the number of pairs found that were not planted.
"""

import random
from functools import partial
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))
SIZES = [10_000, 100_000]
WORKERS = 2


def plan(n: int) -> dict[int, tuple[int, int, int]]:
    """{copy index: (source index, edits, swaps)} for 1% of n, sources distinct and never copies."""
    rng = random.Random(n)
    copies = n // 100
    sources = rng.sample(range(n - copies), copies)
    return {n - copies + k: (src, rng.randint(5, 40), rng.randint(1, 8)) for k, src in enumerate(sources)}


def text_of(i: int, *, planted: dict) -> str:
    from tests.screening.textgen import entry_text, near_copy

    if i in planted:
        src, edits, swaps = planted[i]
        return near_copy(entry_text(src), i, edits=edits, swaps=swaps)
    return entry_text(i)


def run(n: int) -> None:
    from wuxiao.screening.duplicates import find_near_duplicates

    planted = plan(n)
    start = time.perf_counter()
    for i in range(n):
        text_of(i, planted=planted)
    generating = time.perf_counter() - start

    start = time.perf_counter()
    pairs = find_near_duplicates(((i, i) for i in range(n)), workers=WORKERS, prepare=partial(text_of, planted=planted),
                                 fetch=lambda ids: {i: text_of(i, planted=planted) for i in ids})
    elapsed = time.perf_counter() - start
    expected = {(src, copy) for copy, (src, _, _) in planted.items()}
    found = {(p.a, p.b) for p in pairs}
    recall = len(expected & found) / len(expected)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lowest = min((p.score for p in pairs if (p.a, p.b) in expected), default=0)
    print(f"{n:>7} entries: {elapsed:6.1f} s with {WORKERS} workers (+{generating:.1f} s generating the texts, "
          f"done by the workers inside the timed run); peak memory {own:.0f} MiB (largest worker {workers:.0f} MiB); "
          f"recall {recall:.4f} on {len(expected)} planted pairs (lowest similarity {lowest:.2f}); "
          f"{len(found - expected)} pairs not planted", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(int(sys.argv[1]))
    else:
        # One process per size, so that each peak memory is its own.
        status = 0
        for size in SIZES:
            status |= subprocess.call([sys.executable, __file__, str(size)])
        sys.exit(status)
