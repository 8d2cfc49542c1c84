"""The catalog's pages: the public catalog (:mod:`.public`), the workspace where units write their
innovations (:mod:`.workspace`) and the agency admins' review (:mod:`.review`). Views are thin:
parse input, ask the permission registry, call a service or selector, render."""
