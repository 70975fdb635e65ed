"""Privacy requests: data-subject requests on their legal clock, the overdue and nearly overdue ones marked. The
privacy officer files requests on someone's behalf and works them; auditors read (and may download an export, which
is logged as a read)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from review_ui import format as fmt
from review_ui import privacy_view as view
from review_ui import widgets
from review_ui.client import ApiError, ReviewApi
from review_ui.models import PrivacyRequestDetail, PrivacyRequestPage
from review_ui.session import current_api, current_staff

OPEN_KEY = "privacy_request_id"
FLASH_KEY = "privacy_flash"
EXPORT_KEY = "privacy_export"
FILTERS_KEY = "privacy_filters"
PAGE_KEY = "privacy_page_number"
PAGE_SIZE = 50


def flash(message: str) -> None:
    st.session_state[FLASH_KEY] = message


def refused(error: ApiError) -> None:
    """The API's refusal in words (the field to correct, or why the state does not allow it); an ended session goes
    up to the entry file, which returns to the login page."""
    if error.session_expired:
        raise error
    st.error(view.refusal_text(error.status, error.message))


def act(action: Callable[[], object], done: str) -> None:
    """Do one change through the API: on success say so on the next run, else say why not here."""
    try:
        action()
    except ApiError as error:
        refused(error)
    else:
        flash(done)
        st.rerun()


def filters() -> dict[str, Any]:
    saved: dict[str, Any] = st.session_state.get(FILTERS_KEY, {})
    clock_column, kind_column = st.columns(2)
    chosen = {
        "clock": clock_column.selectbox(
            "Clock",
            view.CLOCKS,
            index=view.CLOCKS.index(saved.get("clock")),
            format_func=view.clock_label,
            key="privacy_clock",
        ),
        "kind": kind_column.selectbox(
            "Kind",
            view.KINDS,
            index=view.KINDS.index(saved.get("kind")),
            format_func=view.any_label,
            key="privacy_kind",
        ),
    }
    st.session_state[FILTERS_KEY] = chosen
    return chosen


def counts(page: PrivacyRequestPage) -> None:
    """The open, nearly overdue and overdue requests over all of them (whatever the filters)."""
    open_column, soon_column, overdue_column = st.columns(3)
    open_column.metric("Open", page.open)
    soon_column.metric(view.CLOCK_MARKS[view.DUE_SOON].capitalize(), page.due_soon)
    overdue_column.metric(view.CLOCK_MARKS[view.OVERDUE].capitalize(), page.overdue)
    if page.overdue:
        st.error(f"⚠ {page.overdue} overdue: past the legal deadline. Answer them first.", icon="⏰")
    if page.due_soon:
        st.warning(f"◔ {page.due_soon} due soon: the deadline is within days.", icon="⏳")


def request_list(page: PrivacyRequestPage, now: datetime) -> str | None:
    """The requests, soonest due first, and the picker; the request to open, if asked."""
    if not page.items and page.total and st.session_state.get(PAGE_KEY, 1) != 1:
        st.session_state[PAGE_KEY] = 1  # the filters changed under a later page: back to the first
        st.rerun()
    if not page.items:
        st.info("No requests match these filters.")
        return None
    widgets.table(view.requests_table(page.items, now).style.apply(view.clock_style, axis=1), "privacy_table")
    pages = math.ceil(page.total / PAGE_SIZE)
    if pages > 1:
        number = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key=PAGE_KEY)
        first = (int(number) - 1) * PAGE_SIZE + 1
        st.caption(f"Requests {first}–{first + len(page.items) - 1} of {page.total}, the soonest due first.")
    labels = {request.id: view.request_label(request, now) for request in page.items}
    with st.form("privacy_open_form", border=False):
        request_id = st.selectbox(
            "Request to open", list(labels), format_func=labels.__getitem__, key="privacy_open_request"
        )
        if st.form_submit_button("Open request", key="privacy_open", type="primary"):
            return request_id
    return None


def filing_form(api: ReviewApi) -> None:
    """File a request for a person who asked by letter, phone or at the desk, after verifying who they are."""
    with st.expander("File a request on someone's behalf"), st.form("privacy_file_form"):
        named = st.radio(
            "They named",
            ["decision", "application"],
            format_func=lambda value: f"a {value} number",
            horizontal=True,
            key="privacy_file_named",
        )
        reference = st.text_input("Decision or application number", key="privacy_file_reference", max_chars=64)
        kind = st.selectbox("Kind", view.FILE_KINDS, key="privacy_file_kind")
        method = st.selectbox(
            "Identity verified by",
            list(view.VERIFICATION_METHODS),
            index=None,
            format_func=view.VERIFICATION_METHODS.__getitem__,
            placeholder="How did you verify who they are?",
            key="privacy_file_verification",
        )
        statement = st.text_area("Their request in their own words (optional)", key="privacy_file_statement")
        corrections = st.text_area(
            "Corrections (rectification only): one field = value a line",
            placeholder="applicant.address.house_number = 114\napplicant.phone = 0612345679",
            help='Values are read as JSON when they are (114, true, "12345678" for digits meant as text), else as '
            "text.",
            key="privacy_file_corrections",
        )
        scope = st.selectbox(
            "Scope (objection only)",
            [None, *view.SCOPES],
            format_func=lambda value: "—" if value is None else view.SCOPE_LABELS[value],
            key="privacy_file_scope",
        )
        if not st.form_submit_button("File the request", key="privacy_file", type="primary"):
            return
    reference = reference.strip()
    if not reference:
        st.error("Please correct: give the number of one of the person's decisions or applications.")
        return
    if method is None:
        st.error("Please correct: say how the person's identity was verified.")
        return
    try:
        rows = view.parse_corrections(corrections)
        filed = api.file_privacy_request(
            kind=kind,
            verification_method=method,
            decision_id=reference if named == "decision" else None,
            application_id=reference if named == "application" else None,
            statement=statement.strip() or None,
            corrections=rows,
            scope=scope,
        )
    except view.CorrectionsError as error:
        st.error(f"Please correct: {error}")
    except ApiError as error:
        refused(error)
    else:
        st.session_state[OPEN_KEY] = filed.id
        flash(f"Filed: {filed.kind} request `{filed.id}`, {filed.state}, due {fmt.local_time(filed.due_at)}.")
        st.rerun()


def details(request: PrivacyRequestDetail, now: datetime) -> None:
    """Kind, dates, what the applicant was told, the result, events, and the person's applications."""
    st.divider()
    st.header(f"{view.kind_text(request).capitalize()} request · {request.state}")
    st.caption(f"Request `{request.id}` · {view.filed_text(request)}")
    columns = st.columns(4)
    columns[0].metric("Clock", view.clock_label(request.clock))
    received, due = fmt.local_time(request.received_at), fmt.local_time(request.due_at)
    columns[1].metric("Received", received[:10], help=f"{received} (Amsterdam time)")
    columns[2].metric("Due", due[:10], help=f"{due} (Amsterdam time), {view.due_in(request, now)}")
    columns[3].metric("Extension", "granted" if request.extended_at else "none", help=request.extension_reason)
    if request.clock == view.OVERDUE:
        st.error(f"⚠ Overdue: the answer was due {fmt.local_time(request.due_at)} (Amsterdam time).", icon="⏰")
    elif request.clock == view.DUE_SOON:
        st.warning(f"◔ Due soon: the answer is due {fmt.local_time(request.due_at)} (Amsterdam time).", icon="⏳")
    if request.extended_at is not None:
        st.markdown(f"**Extended** {fmt.local_time(request.extended_at)}, with these reasons:")
        st.text(request.extension_reason or "")
    if request.closed_at is not None:
        st.caption(f"Closed {fmt.local_time(request.closed_at)}.")

    st.subheader("What the applicant was told")
    st.text(request.what_happens)  # the request's language; quoted texts never rendered as Markdown
    other = "en" if request.language == "nl" else "nl"
    st.caption(f"In their language ({request.language}). In {other}: {getattr(request.what_happens_texts, other)}")
    if request.complaint:
        st.info(request.complaint, icon="⚖️")

    st.subheader("The request")
    statement = request.details.get("statement")
    if statement:
        st.text(str(statement))
    else:
        st.caption("No statement.")
    corrections = request.details.get("corrections") or []
    if corrections:
        widgets.table(
            fmt.fields_table({str(row.get("field")): row.get("value") for row in corrections}), "privacy_corrections"
        )
    if request.refusal_reason:
        st.markdown("**Refused**, with these reasons:")
        st.text(request.refusal_reason)
    lines = view.result_lines(request)
    if lines:
        st.markdown("**Result**")
        st.text("\n".join(lines))

    st.subheader("Events")
    widgets.table(fmt.events_table(request.events), "privacy_events")
    st.subheader("The person's applications")
    widgets.table(view.applications_table(request), "privacy_applications")


