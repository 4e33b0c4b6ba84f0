"""Read the hand-edited YAML files (sources, watches) strictly, with errors that point at the spot.

A key written twice in one mapping is an error rather than "the last one wins", so a
copy-paste slip cannot change the configuration silently. Text that is not UTF-8 names
the byte offset of the first bad byte; YAML that does not parse names the line and
column; nesting too deep to read is refused. Every problem is a ``ConfigFileError``
whose one-line message starts with the file.

A file is parsed (``pipeline.strict_yaml``) once per change of its text: its parsed form
is kept like bytecode (``pipeline.datacache``), so a quick command such as ``picket
sources`` does not load PyYAML at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.datacache import parsed
from pipeline.settings import ConfigError, not_utf8


class ConfigFileError(ConfigError):
    """A configuration file cannot be read or is not the YAML it should be."""

    def __init__(self, origin: object, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.reason = reason


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; a missing, unreadable or non-UTF-8 file is an error."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigFileError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigFileError(path, not_utf8(exc)) from None


def read_yaml(path: Path) -> Any:
    """The YAML document in the file ``path``, read strictly (see the module note)."""

    def parse(text: str) -> Any:
        from pipeline.strict_yaml import parse_yaml

        return parse_yaml(text, path)

    return parsed(path, parse, text=read_text(path))
