"""The offline mentor: answers from the built-in topics and code inspections.

It is the last hop of every AI route, so it must always answer: no network, no API key,
no model, deterministic output, and bounded time for any input. It also keeps the
mentoring guardrail — hints before solutions: in hint mode the answer guides (points at
the line, asks a leading question, names the concept) and never contains a fenced code
block, let alone a rewritten solution.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from devmentor.ai.offline.checks import (
    RULES,
    SEVERITY_RANK,
    Finding,
    Inspection,
    code_span,
    inspect_code,
    mask_secrets,
    split_lines,
)
from devmentor.ai.offline.topics import TOPICS, Topic

__all__ = ["MentorAnswer", "Mode", "OfflineMentor"]

Mode = Literal["hint", "solution"]

MAX_QUESTION_CHARS = 4_000
_MAX_SHOWN_FINDINGS = 3
_MAX_EXCERPT = 120
_STUCK_LINE = "Stuck? Ask for the **solution** to see a worked fix."


@dataclass(frozen=True, slots=True)
class MentorAnswer:
    """What the offline mentor says, and what it was based on."""

    #: Markdown for the learner (no raw HTML; rendered by a sanitising renderer).
    text: str
    #: Ids of the topics the answer drew on, most relevant first.
    topics: tuple[str, ...]
    #: Everything the inspections found, most relevant to the question first. In hint
    #: mode ``fix`` is blank, so no caller can leak a solution the learner did not ask for.
    findings: tuple[Finding, ...]
    #: The language given (normalised) or detected; None if unknown.
    language: str | None


# --- Matching questions to topics ---------------------------------------------------------

_TOKEN = re.compile(r"===|!==|==|[a-z0-9]+(?:\+\d+)?")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _stem(token: str) -> str:
    """Light, consistent stemming: questions and keywords go through the same rules."""
    if len(token) > 4 and token.endswith("ies"):
        token = token[:-3] + "y"
    elif len(token) > 5 and token.endswith("ing"):
        token = token[:-3]
    elif len(token) > 4 and token.endswith(("sses", "xes", "ches", "shes", "zes", "ed")):
        token = token[:-2]
    elif len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    if len(token) > 4 and token.endswith("e"):
        token = token[:-1]
    return token


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_stem(token) for token in _TOKEN.findall(text.lower()))


def _keyword(keyword: str) -> tuple[tuple[str, ...], float]:
    phrase = _tokens(keyword.lstrip("~"))
    if keyword.startswith("~"):
        return phrase, 0.5
    # A matching phrase is stronger evidence than a single word.
    return phrase, 1.0 if len(phrase) == 1 else 1.5 * len(phrase)


_TOPIC_ORDER = {topic_id: index for index, topic_id in enumerate(TOPICS)}
_KEYWORDS: tuple[tuple[Topic, dict[tuple[str, ...], float]], ...] = tuple(
    (topic, dict(kw for kw in map(_keyword, topic.keywords) if kw[0])) for topic in TOPICS.values()
)
_LONGEST_PHRASE = max(len(phrase) for _, phrases in _KEYWORDS for phrase in phrases)

_REVIEW_WORDS = frozenset(
    _tokens(
        "review wrong bug bugs issue problem improve better feedback check fix ok okay correct "
        "help look clean thoughts anything mistake error errors fine good bad broken works"
    )
)
_SECURITY_WORDS = frozenset(
    _tokens("secure security safe unsafe vulnerable vulnerability attack exploit hack injection")
)
_LINE_MENTION = re.compile(r"\bline\s*#?\s*(\d{1,6})\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Match:
    topic: Topic
    score: float


def _match_topics(
    tokens: Sequence[str], language: str | None, findings: Sequence[Finding]
) -> list[_Match]:
    grams = {
        tuple(tokens[i : i + n])
        for n in range(1, _LONGEST_PHRASE + 1)
        for i in range(len(tokens) - n + 1)
    }
    found_topics = [finding.topic for finding in findings]
    matches = []
    for topic, phrases in _KEYWORDS:
        raw = sum(weight for phrase, weight in phrases.items() if phrase in grams)
        if not raw:
            continue
        factor = 1.0
        if topic.languages and language:
            factor = 1.25 if language in topic.languages else 0.6
        # Findings about the same topic break ties between equally likely readings.
        bonus = min(0.9, 0.3 * found_topics.count(topic.id))
        matches.append(_Match(topic, raw * factor + bonus))
    matches.sort(key=lambda m: (-m.score, _TOPIC_ORDER[m.topic.id]))
    return matches


def _rank_findings(
    findings: Sequence[Finding],
    topic_ids: Sequence[str],
    lines_asked: Sequence[int],
    *,
    security: bool,
) -> list[Finding]:
    rule_order = {rule_id: index for index, rule_id in enumerate(RULES)}

    def key(finding: Finding) -> tuple[int, int, int, int, int, int]:
        return (
            0 if finding.line in lines_asked else 1,
            0 if finding.topic in topic_ids else 1,
            0 if security and finding.topic.startswith("security.") else 1,
            -SEVERITY_RANK[finding.severity],
            finding.line or 0,
            rule_order[finding.rule_id],
        )

    return sorted(findings, key=key)


# --- Rendering ----------------------------------------------------------------------------

_LANGUAGE_NAMES = {
    "python": "Python",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "sql": "SQL",
    "go": "Go",
    "rust": "Rust",
    "java": "Java",
    "cpp": "C++",
    "csharp": "C#",
}


def _language_name(language: str | None) -> str:
    if language is None:
        return ""
    return _LANGUAGE_NAMES.get(language, language.capitalize())


def _clean(text: str) -> str:
    return _CONTROL.sub("?", text.replace("\t", " "))


def _excerpt(lines: Sequence[str], number: int, secret: bool) -> str | None:
    if not 1 <= number <= len(lines):
        return None
    # Mask before truncating, so a cut can never leave part of a secret unrecognised.
    line = mask_secrets(lines[number - 1][:2_000], strings=secret)
    line = _clean(line).strip()
    if not line:
        return None
    if len(line) > _MAX_EXCERPT:
        line = line[: _MAX_EXCERPT - 1] + "…"
    return code_span(line)


def _fenced(snippet: str, language: str) -> str:
    fence = "~~~" if "```" in snippet else "```"
    return f"{fence}{language}\n{snippet}\n{fence}"


def _fix_language(finding: Finding, language: str | None) -> str:
    if finding.rule_id.startswith("sql."):
        return "sql"
    return language if language in {"python", "javascript", "typescript", "sql"} else ""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


_HONEST = (
    "I'm DevMentor's **offline mentor**: I work without a network connection or an AI "
    "provider. I can explain a fixed set of common topics (for example mutable default "
    "arguments, SQL injection, async/await or git rebase vs merge) and check code for "
    "common problems, but I couldn't match your question to anything I know well enough "
    "to answer it honestly. For open-ended questions, connect an AI provider (OpenAI, "
    "Claude or a local model) in DevMentor's settings."
)
_NOTHING_ASKED = (
    "Ask me about a programming concept, or paste the code you're working on and ask "
    "what to improve. I'm the **offline mentor**, so I know a fixed set of common topics "
    "and checks; connect an AI provider for open-ended questions."
)
_CAVEAT = (
    "_These come from pattern checks, not from running your code, so double-check each "
    "one against what the code is meant to do._"
)


@dataclass(frozen=True, slots=True)
class _Plan:
    """What to talk about: the question's topics and the findings, most relevant first."""

    top: tuple[Topic, ...]
    ranked: tuple[Finding, ...]
    shown: tuple[Finding, ...]
    #: The learner asked for a look at their code rather than about a topic.
    review: bool
    #: The topic the next step and further reading come from.
    focus: Topic | None


