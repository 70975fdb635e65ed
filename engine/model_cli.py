"""`underwrite model ...`: generate the synthetic history, train, benchmark on real credit data, list and activate."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from engine.cli_support import console, err, fail, load_settings
from engine.config import PROJECT_ROOT
from engine.decision.core import DUTCH_TIME
from engine.domain.products import Product

if TYPE_CHECKING:
    from engine.config import Settings
    from engine.decision.service import DecisionRuntime
    from engine.model.registry import ModelShelf
    from engine.store.database import Database

model_app = typer.Typer(
    help="Risk models: synthetic history, training, benchmark on real credit data, activation.", no_args_is_help=True
)
_fail = fail
_settings = load_settings

SPEC_DIR = PROJECT_ROOT / "data" / "model_specs"
HISTORY_DIR = PROJECT_ROOT / "data" / "history"


def _opened(settings: Settings) -> tuple[DecisionRuntime, ModelShelf, Database]:
    """The policies, the models folder and the database, as a command that manages models needs them."""
    from engine.bootstrap import build_runtime, load_models, open_database

    try:
        runtime = build_runtime(settings)
        shelf = load_models(settings, runtime)
        return runtime, shelf, open_database(settings)
    except (ValueError, RuntimeError) as exc:  # a policy, a default model or the database that cannot be used
        raise _fail(str(exc)) from None


def _product(value: str) -> Product:
    try:
        return Product(value.upper())
    except ValueError:
        raise _fail(f"unknown product {value!r}; known: {', '.join(p.value for p in Product)}") from None


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    )


@model_app.command("history")
def history(
    product: Annotated[str, typer.Argument(help="AVP or AVB.")],
    rows: Annotated[int, typer.Option(min=100, help="Applications to generate.")] = 200_000,
    out: Annotated[
        Path | None, typer.Option(help="File to write (.csv.gz); default data/history/<product>.csv.gz")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the draws (default: the shipped one).")] = None,
) -> None:
    """Generate a synthetic history of applications with outcomes drawn from a known true probability (see
    data/history/README.md): the shipped training data of the default models."""
    from engine.model.history import HISTORY_SEED, generate_history, write_history

    chosen = _product(product)
    settings = _settings()
    target = out or HISTORY_DIR / f"{chosen.value.lower()}.csv.gz"
    if not target.name.endswith((".csv", ".csv.gz")):
        raise _fail(f"{target.name}: a history is written as .csv or .csv.gz")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _progress() as progress:
            task = progress.add_task(f"{chosen.value} history", total=rows)
            frame = generate_history(
                chosen,
                rows=rows,
                seed=HISTORY_SEED if seed is None else seed,
                register_dir=settings.register_dir,
                progress=lambda n: progress.advance(task, n),
            )
        digest = write_history(frame, target)
    except (OSError, ValueError) as exc:  # the registers cannot be read, or the file cannot be written
        raise _fail(str(exc)) from None
    console.print(f"{len(frame):,} applications → {target} ({digest})")
    console.print(
        f"bad rate {frame['bad_outcome'].mean():.2%}, mean true probability {frame['true_probability'].mean():.2%}"
    )


@model_app.command("train")
def train(
    product: Annotated[str, typer.Argument(help="AVP or AVB: the product whose facts the model reads.")],
    version: Annotated[str, typer.Option(help="Version of the new model, e.g. 1.1.0; never overwritten.")],
    data: Annotated[
        Path | None, typer.Option(help="History with outcomes (CSV, CSV.gz or Parquet); default the shipped one.")
    ] = None,
    spec: Annotated[
        Path | None, typer.Option(help="Feature spec (YAML); default data/model_specs/<product>.yaml.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Models folder; default the configured one (models/).")] = None,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Cross-validation folds.")] = 5,
    repeats: Annotated[int, typer.Option(min=1, max=20, help="Cross-validation repeats.")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the folds.")] = 20261125,
    compare: Annotated[bool, typer.Option(help="Also measure gradient boosting on the same folds.")] = True,
) -> None:
    """Train a product's risk model: cross-validate, enforce the spec's directions, print the figures, the threshold
    trade-off table and the fairness gate, and write models/<product>/<version>/ (model.skops, features.yaml,
    metadata.json, MODEL_CARD.md). It is not used until `underwrite model activate`."""
    from engine.model.artifact import ModelError, check_facts, load_artifact, write_artifact
    from engine.model.history import read_history
    from engine.model.registry import SAFE_VERSION
    from engine.model.spec import FeatureSpec, SpecError
    from engine.model.training import steps
    from engine.model.training import train as train_model
    from engine.policy.facts import FactCatalogue
    from engine.policy.registry import PolicyRegistry

    chosen = _product(product)
    settings = _settings()
    spec_path = spec or SPEC_DIR / f"{chosen.value.lower()}.yaml"
    data_path = data or HISTORY_DIR / f"{chosen.value.lower()}.csv.gz"
    try:
        feature_spec = FeatureSpec.load(spec_path)
        frame = read_history(data_path)
    except (SpecError, OSError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if feature_spec.product != chosen.value:
        raise _fail(
            f"{spec_path.name} is a spec for {feature_spec.product or 'no product'}, not {chosen.value}: a product "
            f"model's spec says `product: {chosen.value}` (for other data use `underwrite model benchmark`)"
        )
    if not SAFE_VERSION.fullmatch(version):
        raise _fail("--version is letters, digits, dots, dashes and underscores (e.g. 1.1.0), at most 64")
    target = (out or settings.model_dir) / chosen.value.lower() / version
    if target.exists():
        raise _fail(f"{target.name} already exists: give the new model another version")
    try:
        check_facts(
            f"spec {spec_path.name}",
            [{"name": f.name, "type": f.type} for f in feature_spec.features],
            FactCatalogue.for_product(chosen),
        )
        missing = [column for column in feature_spec.protected if column not in frame.columns]
        if missing:
            raise ModelError(
                f"the data have no column {', '.join(missing)}: the fairness gate needs every protected one"
            )
        policy = PolicyRegistry.from_directory(settings.policy_dir).active(chosen, datetime.now(DUTCH_TIME).date())
    except (ModelError, ValueError) as exc:
        raise _fail(str(exc)) from None
    thresholds = (policy.thresholds.refer_at, policy.thresholds.reject_at)
    console.print(
        f"{chosen.value}: {len(frame):,} rows from {data_path.name}, policy {policy.version} thresholds {thresholds}"
    )
    try:
        with _progress() as progress:
            task = progress.add_task("training", total=steps(folds=folds, repeats=repeats, compare=compare))
            trained = train_model(
                frame,
                feature_spec,
                thresholds=thresholds,
                seed=seed,
                folds=folds,
                repeats=repeats,
                compare=compare,
                progress=lambda n: progress.advance(task, n),
            )
    except (KeyError, ValueError) as exc:
        raise _fail(str(exc)) from None
    print_training(trained)
    staging = target.with_name(f".{version}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:  # written aside, loaded back and verified as the engine will load it, then moved into place
        write_artifact(
            trained,
            directory=staging,
            version=version,
            spec_text=spec_path.read_text(encoding="utf-8"),
            data_source=data_path.name,
            trained_at=datetime.now(UTC),
        )
        load_artifact(staging, catalogue=FactCatalogue.for_product(chosen), name=version)
        staging.rename(target)
    except (ModelError, OSError) as exc:
        raise _fail(str(exc)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    console.print(f"written: {target} (MODEL_CARD.md, metadata.json, model.skops, features.yaml)")
    console.print(f"use it: underwrite model activate {chosen.value} {version} --by <your name>")


def print_training(trained: Any) -> None:
    from engine.model.thresholds import TradeoffRow

    table = Table(title="cross-validated (mean ± sd over folds)")
    table.add_column("metric")
    table.add_column("logistic regression", justify="right")
    for name in trained.candidates:
        table.add_column(name.replace("_", " "), justify="right")
    for name, spread in trained.cv.summary.items():
        others = [c[name].text(4) if name in c else "" for c in trained.candidates.values()]
        table.add_row(name, spread.text(4), *others)
    console.print(table)
    if trained.dropped:
        for name, why in trained.dropped.items():
            console.print(f"[yellow]left out[/yellow] {name}: {why}")
    if trained.oracle:
        o = trained.oracle
        console.print(
            f"oracle ROC AUC {o['oracle_roc_auc']:.4f}; the model reaches {o['auc_share_of_oracle']:.1%} of it; "
            f"calibration error {o['calibration_error']:.4f}; mean |p - true p| {o['mean_abs_error_vs_truth']:.4f}"
        )
    trade = Table(title="threshold trade-off (out-of-fold; first row: the policy's thresholds)")
    for column in (
        "refer_at",
        "reject_at",
        "accepted",
        "referred",
        "rejected",
        "bad accepted",
        "bad referred",
        "bad rejected",
    ):
        trade.add_column(column, justify="right")

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value:.1%}"

    rows: list[TradeoffRow] = trained.tradeoff
    for row in rows:
        marker = " ←" if trained.recommended is not None and row == trained.recommended else ""
        trade.add_row(
            f"{row.refer_at:.3f}",
            f"{row.reject_at:.3f}",
            pct(row.accepted),
            pct(row.referred),
            pct(row.rejected),
            pct(row.bad_rate_accepted),
            pct(row.bad_rate_referred),
            pct(row.bad_rate_rejected) + marker,
        )
    console.print(trade)
    if trained.recommended is not None:
        r = trained.recommended
        console.print(
            f"recommended (←): refer_at {r.refer_at:.3f}, reject_at {r.reject_at:.3f} — the most automatic acceptances "
            "with the accepted bad rate ≤ 0.75× and the rejected ≥ 3× the base rate; put them in the policy"
        )
    from engine.model.training import estimator_choice

    flagged = estimator_choice(trained)["flagged"]
    if flagged:
        console.print(
            f"[yellow]note:[/yellow] {', '.join(flagged)} beat logistic regression by more than one sd of ROC AUC; "
            "the engine serves logistic regression for its exact contributions: weigh this before activating"
        )
    fairness = trained.fairness
    verdict = "[green]passes[/green]" if fairness.passed else "[red]FAILS[/red]"
    console.print(f"fairness gate (selection-rate ratio ≥ 0.8, equalised-odds difference ≤ 0.1): {verdict}")
    for attribute in fairness.attributes:
        proxy = f", proxy AUC {attribute.proxy_auc:.3f}" if attribute.proxy_auc is not None else ""
        kind = "" if attribute.gated else " (watched)"
        console.print(
            f"  {attribute.attribute}{kind}: selection-rate ratio {attribute.selection_rate_ratio:.3f}, "
            f"equalised-odds difference {attribute.equalised_odds_difference:.3f}{proxy}"
        )
    for problem in fairness.problems:
        console.print(f"  [red]{problem}[/red]")


@model_app.command("activate")
def activate(
    product: Annotated[str, typer.Argument(help="AVP or AVB.")],
    version: Annotated[str, typer.Argument(help="A version in the models folder, or `none` to use no model.")],
    by: Annotated[str, typer.Option(help="Who activates it (recorded).")],
    justification: Annotated[
        str | None,
        typer.Option(help="Required when the model fails the fairness gate: why it is used anyway (recorded)."),
    ] = None,
) -> None:
    """Switch the model a product uses (recorded; the previous one stays for replay). Running servers pick it up
    within a few seconds. A model that fails the fairness gate needs --justification."""
    from sqlalchemy.exc import IntegrityError

    from engine.model.artifact import ModelError
    from engine.model.registry import FairnessGateClosed
    from engine.model.registry import activate as record_activation

    chosen = _product(product)
    settings = _settings()
    if not by.strip():
        raise _fail("--by must name who activates the model")
    runtime, shelf, db = _opened(settings)
    try:
        with db.engine.begin() as connection:
            row = record_activation(
                connection,
                shelf=shelf,
                product=chosen.value,
                version=None if version.lower() == "none" else version,
                by=by.strip(),
                now=datetime.now(UTC),
                justification=justification,
            )
    except FairnessGateClosed as exc:
        raise _fail(str(exc), code=2) from None
    except ModelError as exc:
        raise _fail(str(exc)) from None
    except IntegrityError:
        raise _fail("another activation was recorded at the same moment: look at `underwrite model list`") from None
    finally:
        db.close()
    now_using = row["version"] or "no model (the rules alone)"
    console.print(f"{chosen.value} now uses {now_using} (before: {row['previous_version'] or 'no model'})")
    if row["justification"]:
        console.print(f"recorded justification: {row['justification']}")
    if row["version"] is not None:
        trained_for = shelf.get(chosen.value, row["version"]).metadata["thresholds"]
        policy = runtime.policies.active(chosen, datetime.now(DUTCH_TIME).date()).thresholds
        if (trained_for["refer_at"], trained_for["reject_at"]) != (policy.refer_at, policy.reject_at):
            err.print(
                f"[yellow]note:[/yellow] the model's trade-off and fairness figures are for refer_at "
                f"{trained_for['refer_at']} / reject_at {trained_for['reject_at']}; the active policy uses "
                f"{policy.refer_at} / {policy.reject_at}: retrain against this policy to see its figures"
            )


@model_app.command("list")
def list_models() -> None:
    """The models on the shelf with their headline figures, which one each product uses, and the activations."""
    from engine.model.artifact import ModelError
    from engine.model.registry import activation_history, current_activation

    settings = _settings()
    _runtime, shelf, db = _opened(settings)
    try:
        with db.engine.connect() as connection:
            active = {p.value: current_activation(connection, p.value) for p in Product}
            history_rows = activation_history(connection)
    finally:
        db.close()
    table = Table(title=f"models in {settings.model_dir.name}/")
    for column in ("product", "version", "trained", "rows", "ROC AUC", "Brier", "fairness", "active"):
        table.add_column(column)
    for product in Product:
        current = active.get(product.value)
        for version in shelf.versions(product.value):
            if current is not None:
                state = "yes" if current["version"] == version else ""
            else:
                state = "default (at first start)" if shelf.defaults.get(product.value) == version else ""
            try:
                model = shelf.get(product.value, version)
            except ModelError as exc:
                table.add_row(product.value, version, "", "", f"[red]cannot be used[/red]: {exc}", "", "", state)
                continue
            meta = model.metadata
            metrics = meta["cross_validation"]["metrics"]
            table.add_row(
                product.value,
                version,
                meta["trained_at"][:10],
                f"{meta['data']['rows']:,}",
                f"{metrics['roc_auc']['mean']:.4f} ± {metrics['roc_auc']['sd']:.4f}",
                f"{metrics['brier']['mean']:.4f}",
                "passes" if model.fairness.passed else "fails",
                state,
            )
    console.print(table)
    if not settings.models_enabled:
        err.print("[yellow]note:[/yellow] models are switched off (UNDERWRITE_MODELS_ENABLED): decisions use the rules")
    elif not settings.model_dir.is_dir():
        err.print(f"[yellow]note:[/yellow] there is no models folder {settings.model_dir.name}/")
    for code, current in active.items():
        if current is not None and current["version"] and current["version"] not in shelf.versions(code):
            err.print(f"[red]{code} uses model {current['version']}, which is not in the models folder[/red]")
    for row in history_rows:
        justification = f" — {row['justification']}" if row["justification"] else ""
        console.print(
            f"{row['activated_at']:%Y-%m-%d %H:%M} {row['product']} → {row['version'] or 'no model'} "
            f"by {row['activated_by']}{justification}"
        )


@model_app.command("benchmark")
def benchmark(
    dataset: Annotated[str, typer.Option(help="Shipped real credit data: german_credit, credit_data or all.")] = "all",
    csv: Annotated[
        Path | None, typer.Option(help="Your own history (CSV or CSV.gz) with a target column; needs --spec.")
    ] = None,
    spec: Annotated[
        Path | None, typer.Option(help="Feature spec (YAML) for --csv: its target column, bad values and features.")
    ] = None,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Cross-validation folds.")] = 5,
    repeats: Annotated[int, typer.Option(min=1, max=20, help="Cross-validation repeats.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the folds.")] = 20261125,
) -> None:
    """Run the product's training code (the spec's logistic pipeline with its directions enforced) and the
    gradient-boosting candidate with repeated stratified k-fold on real credit data, and print ROC AUC, Brier score
    and KS with their spread beside the published anchors. With --csv and --spec, on your own history."""
    from functools import partial

    from engine.model.benchmark import (
        benchmark_dataset,
        benchmark_steps,
        dataset_names,
        dataset_spec,
        load_dataset,
        run_benchmark,
    )
    from engine.model.history import read_history
    from engine.model.spec import FeatureSpec, SpecError

    if (csv is None) != (spec is None):
        raise _fail("--csv and --spec go together: your history and the feature spec that reads it")
    runs: list[tuple[str, Any, FeatureSpec]] = []
    try:
        if csv is not None and spec is not None:
            if dataset != "all":
                raise _fail("use either --dataset or --csv/--spec, not both")
            own_spec = FeatureSpec.load(spec)
            runs.append((csv.name, read_history(csv), own_spec))
        else:
            names = dataset_names() if dataset == "all" else (benchmark_dataset(dataset).name,)
            for name in names:
                runs.append((name, load_dataset(name), dataset_spec(name, spec_dir=SPEC_DIR / "benchmark")))
    except (SpecError, OSError, ValueError) as exc:
        raise _fail(str(exc)) from None
    for name, frame, feature_spec in runs:
        try:
            with _progress() as progress:
                task = progress.add_task(name, total=benchmark_steps(folds=folds, repeats=repeats))
                result = run_benchmark(
                    frame,
                    feature_spec,
                    name=name,
                    folds=folds,
                    repeats=repeats,
                    seed=seed,
                    progress=partial(progress.advance, task),
                )
        except KeyError as exc:
            raise _fail(f"{name}: {exc.args[0] if exc.args else exc}") from None
        except ValueError as exc:
            raise _fail(f"{name}: {exc}") from None
        print_benchmark(result, shipped=csv is None)


def print_benchmark(result: Any, *, shipped: bool) -> None:
    from engine.model.benchmark import (
        GRADIENT_BOOSTING,
        HEADLINE_METRICS,
        LOGISTIC_REGRESSION,
        anchor_for,
        benchmark_dataset,
    )
    from engine.model.metrics import Spread

    labels = {"roc_auc": "ROC AUC", "brier": "Brier score", "ks": "KS"}
    anchor = anchor_for(result.name) if shipped else None
    table = Table(
        title=(
            f"{result.name}: {result.rows:,} rows, bad rate {result.bad_rate:.1%}; {result.folds}-fold CV × "
            f"{result.repeats} repeats ({result.fits} fits per model), seed {result.seed}"
        ),
        caption="mean ± sd over the folds, min–max below",
    )
    table.add_column("metric")
    table.add_column("logistic regression", justify="right")
    table.add_column("gradient boosting", justify="right")
    table.add_column("published anchor")

    def cell(spread: Spread) -> str:
        return f"{spread.text(3)}\n[dim]{spread.low:.3f}–{spread.high:.3f}[/dim]"

    for metric in HEADLINE_METRICS:
        if anchor is not None:
            figure = anchor.figure(metric)
            published = "no figure quoted¹" if figure is None else f"{figure:.3f}¹"
        else:
            published = "none²" if shipped else "–"
        table.add_row(
            labels[metric],
            cell(result.estimators[LOGISTIC_REGRESSION][metric]),
            cell(result.estimators[GRADIENT_BOOSTING][metric]),
            published,
        )
    console.print(table)
    console.print(f"features: {len(result.features)}; protected, left out: {', '.join(result.protected) or 'none'}")
    for name, why in result.dropped.items():
        console.print(f"[yellow]left out[/yellow] {name}: {why}")
    if anchor is not None:
        console.print(f"¹ as reported in {anchor.source}: {anchor.reports}. {anchor.comparability.capitalize()}.")
    elif shipped:
        console.print(f"² {benchmark_dataset(result.name).without_anchor}.")
    console.print()
