"""Great Expectations imported through `expectations.gx_import`: scipy.stats is not executed until
something reads it, the GX engine validates as before, and the statistics load in full on first use."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_gx_imports_without_running_scipy_stats_and_loads_it_on_first_use() -> None:
    script = textwrap.dedent(
        """
        import sys
        from expectations import gx_import
        gx_import.load()
        stats = sys.modules["scipy.stats"]
        executed = [name for name in sys.modules if name.startswith("scipy.stats.")]
        print("deferred", type(stats).__name__, len(executed))
        from scipy import stats as same
        assert same is stats
        assert round(float(stats.entropy([0.5, 0.5], [0.9, 0.1])), 6) == 0.510826
        print("loaded", type(sys.modules["scipy.stats"]).__name__, hasattr(stats, "kstest"))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.split("\n")
    assert "deferred _LazyModule 0" in lines
    assert "loaded module True" in lines
