"""What the reliability pages call an event and a dispute's state, for the freelancer's page and the admin's."""

from __future__ import annotations

from gigplatform.errors import N_

EVENT_WORDS = {
    "completed": N_("Completed"),
    "late_check_in": N_("Late check-in"),
    "late_cancellation": N_("Late cancellation"),
    "no_show": N_("No-show"),
}
DISPUTE_WORDS = {"open": N_("Waiting for a decision"), "accepted": N_("Accepted"), "rejected": N_("Rejected")}
