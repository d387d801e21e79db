"""The near-duplicate finder over 10,000 and 100,000 synthetic entries (issue 4, benchmarks).

Each entry is about 1,500 characters of Chinese-like text (tests/screening/textgen.py: shared
technical words and random words, in sentences), cut into the five descriptive fields the flags
compare. 1% of the entries are planted near-duplicates of another entry: 5 to 40 characters
edited, 1 to 8 pairs of sentences swapped, punctuation changed. Another 1% are different entries
into which one field of another entry was copied (the same field or another one, 1 to 6
characters edited, up to 2 sentences swapped): their whole texts are far apart.

Two finders run on the same entries, each in its own process (so that each peak memory is its own):
* `whole`: `find_near_duplicates` over the fields joined (the finder before the per-field pass);
* `fields`: `find_near_duplicate_records`, whole texts and field by field, as `compute_flags` runs it.

The two worker processes generate the texts and compute their signatures (the flags service
streams them from the database instead); the candidates' texts are generated again for
verification, as the flags service fetches them again.
Prints the time, the peak memory (ru_maxrss of the process and of its workers), the recall on
each kind of planted pair and the number of pairs found that were not planted.
"""

import random
import resource
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))
SIZES = [10_000, 100_000]
MODES = ["whole", "fields"]
WORKERS = 2
FIELDS = ("summary", "background", "goals", "innovation_points", "benefits")


def plan(n: int) -> tuple[dict, dict]:
    """({copy: (source, edits, swaps)}, {copy: (source, source field, copy field, edits, swaps)}),
    1% of n each, sources distinct and never copies."""
    rng = random.Random(n)
    copies = n // 100
    sources = rng.sample(range(n - 2 * copies), 2 * copies)
    whole = {n - 2 * copies + k: (sources[k], rng.randint(5, 40), rng.randint(1, 8)) for k in range(copies)}
    field = {}
    for k in range(copies):
        source_field = rng.randrange(len(FIELDS))
        copy_field = source_field if k % 2 else rng.randrange(len(FIELDS))
        field[n - copies + k] = (sources[copies + k], source_field, copy_field, rng.randint(1, 6), rng.randint(0, 2))
    return whole, field


def _cut(text: str) -> list[str]:
    size = len(text) // len(FIELDS)
    return [text[k * size:(k + 1) * size if k < len(FIELDS) - 1 else len(text)] for k in range(len(FIELDS))]


def fields_of(i: int, *, planted: tuple[dict, dict]) -> tuple[str, ...]:
    from tests.screening.textgen import entry_text, near_copy

    whole, field = planted
    if i in whole:
        src, edits, swaps = whole[i]
        return tuple(_cut(near_copy(entry_text(src), i, edits=edits, swaps=swaps)))
    texts = _cut(entry_text(i))
    if i in field:
        src, source_field, copy_field, edits, swaps = field[i]
        texts[copy_field] = near_copy(_cut(entry_text(src))[source_field], i, edits=edits, swaps=swaps)
    return tuple(texts)


def text_of(i: int, *, planted: tuple[dict, dict]) -> str:
    return "\n".join(fields_of(i, planted=planted))


def run(n: int, mode: str) -> None:
    from wuxiao.screening.duplicates import find_near_duplicate_records, find_near_duplicates

    planted = plan(n)
    start = time.perf_counter()
    for i in range(n):
        fields_of(i, planted=planted)
    generating = time.perf_counter() - start

    start = time.perf_counter()
    if mode == "whole":
        pairs = find_near_duplicates(((i, i) for i in range(n)), workers=WORKERS,
                                     prepare=partial(text_of, planted=planted),
                                     fetch=lambda ids: {i: text_of(i, planted=planted) for i in ids})
    else:
        pairs = find_near_duplicate_records(((i, i) for i in range(n)), FIELDS, workers=WORKERS,
                                            prepare=partial(fields_of, planted=planted),
                                            fetch=lambda ids: {i: fields_of(i, planted=planted) for i in ids})
    elapsed = time.perf_counter() - start
    whole = {(src, copy) for copy, (src, *_) in planted[0].items()}
    field = {(src, copy) for copy, (src, *_) in planted[1].items()}
    found = {(p.a, p.b) for p in pairs}
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lowest = min((p.score for p in pairs if (p.a, p.b) in whole | field), default=0)
    print(f"{n:>7} entries, {mode:>6}: {elapsed:6.1f} s with {WORKERS} workers (+{generating:.1f} s generating the texts, "
          f"done by the workers inside the timed run); peak memory {own:.0f} MiB (largest worker {workers:.0f} MiB); "
          f"recall {len(whole & found) / len(whole):.4f} on {len(whole)} planted whole copies, "
          f"{len(field & found) / len(field):.4f} on {len(field)} planted field copies "
          f"(lowest score {lowest:.2f}); {len(found - whole - field)} pairs not planted", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "fields")
    else:
        # One process per size and finder, so that each peak memory is its own.
        status = 0
        for size in SIZES:
            for mode in MODES:
                status |= subprocess.call([sys.executable, __file__, str(size), mode])
        sys.exit(status)
