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

# --- the words for what the services say --------------------------------------------------------------------------

ROUND_MESSAGES: dict[tuple[str, str], str] = {
    ("title", "required"): N_("Enter a title."),
    ("title", "length"): N_("The title needs 1 to 120 characters."),
    ("description", "max_length"): N_("The description may have at most 5000 characters."),
    ("tracks", "required"): N_("Offer at least one track."),
    ("tracks", "not_empty"): N_("Offer at least one track."),
    ("tracks", "one_of"): N_("Choose tracks from the list."),
    ("tracks", "unique"): N_("A track is listed twice."),
    ("opens_at", "required"): N_("Enter when the round opens."),
    ("closes_at", "required"): N_("Enter when the round closes."),
    ("closes_at", "after_opens_at"): N_("The round must close after it opens."),
    ("closes_at", "future"): N_("The closing time must be in the future."),
    ("quota", "required"): N_("Enter how many people this round certifies."),
    ("quota", "range"): N_("The quota is 1 to 100000."),
    ("quota", "below_certified"): N_("More applicants are already certified than this quota allows."),
    ("min_age", "range"): N_("The minimum age is 16 to 100."),
    ("min_typing_cpm", "range"): N_("The minimum typing speed is 0 to 600 characters a minute."),
    ("min_typing_accuracy", "range"): N_("The minimum accuracy is 0 to 100 percent."),
    ("typing_attempts", "range"): N_("Typing attempts are 1 to 10."),
    ("training_module_ids", "unique"): N_("A training module is listed twice."),
    ("training_module_ids", "exists"): N_("Every required module must exist and be active."),
    ("status", "closed"): N_("A closed round cannot change."),
    ("status", "not_draft"): N_("Only a draft round can be opened."),
    ("status", "not_open"): N_("Only an open round can be closed."),
    ("round_id", "exists"): N_("No such recruitment round."),
    ("*", "frozen_while_open"): N_("This cannot change while the round is open."),
    ("*", "integer"): N_("Enter a whole number."),
    ("*", "datetime"): N_("Enter a date and time."),
    ("*", "timezone"): N_("Enter a date and time."),
}

APPLY_MESSAGES: dict[tuple[str, str], str] = {
    ("legal_name", "length"): N_("Enter your legal name as on your ID card (2 to 30 characters)."),
    ("legal_name", "format"): N_("The legal name may not contain digits or symbols."),
    ("id_number", "length"): N_("The ID number must have 18 characters."),
    ("id_number", "format"): N_("The ID number must be 17 digits and a digit or X."),
    ("id_number", "checksum"): N_("The ID number's check digit is wrong. Please check the number."),
    ("id_number", "birth_date"): N_("The birth date in the ID number is not valid."),
    ("id_number", "region"): N_("The region code of the ID number is unknown."),
    ("id_number", "duplicate"): N_("This person has already applied to this round."),
    ("id_number", "another_account"): N_("This ID number is bound to another account."),
    ("id_number", "another_person"): N_("This account is verified as another person."),
    ("phone", "format"): N_("Enter an 11-digit mainland mobile number."),
    ("tracks", "not_empty"): N_("Choose at least one track."),
    ("tracks", "offered"): N_("Choose tracks this round offers."),
    ("is_student", "required"): N_("Tell us whether you are a student."),
    ("round_id", "not_open"): N_("This round is not taking applications."),
    ("round_id", "already_applied"): N_("You have already applied to this round."),
    ("round_id", "exists"): N_("No such recruitment round."),
    ("standing", "good_standing"): N_("Your account is not in good standing, so you cannot apply or book shifts."),
    ("role", "role_required"): N_("Only freelancer accounts can apply."),
}

TYPING_MESSAGES: dict[tuple[str, str], str] = {
    ("status", "not_typing"): N_("The typing test is not open for this application now."),
    ("application_id", "no_attempts_left"): N_("No typing attempts are left."),
    ("text", "max_length"): N_("The text is too long."),
    ("test_id", "already_submitted"): N_("This typing test was already submitted."),
    ("test_id", "deadline"): N_("The time for this typing test is over; it counts as a failed attempt."),
}

WITHDRAW_MESSAGES: dict[tuple[str, str], str] = {
    ("status", "transition"): N_("This application can no longer be withdrawn."),
}

BULK_MESSAGES: dict[tuple[str, str], str] = {
    ("ids", "length"): N_("Select at least one application (at most 500)."),
    ("ids", "unique"): N_("An application is selected twice."),
    ("action", "one_of"): N_("Choose to advance or to reject."),
    ("reason", "required"): N_("A rejection needs a reason the applicant will read."),
    ("reason", "max_length"): N_("The reason may have at most 500 characters."),
}
FILTER_MESSAGES: dict[tuple[str, str], str] = {
    ("status", "one_of"): N_("Unknown status."),
    ("track", "one_of"): N_("Unknown track."),
    ("sort", "one_of"): N_("Unknown sort order."),
    ("limit", "range"): N_("There is no such page."),
}
BULK_RULES: dict[str, str] = {
    "transition": N_("its current status does not allow this step"),
    "exists": N_("no such application"),
    "another_account": N_("this person is already verified on another account"),
    "required": N_("a rejection needs a reason"),
    "max_length": N_("the reason is too long"),
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
