"""Stand-ins for well-known packages whose macros formulas use: what galcli reads for
`\\usepackage{physics}` (or upgreek, dsfont, bbm, braket, commath, derivative, mhchem,
chemformula, hepnames) when the document does not ship the package beside it (then its own
copy is read: latex/project.py `local_packages`). Each is the package's math macros written as
\\newcommand, read by the one definitions parser (latex/texlex.py), so that `\\vb{x}` is the
bold x it prints and `\\qty(…)` no symbol of the formula.
"""

from __future__ import annotations

import re

# physics (v1.3): vectors, delimiters, derivatives, operators, bras and kets. \\qty keeps the
# delimiters it sizes: \\qty(a+b) is (a+b). Not \\mqty(…), whose argument is delimited by
# parentheses: its matrix stays unread.
PHYSICS = r"""
\newcommand{\vb}[1]{\mathbf{#1}}
\newcommand{\va}[1]{\vec{#1}}
\newcommand{\vu}[1]{\hat{\mathbf{#1}}}
\newcommand{\vdot}{\cdot}
\newcommand{\cross}{\times}
\newcommand{\cp}{\times}
\newcommand{\grad}{\nabla}
\newcommand{\divergence}{\nabla\cdot}
\newcommand{\curl}{\nabla\times}
\newcommand{\laplacian}{\nabla^2}
\newcommand{\qty}{}
\DeclarePairedDelimiter{\abs}{\lvert}{\rvert}
\DeclarePairedDelimiter{\norm}{\lVert}{\rVert}
\newcommand{\ev}[1]{\left\langle #1 \right\rangle}
\newcommand{\expval}[1]{\left\langle #1 \right\rangle}
\newcommand{\ket}[1]{\left| #1 \right\rangle}
\newcommand{\bra}[1]{\left\langle #1 \right|}
\newcommand{\braket}[2]{\left\langle #1 \middle| #2 \right\rangle}
\newcommand{\order}[1]{\mathcal{O}\left( #1 \right)}
\newcommand{\dd}{\mathrm{d}}
\DeclareMathOperator{\tr}{tr}
\DeclareMathOperator{\Tr}{Tr}
\DeclareMathOperator{\rank}{rank}
\DeclareMathOperator{\erf}{erf}
"""


def _derivative(name: str, d: str) -> str:
    """physics' `\\dv[n]{f}{x}` or `\\pdv[n]{f}{x}` (`d`: its d or ∂), the order optional, as
    one line of TeX."""
    return (
        rf"\newcommand{{\{name}}}[3][]{{\ifx\relax#1\relax\frac{{{d} #2}}{{{d} #3}}\else"
        rf"\frac{{{d}^{{#1}} #2}}{{{d} #3^{{#1}}}}\fi}}" + "\n"
    )


PHYSICS += _derivative("dv", r"\mathrm{d}") + _derivative("pdv", r"\partial")

# upgreek: upright Greek letters, the same symbols as the italic ones
_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
).split()
UPGREEK = "".join(rf"\newcommand{{\up{g}}}{{\{g}}}" + "\n" for g in _GREEK if g[0].islower())
UPGREEK += "".join(
    rf"\newcommand{{\Up{g[0].lower() + g[1:]}}}{{\{g}}}" + "\n" for g in _GREEK if g[0].isupper()
)

# braket: one argument, its bars as written (\braket{\phi|\psi})
BRAKET = r"""
\newcommand{\bra}[1]{\left\langle #1 \right|}
\newcommand{\ket}[1]{\left| #1 \right\rangle}
\newcommand{\braket}[1]{\left\langle #1 \right\rangle}
\newcommand{\Bra}[1]{\left\langle #1 \right|}
\newcommand{\Ket}[1]{\left| #1 \right\rangle}
\newcommand{\Braket}[1]{\left\langle #1 \right\rangle}
"""

# commath: delimiters, differentials and derivatives
COMMATH = r"""
\DeclarePairedDelimiter{\abs}{\lvert}{\rvert}
\DeclarePairedDelimiter{\norm}{\lVert}{\rVert}
\newcommand{\dif}{\mathrm{d}}
"""
COMMATH += _derivative("od", r"\mathrm{d}") + _derivative("pd", r"\partial")

