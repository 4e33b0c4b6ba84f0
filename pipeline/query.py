"""picket's query language, for ``picket search`` and for watches: parse it once, then
compile it for each place it runs.

A query is words and "quoted phrases" joined by ``AND`` (also implied by a space), ``OR``
and ``NOT``, grouped with parentheses; ``AND`` binds tighter than ``OR``. ``field:value``
matches a tag field exactly (case-insensitive; a company also by an alias, and its brands),
and ``title:``/``body:`` limit words to one part of the story. Words are stemmed, so
``strikes`` finds ``strike``.

The parse gives an AST; ``to_engine_query`` turns it into Elasticsearch/OpenSearch query
DSL (searches, the percolator documents, and the filter of an email's Kibana link),
``to_sql`` into a condition over a SQLite table of stories (the SQLite store's, or the one
``pipeline.alerts.match`` builds), so one query means the same thing everywhere.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, NamedTuple

KEYWORD_FIELDS: tuple[str, ...] = (
    "companies",
    "actions",
    "struggles",
    "employment_types",
    "tags",
    "outlet",
    "source_id",
    "language",
)
"""Fields matched as exact values (any value of a list field)."""

TEXT_FIELDS: dict[str, str] = {"title": "title", "body": "body", "text": "body"}
"""Query field name -> indexed field for words limited to one part of the story."""

SEARCHED_FIELDS: tuple[str, ...] = ("title", "body")
"""The indexed fields a word without a field is looked for in (the story's title and text)."""

ENGLISH_STOP_WORDS = frozenset(
    (  # noqa: SIM905 (a word list reads best as words)
        "a an and are as at be but by for if in into is it no not of on or such that the their "
        "then there these they this to was will with"
    ).split()
)
"""The stop words of the engines' ``english`` analyzer (Lucene's English set)."""

STOP_TOKEN = "zzstopzz"
"""Stands in for a stop word on the SQLite side: it keeps the word's place, as the engines do."""

_CONTROL_CHARACTER = r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]"  # and lone surrogates
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019\uff07][sS]\b")

OPERATORS = ("AND", "OR", "NOT")

MAX_QUERY_TERMS = 300
"""The most words (each word of a phrase counts) and ``field:value`` terms one watch query
may have. Every store runs such a query: SQLite's expressions nest at most 1000 deep, and
the engines take at most 1024 clauses per query, with each word looked for in two fields."""

