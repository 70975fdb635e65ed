"""GET /v1/products/{code}/notice: the pre-decision notice a form shows, in Dutch and English, with its version."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from tests.api.support import notice_file
from tests.factories import avp_body

SECTIONS = ["automated_decision", "data_used", "logic", "human_intervention", "objection"]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("product", ["AVP", "AVB"])
def test_notice_in_each_language(api, product, language):
    source = notice_file(product).read_text()
    document = yaml.safe_load(source)

    response = api.client.get(f"/v1/products/{product}/notice", params={"lang": language})

    assert response.status_code == 200, response.text
    notice = response.json()
    assert notice["product"] == product
    assert notice["version"] == "1.0.0"
    assert notice["language"] == language
    assert notice["effective_from"] == document["effective_from"]
    assert notice["content_hash"] == "sha256:" + hashlib.sha256(source.encode()).hexdigest()
    assert [section["id"] for section in notice["sections"]] == SECTIONS
    for shown, written in zip(notice["sections"], document["sections"], strict=True):
        assert shown["title"] == written["title"][language]
        assert shown["body"] == written["body"][language]


def test_notice_defaults_to_dutch_and_the_current_version(api):
    default = api.client.get("/v1/products/AVP/notice").json()
    explicit = api.client.get("/v1/products/AVP/notice", params={"lang": "nl", "version": "1.0.0"}).json()
    english = api.client.get("/v1/products/AVP/notice", params={"lang": "en"}).json()

    assert default == explicit
    assert default["language"] == "nl"
    assert english["content_hash"] == default["content_hash"], "one hash covers the notice in both languages"
    assert english["sections"] != default["sections"]


def test_product_code_is_case_insensitive(api):
    assert api.client.get("/v1/products/avb/notice").json()["product"] == "AVB"


def test_the_two_products_have_their_own_notice(api):
    avp = api.client.get("/v1/products/AVP/notice").json()
    avb = api.client.get("/v1/products/AVB/notice").json()

    assert avp["content_hash"] != avb["content_hash"]


def test_notice_needs_no_api_key(api):
    assert api.client.get("/v1/products/AVP/notice", headers={"X-API-Key": "nonsense"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/products/XYZ/notice", {}),
        ("/v1/products/AVP/notice", {"version": "9.9.9"}),
        ("/v1/products/AVB/notice", {"version": "1.0"}),
    ],
)
def test_unknown_product_or_version_is_404(api, path, params):
    response = api.client.get(path, params=params)

    assert response.status_code == 404
    assert response.json() == {"detail": "not found"}


def test_unknown_language_is_422(api):
    response = api.client.get("/v1/products/AVP/notice", params={"lang": "de"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "lang"]


def test_the_notice_version_shown_is_the_one_an_application_must_send(api):
    version = api.client.get("/v1/products/AVP/notice").json()["version"]

    assert api.submit(avp_body(notice_version=version)).status_code == 201
