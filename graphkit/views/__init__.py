"""What people read: tables, pictures, figures, exports and the SPARQL endpoint page."""
