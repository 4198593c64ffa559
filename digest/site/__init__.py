"""The site side: rendering pages with Jinja2, escaping, the MkDocs adapter and atomic publishing."""
