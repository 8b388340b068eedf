"""Which Bloom level a question asks for, read from its wording: a check on generated items.

A question bank is only as good as its labels: a "create" question that merely asks for a
definition inflates what a learner seems to master. :func:`classify` reads a prompt the way
a reviewer would, from the verbs and cues that signal each level of Bloom's revised
taxonomy, and :func:`check` compares that reading with the level a question is labelled
with.

The classifier is a transparent set of rules, not a trained model, so every guess can be
explained (:attr:`BloomGuess.cues` lists the words that fired each cue):

- each level has cue patterns with weights (``define``, ``which keyword`` for remember;
  ``explain``, ``what does this print`` for understand; ``fix``, ``complete ... so`` for
  apply; ``which line``, ``root cause`` for analyze; ``best``, ``justify``, ``rank`` for
  evaluate; ``design``, ``propose``, ``write a ... that`` for create);
- a cue that opens the first sentence, where the instruction verb sits, counts double
  (one opening a later sentence, 1.5 times);
- the question type adds a small prior (a spot-the-bug question is analysis; an exercise
  applies or creates; an ordering applies a procedure or ranks options);
- code blocks and inline code are set aside first, so ``print`` or ``list`` inside code
  don't count as cues; having code at all nudges towards understand and analyze.

Scores become probabilities with a softmax; the top one is the guess (ties go to the lower
level) and its probability the confidence.

How it was tuned and how well it does (``bench/bloom_accuracy.py``; docs/benchmarks.md
quotes the figures): the cues were written against the train half (even positions) of
``data/bloom_labelled.yaml``, 264 questions written for this purpose, and scored on its test
half (odd positions); then a second round fixed general misreadings seen on half of the
shipped skills' own questions (their authors' labels; skills split by a hash of their id),
and the other half of those skills is the held-out check. Expect it to be right about four
times in five on questions written by someone else, and weakest on "remember", whose
prompts look most like everything else ("Complete the ...", "What happens when ...").

``semantic=True`` adds WordLlama similarity to each level's exemplars (the nearest centroid
over the train half). Alone it is right half the time (chance is one in six); blended, it
did not beat the rules on either held-out set, so it is off unless asked for.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import yaml

from devmentor.curriculum.model import Bloom

if TYPE_CHECKING:
    from numpy.typing import NDArray

LABELLED_SET = Path(__file__).parent / "data" / "bloom_labelled.yaml"

R, U, AP, AN, E, C = (
    Bloom.REMEMBER,
    Bloom.UNDERSTAND,
    Bloom.APPLY,
    Bloom.ANALYZE,
    Bloom.EVALUATE,
    Bloom.CREATE,
)

#: How much more a cue counts when it opens the first sentence (the instruction's verb)...
LEAD_FACTOR = 2.0
#: ...or a later one ("Design X. Describe what happens when ...": design leads).
LATER_LEAD_FACTOR = 1.5
#: Softmax temperature over the summed scores.
TEMPERATURE = 1.0

# (level, weight, pattern). Patterns run on the lower-cased prompt with code replaced by
# the word "code". Each cue counts once per prompt, doubled if it opens a sentence.
_CUES: list[tuple[Bloom, float, str]] = [
    # -- remember: recall a fact, a name, a definition --------------------------------
    # Only as the opening verb: "name", "list" and "state" are nouns anywhere else.
    (R, 2.0, r"^(define|name|list|state|recall)\b|\bidentify the (term|name)\b"),
    (R, 2.0, r"\bstands? for\b"),
    (R, 1.5, r"\bwhat is (an? |the )?[\w\s-]{0,40}\bcalled\b|\bwhat is the name of\b"),
    (
        R,
        1.5,
        r"\bwhich (\w+ )?(keyword|command|header|status code|method|operator|"
        r"exception|attribute|port|file|fixture|clause|built-?in|flag|option|module|"
        r"levels?|algorithm|decorator|range|term|acronym|pattern|directive|"
        r"(primitive )?types?)s?\b",
    ),
    (R, 1.0, r"\b(stand for|acronym|by convention|pep \d+)\b"),
    (R, 1.0, r"\bwhat is the (\w+ )?(time complexity|syntax|keyword|command)\b"),
    (
        R,
        2.0,
        r"\b(complete|fill in) the (\w+ |missing )?"
        r"(keyword|name|import|method|attribute|option)s?\b"
        r"(?!.*\bso\b)",
    ),
    # "Complete the X that does Y" asks for the name of X; "complete X so ..." is apply.
    (
        R,
        2.0,
        r"^(complete|fill in) the ([\w-]+ ){0,2}(decorator|built-?in|function|method|property|"
        r"attribute|keyword|assertion|exception|module|option|flag|type|header|command|class|"
        r"name|import|call|sentence)s? that\b",
    ),
    (R, 2.0, r"^(complete|fill in) the ((?!so )[\w\s-]){0,30}:"),
    (R, 0.5, r"^(what|which) [^.?]*\?$"),
    # -- understand: explain, interpret, predict ---------------------------------------
    (
        U,
        2.0,
        r"\b(explain(?! your (judge?ment|reasoning|choice|verdict|answer))|describe|"
        r"summari[sz]e|paraphrase|interpret|illustrate)\b",
    ),
    (U, 1.5, r"\bin (your own|one or two|one|two) (words|sentences?)\b"),
    (U, 1.5, r"\bwhy (does|do|is|are|doesn't|isn't|can|does not)\b|\bwhy\?"),
    (U, 1.5, r"^what is code\?"),
    # Ordering what a system does (not what you do) is understanding it.
    (
        U,
        4.5,
        r"\bin (the )?order (that )?(they|python|it|the \w+|\w+) "
        r"(happen|search|pass|run|appear|execute|call|evaluate|resolve)\w*|\bput in order what\b",
    ),
    (
        U,
        2.0,
        r"\bpredict\b|\bwhat (does|will) (this|it|the code|code|[\w.()`]+) (print|log|output)\b",
    ),
    (U, 2.0, r"\bwhat (is|gets) (printed|logged|the output|the result|the value)\b"),
    (U, 2.0, r"\b(this|the) (program|code|snippet|script) (prints|logs|outputs)\b"),
    (U, 1.5, r"\bwhich statements? about\b|\bare true\b"),
    (U, 1.5, r"\bwhat (value|will)\b|\bevaluates? to\b|\bhow many rows\b"),
    (U, 1.5, r"\bwhat does (an? |the )?[\w\s`.-]{0,40}\b(do|mean|tell|let)\b"),
    (
        U,
        1.5,
        r"\bwhich (sentence|statement|description|definition) "
        r"(best )?(describes|explains|matches)\b",
    ),
    (U, 1.5, r"\b(give an example|an example of|example that shows|what happens|means?)\b"),
    (U, 1.5, r"\b(does|do) (this|the|these) [^?]{0,40}\b(match|return|print|log|output)\b"),
    (U, 1.0, r"\bwhen does\b|\bwhat is in\b"),
    # -- apply: use a known technique on a concrete task -------------------------------
    (
        AP,
        1.5,
        r"^(fix|use|complete|rewrite|refactor|change|convert|implement|apply|add|make|set|"
        r"put|arrange|replace|wrap|pass|memoize|give|calculate|compute|return|undo|"
        r"fill in|order these lines|escape)\b",
    ),
    (AP, 1.5, r"\bso (that )?(it|the|they|each|calls|points|a|an|scripts|fib|the tests)\b"),
    (
        AP,
        1.5,
        r"\b(in the order you would|in order to|put these|arrange the lines|order these lines)\b",
    ),
    (AP, 1.0, r"\b(using|with|by using) (a |an |the )?code\b|\buse code\b"),
    (AP, 1.0, r"\b(instead of|the tests pass|so the tests)\b"),
    (
        AP,
        1.0,
        r"\bcomplete the (query|join|line|f-string|promise|route|statement|array|"
        r"fetch|mock|regular)\b",
    ),
    # -- analyze: break down, trace, find the cause ------------------------------------
    (AN, 3.0, r"\bwhich line\b|\bline (is|of)\b"),
    (AN, 2.5, r"\b(find the bug|diagnose|root cause|trace|break \w+ down|break down)\b"),
    (AN, 2.0, r"\b(compare|contrast|differentiate|distinguish|categori[sz]e|sort these)\b"),
    (AN, 2.0, r"\b(what's|what is) the difference\b|\bdifference in behaviou?r\b"),
    (AN, 1.5, r"\b(examine|inspect|look at|looking at|given this|given these|using the)\b"),
    (AN, 1.5, r"\b(traceback|stack trace|profiler|logs?|diffs?|query plans?|the plan|timeline)\b"),
    (
        AN,
        1.5,
        r"\b(cause[sd]?|responsible|to blame|makes? [\w\s]{0,30}possible|lets? (them|a|an|any))\b",
    ),
    (
        AN,
        1.5,
        r"\bwhich ((two|three) )?(of these )?(snippets|calls|expressions|assignments|classes|"
        r"functions|queries|tests|implementations|modules|lines)\b",
    ),
    (AN, 1.5, r"\b(bugs?|vulnerable|problems?|mislead\w*|attacker\S*)\b"),
    (AN, 1.5, r"\b(symptoms?|regression|flaky|race|leaks?|deadlock|duplicates?)\b"),
    (AN, 0.75, r"\bwhich (change|commit|function|service|import|assumption|parameter|event|two)\b"),
    (AN, 1.0, r"\b(what makes|identify where|point out)\b"),
    # -- evaluate: judge against criteria, choose and defend ---------------------------
    (
        E,
        2.5,
        r"\b(justif(y|ied|ication)|defend|critique|assess|judge|appraise|argue|weigh)\b"
        r"|^evaluate\b",
    ),
    (E, 2.5, r"\bexplain your (judge?ment|reasoning|choice|verdict)\b"),
    (E, 2.0, r"\b(rank|prioriti[sz]e)\b|\bby how (much|quickly|well|likely)\b"),
    (E, 2.0, r"\bfrom (weakest|strongest|least|most|easiest|hardest|lowest|highest)\b"),
    (
        E,
        2.0,
        r"\b(best|most (\w+ ){0,2}(helpful|appropriate|useful|convincing|actionable|"
        r"reasonable|secure)|least likely|strongest|better|trade-?offs?|more safely)\b",
    ),
    (E, 2.0, r"\bwould you (choose|pick|use|keep|standardi[sz]e|recommend)\b|\bwhich would you\b"),
    (
        E,
        1.5,
        r"\b(recommend|decide whether|do you agree|is it worth|verdict|good idea|"
        r"ready to merge|support the claim|flaws?|reject|should (the|this|we|you|it)|sound|"
        r"reasonable|wise)\b",
    ),
    (E, 1.5, r"\breview (this|comment)|\breview comments?\b"),
    # -- create: design or build something new -----------------------------------------
    (C, 3.0, r"\b(re)?(design|propose|devise|invent|formulate|compose|sketch|draft)\b"),
    (C, 2.0, r"\b(plan|outline an?|construct|develop|come up with|suggest an?)\b"),
    (
        C,
        2.0,
        r"^(write|create|build) (an? |the )?(\w+ )?(class|decorator|function|validator|"
        r"state machine|pipeline|module|resolver|checklist|readme|code|context manager|"
        r"tests?|template|helper|protocol)\b",
    ),
    (C, 2.0, r"^(write|create|build) code( that|\()"),
    (C, 1.0, r"\b(schema|architecture|strategy|test plan|convention|checklist|from scratch)\b"),
]
_COMPILED = [(level, weight, re.compile(pattern)) for level, weight, pattern in _CUES]

#: Prior score by question type: the level the format usually serves.
TYPE_PRIORS: Mapping[str, Mapping[Bloom, float]] = {
    "multiple_choice": {R: 0.4, U: 0.4},
    "fill_in": {R: 0.8, AP: 1.2},
    "ordering": {AP: 1.2, E: 1.0},
    "spot_the_bug": {AN: 3.0},
    "exercise": {AP: 1.2, C: 1.2},
    "short_answer": {U: 0.6, E: 0.4, C: 0.4},
}

_FENCED = re.compile(r"```.*?(```|$)", re.DOTALL)
_INLINE = re.compile(r"`[^`\n]*`")
_SENTENCE_END = re.compile(r"(?<=[.?!:;])\s+|(?<=[.?!:;][\"')\]])\s+|\n\s*")


def _normalise(prompt: str) -> tuple[str, bool]:
    """The prompt in lower case with code set aside, and whether it had a code block."""
    has_block = bool(_FENCED.search(prompt))
    text = _FENCED.sub(" ", prompt)
    text = _INLINE.sub("code", text)
    # Prompts are hard-wrapped in YAML: a single newline is a space, a blank line a break.
    text = re.sub(r"(?<!\n)\n(?!\n)", " ", text)
    text = re.sub(r"[ \t]+", " ", text).strip().lower()
    return text, has_block


def _sentences(text: str) -> list[str]:
    """Sentences (and paragraphs) of a normalised prompt, so a cue can tell if it leads one."""
    parts = _SENTENCE_END.split(text)
    return [part.strip() for part in parts if part and part.strip()]


@dataclass(frozen=True)
class BloomGuess:
    level: Bloom
    #: The guessed level's probability (0 to 1).
    confidence: float
    #: Every level's probability; they sum to 1.
    scores: dict[Bloom, float]
    #: The cues that fired, as ``"level: 'the words that matched'"``, to explain a guess.
    cues: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class BloomCheck:
    expected: Bloom
    guessed: Bloom
    #: True only when the guess is exactly the labelled level.
    ok: bool
    #: How many levels apart the guess is (0 when ok).
    distance: int
    guess: BloomGuess = field(compare=False)


class LabelledQuestion(Protocol):
    """What :func:`check` reads: any curriculum question has these."""

    @property
    def bloom(self) -> Bloom: ...

    @property
    def prompt(self) -> str: ...

    @property
    def type(self) -> str: ...


def rule_scores(
    prompt: str, question_type: str | None = None
) -> tuple[dict[Bloom, float], list[str]]:
    """Raw (unnormalised) rule scores per level, and the cues that fired."""
    text, has_block = _normalise(prompt)
    sentences = _sentences(text)
    scores = dict.fromkeys(Bloom, 0.0)
    fired: list[str] = []
    for level, weight, pattern in _COMPILED:
        best, words = 0.0, ""
        for position, sentence in enumerate(sentences or [text]):
            match = pattern.search(sentence)
            if match is None:
                continue
            lead = LEAD_FACTOR if position == 0 else LATER_LEAD_FACTOR
            factor = lead if match.start() == 0 else 1.0
            if weight * factor > best:
                best, words = weight * factor, match.group(0)
        if best:
            scores[level] += best
            fired.append(f"{level.value}: {words!r}")
    for level, prior in TYPE_PRIORS.get(question_type or "", {}).items():
        scores[level] += prior
    if has_block:
        scores[U] += 1.0
        scores[AN] += 0.5
    return scores, fired


def _softmax(scores: Mapping[Bloom, float], temperature: float = TEMPERATURE) -> dict[Bloom, float]:
    top = max(scores.values())
    exps = {level: math.exp((score - top) / temperature) for level, score in scores.items()}
    total = sum(exps.values())
    return {level: value / total for level, value in exps.items()}


def _best(probabilities: Mapping[Bloom, float]) -> Bloom:
    # Ties go to the lower level: a question is no harder than its wording shows.
    return max(Bloom, key=lambda level: (probabilities[level], -level.rank))


def classify(
    prompt: str, *, question_type: str | None = None, semantic: bool = False
) -> BloomGuess:
    """Guess the Bloom level ``prompt`` asks for.

    ``question_type`` is the question's ``type`` (``"spot_the_bug"``, ``"exercise"`` ...);
    without it only the wording counts. With ``semantic=True`` the rules are blended with
    WordLlama similarity to the labelled exemplars of each level (loads the model on first
    use; it did not improve accuracy, see the module docstring).
    """
    raw, fired = rule_scores(prompt, question_type)
    if semantic:
        centroids = semantic_scores(prompt)
        raw = {level: raw[level] + SEMANTIC_WEIGHT * centroids[level] for level in Bloom}
    probabilities = _softmax(raw)
    level = _best(probabilities)
    return BloomGuess(level, probabilities[level], probabilities, tuple(fired))


def check(question: LabelledQuestion, *, semantic: bool = False) -> BloomCheck:
    """Does the question's wording match the Bloom level it is labelled with?"""
    guess = classify(question.prompt, question_type=question.type, semantic=semantic)
    distance = abs(guess.level.rank - question.bloom.rank)
    return BloomCheck(question.bloom, guess.level, distance == 0, distance, guess)


