"""In-app management of organisations, mounted at ``kelola/``: platform admins set up agencies;
an agency's innovation admins keep its unit tree, people, roles and partners. Pages only: every
write goes through :mod:`..services` and :mod:`..people`, every check through the policies."""
