"""Speed of trailscan against checkov, measured in the same run, reported as a ratio.

checkov pins ``bc-python-hcl2``, which installs the same ``hcl2`` import package as
python-hcl2, so it never goes into the project's environment: this script builds its own
virtual environment (``benchmarks/.venv-checkov``) the first time and skips the peer with
a clear message when that cannot be done (no package index, say).

Usage::

    python benchmarks/bench.py [--repeat 5] [PATH ...]     # default: samples/ and the corpus

Absolute seconds depend on the machine; the ratio (checkov time / trailscan time) over
the same files in the same run is the figure to quote.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEER_VENV = HERE / ".venv-checkov"


def _python(env_dir: Path) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"


def ensure_checkov() -> Path | None:
    """A checkov executable in its own venv, or None (with the reason printed)."""
    exe = PEER_VENV / "bin" / "checkov"
    if exe.exists():
        return exe
    print(f"building {PEER_VENV} with checkov (one-off, a few minutes)...", file=sys.stderr)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(PEER_VENV)
        subprocess.run(
            [str(_python(PEER_VENV)), "-m", "pip", "install", "-q", "checkov"],
            check=True,
            timeout=1800,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"SKIP checkov: could not build its environment ({exc})", file=sys.stderr)
        shutil.rmtree(PEER_VENV, ignore_errors=True)
        return None
    return exe if exe.exists() else None


def time_command(cmd: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = args.paths or [ROOT / "samples", ROOT / "tests" / "corpus"]
    paths = [p for p in paths if p.exists()]
    trailscan = [sys.executable, "-m", "scanner", *map(str, paths), "--format", "json", "--no-color"]
    ours = time_command(trailscan, args.repeat)
    print(f"trailscan  median {statistics.median(ours):.3f}s over {args.repeat} runs")
    exe = ensure_checkov()
    if exe is None:
        return 0
    peer_cmd = [str(exe), "--quiet", "--compact", "-o", "json", "--framework", "terraform,cloudformation"]
    for p in paths:
        peer_cmd += ["-d", str(p)]
    peer = time_command(peer_cmd, args.repeat)
    print(f"checkov    median {statistics.median(peer):.3f}s over {args.repeat} runs")
    print(f"ratio checkov/trailscan: {statistics.median(peer) / statistics.median(ours):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
