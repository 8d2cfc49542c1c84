"""Server-rendered pages. Views are thin: parse input, ask the permission registry, call a
service or selector, render."""