MAX_QUERY_DEPTH = 10
"""How deep ``AND``, ``OR`` and ``NOT`` may nest in one watch query, for the same stores."""

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<open>\()
    | (?P<close>\))
    | (?P<field>[A-Za-z_]+):
    | (?P<phrase>"[^"]*")
    | (?P<quote>")
    | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; the message says where and why."""

    def __init__(self, reason: str, query: str, position: int) -> None:
        shown = query if len(query) <= 100 else query[:100] + "..."
        super().__init__(f"{reason} at position {position + 1} of {shown!r}")
        self.reason = reason
        self.position = position


# --- AST --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Words:
    """Words that must occur in this order (one word, or a quoted phrase), stemmed."""

    text: str
    field: str | None = None  # "title" or "body"; None means either


@dataclass(frozen=True, slots=True)
class Keyword:
    """An exact value of a tag field, compared case-insensitively."""

    field: str
    value: str


@dataclass(frozen=True, slots=True)
class And:
    """Every child must match."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one child must match."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The child must not match."""

    child: Node


Node = Words | Keyword | And | Or | Not


# --- parsing ----------------------------------------------------------------------


class _Token(NamedTuple):
    """A piece of the query as the lexer reads it (a tuple: quicker to define than a record,
    and it never leaves this module)."""

    kind: str  # open, close, op, field, phrase, word
    text: str
    position: int


def _tokens(query: str) -> list[_Token]:
    tokens = []
    for found in _TOKEN.finditer(query):
        kind = found.lastgroup or ""
        text = found.group(kind)
        if kind == "space":
            continue
        if kind == "quote":
            raise QuerySyntaxError("unterminated quote", query, found.start())
        if kind == "word" and text in OPERATORS:
            kind = "op"
        if kind == "field":
            text = text.lower()
        tokens.append(_Token(kind, text, found.start()))
    return tokens


class _Parser:
    """Recursive descent over the tokens: or := and (OR and)*; and := not (AND? not)*."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.at = 0

    def parse(self) -> Node:
        if not self.tokens:
            raise QuerySyntaxError("the query is empty", self.query, 0)
        node = self._or()
        if self.at < len(self.tokens):
            token = self.tokens[self.at]
            raise QuerySyntaxError(f"unexpected {token.text!r}", self.query, token.position)
        return node

    def _peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _error(self, reason: str) -> QuerySyntaxError:
        token = self._peek()
        return QuerySyntaxError(reason, self.query, token.position if token else len(self.query))

    def _or(self) -> Node:
        children = [self._and()]
        while (token := self._peek()) and token.kind == "op" and token.text == "OR":
            self.at += 1
            children.append(self._and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def _and(self) -> Node:
        children = [self._not()]
        while (token := self._peek()) and not (token.kind == "close" or token.text == "OR"):
            if token.kind == "op" and token.text == "AND":
                self.at += 1
            children.append(self._not())
        return children[0] if len(children) == 1 else And(tuple(children))

    def _not(self) -> Node:
        token = self._peek()
        if token and token.kind == "op" and token.text == "NOT":
            self.at += 1
            return Not(self._not())
        return self._operand()

    def _operand(self) -> Node:
        token = self._peek()
        if token is None:
            raise self._error("expected a word, a phrase or '(' at the end")
        self.at += 1
        if token.kind == "open":
            node = self._or()
            closing = self._peek()
            if closing is None or closing.kind != "close":
                raise QuerySyntaxError("unclosed '('", self.query, token.position)
            self.at += 1
            return node
        if token.kind == "field":
            return self._field(token)
        if token.kind in ("phrase", "word"):
            return _words(token, None, self.query)
        self.at -= 1
        raise self._error(f"expected a word, a phrase or '(' before {token.text!r}")

    def _field(self, token: _Token) -> Node:
        value = self._peek()
        if value is None or value.kind not in ("phrase", "word"):
            raise QuerySyntaxError(
                f"{token.text}: needs a word or a quoted value", self.query, token.position
            )
        self.at += 1
        if token.text in TEXT_FIELDS:
            return _words(value, TEXT_FIELDS[token.text], self.query)
        if token.text in KEYWORD_FIELDS:
            text = value.text.strip('"').strip() if value.kind == "phrase" else value.text
            if not text:
                raise QuerySyntaxError(
                    f"{token.text}: has an empty value", self.query, token.position
                )
            return Keyword(token.text, text)
        known = ", ".join((*KEYWORD_FIELDS, *TEXT_FIELDS))
        raise QuerySyntaxError(
            f"unknown field {token.text!r} (known: {known})", self.query, token.position
        )


def _words(token: _Token, field: str | None, query: str) -> Words:
    text = token.text[1:-1].strip() if token.kind == "phrase" else token.text
    if not re.search(r"\w", text):
        raise QuerySyntaxError(f"{token.text!r} has no words to search for", query, token.position)
    return Words(" ".join(text.split()), field)


def parse_query(query: str) -> Node:
    """The AST of a query; raises ``QuerySyntaxError`` naming the problem and where, or the
    limit (``MAX_QUERY_TERMS``, ``MAX_QUERY_DEPTH``) a query goes beyond."""
    # SQLite's FTS5 chokes on NUL. Printable text has no such character, so the pattern is
    # compiled (once, by ``re``) only for a query that is not.
    if not query.isprintable() and (control := re.search(_CONTROL_CHARACTER, query)):
        raise QuerySyntaxError(
            "a control character or lone surrogate is not allowed", query, control.start()
        )
    too_deep = QuerySyntaxError(
        f"the query nests too deeply: more than the {MAX_QUERY_DEPTH} levels of AND, OR and "
        "NOT a watch query may have",
        query,
        0,
    )
    try:
        node = _Parser(query).parse()
        terms, depth = count_terms(node), query_depth(node)
    except RecursionError:  # thousands of nested "(" or NOTs
        raise too_deep from None
    if depth > MAX_QUERY_DEPTH:
        raise too_deep
    if terms > MAX_QUERY_TERMS:
        raise QuerySyntaxError(
            f"the query has {terms} terms, more than the {MAX_QUERY_TERMS} a watch query may have",
            query,
            0,
        )
    return node


def count_terms(node: Node) -> int:
    """How many words and ``field:value`` terms a query has (a phrase counts its words)."""
    if isinstance(node, Words):
        return len(node.text.split())
    if isinstance(node, Keyword):
        return 1
    if isinstance(node, Not):
        return count_terms(node.child)
    return sum(count_terms(child) for child in node.children)


def query_depth(node: Node) -> int:
    """How deep a query's ``AND``, ``OR`` and ``NOT`` nest (a lone term is depth 0)."""
    if isinstance(node, Words | Keyword):
        return 0
    if isinstance(node, Not):
        return 1 + query_depth(node.child)
    return 1 + max(query_depth(child) for child in node.children)


def rewrite_keywords(query: str, rewrite: Callable[[str, str], str]) -> str:
    """``query`` with the value of each ``field:value`` of a tag field replaced by
    ``rewrite(field, value)`` (quoted when it holds a space); the rest is kept as typed."""
    pieces: list[str] = []
    end = 0
    for field, value in pairwise(_tokens(query)):
        if field.kind != "field" or field.text not in KEYWORD_FIELDS:
            continue
        if value.kind not in ("phrase", "word"):
            continue
        text = value.text.strip('"').strip() if value.kind == "phrase" else value.text
        new = rewrite(field.text, text)
        if new != text:
            pieces += [query[end : value.position], f'"{new}"' if " " in new else new]
            end = value.position + len(value.text)
    return "".join(pieces) + query[end:]


# --- compilers --------------------------------------------------------------------


def keyword_values(node: Keyword) -> tuple[str, ...]:
    """The tag values a ``field:value`` term matches: the value, and for ``companies`` the
    name of an alias and the brands the company owns (``gazetteer.with_brands``)."""
    if node.field != "companies":
        return (node.value,)
    from pipeline.understand.gazetteer import with_brands

    return with_brands((node.value,))


def to_engine_query(node: Node) -> dict[str, Any]:
    """Elasticsearch/OpenSearch query DSL with the same meaning (a percolator document)."""
    if isinstance(node, Words):
        if node.field:
            return {"match_phrase": {node.field: node.text}}
        return {
            "multi_match": {"query": node.text, "fields": list(SEARCHED_FIELDS), "type": "phrase"}
        }
    if isinstance(node, Keyword):
        term = {"term": {node.field: {"value": node.value, "case_insensitive": True}}}
        names = keyword_values(node)[1:]
        if not names:
            return term
        # the gazetteer's names, as stories are tagged with them: one terms clause for all
        names_term = {"terms": {node.field: list(names)}}
        return {"bool": {"should": [term, names_term], "minimum_should_match": 1}}
    if isinstance(node, And):
        return {"bool": {"filter": [to_engine_query(c) for c in node.children]}}
    if isinstance(node, Or):
        return {
            "bool": {
                "should": [to_engine_query(c) for c in node.children],
                "minimum_should_match": 1,
            }
        }
    return {"bool": {"must_not": [to_engine_query(node.child)]}}


@dataclass(frozen=True, slots=True)
class SqlTable:
    """Where ``to_sql`` finds a story's words and tag values in a SQLite database.

    ``words`` is an FTS5 table (columns ``title`` and ``body``, text passed through
    ``fts_text``, Porter stemmer) whose rowid is the story row's. Keyword fields in ``lists``
    hold a JSON list, the others one value; ``lower`` names the SQL function that lower-cases
    a stored value (empty where values are stored lower-cased).
    """

    row: str
    words: str
    lists: Collection[str]
    lower: str = ""


def to_sql(node: Node, table: SqlTable) -> tuple[str, list[str]]:
    """A SQL condition on row ``table.row`` with the same meaning as ``to_engine_query``."""
    if isinstance(node, Words):
        words = fts_text(node.text).split()
        while words and words[0] == STOP_TOKEN:
            words.pop(0)
        while words and words[-1] == STOP_TOKEN:
            words.pop()
        if not words:
            return "0", []  # only stop words: the engines find nothing either
        columns = node.field or "{" + " ".join(SEARCHED_FIELDS) + "}"
        phrase = '"' + " ".join(words).replace('"', '""') + '"'
        return (
            f"{table.row}.rowid IN (SELECT rowid FROM {table.words} WHERE {table.words} MATCH ?)",
            [f"{columns} : {phrase}"],
        )
    if isinstance(node, Keyword):
        values = [value.lower() for value in keyword_values(node)]
        marks = ", ".join("?" for _ in values)
        if node.field in table.lists:
            condition = f"EXISTS (SELECT 1 FROM json_each({table.row}.{node.field}) "
            condition += f"WHERE {table.lower}(value) IN ({marks}))"
        else:
            condition = f"{table.lower}({table.row}.{node.field}) IN ({marks})"
        return condition, values
    if isinstance(node, Not):
        inner, params = to_sql(node.child, table)
        return f"NOT ({inner})", params
    joiner = " AND " if isinstance(node, And) else " OR "
    parts = [to_sql(c, table) for c in node.children]
    return (
        "(" + joiner.join(sql for sql, _ in parts) + ")",
        [p for _, params in parts for p in params],
    )


def fts_text(text: str) -> str:
    """Text as the SQLite side indexes and searches it, analyzed like the ``english`` analyzer.

    The Porter stemmer and lower-casing come from FTS5 itself; here possessives lose their
    "'s" and stop words become a placeholder that keeps their position, so "letter to
    protest" finds "letter of protest" on SQLite exactly as on the engines.
    """
    return _stop_word().sub(STOP_TOKEN, _POSSESSIVE.sub("", text))


@functools.cache
def _stop_word() -> re.Pattern[str]:
    """Matches a stop word; compiled when text is first indexed, not for every command."""
    from pipeline.understand.wordtrie import trie_pattern

    return re.compile(r"\b(?:" + trie_pattern(ENGLISH_STOP_WORDS) + r")\b", re.IGNORECASE)
