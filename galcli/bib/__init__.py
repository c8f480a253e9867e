"""Bibliography data: .bib entries, their parsing and text normalisation (a base layer that
`verify/`, `retrieve/` and `tasks/` build on; see docs/architecture.md)."""
