"""The command line, run in-process with typer's CliRunner against the test databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from typer.testing import CliRunner

from engine.bootstrap import build_runtime
from engine.cli import app
from engine.config import PROJECT_ROOT, Environment, Settings
from engine.decision.service import submit_application
from engine.examples import dutch_today, load_example
from engine.store.clients import create_api_client, get_client_by_key
from engine.store.database import Database
from engine.store.db import alembic_config, create_db_engine, pending_migrations
from tests.conftest import STAFF_PASSWORD
from tests.factories import application, avb_body, avp_body

EXAMPLES = PROJECT_ROOT / "data" / "examples"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A runner whose settings point at a scratch SQLite file: for commands that must not need a database."""
    monkeypatch.setenv("UNDERWRITE_ENVIRONMENT", "development")
    monkeypatch.setenv("UNDERWRITE_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return CliRunner()


@pytest.fixture
def cli_db(cli: CliRunner, monkeypatch: pytest.MonkeyPatch, database_url: str) -> CliRunner:
    monkeypatch.setenv("UNDERWRITE_DATABASE_URL", database_url)
    return cli


@pytest.fixture
def recorded(database_url: str) -> list[str]:
    """Three recorded decisions (accepted, rejected, referred); their ids."""
    runtime = build_runtime(Settings(environment=Environment.TEST))
    db = Database.open(database_url)
    try:
        with db.engine.begin() as connection:
            client, _ = create_api_client(connection, name="cli form", now=datetime.now(UTC))
        ids = []
        for body in (avp_body(), load_example("avp-rejected-claims", today=dutch_today()), avb_body()):
            app_ = application(body)
            submitted = submit_application(
                db=db,
                runtime=runtime,
                client_id=client.id,
                application=app_,
                idempotency_key=None,
                now=datetime.now(UTC),
            )
            ids.append(submitted.record["id"])
    finally:
        db.close()
    return ids


def _run(runner: CliRunner, *args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_help_lists_every_command(cli):
    result = _run(cli, "--help")

    assert result.exit_code == 0
    for name in ("serve", "replay", "db", "apikey", "audit", "policy", "decide", "registers", "sanctions"):
        assert name in result.output


def test_no_arguments_shows_help(cli):
    result = cli.invoke(app, [])

    assert "Usage" in result.output


def test_db_upgrade_migrates_an_empty_database(cli_db, database_url):
    engine = create_db_engine(database_url)
    try:
        command.downgrade(alembic_config(engine), "base")
        assert pending_migrations(engine)

        result = _run(cli_db, "db", "upgrade")

        assert result.exit_code == 0, result.output
        assert "database at head" in result.output
        assert pending_migrations(engine) == []
    finally:
        engine.dispose()


def test_apikey_create_list_and_revoke(cli_db, database_url):
    created = _run(cli_db, "apikey", "create", "website AVP form")
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    prefix = key.split("_")[1]
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            client = get_client_by_key(connection, key)
        assert client is not None
        assert client.name == "website AVP form"

        listed = _run(cli_db, "apikey", "list")
        assert listed.exit_code == 0
        assert "website AVP form" in listed.output
        assert prefix in listed.output
        assert key.split("_")[2] not in listed.output, "the secret part is never shown again"

        revoked = _run(cli_db, "apikey", "revoke", prefix)
        assert revoked.exit_code == 0, revoked.output
        assert f"revoked {prefix}" in revoked.output
        with engine.connect() as connection:
            assert get_client_by_key(connection, key) is None

        again = cli_db.invoke(app, ["apikey", "revoke", prefix])
        assert again.exit_code == 1
        assert "no active key" in again.output
    finally:
        engine.dispose()


def test_replay_of_a_recorded_decision_matches(cli_db, recorded):
    for decision_id in recorded:
        result = _run(cli_db, "replay", decision_id)

        assert result.exit_code == 0, result.output
        assert "match" in result.output
        assert decision_id in result.output


def test_replay_of_an_unknown_decision_fails(cli_db):
    result = cli_db.invoke(app, ["replay", "00000000-0000-0000-0000-000000000000"])

    assert result.exit_code == 1
    assert "no decision" in result.output


def test_audit_verify(cli_db, recorded, database_url):
    ok = _run(cli_db, "audit", "verify")
    assert ok.exit_code == 0, ok.output
    assert "ok: 3 decision records verify" in ok.output

    engine = create_db_engine(database_url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                connection.execute(text("DROP TRIGGER decision_records_no_update"))
            else:
                connection.execute(text("ALTER TABLE decision_records DISABLE TRIGGER decision_records_append_only"))
            connection.execute(text("UPDATE decision_records SET outcome = 'accepted' WHERE seq = 2"))
    finally:
        engine.dispose()

    broken = cli_db.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"broken at record 2 ({recorded[1]})" in broken.output
    assert "1 records before it verify" in broken.output


def test_policy_check_lists_the_policies(cli):
    runtime = build_runtime(Settings(environment=Environment.TEST))

    result = _run(cli, "policy", "check")

    assert result.exit_code == 0, result.output
    for policy in runtime.policies.all():
        assert policy.product.value in result.output
        assert policy.content_hash[:20] in result.output
    assert "1.0.0" in result.output


def test_policy_check_fails_on_a_broken_policy(cli, monkeypatch, tmp_path):
    directory = tmp_path / "policies"
    (directory / "avp").mkdir(parents=True)
    (directory / "avp" / "1.0.0.yaml").write_text("product: AVP\nversion: 1.0.0\n")
    monkeypatch.setenv("UNDERWRITE_POLICY_DIR", str(directory))

    result = cli.invoke(app, ["policy", "check"])

    assert result.exit_code == 1
    assert "error" in result.output


def test_policy_facts_lists_the_facts_of_a_product(cli):
    avb = _run(cli, "policy", "facts", "AVB")
    avp = _run(cli, "policy", "facts", "avp")

    assert avb.exit_code == avp.exit_code == 0
    assert "company.sbi_code" in avb.output
    assert "company.sbi_code" not in avp.output
    assert "disclosure.claims_5y_count" in avp.output


def test_policy_facts_of_an_unknown_product_fails(cli):
    result = cli.invoke(app, ["policy", "facts", "XYZ"])

    assert result.exit_code == 1
    assert "unknown product" in result.output


def test_decide_prints_the_decision_as_json(cli):
    result = _run(cli, "decide", str(EXAMPLES / "avp-rejected-claims.json"))

    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert decision["outcome"] == "rejected"
    assert [reason["code"] for reason in decision["reasons"]] == ["CLAIMS_FREQUENCY_HIGH"]


def test_decide_reads_stdin(cli):
    result = cli.invoke(app, ["decide", "-"], input=json.dumps(load_example("avb-accepted", today=dutch_today())))

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outcome"] == "accepted"


def test_decide_refuses_an_invalid_application(cli):
    result = cli.invoke(app, ["decide", "-"], input=json.dumps(avp_body(applicant__address__postcode="0000")))

    assert result.exit_code == 1
    assert "postcode" in result.output


def test_decide_runs_the_checks(cli):
    result = _run(cli, "decide", str(EXAMPLES / "avp-referred-credit-arrears.json"))

    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert decision["outcome"] == "referred"
    assert [reason["code"] for reason in decision["reasons"]] == ["CREDIT_ARREARS"]
    assert [check["check"] for check in decision["checks"]] == [
        "identity",
        "credit",
        "claims_history",
        "insolvency",
        "sanctions",
        "fraud",
    ]


def test_decide_without_checks_refers(cli):
    result = _run(cli, "decide", "--no-checks", str(EXAMPLES / "avp-accepted.json"))

    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert (decision["outcome"], [r["code"] for r in decision["reasons"]]) == ("referred", ["FACTS_MISSING"])


def test_registers_check_prints_version_and_sizes(cli):
    result = _run(cli, "registers", "check")

    assert result.exit_code == 0, result.output
    assert "synthetic" in result.output
    assert "sanctions" in result.output and "credit" in result.output


def test_registers_generate_writes_verifiable_registers_and_a_tampered_file_is_refused(cli, monkeypatch, tmp_path):
    out = tmp_path / "registers"
    result = _run(cli, "registers", "generate", "--out", str(out), "--people", "1000", "--sanctions-entries", "200")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["synthetic"] is True
    assert manifest["files"]["credit"]["records"] >= 1000

    monkeypatch.setenv("UNDERWRITE_REGISTER_DIR", str(out))
    assert _run(cli, "registers", "check").exit_code == 0
    (out / "incidents.jsonl.gz").write_bytes(b"not what the manifest says")
    broken = _run(cli, "registers", "check")
    assert broken.exit_code == 1
    assert "SHA-256" in broken.output


def test_sanctions_screen_finds_a_listed_name_written_otherwise(cli):
    result = _run(cli, "sanctions", "screen", "Primerov Fiktiv", "--birth-date", "1971-04-12")

    assert result.exit_code == 0, result.output
    assert "EU.1.01" in result.output
    assert "yes" in result.output


def test_sanctions_rescreen_reports_what_it_screened(cli_db, recorded):
    result = _run(cli_db, "sanctions", "rescreen")

    assert result.exit_code == 0, result.output
    assert "accepted applicants screened" in result.output


def test_staff_disable_ends_the_sessions_and_puts_the_held_cases_back(cli_db, api):
    from tests.api.support import app_engine, example
    from tests.review.support import case_row, events_of

    engine = app_engine(api)
    api.create_staff("leaver", "underwriter")
    leaver = api.login("leaver")
    colleague = api.staff("underwriter")

    def claimed_by(holder: dict[str, str], name: str) -> str:
        answer = api.submit(example(name))
        assert answer.status_code == 201, answer.text
        case_id = case_row(engine, decision_id=answer.json()["decision_id"])["id"]
        assert api.client.post(f"/v1/staff/cases/{case_id}/claim", headers=holder).status_code == 200
        return case_id

    held = [claimed_by(leaver, "avp-referred-prior-cancellation"), claimed_by(leaver, "avp-referred-credit-arrears")]
    kept = claimed_by(colleague, "avp-referred-prior-cancellation")
    assert api.client.get("/v1/staff/me", headers=leaver).status_code == 200

    result = _run(cli_db, "staff", "disable", "leaver")

    assert result.exit_code == 0, result.output
    assert "disabled leaver" in result.output
    assert "2 case(s) they held went back to the queue" in result.output
    assert api.client.get("/v1/staff/me", headers=leaver).status_code == 401
    assert api.client.get("/v1/staff/cases", headers=leaver).status_code == 401
    login = api.client.post("/v1/staff/sessions", json={"username": "leaver", "password": STAFF_PASSWORD})
    assert login.status_code == 401
    for case_id in held:
        case = case_row(engine, id=case_id)
        assert (case["state"], case["claimed_by"], case["claimed_at"]) == ("open", None, None)
        last = events_of(engine, case_id)[-1]
        assert (last["kind"], last["actor"]) == ("released", "cli")
        assert last["data"]["holder"] == "leaver" and last["data"]["note"]
    assert case_row(engine, id=kept)["state"] == "claimed"  # a colleague's case stays theirs
    assert api.client.get("/v1/staff/me", headers=colleague).status_code == 200

    again = cli_db.invoke(app, ["staff", "disable", "leaver"])
    assert again.exit_code == 1
    assert "no active account" in again.output
    unknown = cli_db.invoke(app, ["staff", "disable", "nobody-here"])
    assert unknown.exit_code == 1
    assert "no active account" in unknown.output
