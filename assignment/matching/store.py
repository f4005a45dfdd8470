"""Writing a proposal's pairs: PostgreSQL COPY for tens of thousands of rows, bulk_create
elsewhere (SQLite in development)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db import connection

from assignment.models import ProposedPair

COLUMNS = ("run", "submission", "reviewer", "score", "why", "kept", "origin")


def write_pairs(
    *,
    run_id: int,
    submission_ids: np.ndarray,
    reviewer_ids: np.ndarray,
    scores: np.ndarray,
    kept: np.ndarray,
    why: Sequence[dict[str, Any]],
    origin: str,
) -> int:
    """Insert the pairs of a run; returns how many. Call inside a transaction."""
    n = len(submission_ids)
    if n == 0:
        return 0
    subs = np.asarray(submission_ids).tolist()
    revs = np.asarray(reviewer_ids).tolist()
    score_list = np.asarray(scores, dtype=np.float64).round(3).tolist()
    kept_list = np.asarray(kept, dtype=bool).tolist()
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        dumps = json.dumps
        for i in range(n):
            writer.writerow(
                (
                    run_id,
                    subs[i],
                    revs[i],
                    score_list[i],
                    dumps(why[i], ensure_ascii=False),
                    "t" if kept_list[i] else "f",
                    origin,
                )
            )
        buffer.seek(0)
        meta = ProposedPair._meta
        columns = ", ".join(
            connection.ops.quote_name(meta.get_field(name).column) for name in COLUMNS
        )
        table = connection.ops.quote_name(meta.db_table)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)
        return n
    ProposedPair.objects.bulk_create(
        [
            ProposedPair(
                run_id=run_id,
                submission_id=subs[i],
                reviewer_id=revs[i],
                score=score_list[i],
                why=why[i],
                kept=kept_list[i],
                origin=origin,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    return n
