"""From checked tables to RDF: the namespaces, the triples, and the persistent store."""
