"""The question editor's form, both ways: a saved question as the editor's inputs, and the posted inputs as the
API's `QuestionIn`.

This is the web's own part of the editor: the inputs are not the API's shape (option rows A–F or a true/false
choice picked by the type, one dialogue turn per line in either language's words), so they are adapted here;
every rule about what a question may hold stays in the Struct and the service.
"""

from __future__ import annotations

import re
from typing import Any

from exams import service
from web import i18n
from web.forms import read_form

CATEGORIES = [c.value for c in service.QuestionCategory]
OPTION_KEYS = service.OPTION_KEYS
TRUE_FALSE_TEXTS = {"T": "正确", "F": "错误"}  # the option texts the CSV import writes too
QUESTION_FIELDS = ("code", "category", "type", "difficulty", "prompt", "dialogue", "options", "explanation", "active")

# What a dialogue line may start with, in either language; the editor writes them back in the visitor's.
SPEAKER_WORDS = {"买家": "buyer", "buyer": "buyer", "客服": "agent", "agent": "agent"}
SPEAKER_NAMES = {"zh": {"buyer": "买家", "agent": "客服"}, "en": {"buyer": "buyer", "agent": "agent"}}
TURN = re.compile(r"^\s*([^:：]*?)\s*[:：]\s*(.*?)\s*$")


def dialogue_text(turns: list[dict[str, Any]]) -> str:
    names = SPEAKER_NAMES.get(i18n.current_language.get(), SPEAKER_NAMES["en"])
    return "\n".join(f"{names.get(t['speaker'], t['speaker'])}: {t['text']}" for t in turns)


def parse_dialogue(text: str) -> list[dict[str, str]]:
    """One turn per non-empty line, "买家: ..." or "agent: ..."; a line the service can't read is passed on as it is,
    so the service names the rule it breaks."""
    turns = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = TURN.match(line)
        if match is None:
            turns.append({"speaker": "", "text": line.strip()})
            continue
        speaker, said = match.groups()
        turns.append({"speaker": SPEAKER_WORDS.get(speaker.lower(), speaker), "text": said})
    return turns


def question_values(question: service.Question | None, version: service.QuestionVersion | None) -> dict[str, Any]:
    """What the editor shows for a saved question, or an empty single-choice question."""
    if question is None or version is None:
        return {
            "code": "",
            "category": CATEGORIES[0],
            "type": service.QuestionType.SINGLE.value,
            "difficulty": "1",
            "prompt": "",
            "dialogue": "",
            "options": {key: {"text": "", "correct": False} for key in OPTION_KEYS},
            "true_false": "",
            "explanation": "",
            "active": True,
        }
    by_key = {o["key"]: o for o in version.options}
    is_true_false = version.type == service.QuestionType.TRUE_FALSE
    return {
        "code": question.code,
        "category": version.category.value,
        "type": version.type.value,
        "difficulty": str(version.difficulty),
        "prompt": version.prompt,
        "dialogue": dialogue_text(version.dialogue),
        "options": {
            key: {
                "text": "" if is_true_false else by_key.get(key, {}).get("text", ""),
                "correct": not is_true_false and bool(by_key.get(key, {}).get("correct")),
            }
            for key in OPTION_KEYS
        },
        "true_false": next((o["key"] for o in version.options if o["correct"]), "") if is_true_false else "",
        "explanation": version.explanation,
        "active": question.active,
    }


def posted_values(form: dict[str, str]) -> dict[str, Any]:
    """The editor's inputs as posted, to show again as they were typed."""
    return {
        "code": form.get("code", "").strip(),
        "category": form.get("category", ""),
        "type": form.get("type", ""),
        "difficulty": form.get("difficulty", "").strip(),
        "prompt": form.get("prompt", ""),
        "dialogue": form.get("dialogue", ""),
        "options": {
            key: {"text": form.get(f"option_{key}", ""), "correct": form.get(f"correct_{key}") == "1"}
            for key in OPTION_KEYS
        },
        "true_false": form.get("true_false", ""),
        "explanation": form.get("explanation", ""),
        "active": form.get("active") == "1",
    }


def question_input(
    form: dict[str, str], values: dict[str, Any], current: service.QuestionVersion | None
) -> service.QuestionInput:
    """The posted editor as the API's `QuestionIn` (its own checks, every input's error at once), then as the
    service's input. The adapter's part: the option rows A–F or the true/false choice, picked by the type (so the
    form works without the script that hides the other ones), and the dialogue lines as turns.
    """
    if values["type"] == service.QuestionType.TRUE_FALSE:
        # keep the wording a saved true/false question already has ("对"/"错" from an import, say)
        texts = (
            {o["key"]: o["text"] for o in current.options}
            if current is not None and current.type == service.QuestionType.TRUE_FALSE
            else {}
        )
        options = [
            service.Option(key, texts.get(key, text), values["true_false"] == key)
            for key, text in TRUE_FALSE_TEXTS.items()
        ]
    else:
        options = [
            service.Option(key, row["text"], row["correct"])
            for key, row in values["options"].items()
            if row["text"].strip() or row["correct"]
        ]
    # A line the service can't read keeps its speaker as typed, so the service names the rule it breaks.
    dialogue = [service.Turn(t["speaker"], t["text"]) for t in parse_dialogue(values["dialogue"])]  # type: ignore[arg-type]
    data = read_form(
        {**form, "difficulty": values["difficulty"]},
        service.QuestionIn,
        only=("category", "type", "difficulty", "prompt", "explanation"),
        code=(values["code"] or None) if current is None else None,  # a saved question keeps its code
        options=options,
        dialogue=dialogue,
        active=values["active"],
    )
    return service.QuestionInput.of(data)
