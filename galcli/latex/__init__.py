"""The one reader of LaTeX: lexing, cite commands, scanning and the project tree (\\input…).

Every other module reads LaTeX through here; none scans for `\\cite` itself
(docs/architecture.md).
"""
