"""Topics on application security: injection, web attacks, secrets and passwords."""

from __future__ import annotations

from devmentor.ai.offline.topics.base import Topic

SECURITY_TOPICS: tuple[Topic, ...] = (
    # --- Security ------------------------------------------------------------------------
    Topic(
        id="security.sql-injection",
        title="SQL injection",
        keywords=(
            "sql injection",
            "sqli",
            "parameterized query",
            "parametrized query",
            "prepared statement",
            "query parameter",
            "placeholder",
            "bind parameter",
            "escape sql",
        ),
        explanation=(
            "SQL injection happens when values are pasted into the text of a query, so a "
            "value containing a quote can change the query itself (`' OR '1'='1`). The fix "
            "is not escaping by hand: keep the SQL text constant and pass values separately "
            "as parameters (`?` or `%s` placeholders), which the driver sends as data, "
            "never as SQL."
        ),
        hints=(
            "What would your query look like if the user typed `O'Brien`?",
            "Which parts of the SQL text change from call to call?",
            "How does your database driver let you pass values separately from the query?",
        ),
        next_step=(
            "Rewrite one query with placeholders, then test it with a name containing a "
            "quote — it should simply work."
        ),
        reading=(
            "OWASP: SQL Injection Prevention Cheat Sheet",
            "OWASP: Query Parameterization Cheat Sheet",
        ),
        example=(
            "cursor.execute(\n    'SELECT id, name FROM users WHERE email = ?',\n    (email,),\n)"
        ),
    ),
    Topic(
        id="security.xss",
        title="Cross-site scripting (XSS)",
        keywords=(
            "xss",
            "cross site scripting",
            "innerhtml",
            "sanitize html",
            "sanitise html",
            "escape html",
            "script injection",
            "dangerouslysetinnerhtml",
            "document.write",
        ),
        explanation=(
            "XSS happens when user-controlled text is inserted into a page as HTML, so the "
            "browser runs scripts the attacker wrote with your user's session. Insert text "
            "with `textContent` (or let your template engine escape it automatically), and "
            "only insert HTML that you have sanitised with a well-tested library. A Content "
            "Security Policy is a useful second layer."
        ),
        hints=(
            "Does this value end up being parsed as HTML, or shown as text?",
            "Where did the value come from — could a user have typed it?",
            "Does your template engine escape this output automatically?",
        ),
        next_step=(
            "Search your front-end code for `innerHTML` and replace each use with "
            "`textContent` unless you truly need markup."
        ),
        reading=("OWASP: Cross Site Scripting Prevention Cheat Sheet", "MDN: Node.textContent"),
        example="message.textContent = userComment;  // shown as text, never parsed as HTML",
    ),
    Topic(
        id="security.csrf",
        title="Cross-site request forgery (CSRF)",
        keywords=(
            "csrf",
            "xsrf",
            "cross site request forgery",
            "samesite",
            "csrf token",
            "anti forgery",
        ),
        explanation=(
            "CSRF tricks a logged-in user's browser into sending a state-changing request to "
            "your site from another site, riding on the user's cookies. Defend with "
            "`SameSite=Lax` (or Strict) session cookies, a per-session CSRF token checked on "
            "every unsafe method (POST, PUT, PATCH, DELETE), and never change state on GET."
        ),
        hints=(
            "Which of your endpoints change data, and which HTTP methods do they accept?",
            "What stops another site's form from posting to that endpoint with your cookies?",
            "What `SameSite` attribute do your session cookies have?",
        ),
        next_step=(
            "List your state-changing endpoints and check each one requires POST (or "
            "similar) plus a CSRF token or equivalent check."
        ),
        reading=(
            "OWASP: Cross-Site Request Forgery Prevention Cheat Sheet",
            "MDN: SameSite cookies",
        ),
    ),
    Topic(
        id="security.password-hashing",
        title="Storing passwords",
        keywords=(
            "password hash",
            "password hashing",
            "hash password",
            "store password",
            "bcrypt",
            "argon2",
            "scrypt",
            "pbkdf2",
            "salt",
            "md5",
            "sha256 password",
        ),
        explanation=(
            "Never store passwords, even encrypted: store a slow, salted hash made with a "
            "password-hashing function — Argon2id (preferred), scrypt or bcrypt. Fast hashes "
            "like MD5 or SHA-256 can be brute-forced by the billion per second. Use a "
            "library that handles salts and parameters, and compare with its verify function."
        ),
        hints=(
            "If your database leaked tomorrow, what could an attacker do with this column?",
            "How many guesses per second does your hash function allow?",
            "Where does the salt come from, and is it different for every user?",
        ),
        next_step=(
            "Hash and verify a password with `argon2-cffi`'s `PasswordHasher`, and look at "
            "what the stored string contains."
        ),
        reading=("OWASP: Password Storage Cheat Sheet", "argon2-cffi docs"),
        example=(
            "hasher = argon2.PasswordHasher()\n"
            "stored = hasher.hash(password)\n"
            "hasher.verify(stored, attempt)  # raises VerifyMismatchError if wrong"
        ),
    ),
    Topic(
        id="security.secrets-management",
        title="Secrets management",
        keywords=(
            "secret",
            "api key",
            "credential",
            "env var",
            "environment variable",
            "dotenv",
            "vault",
            "leaked key",
            "hardcoded password",
            "hard coded password",
            "api token",
            "private key",
        ),
        explanation=(
            "Secrets (API keys, passwords, private keys) do not belong in source code: "
            "anything committed lives on in git history, forks and CI logs. Load them at run "
            "time from environment variables or a secret manager, keep `.env` files out of "
            "git, and treat any secret that was ever committed as leaked: revoke and rotate it."
        ),
        hints=(
            "Who can read this repository, including its history?",
            "How would you rotate this key without changing the code?",
            "What does your app do if the secret is missing at start-up?",
        ),
        next_step=(
            "Move one hard-coded secret into an environment variable, fail fast with a clear "
            "message when it is missing, and rotate the old value."
        ),
        reading=("OWASP: Secrets Management Cheat Sheet", "The Twelve-Factor App: Config"),
        example=(
            "api_key = os.environ.get('PAYMENTS_API_KEY')\n"
            "if not api_key:\n"
            "    raise RuntimeError('set PAYMENTS_API_KEY')"
        ),
    ),
    Topic(
        id="security.path-traversal",
        title="Path traversal",
        keywords=(
            "path traversal",
            "directory traversal",
            "dot dot slash",
            "file path from user",
            "upload filename",
            "send_file",
            "safe path",
        ),
        explanation=(
            "If a file name from a user is joined onto a base folder, a name like "
            "`../../etc/passwd` (or an absolute path) escapes that folder. Resolve the final "
            "path and check it is still inside the base directory before using it, or map "
            "user input to an allow-list of known files instead of using it as a path."
        ),
        hints=(
            "What path do you get if the user sends `../../secret.txt`?",
            "What does `os.path.join` do when its second argument is absolute?",
            "Could you look the file up by ID instead of by user-supplied name?",
        ),
        next_step=(
            "Write a test that requests `../` in the file name and assert that your code "
            "refuses it."
        ),
        reading=("OWASP: Path Traversal", "Python docs: pathlib.Path.resolve, is_relative_to"),
        example=(
            "target = (BASE_DIR / name).resolve()\n"
            "if not target.is_relative_to(BASE_DIR.resolve()):\n"
            "    raise PermissionError('path escapes the base directory')"
        ),
    ),
    Topic(
        id="security.ssrf",
        title="Server-side request forgery (SSRF)",
        keywords=(
            "ssrf",
            "server side request forgery",
            "metadata endpoint",
            "internal ip",
            "fetch user url",
            "webhook url",
            "url from user",
        ),
        explanation=(
            "SSRF happens when your server fetches a URL chosen by a user: they can point it "
            "at internal services (`localhost`, cloud metadata endpoints, private networks) "
            "that are not reachable from outside. Allow-list destinations where you can; "
            "otherwise resolve the host, reject private and link-local addresses, disable "
            "redirects (or re-check each hop), and set short timeouts."
        ),
        hints=(
            "Which machines can your server reach that the user cannot?",
            "What happens if the user's URL redirects to your own machine (`127.0.0.1`)?",
            "Do you need arbitrary URLs, or would an allow-list of hosts do?",
        ),
        next_step=(
            "List every place your server fetches a URL that came from a request and add a "
            "host allow-list check in front of each."
        ),
        reading=("OWASP: Server-Side Request Forgery Prevention Cheat Sheet",),
    ),
    Topic(
        id="security.deserialization",
        title="Unsafe deserialization",
        keywords=(
            "deserialization",
            "deserialize",
            "pickle",
            "unpickle",
            "yaml load",
            "marshal",
            "serialize untrusted",
            "safe_load",
        ),
        explanation=(
            "Formats like pickle (and `yaml.load` with the default loader) can describe "
            "objects whose construction runs code, so loading attacker-controlled bytes "
            "means running attacker-controlled code. For data that crosses a trust boundary "
            "use a data-only format — JSON, or YAML via `yaml.safe_load` — and validate it."
        ),
        hints=(
            "Where do these bytes come from, and could anyone else have written them?",
            "Does this format only describe data, or can it describe objects to construct?",
            "What schema should the loaded data satisfy before you use it?",
        ),
        next_step=(
            "Replace one `pickle` or `yaml.load` on external data with JSON or "
            "`yaml.safe_load`, and validate the result."
        ),
        reading=(
            "Python docs: pickle (the warning at the top)",
            "OWASP: Deserialization Cheat Sheet",
        ),
        example="config = yaml.safe_load(stream)  # data only: no arbitrary objects",
    ),
    Topic(
        id="security.code-injection",
        title="Code injection (eval and friends)",
        keywords=(
            "eval",
            "exec",
            "code injection",
            "dynamic code",
            "literal_eval",
            "new function",
            "run code from string",
        ),
        explanation=(
            "`eval`/`exec` (and JavaScript's `eval`/`new Function`) run a string as code with "
            "your program's full permissions, so anyone who influences that string controls "
            "your program. To parse data use a parser (`json.loads`, `ast.literal_eval`, "
            "`JSON.parse`); to choose behaviour by name use a dict of allowed functions."
        ),
        hints=(
            "Could any part of this string ever come from a user, a file or the network?",
            "Are you evaluating data, or choosing which function to run?",
            "Which parser already understands the format you are reading?",
        ),
        next_step=(
            "Replace the `eval` with a parser or a lookup table, and add a test with a "
            "malicious-looking input to show it is treated as data."
        ),
        reading=("Python docs: ast.literal_eval", "OWASP: Code Injection"),
        example=(
            "handlers = {'start': start_job, 'stop': stop_job}\n"
            "handler = handlers.get(command)\n"
            "if handler is None:\n"
            "    raise ValueError(f'unknown command: {command!r}')"
        ),
    ),
    Topic(
        id="security.command-injection",
        title="OS command injection",
        keywords=(
            "command injection",
            "shell injection",
            "subprocess",
            "os.system",
            "shell true",
            "shell=true",
            "popen",
            "run command",
        ),
        explanation=(
            "When a command string goes through a shell (`shell=True`, `os.system`), "
            "characters such as `;`, `|` or `$(...)` inside a value start extra commands. "
            "Pass the program and its arguments as a list (`subprocess.run([...])`) so no "
            "shell is involved, and validate arguments that could look like options."
        ),
        hints=(
            "What would happen if a file name contained `; rm -rf ~`?",
            "Does this command need any shell feature (pipes, globbing), or just one program?",
            "Which parts of the command come from outside your program?",
        ),
        next_step=(
            "Rewrite one shell command as an argument list for `subprocess.run` with "
            "`check=True`, and test it with a file name containing spaces and a semicolon."
        ),
        reading=(
            "Python docs: subprocess — Security Considerations",
            "OWASP: OS Command Injection",
        ),
        example="subprocess.run(['convert', source, '-resize', '50%', target], check=True)",
    ),
)
