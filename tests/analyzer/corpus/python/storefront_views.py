# Analyzer accuracy corpus: insecure on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Flask views for the shop's storefront (py.* security rules and their look-alikes)."""

import os
import sqlite3

import jwt
import requests
from flask import Flask, render_template, render_template_string, request, send_file, send_from_directory
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from werkzeug.utils import secure_filename

app = Flask(__name__)
app.secret_key = "k9#Lq2!vT7xP0wZ4"  # expect: py.hardcoded-secret, bandit.B105, secret.keyword
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "")  # ok: py.hardcoded-secret
STRIPE_API_KEY = "<your-stripe-key>"  # ok: py.hardcoded-secret
auth_header = f"Bearer {os.environ.get('SHOP_API_TOKEN', '')}"  # ok: py.hardcoded-secret
UPLOADS = "/srv/uploads"

pages = Environment(loader=FileSystemLoader("templates"))  # expect: py.autoescape-off, bandit.B701
emails = Environment(loader=FileSystemLoader("mail"), autoescape=select_autoescape())  # ok: py.autoescape-off
raw_pages = Environment(loader=FileSystemLoader("templates"), autoescape=False)  # expect: py.autoescape-off, bandit.B701


def db():
    return sqlite3.connect("shop.db")


@app.route("/search")
def search():
    term = request.args.get("q", "")
    cursor = db().cursor()
    cursor.execute(f"SELECT id, name FROM products WHERE name LIKE '%{term}%'")  # expect: py.sql-injection, bandit.B608
    cursor.execute("SELECT id, name FROM products WHERE name LIKE ?", (f"%{term}%",))  # ok: py.sql-injection
    return render_template("search.html", rows=cursor.fetchall())


@app.route("/orders/<customer>")
def orders(customer):
    sort = request.args.get("sort", "created")
    query = "SELECT id, total FROM orders WHERE customer = '" + customer + "'"  # expect: bandit.B608
    query += " ORDER BY " + sort
    cursor = db().cursor()
    cursor.execute(query)  # expect: py.sql-injection
    cursor.execute("DELETE FROM carts WHERE customer = %s" % customer)  # expect: py.sql-injection, bandit.B608
    cursor.execute("SELECT id FROM orders WHERE customer = :c", {"c": customer})  # ok: py.sql-injection
    return {"rows": cursor.fetchall()}


@app.route("/greet")
def greet():
    name = request.args.get("name", "guest")
    page = "<h1>Hello " + name + "</h1>"
    html = render_template_string(page)  # expect: py.ssti
    safe = render_template_string("<h1>Hello {{ name }}</h1>", name=name)  # ok: py.ssti
    return html + safe


@app.route("/preview", methods=["POST"])
def preview():
    body = request.form["template"]
    return Template(body).render()  # expect: py.ssti, py.autoescape-off


@app.route("/download")
def download():
    filename = request.args["file"]
    return send_file(os.path.join(UPLOADS, filename))  # expect: py.path-traversal


@app.route("/attachment")
def attachment():
    filename = secure_filename(request.args["file"])
    return send_file(os.path.join(UPLOADS, filename))  # ok: py.path-traversal


@app.route("/static-file")
def static_file():
    return send_from_directory(UPLOADS, request.args["file"])  # ok: py.path-traversal


@app.route("/theme")
def theme():
    with open("/srv/themes/" + request.args["name"]) as handle:  # expect: py.path-traversal
        return handle.read()


@app.route("/me")
def me():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: py.jwt-no-verify
    checked = jwt.decode(token, os.environ["JWT_KEY"], algorithms=["HS256"])  # ok: py.jwt-no-verify
    return {"user": claims["sub"], "checked": checked["sub"]}


def legacy_claims(token, key):
    return jwt.decode(token, key, algorithms=["HS256", "none"])  # expect: py.jwt-no-verify


def fetch_rates(base):
    reply = requests.get("https://rates.example.com/latest", params={"base": base})  # expect: py.requests-no-timeout, bandit.B113
    later = requests.get("https://rates.example.com/next", timeout=5)  # ok: py.requests-no-timeout
    return reply.json(), later.json()


def notify(url, payload):
    return requests.post(url, json=payload, timeout=None)  # expect: py.requests-no-timeout, bandit.B113


def connect_smtp(client):
    client.login(user="shop", password="Zx81-Spectrum!")  # expect: py.hardcoded-secret, bandit.B106, secret.keyword
    client.login(user="shop", password=os.environ["SMTP_PASSWORD"])  # ok: py.hardcoded-secret


DEFAULTS = {
    "api_key": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",  # expect: py.hardcoded-secret, secret.api-key, secret.high-entropy, secret.keyword
    "backup_api_key": "",  # ok: py.hardcoded-secret
    "partner_api_key": "<partner-key>",  # ok: py.hardcoded-secret
}
