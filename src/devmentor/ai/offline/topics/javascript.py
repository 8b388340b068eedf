"""Topics on JavaScript and TypeScript."""

from __future__ import annotations

from devmentor.ai.offline.topics.base import _JS, Topic

JAVASCRIPT_TOPICS: tuple[Topic, ...] = (
    # --- JavaScript / TypeScript ----------------------------------------------------------------
    Topic(
        id="javascript.promises",
        title="Promises and async/await in JavaScript",
        keywords=(
            "promise",
            "then catch",
            "unhandled rejection",
            "unhandledrejection",
            "promise.all",
            "fetch",
            "callback hell",
            "async",
            "await",
        ),
        explanation=(
            "A promise represents a value that arrives later; `await` pauses an `async` "
            "function until it settles. Every chain needs an error path — `.catch()` or "
            "`try/catch` around `await` — or a rejection surfaces as an unhandled error. Run "
            "independent operations together with `Promise.all` instead of awaiting them "
            "one by one."
        ),
        hints=(
            "What happens to this chain if the network request fails?",
            "Which of these awaits depend on each other, and which could run together?",
            "Where is the returned promise awaited or handled?",
        ),
        next_step=(
            "Convert one `.then()` chain to `async/await` with a `try/catch`, and force the "
            "error path by requesting a URL that does not exist."
        ),
        reading=("MDN: Using promises", "MDN: async function"),
        example=(
            "try {\n"
            "  const response = await fetch(url);\n"
            "  const data = await response.json();\n"
            "} catch (error) {\n"
            "  showError('Could not load data');\n"
            "}"
        ),
        languages=_JS,
    ),
    Topic(
        id="javascript.equality",
        title="Strict equality in JavaScript",
        keywords=(
            "===",
            "==",
            "strict equality",
            "loose equality",
            "triple equals",
            "double equals",
            "type coercion",
            "equality",
        ),
        explanation=(
            "`==` converts both sides to a common type before comparing, which gives "
            "surprises like `0 == ''` and `'1' == 1` being true. `===` compares without "
            "conversion, so use `===` and `!==` everywhere (a common, deliberate exception "
            "is `x == null` to test for both `null` and `undefined`)."
        ),
        hints=(
            "What is `0 == ''` in JavaScript — and `0 === ''`?",
            "Which types can this variable hold at run time?",
            "Is this comparison meant to accept both a number and a string?",
        ),
        next_step="Enable ESLint's `eqeqeq` rule and fix what it reports.",
        reading=("MDN: Equality comparisons and sameness", "ESLint docs: eqeqeq"),
        languages=_JS,
    ),
    Topic(
        id="javascript.variables",
        title="var, let and const",
        keywords=(
            "var",
            "const",
            "let vs var",
            "let and const",
            "let or const",
            "hoisting",
            "block scope",
            "temporal dead zone",
        ),
        explanation=(
            "`var` is function-scoped and hoisted, so a variable declared in a loop or block "
            "leaks out of it (the classic 'all my callbacks see the last value' bug). Use "
            "`const` by default and `let` when the variable is reassigned; both are block-"
            "scoped."
        ),
        hints=(
            "Is this variable used outside the block it is declared in?",
            "Is it ever reassigned after its declaration?",
            "What value does a callback created in this loop see when it runs later?",
        ),
        next_step="Enable ESLint's `no-var` and `prefer-const` rules and fix what they report.",
        reading=("MDN: let", "MDN: const", "MDN: var (hoisting)"),
        languages=_JS,
    ),
    Topic(
        id="javascript.common-errors",
        title="Reading common JavaScript errors",
        keywords=(
            "undefined",
            "cannot read properties",
            "cannot read property",
            "is not a function",
            "is not defined",
            "referenceerror",
            "syntaxerror unexpected token",
            "nan",
        ),
        explanation=(
            "`Cannot read properties of undefined (reading 'x')` means the object *before* "
            "`.x` is undefined — find where it should have been set (often data that has not "
            "loaded yet, a misspelled property, or a missing `return`). `is not a function` "
            "usually means a wrong import or a value shadowing a function. Optional chaining "
            "(`a?.b`) hides the symptom; fix the cause."
        ),
        hints=(
            "Which variable is undefined on the failing line — the one before the dot?",
            "Is the data you read available yet, or still loading?",
            "Does the function that should produce this value actually return it?",
        ),
        next_step=(
            "Set a breakpoint on the failing line in your browser's dev tools and inspect "
            "each variable in the expression."
        ),
        reading=("MDN: JavaScript error reference",),
        languages=_JS,
    ),
    Topic(
        id="typescript.types",
        title="TypeScript types",
        keywords=(
            "typescript",
            "interface",
            "any type",
            "type any",
            "unknown type",
            "type guard",
            "narrowing",
            "union type",
            "generic",
            "strict mode",
            "type assertion",
        ),
        explanation=(
            "TypeScript's checks are only as good as the types you give it. `any` switches "
            "checking off for that value (and everything it touches); prefer precise types, "
            "or `unknown` plus narrowing (`typeof`, `in`, type guards) for data whose shape "
            "you must verify at run time. Turn on `strict` in tsconfig."
        ),
        hints=(
            "What does the compiler check about a value typed `any`?",
            "Where does this data come from, and who guarantees its shape?",
            "Could a union type describe the allowed values exactly?",
        ),
        next_step=(
            "Enable `strict` and `noImplicitAny`, then replace one `any` with `unknown` and "
            "add the narrowing the compiler asks for."
        ),
        reading=("TypeScript Handbook: Narrowing", "TypeScript Handbook: Everyday Types"),
        example=(
            "function isUser(value: unknown): value is User {\n"
            "  return typeof value === 'object' && value !== null && 'id' in value;\n"
            "}"
        ),
        languages=("typescript",),
    ),
)
