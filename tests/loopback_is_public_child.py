"""The crawler's child process, run as if 127.0.0.1 were a public internet address.

Tests of the private-address guard need a "public" site that redirects or links to a
private one; without DNS, the only site a test can serve is on loopback. Started in place
of ``crawlers.child`` (``crawlers.crawl.CHILD_MODULE``), this treats exactly 127.0.0.1 as
public and every other address as picket normally does, so 127.0.0.2, 10.x, 169.254.x and
::1 are still refused.
"""

from __future__ import annotations

import sys

import crawlers.middlewares
from crawlers import child

_is_public_address = crawlers.middlewares.is_public_address


def _loopback_is_public(address: str) -> bool:
    return address == "127.0.0.1" or _is_public_address(address)


crawlers.middlewares.is_public_address = _loopback_is_public

if __name__ == "__main__":
    sys.exit(child.main())
