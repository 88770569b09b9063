"""Instructions per epoch of the spiral network: a speed figure that load cannot blur.

Run from the repository root (valgrind needed; about a minute)::

    python benchmarks/instructions.py [--epochs 20]

Times on a shared machine scatter by tens of percent; the number of machine
instructions a run executes does not. This script runs benchmarks/spiral.py's
problem (the walkthrough's 2-64-3 network, 300 points, full batch, Adam) under
``valgrind --tool=callgrind`` three ways, each for 0 and for ``--epochs`` epochs,
and prints the difference per epoch:

* the straight line (``StraightLine`` in benchmarks/spiral.py: no checks, no objects);
* ``Network.fit`` on the fast tier (the default);
* ``Network.fit(fast=False)``: the reference tier, the code the lessons point to.

Instructions are not seconds (a cache miss costs more than an add), so read the
ratios beside benchmarks/spiral.py's CPU times. Without valgrind it says so and
exits with status 0.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = """
import sys
sys.path[:0] = [{root!r}, {here!r}]
import spiral as bench
mode, epochs = sys.argv[1], int(sys.argv[2])
X, y, W1, W2 = bench.make_problem()
if mode == "straight":
    line = bench.StraightLine(W1, W2)
    for _ in range(epochs):
        line.epoch(X, y)
else:
    bench.make_network(W1, W2).fit(X, y, epochs=epochs, verbose=0, fast=mode == "fast")
"""


def instructions(script, mode, epochs):
    """Instructions the whole process executed (callgrind's 'Collected' count)."""
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out",
             sys.executable, script, mode, str(epochs)],
            capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20, help="epochs measured (default 20)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind); nothing measured")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "run.py")
        with open(script, "w", encoding="utf-8") as f:
            f.write(RUN.format(root=os.path.dirname(HERE), here=HERE))
        per_epoch = {}
        for mode in ("straight", "fast", "reference"):
            per_epoch[mode] = (instructions(script, mode, args.epochs)
                               - instructions(script, mode, 0)) / args.epochs
    print(f"Python {sys.version.split()[0]}: instructions per epoch of the 2-64-3 spiral "
          f"network (valgrind callgrind, {args.epochs} epochs)")
    print(f"{'version':<28} {'instructions':>14} {'x straight':>11}")
    for mode, label in (("straight", "straight line"), ("fast", "Network.fit (fast tier)"),
                        ("reference", "fit(fast=False) (reference)")):
        print(f"{label:<28} {per_epoch[mode]:>14,.0f} {per_epoch[mode] / per_epoch['straight']:>11.3f}")
    print(f"reference / fast: {per_epoch['reference'] / per_epoch['fast']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
