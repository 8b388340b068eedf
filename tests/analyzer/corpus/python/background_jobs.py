# Analyzer accuracy corpus: insecure and slow on purpose, and every annotation must stay on
# its line, so this file is not formatted, linted or type-checked. Where bandit reports a
# line that is a look-alike for a py.* rule, the `ok:` sits on a comment line just above.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Background jobs for the shop: report exports, backups and cache warmers."""

import asyncio
import marshal
import os
import pickle  # expect: bandit.B403
import shelve  # expect: bandit.B403
import subprocess  # expect: bandit.B404
import time

import requests
import yaml

BACKUP_COMMAND = "/usr/bin/pg_dump shop > /backups/shop.sql"


def export_report(report_name, output_dir):
    subprocess.run(f"make-report {report_name} > {output_dir}/out.csv", shell=True)  # expect: py.shell-injection, bandit.B602
    # ok: py.shell-injection
    subprocess.run(["/usr/bin/make-report", report_name], check=True)  # expect: bandit.B603
    # ok: py.shell-injection
    subprocess.run("/usr/bin/make-report --all", shell=True)  # expect: bandit.B602
    os.system("gzip " + output_dir + "/out.csv")  # expect: py.shell-injection, bandit.B605
    # ok: py.shell-injection
    os.system(BACKUP_COMMAND)  # expect: bandit.B605


def backup():
    command = "/usr/bin/pg_dump shop"
    # ok: py.shell-injection
    os.system(command)  # expect: bandit.B605


def run_formula(formula, values):
    return eval(formula, {}, values)  # expect: py.eval-exec, bandit.B307


def constant_formula():
    # ok: py.eval-exec
    return eval("2 * 21")  # expect: bandit.B307


def load_job(blob):
    return pickle.loads(blob)  # expect: py.unsafe-deserialization, bandit.B301


def clone_job(job):
    # ok: py.unsafe-deserialization
    return pickle.loads(pickle.dumps(job))  # expect: bandit.B301


def load_bytecode(blob):
    return marshal.loads(blob)  # expect: py.unsafe-deserialization, bandit.B302


def open_cache(path):
    return shelve.open(path)  # expect: py.unsafe-deserialization, bandit.B301


def read_settings(handle):
    unsafe = yaml.load(handle, Loader=yaml.Loader)  # expect: py.yaml-unsafe-load, bandit.B506
    everything = yaml.unsafe_load(handle)  # expect: py.yaml-unsafe-load
    safe = yaml.load(handle, Loader=yaml.SafeLoader)  # ok: py.yaml-unsafe-load
    simple = yaml.safe_load(handle)  # ok: py.yaml-unsafe-load
    return unsafe, everything, safe, simple


async def warm_cache(urls):
    for url in urls:
        requests.get(url, timeout=10)  # expect: py.blocking-call-in-async
        time.sleep(0.5)  # expect: py.blocking-call-in-async
        await asyncio.sleep(0.5)  # ok: py.blocking-call-in-async


async def warm_in_thread(url):
    def fetch():
        time.sleep(0.1)  # ok: py.blocking-call-in-async
        return requests.get(url, timeout=10).text  # ok: py.blocking-call-in-async

    return await asyncio.to_thread(fetch)


def warm_sync(url):
    time.sleep(1)  # ok: py.blocking-call-in-async
    return requests.get(url, timeout=10)  # ok: py.blocking-call-in-async