# derivative: \odv and \pdv, the order optional
DERIVATIVE = _derivative("odv", r"\mathrm{d}") + _derivative("pdv", r"\partial")

# chemistry (mhchem's \ce, chemformula's \ch): a formula written upright, one name, no symbols
MHCHEM = r"\newcommand{\ce}[1]{\mathrm{#1}}" + "\n"
CHEMFORMULA = r"\newcommand{\ch}[1]{\mathrm{#1}}" + "\n"

# hepnames (and hepparticles' \HepProcess): the particles most papers name, upright as set
_PARTICLES = {
    "Pelectron": r"\mathrm{e}^{-}", "Ppositron": r"\mathrm{e}^{+}", "Pe": r"\mathrm{e}",
    "Pmuon": r"\mu^{-}", "APmuon": r"\mu^{+}", "Pmu": r"\mu",
    "Ptauon": r"\tau^{-}", "APtauon": r"\tau^{+}",
    "Pnue": r"\nu_{\mathrm{e}}", "APnue": r"\bar{\nu}_{\mathrm{e}}",
    "Pnum": r"\nu_{\mu}", "APnum": r"\bar{\nu}_{\mu}",
    "Pnut": r"\nu_{\tau}", "APnut": r"\bar{\nu}_{\tau}", "Pnu": r"\nu", "APnu": r"\bar{\nu}",
    "Pphoton": r"\gamma", "Pgamma": r"\gamma", "Pgluon": r"\mathrm{g}",
    "Pproton": r"\mathrm{p}", "APproton": r"\bar{\mathrm{p}}", "Pneutron": r"\mathrm{n}",
    "APneutron": r"\bar{\mathrm{n}}", "Pp": r"\mathrm{p}", "Pn": r"\mathrm{n}",
    "Ppiplus": r"\pi^{+}", "Ppiminus": r"\pi^{-}", "Ppizero": r"\pi^{0}", "Ppi": r"\pi",
    "PKplus": r"\mathrm{K}^{+}", "PKminus": r"\mathrm{K}^{-}", "PKzero": r"\mathrm{K}^{0}",
    "PWplus": r"\mathrm{W}^{+}", "PWminus": r"\mathrm{W}^{-}", "PZzero": r"\mathrm{Z}^{0}",
    "PZ": r"\mathrm{Z}", "PW": r"\mathrm{W}", "PHiggs": r"\mathrm{H}",
}  # fmt: skip
HEPNAMES = "".join(rf"\newcommand{{\{name}}}{{{tex}}}" + "\n" for name, tex in _PARTICLES.items())
HEPPARTICLES = r"\newcommand{\HepProcess}[1]{#1}" + "\n"

STAND_INS = {
    "physics": PHYSICS,
    "upgreek": UPGREEK,
    "dsfont": r"\newcommand{\mathds}[1]{\mathbb{#1}}" + "\n",
    "bbm": r"\newcommand{\mathbbm}[1]{\mathbb{#1}}" + "\n",
    "braket": BRAKET,
    "commath": COMMATH,
    "derivative": DERIVATIVE,
    "mhchem": MHCHEM,
    "chemformula": CHEMFORMULA,
    "hepnames": HEPNAMES + HEPPARTICLES,
    "hepparticles": HEPPARTICLES,
}


# The AAS journals' classes (aastex, aastex6…aastex7, emulateapj) and A&A's: the astronomers'
# symbols they define (M_\sun, 40\degr, 3\arcsec)
AASTEX = r"""
\newcommand{\sun}{\odot}
\newcommand{\earth}{\oplus}
\newcommand{\degr}{^{\circ}}
\newcommand{\arcdeg}{^{\circ}}
\newcommand{\arcmin}{'}
\newcommand{\arcsec}{''}
\newcommand{\fdg}{.^{\circ}}
\newcommand{\farcm}{.'}
\newcommand{\farcs}{.''}
\newcommand{\micron}{\mu\mathrm{m}}
\newcommand{\la}{\lesssim}
\newcommand{\ga}{\gtrsim}
"""
_CLASSES = re.compile(r"aastex\d*|emulateapj|aa")


def class_stand_in(name: str) -> str | None:
    """The stand-in for the macros of a document class (`\\documentclass{aastex631}`), if
    galcli has one."""
    return AASTEX if _CLASSES.fullmatch(name.strip()) else None
