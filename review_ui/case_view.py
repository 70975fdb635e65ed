"""The parts of the Case page: everything the machine saw, the applicant's side, and the reviewer's actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from review_ui import format as fmt
from review_ui import widgets
from review_ui.client import ApiError, ReviewApi
from review_ui.models import CaseDetail

CASE_KEY = "case_id"
FLASH_KEY = "case_flash"
REFUSED_KEY = "case_refused"
OUTCOMES = ["accepted", "rejected"]


def flash(message: str) -> None:
    """A message for the next run of the page (after an action, the page reloads the case)."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)
    refused = st.session_state.pop(REFUSED_KEY, None)
    if refused:
        st.error(f"Not done: {refused}")


def header(detail: CaseDetail) -> None:
    case = detail.case
    st.title(f"Case {case.product} · {case.reason}")
    st.caption(f"Case `{case.id}` · application `{case.application_id}` · decision `{case.decision_id}`")
    now = datetime.now(UTC)
    columns = st.columns(5)
    columns[0].metric("Product", case.product)
    columns[1].metric("Reason", case.reason)
    columns[2].metric("State", case.state)
    columns[3].metric("Due", fmt.due_text(case.due_at, now).removeprefix("due "), help=fmt.local_time(case.due_at))
    columns[4].metric("Holder", case.claimed_by or "nobody")
    st.caption(f"Opened {fmt.local_time(case.opened_at)} · due {fmt.local_time(case.due_at)} (Amsterdam time)")
    if case.overdue:
        st.warning(f"{fmt.OVERDUE_MARK}: was due {fmt.local_time(case.due_at)}", icon="⏰")
    if detail.decided_at is not None:
        st.info(f"Decided {fmt.local_time(detail.decided_at)} (decision `{detail.outcome_decision_id}`).")


def statement(detail: CaseDetail) -> None:
    st.subheader("The applicant's statement")
    if detail.statement:
        st.text(detail.statement)  # the applicant's words as they wrote them: never rendered as Markdown
    else:
        st.caption("The applicant gave no statement.")
    if detail.corrections:
        st.markdown("**Corrections the applicant asks for**")
        widgets.table(fmt.corrections_table(detail.corrections), "case_corrections")


def application(detail: CaseDetail) -> None:
    st.subheader("The application as received")
    sections = fmt.application_sections(detail.application or {})
    if not sections:
        st.caption("The application is not available (erased or restricted).")
        return
    for name, tab in zip(sections, st.tabs([name.capitalize() for name in sections]), strict=True):
        with tab:
            section = sections[name]
            if isinstance(section, dict):
                widgets.table(fmt.fields_table(section), f"case_application_{name}")
            else:
                st.text(fmt.value_text(section))


def history(detail: CaseDetail) -> None:
    st.subheader("History")
    st.markdown("**Decisions on this application**")
    widgets.table(fmt.decisions_table(detail.history), "case_history")
    st.markdown("**Events**")
    events = [event for event in detail.events if event.kind != "viewed"]
    widgets.table(fmt.events_table(events), "case_events")
    views = len(detail.events) - len(events)
    if views:
        viewers = sorted({event.actor or "" for event in detail.events if event.kind == "viewed"})
        st.caption(f"Viewed {views} time{'s' if views != 1 else ''} by {', '.join(viewers)} (each view is logged).")


def claim_bar(api: ReviewApi, detail: CaseDetail) -> None:
    """Claim the case (disabled, with the reason, when the API says this reviewer may not); what the reviewer may not
    do is said even to the holder (e.g. accepting over a knockout needs a senior underwriter)."""
    allowed = detail.permissions
    if allowed.why_not:
        st.info(allowed.why_not)
    if allowed.decide or allowed.return_:
        st.caption("You hold this case: decide or return it at the bottom of the page.")
        return
    st.button(
        "Claim",
        key="case_claim",
        disabled=not allowed.claim,
        help=allowed.why_not,
        type="primary",
        on_click=_claim,
        args=(api, detail.case.id),
    )


def decision_forms(api: ReviewApi, detail: CaseDetail) -> None:
    """Decide, forward, return or release, each only when the API says this reviewer may."""
    allowed = detail.permissions
    case_id = detail.case.id
    if allowed.release:
        _note_form(api.release, case_id, "release", "Release to the queue", "Note", "The case is back in the queue.")
    if not (allowed.return_ or allowed.decide):
        return
    st.subheader("Your decision")
    if allowed.decide:
        _decision_form(api, detail)
    if allowed.forward:
        _note_form(api.forward, case_id, "forward", "Forward to underwriting", "What you cleared", "Forwarded.")
    if allowed.return_:
        _note_form(
            api.return_case,
            case_id,
            "return",
            "Return to queue",
            "Note for the next reviewer",
            "The case is back in the queue.",
        )


def _note_form(
    action: Callable[[str, str], object], case_id: str, name: str, button: str, label: str, done: str
) -> None:
    """A case action that needs a note (return, forward, release)."""
    with st.form(f"case_{name}_form"):
        note = st.text_area(label, key=f"case_{name}_note", max_chars=2000)
        if st.form_submit_button(button, key=f"case_{name}"):
            try:
                action(case_id, note.strip())
            except ApiError as error:
                widgets.refusal(error)
            else:
                flash(done)
                st.rerun()


def _claim(api: ReviewApi, case_id: str) -> None:
    """Runs before the page does (a button callback), so the page shows the case as the claim left it, and a claim
    someone else won in the meantime is refused in words rather than lost with a button that is now disabled."""
    try:
        api.claim(case_id)
    except ApiError as error:
        st.session_state[REFUSED_KEY] = str(error)  # an ended session: the page's next API call returns to the login
    else:
        flash("You hold this case now.")


def _decision_form(api: ReviewApi, detail: CaseDetail) -> None:
    with st.form("case_decision_form"):
        st.markdown("**Decide**")
        outcome = st.radio("Outcome", OUTCOMES, key="case_outcome", horizontal=True, index=None)
        rationale = st.text_area(
            "Rationale",
            key="case_rationale",
            max_chars=4000,
            placeholder="Why, for the record and the auditors (at least 20 characters).",
        )
        explanation = st.text_area(
            "Explanation for the applicant",
            key="case_explanation",
            max_chars=2000,
            placeholder="Plain words the applicant will read, in their language (at least 10 characters).",
        )
        st.markdown("Conditions (only when accepting)")
        deductible = st.number_input(
            "Higher deductible (EUR)", key="case_deductible", min_value=1, step=100, value=None, placeholder="none"
        )
        exclusions = st.text_area(
            "Exclusion clauses",
            key="case_exclusions",
            placeholder="One clause per line (at most 5): the risk excluded, never a name.",
        )
        if st.form_submit_button("Record decision", key="case_decide", type="primary"):
            if outcome is None:
                st.error("Choose an outcome.")
                return
            try:
                recorded = api.decide(
                    detail.case.id,
                    outcome,
                    rationale.strip(),
                    explanation.strip(),
                    deductible_eur=int(deductible) if deductible is not None else None,
                    exclusions=[line.strip() for line in exclusions.splitlines() if line.strip()],
                )
            except ApiError as error:
                widgets.refusal(error)
            else:
                flash(f"Decision recorded: {recorded.outcome} (`{recorded.id}`).")
                st.rerun()
