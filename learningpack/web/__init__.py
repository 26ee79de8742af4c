"""The web layer shared by every area: access, errors, headers, templating, forms."""
