"""Tiny synthetic MNIST for the tests: 28x28 'digits' in the real IDX layout.

Each image is a band of ink whose height depends on its label, so a small network
can learn it in a few steps. The tests never need the real files in ../shared.
"""

import gzip
import random
import struct


def images_and_labels(n, seed):
    """(pixels, labels): n images as 784 bytes each (one ``bytes``), and n labels 0-9."""
    rng = random.Random(seed)
    pixels, labels = bytearray(), []
    for _ in range(n):
        label = rng.randrange(10)
        image = [0] * 784
        for r in range(4 + label * 2, 8 + label * 2):
            for c in range(6, 22):
                if rng.random() < 0.8:
                    image[r * 28 + c] = rng.randrange(60, 256)
        pixels += bytes(image)
        labels.append(label)
    return bytes(pixels), labels


def write_idx(directory, kind, n, seed, compress=False):
    """Write ``kind`` ("train" or "test") images and labels into ``directory`` under
    MNIST's file names (``.gz`` when ``compress``)."""
    prefix = "train" if kind == "train" else "t10k"
    pixels, labels = images_and_labels(n, seed)
    files = {f"{prefix}-images-idx3-ubyte": struct.pack(">IIII", 2051, n, 28, 28) + pixels,
             f"{prefix}-labels-idx1-ubyte": struct.pack(">II", 2049, n) + bytes(labels)}
    for name, body in files.items():
        if compress:
            (directory / (name + ".gz")).write_bytes(gzip.compress(body))
        else:
            (directory / name).write_bytes(body)
