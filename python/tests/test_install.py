"""pip install ./python against an installed library: the library and
program installed with meson into a temporary root, the package with pip
(no network: Debian's setuptools), then used from a fresh interpreter that
finds the library by the system's rules (LD_LIBRARY_PATH here)."""

import os
import shutil
import subprocess
import sys

from conftest import CHECKOUT


def test_pip_install_against_an_installed_library(tmp_path):
    build = os.environ.get("DYSSYNC_BUILD_DIR", str(CHECKOUT / "build"))
    root = tmp_path / "root"
    subprocess.run(["meson", "install", "-C", build, "--destdir", str(root), "--quiet"],
                   check=True, capture_output=True)
    libs = sorted(root.rglob("libdyssync.so.0"))
    assert libs, "meson install put no libdyssync.so.0 under the root"
    src = tmp_path / "src"
    shutil.copytree(CHECKOUT / "python", src, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation",
                    "--no-deps", "--no-index", "--target", str(site), str(src)],
                   check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DYSSYNC_")}
    env.update(PYTHONPATH=str(site), LD_LIBRARY_PATH=str(libs[0].parent))
    code = ("import dyssync, sys; r = dyssync.analyze(sys.argv[1]); "
            "print(dyssync.library_path, dyssync.__file__, r.indices['ts_sd_12_ms'])")
    p = subprocess.run([sys.executable, "-c", code,
                        str(CHECKOUT / "testdata" / "studies" / "lbbb_single.csv")],
                       env=env, capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    lib_path, module, ts = p.stdout.split()
    assert module.startswith(str(site))
    assert not lib_path.startswith(str(CHECKOUT))
    assert float(ts) > 0
