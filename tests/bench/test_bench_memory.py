"""The benchmark's memory of a whole process tree: itself and what it started, summed at once."""

from __future__ import annotations

import subprocess
import sys

from bench.memory import TreeMemory, tree_resident


def test_a_childs_memory_counts_while_it_runs() -> None:
    hold = "import sys, time; x = bytearray(80 * 2**20); sys.stdout.write('ready\\n'); sys.stdout.flush(); time.sleep(5)"
    with TreeMemory() as memory:
        child = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        now = tree_resident()
        assert child.pid in now and now[child.pid] > 80 * 2**20
        memory._note()  # a sample while the child holds its 80 MiB (the thread takes one every 0.1 s)
        child.kill()
        child.wait()
    own = max(size for pid, size in now.items() if pid != child.pid)
    assert memory.peak >= own + 80 * 2**20
    assert any("python -c" in name for name in memory.at_peak), memory.at_peak
    assert child.pid not in tree_resident()  # gone from the tree once it ended
