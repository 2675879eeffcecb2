"""The structs declared to cffi (dyssync/_lib.py) have the compiler's
layout: abi_layout (tests/abi_layout.c) prints sizes and offsets."""

import os
import subprocess

from dyssync._lib import ffi
from conftest import CHECKOUT


def test_struct_layouts_match_the_compiler():
    exe = os.environ.get("DYSSYNC_ABI_LAYOUT", str(CHECKOUT / "build" / "tests" / "abi_layout"))
    lines = subprocess.run([exe], capture_output=True, text=True, check=True).stdout.split("\n")
    checked = 0
    for line in filter(None, lines):
        struct, field, value = line.split()
        want = ffi.sizeof(struct) if field == "-" else ffi.offsetof(struct, field)
        assert want == int(value), f"{struct} {field}: cffi {want}, C {value}"
        checked += 1
    assert checked >= 40
