"""Running the comparison baseline (bench/baseline_scipy.py) from tests/accuracy.py and
tests/bench.py.

The baseline needs NumPy and SciPy; the harness itself needs only the standard library.
The interpreter that runs the baseline is the first of this Python and /usr/bin/python3
(where Debian's python3-numpy and python3-scipy, which `make accuracy` and `make bench`
install, live) that imports both.  When neither does, the harness stops with
BaselineMissing's message instead of writing a table with the baseline's columns blank.
"""
import os
import subprocess
import sys

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "bench", "baseline_scipy.py")

# The Debian interpreter the python3-numpy / python3-scipy packages install into.
SYSTEM_PYTHON = "/usr/bin/python3"


class BaselineMissing(Exception):
    """The baseline cannot run here."""


def command():
    """[interpreter, script]: the command the baseline's study paths are appended to."""
    if not os.path.isfile(SCRIPT):
        raise BaselineMissing("%s not found" % SCRIPT)
    tried = []
    for py in dict.fromkeys([sys.executable, SYSTEM_PYTHON]):
        if not py or not os.access(py, os.X_OK):
            continue
        tried.append(py)
        try:
            ok = subprocess.run([py, "-c", "import numpy, scipy.signal"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                timeout=120).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return [py, SCRIPT]
    raise BaselineMissing(
        "the baseline (bench/baseline_scipy.py) needs NumPy and SciPy, and no interpreter "
        "imports them (tried: %s). Install them (Debian: apt-get install python3-numpy "
        "python3-scipy; `make accuracy` and `make bench` do this as root) and run again."
        % (", ".join(tried) or "none found"))
