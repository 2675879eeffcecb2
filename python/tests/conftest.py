"""Shared set-up: the checkout, the CLI program, and a rule that a skipped
test fails the run (make test skips nothing silently)."""

import os
import subprocess
from pathlib import Path


CHECKOUT = Path(__file__).resolve().parents[2]
TESTDATA = CHECKOUT / "testdata"


def program() -> str:
    return os.environ.get("DYSSYNC_PROGRAM", str(CHECKOUT / "build" / "cli" / "dyssync"))


def cli(*args, check=True, cwd=None) -> subprocess.CompletedProcess:
    p = subprocess.run([program(), *map(str, args)], capture_output=True, text=True, cwd=cwd)
    if check and p.returncode != 0:
        raise AssertionError(f"dyssync {' '.join(map(str, args))}: exit {p.returncode}\n{p.stderr}")
    return p


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} test(s) skipped: make test skips nothing", red=True)


def pytest_sessionfinish(session, exitstatus):
    rep = session.config.pluginmanager.get_plugin("terminalreporter")
    if rep is not None and rep.stats.get("skipped") and session.exitstatus == 0:
        session.exitstatus = 1
