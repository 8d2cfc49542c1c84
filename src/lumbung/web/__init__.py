"""Pages: base templates, navigation, static assets and accessibility helpers."""
