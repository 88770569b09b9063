"""Escapes found by the fuzz (tests/test_fuzz.py) and their fixes.

``KNOWN_ESCAPES`` lists the escapes left in the files the lead is rewriting (issue
19): (callable, argument kind) -> the raw error type. The fuzz skips exactly those;
each has a tiny reproduction below marked ``xfail(strict=True)``, so the day it is
fixed the test "unexpectedly passes", fails, and says to drop its line here.
"""

import pytest

# (callable as the fuzz names it, argument kind) -> raw error type name
KNOWN_ESCAPES = {}


def argument_kinds(value):
    """The kinds of hostile argument ``value`` is (a set of words), for KNOWN_ESCAPES."""
    kinds = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2 ** 63 - 1:
            kinds.add("int beyond 2**63")
            if abs(v) > 2 ** 1023 * 2:
                kinds.add("int beyond a float")
        elif isinstance(v, (list, tuple)) and len(v) < 100:
            stack.extend(v)
        if isinstance(v, (tuple, bytes, int)) and not isinstance(v, bool):
            kinds.add("non-string label") if not isinstance(v, int) else None
        if type(v).__name__ == "OnlyRandom":
            kinds.add("random() alone")
        if type(v).__name__ == "Value" and not isinstance(getattr(v, "label", ""), str):
            kinds.add("non-string label")
    return kinds
