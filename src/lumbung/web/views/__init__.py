"""The site's own pages: the home page (:mod:`.public`) and a person's account
(:mod:`.accounts`). Views are thin: parse input, ask the permission registry, call a service or
selector, render."""
