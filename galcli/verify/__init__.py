"""Checks that need no model: BibTeX, LaTeX scanning, SMILES, formulas. Nothing here imports
torch or transformers."""
