"""Recruitment's words on the pages: the service's rules and reasons in words for people, the notices a redirect
asks for, and the track and status lists several recruitment pages (and the exam admin's) show.
"""

from __future__ import annotations

from typing import Any

from recruitment import service as recruitment
from web import i18n
from web.i18n import N_, _

TRACKS = [t.value for t in recruitment.Track]
STATUSES = [s.value for s in recruitment.ApplicationStatus]
SORT_LABELS = {
    "created_at": N_("Oldest first"),
    "-created_at": N_("Newest first"),
    "legal_name": N_("Name"),
    "status": N_("Status"),
    "age": N_("Youngest first"),
    "-age": N_("Oldest applicants first"),
}

# Notices shown after a redirect: only these fixed codes travel in the URL, never text.
NOTICES: dict[str, str] = {
    "round_created": N_("The round is saved as a draft. Open it when it is ready."),
    "round_saved": N_("The round is saved."),
    "round_opened": N_("The round is open for applications."),
    "round_closed": N_("The round is closed."),
    "module_created": N_("The training module is saved."),
    "module_saved": N_("The training module is saved."),
    "applied": N_("Your application is submitted."),
    "withdrawn": N_("Your application is withdrawn."),
    "module_completed": N_("Module completed."),
    "exam_unlocked": N_("All required training is completed: the exam is unlocked."),
    "typing_late": N_("The time for this typing test is over; it counts as a failed attempt."),
}


def reason_text(text: str, code: str | None = None, params: dict[str, Any] | None = None) -> str:
    """A timeline or status reason in the visitor's language: a system reason through its code's template (with
    an outside detail, such as the identity service's own words, kept as given); a person's words as typed."""
    template = recruitment.REASONS.get(code or "")
    if template is None:
        return text
    values = dict(params or {})
    detail = values.pop("detail", "")
    if code == "identity_unavailable":
        detail = ""  # the transport's own words ("timed out") help the logs, not the applicant
    if (status := values.get("status")) is not None:
        values["status"] = _(status)  # a status word such as "typing"
    translated = _(template) % values if values else _(template)
    return (
        f"{translated}（{detail}）"
        if detail and i18n.current_language.get() == "zh"
        else (f"{translated} ({detail})" if detail else translated)
    )
