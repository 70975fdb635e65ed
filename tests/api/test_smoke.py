from tests.factories import avp_body


def test_an_application_gets_a_recorded_decision(api):
    response = api.submit(avp_body())
    assert response.status_code == 201, response.text
    decision = response.json()
    assert decision["outcome"] == "accepted"
    assert api.get_decision(decision["decision_id"]).json()["decision_id"] == decision["decision_id"]
