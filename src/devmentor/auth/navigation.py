"""Where a browser goes after signing in: only ever a path on this site."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

DEFAULT_NEXT = "/"
_MAX_LENGTH = 2000


def safe_next(value: str | None, default: str = DEFAULT_NEXT) -> str:
    """``value`` if it is a local path, else ``default`` (no open redirects).

    Refused: absolute URLs, scheme-relative ``//host``, backslashes (browsers read
    ``/\\host`` as ``//host``), control characters and anything overlong.
    """
    if not value or len(value) > _MAX_LENGTH:
        return default
    if not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def signin_url(next_path: str | None = None, *, error: str | None = None) -> str:
    """``/signin`` with a safe ``next`` (and an error code for the page to explain)."""
    query = []
    target = safe_next(next_path, default="")
    if target and target != DEFAULT_NEXT:
        query.append("next=" + quote(target, safe="/"))
    if error:
        query.append("error=" + quote(error, safe=""))
    return "/signin" + ("?" + "&".join(query) if query else "")


def describe_device(user_agent: str) -> str:
    """A short label for a session list ("Firefox on Linux"); "Unknown device" if unsure."""
    ua = user_agent.lower()
    if not ua:
        return "Unknown device"
    browser = next(
        (
            name
            for token, name in (
                ("edg/", "Edge"),
                ("opr/", "Opera"),
                ("firefox/", "Firefox"),
                ("chromium/", "Chromium"),
                ("headlesschrome/", "Chromium"),
                ("chrome/", "Chrome"),
                ("safari/", "Safari"),
                ("curl/", "curl"),
                ("python-", "Python client"),
                ("httpx", "Python client"),
            )
            if token in ua
        ),
        None,
    )
    system = next(
        (
            name
            for token, name in (
                ("android", "Android"),
                ("iphone", "iOS"),
                ("ipad", "iPadOS"),
                ("windows", "Windows"),
                ("mac os x", "macOS"),
                ("cros", "ChromeOS"),
                ("linux", "Linux"),
            )
            if token in ua
        ),
        None,
    )
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:60]
