"""The assignment engine: from a workshop's data to a proposed set of pairs, no writes
except `store`.

The pipeline, one module per step, all set-based (numpy and scipy.sparse arrays indexed by
position, never a Python object per submission-reviewer pair):

- `options`, `weights`: RunSettings and AffinityWeights, what staff choose per run (k,
  loads, keep or replace, coverage, affinity weights), stored as JSON on
  AssignmentRun.settings.
- `data`: everything a run needs, loaded from the database in 14 set-based queries.
- `prepare`: what the settings make of the existing state: forbidden pairs, pairs that must
  be candidates, assignments that stay, loads.
- `affinity`: one score per pair from expertise overlap, TF-IDF text similarity and bids;
  `candidates`: the sparse candidate pairs the solver may use, and the pricing scan that
  adds pairs which could improve a solution; `pairs`: sparse sets of pairs.
- `problem`, `solve`, `flow`, `linear`: the optimal assignment (OR-Tools min-cost flow, or
  a HiGHS integer program when the flow cannot express the constraints), the LP
  relaxation bound and a greedy baseline.
- `explain`, `texts`: why slots stay unfilled or coverage is not met, what would fix it,
  in words; `summary`: the figures of an assignment.
- `engine`: the steps above in order, from a loaded instance to a proposal (no writes).
- `scoring`, `store`: scores for pairs chosen by hand or imported; writing pairs (COPY).
"""
