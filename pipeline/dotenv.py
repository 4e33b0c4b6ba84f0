"""The ``.env`` file's ``KEY=value`` lines, read as python-dotenv and docker compose read them.

picket's settings come from ``PICKET_*`` variables and, below them, from a ``.env`` file in
the working directory, which docker compose reads too; ``pipeline.settings`` uses this
module only when there is such a file.
"""

from __future__ import annotations

import os
import re

_BINDING = re.compile(
    r"""\s*
    (?:(?:export[^\S\r\n]+)?
       (?:'(?P<quoted_key>[^']+)'|(?P<key>[^=\#\s]+))
       [^\S\r\n]*
       (?:(?P<equals>=[^\S\r\n]*)
          (?>'(?P<single>(?:\\.|[^'\\])*)'|"(?P<double>(?:\\.|[^"\\])*)"|(?P<bare>[^\r\n]*))
       )?
    )?
    [^\S\r\n]*(?:\#[^\r\n]*)?(?:\r\n|\n|\r|$)""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n",
            "r": "\r", "t": "\t", "v": "\v"}  # fmt: skip
_DOUBLE_QUOTED_ESCAPE = re.compile(r"\\([\\'\"abfnrtv])")
_SINGLE_QUOTED_ESCAPE = re.compile(r"\\([\\'])")
_REST_OF_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")
_VARIABLE = re.compile(r"\$\{(?P<name>[^}:]*)(?::-(?P<default>[^}]*))?\}")


def dotenv_values(text: str) -> dict[str, str]:
    """The ``KEY=value`` lines of a ``.env`` file, read as python-dotenv (and docker compose)
    read them: an optional ``export``, values in single or double quotes (with backslash
    escapes) or bare up to a `` #`` comment, ``${NAME}`` and ``${NAME:-default}`` replaced
    by an earlier line's or the environment's value. A line that is none of these is skipped.
    """
    values: dict[str, str] = {}
    text = text.removeprefix("\ufeff")
    position = 0
    while position < len(text):
        binding = _BINDING.match(text, position)
        if binding is None or binding.end() == position:  # not a binding: skip its line
            position = _REST_OF_LINE.match(text, position).end() or len(text)
            continue
        position = binding.end()
        key = binding["quoted_key"] or binding["key"]
        if key is None or binding["equals"] is None:
            continue
        if binding["single"] is not None:
            value = _SINGLE_QUOTED_ESCAPE.sub(lambda m: m[1], binding["single"])
        elif binding["double"] is not None:
            value = _DOUBLE_QUOTED_ESCAPE.sub(lambda m: _ESCAPES[m[1]], binding["double"])
        elif len(binding["equals"]) > 1 and binding["bare"].startswith("#"):
            value = ""  # `KEY= # comment`: no value
        else:
            value = re.sub(r"\s+#.*", "", binding["bare"]).rstrip()
        values[key] = _VARIABLE.sub(
            lambda m: values.get(m["name"], os.environ.get(m["name"], m["default"] or "")), value
        )
    return values
