"""The second round (复赛, R7, R13): the expert pool, conflicts of interest, the assignment of entries
to experts, scoring, aggregation and the finalist list."""
