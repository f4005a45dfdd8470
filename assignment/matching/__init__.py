"""The assignment engine: from a workshop's data to a proposed set of pairs, no writes
except `store`.

The pipeline, one module per step, all set-based (numpy and scipy.sparse arrays indexed by
position, never a Python object per submission-reviewer pair):

- `options`: RunSettings, what staff choose per run (k, loads, keep or replace, coverage,
  affinity weights), stored as JSON on AssignmentRun.settings.
- `data`: everything a run needs, loaded from the database in 14 set-based queries.
- `affinity`: one score per pair from expertise overlap, TF-IDF text similarity and bids
  (weights in AffinityWeights), the sparse candidate pairs the solver may use, and the
  pricing scan that adds pairs which could improve a solution.
- `solve`: the optimal assignment (OR-Tools min-cost flow, or a HiGHS integer program when
  the flow cannot express the constraints), the LP relaxation bound and a greedy baseline.
- `explain`: why slots stay unfilled or coverage is not met, and what would fix it.
- `engine`: the steps above in order, from a loaded instance to a proposal (no writes).
- `scoring`, `store`: scores for pairs chosen by hand or imported; writing pairs (COPY).
"""
