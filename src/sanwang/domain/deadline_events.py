"""Events that start deadlines (起算事件) and the conditions (适用条件) a rule may set on them.

A deadline rule names its ``trigger`` (one event or a list) and may set a ``condition`` on the facts the event
carries (its context): ``{channel: [SH], real_name: true}``. When the workflow reports an event, the rules whose
trigger matches and whose condition holds start — so an office adds a rule to its deadlines.yaml and sees it
applied, with no change to the program. The vocabulary below is closed: a rule on an unknown event, or a
condition on a fact the event does not carry, would never fire, so it is refused when the file is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from sanwang.domain.vocab import channels, disposal_methods
from sanwang.domain.workflow import ClueOutcome

# The facts every clue event carries (线索事件的事实).
CLUE_FACTS = ("channel", "real_name", "gang_related", "umbrella_suspected", "disposal", "outcome")


@dataclass(frozen=True)
class EventKind:
    """An event the program reports (起算事件), the facts it carries, and whether it starts the rules that
    configuration attaches to it (``dispatched``) or only the rules the program names."""

    zh: str
    facts: tuple[str, ...] = ()
    dispatched: bool = True


EVENTS: dict[str, EventKind] = {
    "clue_registered": EventKind("线索登记", CLUE_FACTS),
    "disposal_approved": EventKind("处置方式经审批", CLUE_FACTS),
    "inquiry_replied": EventKind("登记谈话函询回复", CLUE_FACTS),
    "clue_concluded": EventKind("线索办结", CLUE_FACTS),
    "clue_reopened": EventKind("线索复查", CLUE_FACTS),
    "clue_resumed": EventKind("暂存待查线索重新启用", CLUE_FACTS),
    # Started by the program under the rule's own name (gang cases, cases, reviews, transfers): an office may
    # change these rules' periods, not add rules on these events.
    # Flagged 涉黑涉恶 at registration or later; ``from_police``: the clue came from the police (not sent back).
    "clue_flagged_gang": EventKind("线索标记涉黑涉恶", (*CLUE_FACTS, "from_police")),
    "gang_case_filed": EventKind("公安机关涉黑涉恶案件立案", dispatched=False),
    "detention_started": EventKind("采取留置", dispatched=False),
    "protective_custody_started": EventKind("采取管护", dispatched=False),
    "detention_extension_ended": EventKind("延长留置期满（再延长）", dispatched=False),
    "new_serious_offence_found": EventKind("发现另有重大职务犯罪（重新计算）", dispatched=False),
    "await_investigation_started": EventKind("责令候查", dispatched=False),
    "decision_served": EventKind("处分决定送达", dispatched=False),
    "review_applied": EventKind("申请复审", dispatched=False),
    "recheck_applied": EventKind("申请复核", dispatched=False),
    "recommendation_issued": EventKind("发出纪检监察建议", dispatched=False),
}

# The rules the program starts by name on the events it does not dispatch (see services).
PROGRAM_STARTED = frozenset(
    {
        "police_notify",
        "police_transfer_umbrella",
        "detention",
        "protective_custody",
        "detention_further_extension",
        "detention_recount",
        "await_investigation",
        "review_application",
        "review_decision",
        "recheck_decision",
        "recommendation_followup",
    }
)

# Shorthands older files used (condition: real_name / real_name_12337).
_LEGACY = {"real_name": {"real_name": True}, "real_name_12337": {"real_name": True, "channel": ["SH"]}}


class Condition(BaseModel):
    """When a rule applies (适用条件): every fact named must match; a list means any of its values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: tuple[str, ...] | None = None
    """Channel codes (来源渠道代码), e.g. [SH] for the 12337 platform."""
    real_name: bool | None = None
    """A real-name report (实名举报)."""
    gang_related: bool | None = None
    """Flagged 涉黑涉恶."""
    umbrella_suspected: bool | None = None
    """Flagged 涉嫌保护伞."""
    disposal: tuple[str, ...] | None = None
    """Disposal method codes (处置方式代码) as in disposals.yaml."""
    outcome: tuple[str, ...] | None = None
    """How the clue was concluded (办结方式), e.g. [substantiated, not_substantiated]."""
    from_police: bool | None = None
    """The clue came from the police (公安机关移送): its gang crime is already theirs."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value not in _LEGACY:
                known = ", ".join(_LEGACY)
                raise ValueError(f"unknown condition {value!r}; write a mapping such as {{real_name: true}} ({known})")
            return _LEGACY[value]
        if isinstance(value, Mapping):  # a single value where a list is expected
            return {k: [v] if k in ("channel", "disposal", "outcome") and isinstance(v, str) else v
                    for k, v in value.items()}  # fmt: skip
        return value

    @field_validator("channel")
    @classmethod
    def _known_channels(cls, codes: tuple[str, ...] | None) -> tuple[str, ...] | None:
        known = {c.code for c in channels().channels}
        for code in codes or ():
            if code not in known:
                raise ValueError(f"unknown channel code {code!r}; known: {', '.join(sorted(known))}")
        return codes

    @field_validator("disposal")
    @classmethod
    def _known_disposals(cls, codes: tuple[str, ...] | None) -> tuple[str, ...] | None:
        known = {m.code for m in disposal_methods().methods}
        for code in codes or ():
            if code not in known:
                raise ValueError(f"unknown disposal method {code!r}; known: {', '.join(sorted(known))}")
        return codes

    @field_validator("outcome")
    @classmethod
    def _known_outcomes(cls, codes: tuple[str, ...] | None) -> tuple[str, ...] | None:
        known = {o.value for o in ClueOutcome}
        for code in codes or ():
            if code not in known:
                raise ValueError(f"unknown outcome {code!r}; known: {', '.join(sorted(known))}")
        return codes

    @property
    def facts(self) -> set[str]:
        """The facts this condition looks at."""
        return {k for k, v in self.__dict__.items() if v is not None}

    def holds(self, context: Mapping[str, Any]) -> bool:
        """Whether the event's facts meet every part of the condition (a fact the event lacks never does)."""
        for key in self.facts:
            want = getattr(self, key)
            if key not in context:
                return False
            have = context[key]
            if isinstance(want, tuple) and have not in want:
                return False
            if isinstance(want, bool) and bool(have) is not want:
                return False
        return True


def check_trigger(name: str, triggers: tuple[str, ...], condition: Condition | None) -> None:
    """Refuse (ValueError, for the schema) a rule that could never start: unknown event, a condition on a fact
    the event does not carry, or a new rule on an event the program does not dispatch."""
    for t in triggers:
        kind = EVENTS.get(t)
        if kind is None:
            raise ValueError(f"unknown trigger event {t!r}; known events: {', '.join(EVENTS)}")
        if not kind.dispatched and name not in PROGRAM_STARTED:
            raise ValueError(
                f"rules on event {t!r} are started by the program under their own names; a new rule {name!r} "
                f"would never start (configurable events: {', '.join(e for e, k in EVENTS.items() if k.dispatched)})"
            )
        for fact in sorted(condition.facts if condition else ()):
            if fact not in kind.facts:
                carried = ", ".join(kind.facts) or "none"
                raise ValueError(f"event {t!r} carries no fact {fact!r} (it carries: {carried})")
