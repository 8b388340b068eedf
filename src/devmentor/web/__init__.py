"""Server-rendered web UI: Jinja2 pages, small hand-written CSS and JS, no build step."""
