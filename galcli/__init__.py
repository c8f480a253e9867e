"""galcli: a scientific writing assistant that checks citations, SMILES and formulas
before it prints them."""

__version__ = "0.1.0"