def limits(api: ReviewApi, request: PrivacyRequestDetail, *, officer: bool) -> None:
    """The person's processing limits; the officer may lift one in force, with reasons."""
    st.subheader("Processing limits")
    try:
        rows = api.privacy_limits(request.id)
    except ApiError as error:
        refused(error)
        return
    if not rows:
        st.caption("No restriction or objection limits this person's data.")
        return
    widgets.table(view.limits_table(rows), "privacy_limits")
    # an objection not yet weighed keeps its own limit until it is weighed (the API refuses lifting it around it)
    in_force = [
        limit for limit in view.active_limits(rows) if not (limit.request_id == request.id and request.state == "open")
    ]
    if not officer or not in_force:
        return
    labels = {limit.id: view.limit_label(limit) for limit in in_force}
    with st.form("privacy_lift_form"):
        limit_id = st.selectbox("Limit to lift", list(labels), format_func=labels.__getitem__, key="privacy_lift_limit")
        reason = st.text_area("Why it ends (recorded; at least 20 characters)", key="privacy_lift_reason")
        if st.form_submit_button("Lift the limit", key="privacy_lift"):
            act(lambda: api.lift_limit(limit_id, reason.strip()), "The limit is lifted.")


def export(api: ReviewApi, request: PrivacyRequestDetail) -> None:
    """The person's data as a download: prepared on demand, because every export is logged as a read."""
    st.subheader("Export of the person's data")
    with st.form("privacy_export_form", border=False):
        file_format = st.radio(
            "Format",
            ["json", "csv"],
            format_func=lambda value: "JSON (one document)" if value == "json" else "CSV (a ZIP of tables)",
            horizontal=True,
            key="privacy_export_format",
        )
        prepare = st.form_submit_button("Prepare the download", key="privacy_export_prepare")
    st.caption("Preparing it is logged as a read of each of the person's applications.")
    if prepare:
        try:
            st.session_state[EXPORT_KEY] = (request.id, api.privacy_export(request.id, file_format))
        except ApiError as error:
            refused(error)
    prepared = st.session_state.get(EXPORT_KEY)
    if prepared is not None and prepared[0] != request.id:
        del st.session_state[EXPORT_KEY]  # another request's person: not kept around
    elif prepared is not None:
        download = prepared[1]
        st.download_button(
            f"Download {download.filename}",
            data=download.content,
            file_name=download.filename,
            mime=download.media_type,
            key="privacy_download",
        )