# -- the labelled set and the semantic blend ---------------------------------------------


@dataclass(frozen=True)
class LabelledItem:
    prompt: str
    type: str
    level: Bloom


def load_labelled(path: Path = LABELLED_SET) -> list[LabelledItem]:
    """Every item of the labelled set, in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        LabelledItem(str(item["prompt"]), str(item["type"]), Bloom(item["level"]))
        for item in data["items"]
    ]


def split(items: Sequence[LabelledItem]) -> tuple[list[LabelledItem], list[LabelledItem]]:
    """The train half (even positions) and the test half (odd positions)."""
    return list(items[0::2]), list(items[1::2])


#: How much the centred exemplar similarity adds to a level's rule score. Chosen on the train
#: half alone (leave-one-out centroids): the largest of 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5 ...
#: that kept train accuracy at its maximum.
SEMANTIC_WEIGHT = 0.75
#: Cosines to the six centroids are centred on their mean and spread by this factor.
SEMANTIC_SCALE = 10.0


@functools.cache
def _centroids() -> NDArray[np.float32]:
    """One unit-length row per level (in Bloom order): the mean of its train exemplars."""
    from devmentor.curriculum.similarity import get_similarity  # the model only when asked for

    train, _ = split(load_labelled())
    vectors = get_similarity().embed([_normalise(item.prompt)[0] for item in train])
    rows = []
    for level in Bloom:
        mean = vectors[[item.level is level for item in train]].mean(axis=0)
        rows.append(mean / (np.linalg.norm(mean) or 1.0))
    return np.stack(rows).astype(np.float32)


def semantic_scores(prompt: str) -> dict[Bloom, float]:
    """Per level, how much closer ``prompt`` is to that level's exemplars than average."""
    from devmentor.curriculum.similarity import get_similarity  # the model only when asked for

    vector = get_similarity().embed([_normalise(prompt)[0]])[0]
    sims = _centroids() @ vector
    centred = (sims - sims.mean()) * SEMANTIC_SCALE
    return {level: float(value) for level, value in zip(Bloom, centred, strict=True)}
