"""The department taxonomy: canonical labels, parents, aliases, and finding them in text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import TaxonomyError
from assistant.text import fold

TAXONOMY_FILE = "taxonomy.yaml"
UNIT = re.compile(r"(部|部門|辦公室|中心|department|dept|office)$")


@dataclass(frozen=True)
class Department:
    label: str  # canonical, Traditional Chinese
    parent: str | None
    en: str
    aliases: tuple[str, ...]


class Taxonomy:
    """Labels and aliases, all matched in `fold`ed form so 公关部, PR and PR部 all mean 公關部."""

    def __init__(self, departments: dict[str, Department]):
        self.departments = departments
        self._by_key: dict[str, str] = {}
        for dep in departments.values():
            for name in (dep.label, *dep.aliases):
                key = fold(name).strip()
                owner = self._by_key.get(key)
                if owner and owner != dep.label:
                    raise TaxonomyError(f"taxonomy: alias {name!r} is claimed by both {owner} and {dep.label}")
                self._by_key[key] = dep.label
        for dep in departments.values():
            if dep.parent and dep.parent not in departments:
                raise TaxonomyError(f"taxonomy: {dep.label} names unknown parent {dep.parent!r}")
            self.ancestors(dep.label)  # raises on a cycle
        # Longest names first so 內容運營 wins over 運營 and PR部 over PR.
        cjk, latin = [], []
        for key in sorted(self._by_key, key=len, reverse=True):
            (latin if key.isascii() else cjk).append(re.escape(key))
        parts = []
        if cjk:
            parts.append("|".join(cjk))
        if latin:
            # Latin aliases only as whole words: "pr" must not match inside "product".
            parts.append(r"(?<![a-z0-9])(?:" + "|".join(latin) + r")(?![a-z0-9])")
        self._pattern = re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None

    def __contains__(self, label: str) -> bool:
        return label in self.departments

    def __iter__(self):
        return iter(self.departments.values())

    def canonical(self, name: str) -> str | None:
        """The canonical label for a label or alias in any script, or None when unknown."""
        return self._by_key.get(fold(name).strip())

    def ancestors(self, label: str) -> list[str]:
        """Parents of `label`, nearest first."""
        chain, seen = [], {label}
        parent = self.departments[label].parent
        while parent:
            if parent in seen:
                raise TaxonomyError(f"taxonomy: parents form a cycle through {parent}")
            seen.add(parent)
            chain.append(parent)
            parent = self.departments[parent].parent
        return chain

    def is_under(self, label: str, accepted: str) -> bool:
        """True when `label` is `accepted` or one of its descendants."""
        return label == accepted or accepted in self.ancestors(label)

    def children(self, label: str) -> list[str]:
        return [d.label for d in self.departments.values() if d.parent == label]

    def roots(self) -> list[str]:
        return [d.label for d in self.departments.values() if not d.parent]

    def mentions(self, text: str) -> list[tuple[str, int]]:
        """(canonical label, position in the folded text) for each department named in `text`."""
        if not self._pattern:
            return []
        folded = fold(text)
        return [(self._by_key[m.group(0)], m.start()) for m in self._pattern.finditer(folded)]

    def strip(self, text: str) -> str:
        """The folded text with names of organizational units (…部, …辦公室, … department) cut out.

        Role names such as 社群運營 or 公關 also name the work itself, so they stay.
        """
        folded = fold(text)
        if not self._pattern:
            return folded
        return self._pattern.sub(lambda m: " " if UNIT.search(m.group(0)) else m.group(0), folded)

    def name(self, label: str, lang: str) -> str:
        """How to show a label to someone writing in `lang`."""
        if lang == "en":
            return f"{self.departments[label].en} ({label})"
        if lang == "zh-Hans":
            from assistant.text import to_simplified

            return to_simplified(label)
        return label

    def terms(self) -> list[str]:
        """Every label and alias, for the word segmenter's dictionary."""
        return [n for d in self.departments.values() for n in (d.label, *d.aliases)]


def load(path: Path) -> Taxonomy:
    """Read and validate a taxonomy YAML file."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(f"taxonomy: {path} not found") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        where = getattr(err, "problem_mark", None)
        at = f" at line {where.line + 1}" if where else ""
        raise TaxonomyError(f"taxonomy: {path} is not valid YAML{at}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("departments"), dict):
        raise TaxonomyError(f"taxonomy: {path} needs a top-level 'departments:' mapping")
    deps = {}
    for label, spec in raw["departments"].items():
        spec = spec or {}
        if not isinstance(spec, dict):
            raise TaxonomyError(f"taxonomy: entry {label!r} must be a mapping")
        aliases = spec.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise TaxonomyError(f"taxonomy: aliases of {label!r} must be a list of strings")
        deps[str(label)] = Department(
            label=str(label), parent=spec.get("parent"), en=str(spec.get("en") or label), aliases=tuple(aliases)
        )
    return Taxonomy(deps)


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> Taxonomy:
    return load(Path(path))


def for_corpus(corpus: Path) -> Taxonomy:
    """The taxonomy that lives beside a corpus, falling back to the bundled one."""
    path = corpus / TAXONOMY_FILE
    if not path.exists():
        from corpus import DIR

        path = DIR / TAXONOMY_FILE
    return _cached(str(path), path.stat().st_mtime)