def actions(api: ReviewApi, request: PrivacyRequestDetail, role: str) -> None:
    """The privacy officer's actions that fit the request's kind and state."""
    allowed = view.actions_for(request, role=role)
    if role != view.PRIVACY_ROLE:
        st.caption("Read-only: the privacy officer acts on requests.")
        return
    if not allowed.any:
        st.caption(f"The request is {request.state}: nothing is left to do.")
        return
    st.subheader("Act on this request")
    if allowed.why_not_extend:
        st.caption(allowed.why_not_extend)
    if allowed.erase:
        with st.form("privacy_erase_form"):
            st.markdown("**Carry out the erasure** of all of the person's applications")
            st.caption("What no legal hold keeps is erased; the rest is refused with the hold's reason.")
            sure = st.checkbox("This cannot be undone", key="privacy_erase_confirm")
            if st.form_submit_button("Carry out the erasure", key="privacy_erase", type="primary"):
                if sure:
                    act(lambda: api.carry_out_erasure(request.id), "The erasure was carried out.")
                else:
                    st.error("Please confirm first: tick “This cannot be undone”.")
    if allowed.weigh_objection:
        with st.form("privacy_objection_form"):
            st.markdown("**Weigh the objection** to further processing")
            go_on = st.radio(
                "Outcome",
                [False, True],
                format_func=lambda value: "continue: compelling grounds" if value else "uphold the objection",
                horizontal=True,
                key="privacy_objection_continue",
            )
            grounds = st.text_area("Grounds (the applicant reads them; at least 20 characters)", key="privacy_grounds")
            if st.form_submit_button("Record the weighing", key="privacy_objection", type="primary"):
                act(
                    lambda: api.decide_objection(request.id, continue_processing=bool(go_on), grounds=grounds.strip()),
                    "Processing continues on the recorded grounds." if go_on else "The objection is upheld.",
                )
    if allowed.extend:
        with st.form("privacy_extend_form"):
            st.markdown("**Extend the deadline** (once, within the first month; the applicant is told the reasons)")
            reason = st.text_area("Reasons (at least 20 characters)", key="privacy_extend_reason")
            months = st.radio(
                "By",
                [1, 2],
                index=1,
                format_func=lambda m: f"{m} month{'s' * (m > 1)}",
                horizontal=True,
                key="privacy_extend_months",
            )
            if st.form_submit_button("Extend the deadline", key="privacy_extend"):
                act(
                    lambda: api.extend_privacy_request(request.id, reason.strip(), int(months)),
                    f"Extended by {months} month{'s' * (months > 1)}.",
                )
    if allowed.refuse:
        with st.form("privacy_refuse_form"):
            st.markdown("**Refuse the request**")
            st.caption("The applicant reads the reasons and that they can complain to the Autoriteit Persoonsgegevens.")
            reason = st.text_area("Reasons (at least 20 characters)", key="privacy_refuse_reason")
            if st.form_submit_button("Refuse the request", key="privacy_refuse"):
                act(lambda: api.refuse_privacy_request(request.id, reason.strip()), "The request is refused.")


def opened(api: ReviewApi, now: datetime, role: str) -> None:
    request_id = st.session_state.get(OPEN_KEY)
    if not request_id:
        st.caption("Open a request to see it and act on it.")
        return
    try:
        request = api.privacy_request(request_id)
    except ApiError as error:
        refused(error)
        st.session_state.pop(OPEN_KEY, None)
        return
    details(request, now)
    actions(api, request, role)
    limits(api, request, officer=role == view.PRIVACY_ROLE)
    export(api, request)


def main() -> None:
    st.title("Privacy requests")
    api = current_api()
    staff = current_staff()
    if staff.role not in view.READER_ROLES:
        st.error("Only the privacy officer works privacy requests (auditors read them).")
        st.stop()
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)
    top = st.container()
    chosen = filters()
    page_number = int(st.session_state.get(PAGE_KEY, 1))
    page = api.privacy_requests(
        clock=chosen["clock"], kind=chosen["kind"], limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    with top:
        counts(page)
        if staff.role == view.PRIVACY_ROLE:
            filing_form(api)
    now = datetime.now(UTC)
    picked = request_list(page, now)
    if picked is not None:
        st.session_state[OPEN_KEY] = picked
    opened(api, now, staff.role)


main()
