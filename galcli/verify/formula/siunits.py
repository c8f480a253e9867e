"""siunitx's quantities in a formula, written as they print: `\\SI{108}{\\kilo\\parsec}` is
108 kpc, `\\si{\\nano\\second}` is ns, `\\num{2e3}` is 2 × 10³. The unit is written
`\\textup{kpc}`, text and no symbol of the formula (verify/formula/atoms.py), read as written.
Applied with the document's macros (verify/formula/macros.py), before anything is parsed.
"""

from __future__ import annotations

import re

from galcli.latex.texlex import arguments

_PREFIXES = {
    "yocto": "y", "zepto": "z", "atto": "a", "femto": "f", "pico": "p", "nano": "n",
    "micro": "µ", "milli": "m", "centi": "c", "deci": "d", "deca": "da", "deka": "da",
    "hecto": "h", "kilo": "k", "mega": "M", "giga": "G", "tera": "T", "peta": "P", "exa": "E",
    "zetta": "Z", "yotta": "Y",
}  # fmt: skip
_UNITS = {
    "metre": "m", "meter": "m", "second": "s", "gram": "g", "kilogram": "kg", "kelvin": "K",
    "ampere": "A", "mole": "mol", "candela": "cd", "hertz": "Hz", "newton": "N", "pascal": "Pa",
    "joule": "J", "watt": "W", "coulomb": "C", "volt": "V", "ohm": "Ω", "siemens": "S",
    "farad": "F", "henry": "H", "tesla": "T", "weber": "Wb", "becquerel": "Bq", "gray": "Gy",
    "sievert": "Sv", "lumen": "lm", "lux": "lx", "radian": "rad", "steradian": "sr",
    "degreeCelsius": "°C", "celsius": "°C", "degree": "°", "arcminute": "′", "arcsecond": "″",
    "minute": "min", "hour": "h", "day": "d", "litre": "L", "liter": "L", "tonne": "t",
    "electronvolt": "eV", "eV": "eV", "dalton": "Da", "astronomicalunit": "au", "parsec": "pc",
    "percent": "%", "bar": "bar", "angstrom": "Å", "bel": "B", "decibel": "dB", "neper": "Np",
    "ns": "ns", "ps": "ps", "us": "µs", "ms": "ms", "km": "km", "cm": "cm", "mm": "mm",
    "um": "µm", "nm": "nm", "kg": "kg", "mg": "mg", "Hz": "Hz", "kHz": "kHz", "MHz": "MHz",
    "GHz": "GHz", "keV": "keV", "MeV": "MeV", "GeV": "GeV", "TeV": "TeV", "kW": "kW",
    "MW": "MW", "GW": "GW", "kV": "kV", "mV": "mV", "mA": "mA", "kJ": "kJ", "kPa": "kPa",
}  # fmt: skip
_POWERS = {"squared": "²", "cubed": "³"}
_QUANTITY = re.compile(r"\\(?P<name>SI|qty|si|unit|num|ang)(?![A-Za-z])\s*")
_NUMBER = re.compile(r"(?P<sign>[<>~]?\s*[-+]?)(?P<mantissa>\d*\.?\d*)(?:[eE](?P<power>[-+]?\d+))?")


def written(latex: str) -> str:
    """`latex` with each siunitx quantity, unit and number as it prints."""
    if "\\" not in latex or not _QUANTITY.search(latex):
        return latex
    pieces, position = [], 0
    for match in _QUANTITY.finditer(latex):
        if match.start() < position:
            continue
        count = 2 if match["name"] in ("SI", "qty") else 1
        spans, end = arguments(latex, match.end(), count)
        if len(spans) < count:
            continue
        parts = [latex[a:b] for a, b in spans]
        if match["name"] in ("num", "ang"):
            printed = _number(parts[0]) + ("^{\\circ}" if match["name"] == "ang" else "")
        elif match["name"] in ("si", "unit"):
            printed = f"\\textup{{{_unit(parts[0])}}}"
        else:
            printed = f"{_number(parts[0])}\\,\\textup{{{_unit(parts[1])}}}"
        pieces += [latex[position : match.start()], printed]
        position = end
    return "".join(pieces) + latex[position:]


def _number(text: str) -> str:
    """`2e3` as 2 \\times 10^{3}, `e18` as 10^{18}, a plain number as written."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None or match["power"] is None:
        return text.strip()
    power = f"10^{{{match['power'].lstrip('+')}}}"
    mantissa = match["mantissa"]
    return f"{match['sign']}{mantissa} \\times {power}" if mantissa else match["sign"] + power


def _unit(text: str) -> str:
    """`\\kilo\\meter\\per\\second` as km/s; a literal unit (`km/s`) as written."""
    printed, prefix = "", ""
    for token in re.findall(r"\\[A-Za-z]+|[^\\\s]+", text):
        name = token.lstrip("\\")
        if not token.startswith("\\"):
            printed += token
        elif name in _PREFIXES:
            prefix = _PREFIXES[name]
        elif name == "per":
            printed += "/"
        elif name in _POWERS:
            printed += _POWERS[name]
        else:
            printed += (
                (" " if printed and printed[-1] not in "/ " else "")
                + prefix
                + _UNITS.get(name, name)
            )
            prefix = ""
    return printed.strip()