def _plan(question: str, inspection: Inspection | None) -> _Plan:
    findings = inspection.findings if inspection else ()
    tokens = _tokens(question)
    matches = _match_topics(tokens, inspection.language if inspection else None, findings)
    best = matches[0].score if matches else 0.0
    top = tuple(m.topic for m in matches if m.score >= max(0.5, 0.6 * best))[:3]
    ranked = _rank_findings(
        findings,
        [m.topic.id for m in matches],
        [int(n) for n in _LINE_MENTION.findall(question)],
        security=bool(_SECURITY_WORDS.intersection(tokens)),
    )
    shown = tuple(ranked[:_MAX_SHOWN_FINDINGS])
    # Short or review-style questions about code ("thoughts?", "what's wrong?").
    review = (
        inspection is not None
        and not top
        and (len(tokens) <= 3 or bool(_REVIEW_WORDS.intersection(tokens)))
    )
    focus = top[0] if top else (TOPICS.get(shown[0].topic) if shown else None)
    return _Plan(top, tuple(ranked), shown, review, focus)


class OfflineMentor:
    """Answers developers' questions without a model, deterministically and safely.

    Cheap to construct, stateless and thread-safe: one instance can serve every request.
    The code it is given is treated as hostile data — parsed at most, never executed.
    """

    def answer(
        self,
        question: str,
        code: str | None = None,
        language: str | None = None,
        mode: Mode = "hint",
    ) -> MentorAnswer:
        """Answer ``question``, optionally about ``code`` in ``language`` (detected if None).

        ``mode="hint"`` guides without giving the solution away; ``mode="solution"`` also
        shows a corrected snippet for each finding it discusses.
        """
        solution = mode == "solution"
        question = _clean(str(question or ""))[:MAX_QUESTION_CHARS].strip()
        code = code if code and code.strip() else None
        inspection = inspect_code(code, language) if code is not None else None
        plan = _plan(question, inspection)

        parts: list[str] = []
        if plan.top:
            parts.append(self._explain(plan.top))
        elif plan.review and inspection is not None:
            parts.append(self._review_opening(inspection))
        else:
            parts.append(_HONEST if question or code else _NOTHING_ASKED)
            if plan.shown:
                parts.append("I did look at your code, though — here is what stood out.")
        if inspection is not None and code is not None:
            parts += self._notes(inspection, clean=not inspection.findings and not plan.review)
            if plan.shown:
                rest = plan.ranked[len(plan.shown) :]
                parts += self._findings(plan.shown, rest, code, inspection, solution)
        parts += self._next_steps(plan, solution)
        if not solution and (plan.top or plan.shown):
            parts.append(_STUCK_LINE)

        ranked = plan.ranked
        if not solution:
            ranked = tuple(replace(finding, fix="") for finding in ranked)
        return MentorAnswer(
            text=mask_secrets("\n\n".join(part for part in parts if part)),
            topics=tuple(
                dict.fromkeys([*(t.id for t in plan.top), *(f.topic for f in plan.shown)])
            ),
            findings=ranked,
            language=inspection.language if inspection else None,
        )

    # Sections ---------------------------------------------------------------------------

    @staticmethod
    def _explain(top: Sequence[Topic]) -> str:
        text = f"**{top[0].title}.** {top[0].explanation}"
        if len(top) > 1:
            text += "\n\nRelated: " + ", ".join(topic.title for topic in top[1:]) + "."
        return text

    @staticmethod
    def _review_opening(inspection: Inspection) -> str:
        count = len(inspection.findings)
        name = _language_name(inspection.language)
        what = f"your {name} code" if name else "your code"
        size = _plural(inspection.line_count, "line")
        if count:
            found = _plural(count, "thing")
            return (
                f"I read through {what} ({size}) and found {found} worth a look; "
                "the most important come first."
            )
        return (
            f"I read through {what} ({size}) and my checks found nothing to flag. That "
            "doesn't prove it's correct — only that none of the common problems I look for "
            "showed up. Tests are the way to be sure."
        )

    @staticmethod
    def _notes(inspection: Inspection, *, clean: bool) -> list[str]:
        notes = [f"_{note}_" for note in inspection.notes]
        if inspection.truncated:
            notes.append(
                f"_Your code is long, so I only inspected the first {inspection.line_count} lines._"
            )
        if clean and not inspection.notes:
            name = _language_name(inspection.language)
            notes.append(
                f"I also checked your {name + ' ' if name else ''}code and my pattern checks "
                "found nothing to flag — that doesn't prove it's bug-free, only that none of "
                "the common problems I look for showed up."
            )
        return notes

    @staticmethod
    def _findings(
        shown: Sequence[Finding],
        rest: Sequence[Finding],
        code: str,
        inspection: Inspection,
        solution: bool,
    ) -> list[str]:
        lines = split_lines(code)
        secret_lines = {
            f.line
            for f in inspection.findings
            if f.rule_id == "py.hardcoded-secret" or f.rule_id.startswith("secret.")
        }
        parts = ["### In your code"]
        for number, finding in enumerate(shown, start=1):
            where = f"line {finding.line}, " if finding.line else ""
            header = f"**{number}. {finding.title}** ({where}{finding.severity})"
            excerpt = (
                _excerpt(lines, finding.line, finding.line in secret_lines)
                if finding.line
                else None
            )
            parts.append(header + (f"\n{excerpt}" if excerpt else ""))
            parts.append(finding.hint)
            if solution and finding.fix:
                if RULES[finding.rule_id].fix_is_code:
                    language = _fix_language(finding, inspection.language)
                    parts.append("**Fix:**\n\n" + _fenced(finding.fix, language))
                else:
                    parts.append(f"**Fix:** {finding.fix}")
        if rest:
            listed = [f"{f.title} (line {f.line})" if f.line else f.title for f in rest[:4]]
            more = f", and {len(rest) - 4} more" if len(rest) > 4 else ""
            parts.append("Also worth a look later: " + "; ".join(listed) + more + ".")
        parts.append(_CAVEAT)
        return parts

    @staticmethod
    def _next_steps(plan: _Plan, solution: bool) -> list[str]:
        parts = ["### Next step"]
        focus = plan.focus
        if plan.shown:
            first = plan.shown[0]
            where = f" (line {first.line})" if first.line else ""
            if solution:
                parts.append(
                    f"Apply the fix for **{first.title}**{where}, re-run your tests, then ask "
                    "again so I can re-check the code."
                )
            else:
                parts.append(
                    f"Start with **{first.title}**{where}: answer the question above for "
                    "yourself, make the change, and re-run your tests."
                )
        if focus is not None:
            parts.append(("Then: " if plan.shown else "") + focus.next_step)
            if plan.top and not plan.shown and not solution:
                questions = "\n".join(f"- {q}" for q in focus.hints[:2])
                parts.append("Questions to think about:\n\n" + questions)
            if plan.top and solution and focus.example and not plan.shown:
                language = focus.languages[0] if focus.languages else ""
                parts.append("Example:\n\n" + _fenced(focus.example, language))
            parts.append("Further reading: " + "; ".join(focus.reading) + ".")
        elif not plan.shown:
            parts.append(
                'Ask me about a specific concept (for example "mutable default arguments" '
                'or "SQL injection"), or paste the code you are working on.'
            )
        return parts
