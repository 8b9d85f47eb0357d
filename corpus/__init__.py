"""The bundled source texts and the department taxonomy (data only; a package so wheels carry it)."""

from pathlib import Path

DIR = Path(__file__).resolve().parent
