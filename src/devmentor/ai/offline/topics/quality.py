"""Topics on code quality and design patterns."""

from __future__ import annotations

from devmentor.ai.offline.topics.base import Topic

QUALITY_TOPICS: tuple[Topic, ...] = (
    # --- Code quality ----------------------------------------------------------------------
    Topic(
        id="quality.complexity",
        title="Complexity and refactoring",
        keywords=(
            "complexity",
            "cyclomatic",
            "refactor",
            "refactoring",
            "nested",
            "nesting",
            "long function",
            "simplify",
            "guard clause",
            "early return",
            "spaghetti",
            "too many if",
            "clean up",
        ),
        explanation=(
            "Code gets hard to change when one function has many paths (branches, loops, "
            "exception handlers) or deep nesting. Refactor in small safe steps with tests: "
            "return early to flatten nesting, extract well-named helpers for each step, and "
            "replace long `if/elif` chains over a value with a lookup table or polymorphism."
        ),
        hints=(
            "Can you describe what this function does in one sentence without 'and'?",
            "Which condition could be checked first, with an early return?",
            "Which block would make a good helper function, and what would you name it?",
        ),
        next_step=(
            "Make sure the function has tests, then extract its innermost block into a "
            "helper and turn its outer `if` into a guard clause. Re-run the tests after each step."
        ),
        reading=(
            "Refactoring (Martin Fowler): Extract Function",
            "radon docs: cyclomatic complexity",
        ),
        example=(
            "def ship(order):\n"
            "    if not order.paid:\n"
            "        return 'awaiting payment'\n"
            "    if not order.items:\n"
            "        return 'nothing to ship'\n"
            "    return dispatch(order)"
        ),
    ),
    Topic(
        id="quality.naming",
        title="Naming things",
        keywords=(
            "naming",
            "variable name",
            "function name",
            "name variables",
            "naming convention",
            "snake case",
            "camel case",
            "descriptive name",
        ),
        explanation=(
            "A good name says what something is or does in the language of the problem: "
            "`unpaid_invoices` beats `data2`, `send_reminder()` beats `process()`. Functions "
            "are verbs, booleans read as questions (`is_active`), and a name's length should "
            "grow with its scope. If naming is hard, the thing may be doing too much."
        ),
        hints=(
            "Could a teammate guess what this variable holds without reading its assignment?",
            "Does the function's name still describe everything it does?",
            "Which names use technical words where the problem has its own word?",
        ),
        next_step="Rename the three vaguest names in your file and see if the code reads better.",
        reading=("PEP 8 — Naming Conventions", "Clean Code (Robert C. Martin): Meaningful Names"),
    ),
    Topic(
        id="quality.readability",
        title="Readability, formatting and linters",
        keywords=(
            "readability",
            "readable",
            "line length",
            "long line",
            "formatter",
            "format code",
            "linter",
            "lint",
            "todo",
            "fixme",
            "style guide",
            "pep 8",
            "pep8",
            "code style",
            "prettier",
            "black",
            "ruff",
        ),
        explanation=(
            "Let tools settle style so reviews can focus on behaviour: a formatter (ruff "
            "format, Black, Prettier) fixes layout and line length, and a linter (ruff, "
            "ESLint) catches likely bugs. Keep TODOs few and tracked as issues — a TODO in a "
            "comment is easy to forget."
        ),
        hints=(
            "Would a reader need to scroll sideways to read this line?",
            "Which of these TODOs describes a bug that could bite a user?",
            "Is your formatter run automatically (editor, pre-commit, CI)?",
        ),
        next_step="Run a formatter and a linter over your project; commit the result on its own.",
        reading=("PEP 8", "ruff docs: The Ruff Formatter"),
    ),
    Topic(
        id="quality.dry",
        title="DRY: don't repeat yourself",
        keywords=(
            "dry",
            "duplicate",
            "duplication",
            "duplicated code",
            "copy paste",
            "repeat myself",
            "repeated code",
        ),
        explanation=(
            "DRY is about knowledge, not text: each rule or fact should live in one place, so "
            "a change is made once. Extract duplication when the copies change for the same "
            "reason; two snippets that merely look alike but evolve separately are often "
            "better left apart (the 'rule of three' is a good guide)."
        ),
        hints=(
            "If this rule changed, how many places would you have to edit?",
            "Do these copies change for the same reason, or only look alike today?",
            "What name would you give the shared piece?",
        ),
        next_step=(
            "Find a rule that appears in two or more places and move it into one named "
            "function or constant."
        ),
        reading=("The Pragmatic Programmer: DRY", "Refactoring: Extract Function"),
    ),
    Topic(
        id="quality.solid",
        title="SOLID principles",
        keywords=(
            "solid",
            "single responsibility",
            "open closed",
            "liskov",
            "interface segregation",
            "dependency inversion",
            "dependency injection",
        ),
        explanation=(
            "SOLID is five design guidelines: a class should have one reason to change "
            "(Single responsibility); extend behaviour without editing working code "
            "(Open/closed); subtypes must honour their parent's contract (Liskov); keep "
            "interfaces small (Interface segregation); depend on abstractions passed in, "
            "not concrete details created inside (Dependency inversion)."
        ),
        hints=(
            "How many different reasons could this class have to change?",
            "Could you swap the database or the clock here without editing this code?",
            "Does every subclass really support everything its parent promises?",
        ),
        next_step=(
            "Pick one class, list its responsibilities, and move the one that changes most "
            "often into a collaborator passed in through the constructor."
        ),
        reading=("Agile Software Development (Robert C. Martin): SOLID",),
    ),
    # --- Design patterns --------------------------------------------------------------------
    Topic(
        id="patterns.strategy",
        title="Strategy pattern",
        keywords=("strategy", "strategy pattern", "swap algorithm", "interchangeable algorithm"),
        explanation=(
            "The strategy pattern puts each variant of an algorithm behind the same "
            "interface and lets the caller choose one at run time. In Python a strategy is "
            "often just a function passed as an argument or looked up in a dict; reach for "
            "classes only when the strategies carry state or several methods."
        ),
        hints=(
            "Which `if/elif` chain picks between variants of the same behaviour?",
            "What signature would all the variants share?",
            "Could the caller pass the behaviour in instead of a flag?",
        ),
        next_step=(
            "Replace one `if kind == ...` chain with a dict from kind to function and "
            "add a test per strategy."
        ),
        reading=("Design Patterns (Gamma et al.): Strategy", "Refactoring Guru: Strategy"),
        example=(
            "PRICING = {'standard': standard_price, 'student': student_price}\n"
            "price = PRICING[customer.plan](basket)"
        ),
    ),
    Topic(
        id="patterns.factory",
        title="Factory pattern",
        keywords=(
            "factory",
            "factory pattern",
            "factory method",
            "abstract factory",
            "create object",
        ),
        explanation=(
            "A factory is a function or method whose job is to decide which object to build "
            "and how, so callers ask for 'a parser for this file' without knowing the "
            "concrete class. In Python, a classmethod like `Config.from_file()` or a plain "
            "function returning one of several classes is usually all you need."
        ),
        hints=(
            "How many places know which concrete class to construct?",
            "What information decides which class is built?",
            "Would a `from_...` classmethod make construction clearer?",
        ),
        next_step=(
            "Move the construction logic that appears in several callers into one factory "
            "function and test it per input."
        ),
        reading=(
            "Design Patterns (Gamma et al.): Factory Method",
            "Refactoring Guru: Factory Method",
        ),
    ),
    Topic(
        id="patterns.observer",
        title="Observer pattern (publish/subscribe)",
        keywords=(
            "observer",
            "observer pattern",
            "subscribe",
            "publish subscribe",
            "pub sub",
            "event listener",
            "event emitter",
            "signal",
        ),
        explanation=(
            "In the observer pattern, a subject keeps a list of listeners and notifies them "
            "when something happens, so it does not need to know who reacts. It decouples "
            "senders from receivers, but makes flow harder to follow: keep events few and "
            "named after facts (`order_paid`), and make unsubscribing possible."
        ),
        hints=(
            "Which parts of the code need to react when this happens?",
            "Should the sender know about each of them?",
            "What happens if a listener raises an exception?",
        ),
        next_step=(
            "Implement a tiny event bus with `subscribe(event, handler)` and "
            "`publish(event, payload)`, and test it with two listeners."
        ),
        reading=("Design Patterns (Gamma et al.): Observer", "Refactoring Guru: Observer"),
    ),
)
