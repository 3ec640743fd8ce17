"""The exam words both audiences' pages show: question categories and types, in the visitor's language."""

from __future__ import annotations

from web.i18n import N_

CATEGORY_LABELS = {
    "platform_rules": N_("Platform rules"),
    "service_skills": N_("Customer-service skills"),
    "scenario": N_("Scenario simulation"),
}
TYPE_LABELS = {
    "single": N_("Single choice"),
    "multiple": N_("Multiple choice"),
    "true_false": N_("True or false"),
    "scenario": N_("Scenario (dialogue)"),
}
