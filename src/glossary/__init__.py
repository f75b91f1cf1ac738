"""Terminology of the State Council directive on application scenarios (国办发〔2025〕37号).

The library is pure: it loads, searches and converts, and never prints. The
command-line interface lives in :mod:`glossary.cli`.
"""

__version__ = "0.1.0"
