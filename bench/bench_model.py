"""Model scoring speed: one application at a time (the serving path: encodings, probability, exact contributions and
the main reasons) and a batch of a million, against the Pipeline it is taken from.

    .venv/bin/python bench/bench_model.py [--product AVP] [--version 1.0.0] [--rows 20000] [--batch 1000000]

Rows come from the shipped synthetic history (`data/history/<product>.csv.gz`), as fact dictionaries for the
single-row path and as one table for the batch. The single-row path is timed per call with perf_counter_ns after a
warm-up; the Pipeline's own single-row predict_proba (on a one-row DataFrame) is timed on fewer rows for reference.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

from engine.config import PROJECT_ROOT
from engine.domain.products import Product
from engine.model.artifact import load_artifact
from engine.model.history import read_history
from engine.model.pipeline import feature_frame
from engine.policy.facts import FactCatalogue


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def facts_of(frame: pd.DataFrame, features: tuple[str, ...]) -> list[dict[str, object]]:
    rows = frame[list(features)].to_dict("records")
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()} for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--product", default="AVP", choices=[p.value for p in Product])
    parser.add_argument("--version", default="1.0.0")
    parser.add_argument("--rows", type=int, default=20_000, help="single-row calls timed")
    parser.add_argument("--batch", type=int, default=1_000_000, help="rows in the batch")
    parser.add_argument("--pipeline-rows", type=int, default=300, help="single-row Pipeline calls timed (slow)")
    args = parser.parse_args()

    product = Product(args.product)
    directory = PROJECT_ROOT / "models" / product.value.lower() / args.version
    started = time.perf_counter()
    model = load_artifact(Path(directory), catalogue=FactCatalogue.for_product(product))
    print(f"loaded {product.value} model {args.version} in {time.perf_counter() - started:.2f} s")
    history = read_history(PROJECT_ROOT / "data" / "history" / f"{product.value.lower()}.csv.gz")
    scorer = model.scorer
    rows = facts_of(history.sample(n=min(args.rows, len(history)), random_state=1), scorer.features)

    for facts in rows[:2000]:  # warm-up
        scorer.score(facts)
    timings = []
    for facts in rows:
        begin = time.perf_counter_ns()
        scorer.score(facts)
        timings.append((time.perf_counter_ns() - begin) / 1e6)
    print(
        f"single row, serving path (features + probability + contributions + reasons), {len(rows):,} calls: "
        f"p50 {percentile(timings, 0.5):.4f} ms, p99 {percentile(timings, 0.99):.4f} ms, "
        f"max {max(timings):.3f} ms"
    )

    pipeline_rows = history.head(args.pipeline_rows)
    frames = [feature_frame(model.spec, pipeline_rows.iloc[[i]]) for i in range(len(pipeline_rows))]
    model.pipeline.predict_proba(frames[0])
    slow = []
    for frame in frames:
        begin = time.perf_counter_ns()
        model.pipeline.predict_proba(frame)
        slow.append((time.perf_counter_ns() - begin) / 1e6)
    print(
        f"single row, Pipeline.predict_proba on a one-row DataFrame (reference), {len(slow)} calls: "
        f"p50 {percentile(slow, 0.5):.3f} ms, p99 {percentile(slow, 0.99):.3f} ms"
    )

    batch = history.sample(n=args.batch, replace=True, random_state=2).reset_index(drop=True)
    begin = time.perf_counter()
    probabilities = scorer.probabilities(batch)
    seconds = time.perf_counter() - begin
    print(f"batch of {len(batch):,}, serving path: {seconds:.2f} s, {len(batch) / seconds:,.0f} rows/s")
    begin = time.perf_counter()
    expected = model.pipeline.predict_proba(feature_frame(model.spec, batch))[:, 1]
    seconds = time.perf_counter() - begin
    print(
        f"batch of {len(batch):,}, Pipeline (reference, incl. building its frame): {len(batch) / seconds:,.0f} rows/s"
    )
    print(f"largest difference from the Pipeline over the batch: {np.max(np.abs(probabilities - expected)):.2e}")


if __name__ == "__main__":
    main()
