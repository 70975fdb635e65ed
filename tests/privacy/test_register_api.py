"""`GET /v1/processing-register`: public, in Dutch and English, typed in the OpenAPI document."""

from __future__ import annotations

from engine.privacy.register import read_config


def test_answers_in_dutch_by_default_and_in_english_without_a_login(api, settings):
    config, config_hash = read_config(settings.privacy_config)

    dutch = api.client.get("/v1/processing-register")
    english = api.client.get("/v1/processing-register", params={"lang": "en"})

    assert dutch.status_code == 200, dutch.text
    assert english.status_code == 200, english.text
    nl, en = dutch.json(), english.json()
    assert (nl["language"], en["language"]) == ("nl", "en")
    assert [a["name"] for a in nl["activities"]] == [a.name.nl for a in config.activities]
    assert [a["name"] for a in en["activities"]] == [a.name.en for a in config.activities]
    assert nl["generated_from"]["config_sha256"] == config_hash
    products = {p["product"]: p for p in en["automated_decision_making"]["products"]}
    assert set(products) == {"AVP", "AVB"}
    services = api.client.app.state.services
    for code, product in products.items():
        model = services.runtime.models.active(next(p for p in services.runtime.policies.policies if p.value == code))
        assert product["model"]["version"] == model.ref.version
        assert product["model"]["features"]
        assert product["policy_version"] and product["rules"]


def test_refuses_a_bad_language_naming_the_field_and_is_typed_in_openapi(api):
    answer = api.client.get("/v1/processing-register", params={"lang": "de"})
    schema = api.client.get("/openapi.json").json()

    assert answer.status_code == 422
    assert [problem["loc"] for problem in answer.json()["detail"]] == [["query", "lang"]]
    operation = schema["paths"]["/v1/processing-register"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ProcessingRegisterOut"
    )
    assert "RuleOut" in schema["components"]["schemas"]
