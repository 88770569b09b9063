"""What the two MNIST examples share: where the files are, and reading them.

Not an example itself. The examples import it from their own folder (a script's
folder is on ``sys.path`` when Python runs it).
"""

import os
from pathlib import Path

from barenn.datasets import load_mnist
from barenn.realdata import MNIST_FILES

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "datasets" / "mnist"


def has_files(directory):
    """True when the four IDX files (gzipped or not) are in ``directory``."""
    folder = Path(directory)
    return all((folder / name).exists() or (folder / (name + ".gz")).exists()
               for pair in MNIST_FILES.values() for name in pair)


def read(directory, train_limit=None, test_limit=None):
    """``(train_images, train_labels, test_images, test_labels)`` from ``directory``
    (the official 60,000 training and 10,000 t10k test images, or their first
    ``*_limit`` ones), or None after printing why not when the files are absent.
    Files that are there but unreadable stop the example with exit status 1."""
    if not has_files(directory):
        print(f"The MNIST files are not in {os.path.abspath(directory)}.")
        print("This example needs train-images-idx3-ubyte, train-labels-idx1-ubyte,")
        print("t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may end in .gz).")
        print("Fetch them with:")
        print("  python -c \"from barenn.realdata import download_mnist; download_mnist('mnist', log=print)\"")
        print("and run again with --data mnist.")
        return None
    try:
        images, labels = load_mnist(directory, "train", train_limit)
        test_images, test_labels = load_mnist(directory, "test", test_limit)
    except (OSError, ValueError) as error:
        print(f"cannot read MNIST from {os.path.abspath(directory)}: {error}")
        raise SystemExit(1) from None
    return images, labels, test_images, test_labels
