"""The assignment of second-round entries to experts (issue 10, items 4 and 5; R7, R13), in plain ids.

No models here: the caller builds a `Problem` from the database and saves the `Assignment`.

    problem = Problem(entries=[Entry(12, industry="3421", category="能源"), …],
                      experts=[Expert(7, organisation=3, title=SENIOR, fields=[("34", 3)]), …],
                      reviews=5, load_min=10, load_max=25, conflicts={(12, 7): "本单位"}, seed=20250401)
    assignment = solve(problem)            # raises Infeasible(reasons) with the reasons in words
    validate(problem, edited_pairs)        # [] or the constraints the hand edits break
    reassign(problem, assignment, remove_experts=[7]).added

Pairs are (entry, expert), always in this order.
"""

from .checks import explain, validate
from .model import (
                    ASSOCIATE,
                    INTERMEDIATE,
                    OTHER,
                    SENIOR,
                    TITLE_RANKS,
                    Assignment,
                    Entry,
                    Expert,
                    Infeasible,
                    Pair,
                    Problem,
                    Reason,
                    Reassignment,
)
from .quality import TIE_RANGE, code_chain, match_level, pair_quality, tie_break
from .solver import reassign, solve

__all__ = [
    "ASSOCIATE", "INTERMEDIATE", "OTHER", "SENIOR", "TIE_RANGE", "TITLE_RANKS",
    "Assignment", "Entry", "Expert", "Infeasible", "Pair", "Problem", "Reason", "Reassignment",
    "code_chain", "explain", "match_level", "pair_quality", "reassign", "solve", "tie_break", "validate",
]
