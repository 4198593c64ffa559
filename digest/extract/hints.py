"""Editors' regular expressions (outlet hints), compiled by RE2.

Hints come from pull requests. RE2 matches in linear time, so no pattern can make a build
hang on catastrophic backtracking; patterns RE2 cannot compile are reported by the schema.
"""

from __future__ import annotations

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are reported through the schema, not printed by RE2

HintError = re2.error


def compile_hint(pattern: str):
    """Compile one hint; raises HintError for a pattern RE2 rejects."""
    return re2.compile(pattern, _OPTIONS)
