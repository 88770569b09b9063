"""barenn: a bare-metal neural network in pure Python (standard library only).

Matrices are lists of rows (``list[list[float]]``); see ``barenn.matrix``.
"""

__version__ = "0.1.0"
