"""The base class of every error graphkit raises for a user's request or data.

Commands catch :class:`GraphkitError` once and show its message; anything else is a bug.
"""

from __future__ import annotations


class GraphkitError(Exception):
    """A problem with the user's data, names, query or options, explained in the message."""
