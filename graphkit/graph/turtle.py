"""Turtle that spells every literal as the graph holds it.

rdflib writes ``"4"^^xsd:decimal`` as ``4.0`` and ``"1000"^^xsd:double`` as ``1e+03``: short
forms that read back as other literals than the graph holds. :class:`CanonicalTurtleSerializer`
is rdflib's Turtle writer except that such a literal is written in full. It is registered as
the rdflib format :data:`TURTLE`; this module imports rdflib, so commands that write no Turtle
never load it.
"""

from __future__ import annotations

from rdflib import Literal, plugin
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.serializer import Serializer
from rdflib.term import Node

TURTLE = "graphkit-turtle"


class CanonicalTurtleSerializer(TurtleSerializer):
    """rdflib's Turtle writer, except that a literal whose short form would change its lexical
    form is written in full (see the module's docstring)."""

    def label(self, node: Node, position: int) -> str:
        """The Turtle text of ``node``."""
        written = super().label(node, position)
        if isinstance(node, Literal) and not written.startswith('"') and written != str(node):
            return node._literal_n3(
                use_plain=False, qname_callback=lambda datatype: self.get_pname(datatype, True)
            )
        return written


plugin.register(TURTLE, Serializer, __name__, "CanonicalTurtleSerializer")
