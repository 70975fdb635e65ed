"""Sanctions screening in process: blocking (NameIndex.candidates) and scoring together, per name screened.

    .venv/bin/python bench/bench_sanctions.py [--entries 12000] [--names 20000] [--hit-share 0.5]
                                              [--list-dir data/registers] [--warmup 500] [--profile]

The list is generated in memory (`engine.registers.sanctions_list`, default seed) unless --list-dir points at a
directory with a `sanctions.jsonl.gz`. The names are a fixed-seed mix from the evaluation set
(`engine.checks.sanctions_evaluation`): hits are variants of listed names (typing errors, transliterations, swapped
order, initials, dropped middle names, aliases; persons and organisations), non-hits are ordinary applicants' names
with birth dates. Each name is timed with `perf_counter_ns` through `SanctionsMatcher.screen` (candidates and scoring,
in one thread, after a warm-up); a smaller sample is also timed through `screen(name, candidates=...)` over the
candidates' records, the path of a provider that returns entries rather than prepared ones.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import pstats
import random
import time
from collections.abc import Sequence
from pathlib import Path

from bench_decide import percentile, print_table

from engine.checks.name_matching import NameIndex, SanctionsMatcher, name_tokens, screen
from engine.checks.sanctions_evaluation import POSITIVE_ENTITY_VARIANTS, POSITIVE_PERSON_VARIANTS, Sample, build_samples
from engine.registers.records import SanctionsEntry
from engine.registers.sanctions_list import generate_entries, read_sanctions_list

SEED = 4242


def load(entries: int, list_dir: Path | None) -> list[SanctionsEntry]:
    if list_dir is not None:
        return read_sanctions_list(list_dir)
    return generate_entries(entries=entries)


def names_to_screen(entries: Sequence[SanctionsEntry], count: int, hit_share: float) -> list[Sample]:
    """`count` samples: positives (hits) and clean-population names, shuffled with a fixed seed."""
    hits = round(count * hit_share)
    kinds = len(POSITIVE_PERSON_VARIANTS) + len(POSITIVE_ENTITY_VARIANTS)
    samples = build_samples(entries, seed=SEED, per_kind=math.ceil(hits / kinds), clean_population=count - hits)
    positives = [s for s in samples if s.label == "positive"][:hits]
    chosen = positives + [s for s in samples if s.label == "clean"]
    random.Random(SEED).shuffle(chosen)
    return chosen


def row(label: str, values_ms: list[float]) -> list[object]:
    values_ms.sort()
    return [
        label,
        len(values_ms),
        f"{percentile(values_ms, 0.50):.3f}",
        f"{percentile(values_ms, 0.95):.3f}",
        f"{percentile(values_ms, 0.99):.3f}",
        f"{max(values_ms):.3f}",
    ]


def bench(entries: Sequence[SanctionsEntry], names: Sequence[Sample], *, warmup: int, profile: bool) -> None:
    started = time.perf_counter()
    index = NameIndex(entries)
    build_seconds = time.perf_counter() - started
    persons = sum(e.kind == "person" for e in entries)
    print(f"\n== NameIndex over {len(entries):,} entries ({persons:,} persons): built in {build_seconds:.2f} s")
    matcher = SanctionsMatcher(index)

    for sample in names[:warmup]:
        matcher.screen(sample.name, birth_date=sample.birth_date, kind=sample.subject)

    clock = time.perf_counter_ns
    by_label: dict[str, list[float]] = {"hit": [], "non-hit": []}
    candidate_counts: list[float] = []
    alerts = {"hit": 0, "non-hit": 0}
    wall = time.perf_counter()
    for sample in names:
        t0 = clock()
        matches = matcher.screen(sample.name, birth_date=sample.birth_date, kind=sample.subject)
        elapsed_ms = (clock() - t0) / 1e6
        label = "hit" if sample.label == "positive" else "non-hit"
        by_label[label].append(elapsed_ms)
        alerts[label] += any(m.potential_match for m in matches)
    seconds = time.perf_counter() - wall
    for sample in names:
        tokens = name_tokens(sample.name, sample.subject)
        candidate_counts.append(len(index.candidate_entries(tokens, sample.subject, matcher.limit)))

    every = by_label["hit"] + by_label["non-hit"]
    print(
        f"\n== SanctionsMatcher.screen: {len(names):,} names ({len(by_label['hit']):,} variants of listed names, "
        f"{len(by_label['non-hit']):,} ordinary applicants), {len(names) / seconds:,.0f} names/s in one thread"
    )
    print_table(
        ["names", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"],
        [row("all", every), row("hits", by_label["hit"]), row("non-hits", by_label["non-hit"])],
    )
    candidate_counts.sort()
    print(
        f"candidates per name (limit {matcher.limit}): mean {sum(candidate_counts) / len(candidate_counts):.1f}, "
        f"p50 {percentile(candidate_counts, 0.5):.0f}, p95 {percentile(candidate_counts, 0.95):.0f}, "
        f"max {candidate_counts[-1]:.0f}"
    )
    print(
        f"potential matches: {alerts['hit']:,} of {len(by_label['hit']):,} hits "
        f"({alerts['hit'] / max(len(by_label['hit']), 1):.2%}), {alerts['non-hit']:,} of "
        f"{len(by_label['non-hit']):,} non-hits ({alerts['non-hit'] / max(len(by_label['non-hit']), 1):.2%})"
    )

    sample_size = min(len(names), 2_000)
    records_ms: list[float] = []
    for sample in names[:sample_size]:
        t0 = clock()
        candidates = index.candidates(sample.name, sample.subject)
        screen(sample.name, birth_date=sample.birth_date, candidates=candidates, kind=sample.subject)
        records_ms.append((clock() - t0) / 1e6)
    print(
        f"\n== screen(name, candidates=index.candidates(name)): {sample_size:,} names (each candidate normalised again)"
    )
    print_table(["names", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"], [row("all", records_ms)])

    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for sample in names[:5_000]:
            matcher.screen(sample.name, birth_date=sample.birth_date, kind=sample.subject)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(20)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=12_000, help="entries of the generated list (default 12000)")
    parser.add_argument("--list-dir", type=Path, default=None, help="read sanctions.jsonl.gz from here instead")
    parser.add_argument("--names", type=int, default=20_000, help="names to screen (default 20000)")
    parser.add_argument("--hit-share", type=float, default=0.5, help="share of variants of listed names (0.5)")
    parser.add_argument("--warmup", type=int, default=500, help="names screened before timing (default 500)")
    parser.add_argument("--profile", action="store_true", help="also cProfile 5000 screenings")
    args = parser.parse_args()

    entries = load(args.entries, args.list_dir)
    names = names_to_screen(entries, args.names, args.hit_share)
    bench(entries, names, warmup=args.warmup, profile=args.profile)


if __name__ == "__main__":
    main()
