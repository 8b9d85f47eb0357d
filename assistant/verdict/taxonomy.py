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


# between a unit and the one in parentheses after it: 「社會課（社會救助股）」
OPENS_PAREN = re.compile(r"\s*[（(]\s*")

def name_key(name: str) -> str:
    """Matching key of a unit name: case, width, script, '&'/'and', "the"/"team"/"sig" and punctuation folded."""
    k = fold(name).replace("&", " and ")
    k = re.sub(r"\b(the|team|teams|sig|group)\b", " ", k)
    return re.sub(r"[\W_]+", "", k)


def name_and_alias(text: str) -> tuple[str, str] | None:
    """("People Operations", "People Ops") from "People Operations (People Ops)" / 「人力资源部（HR）」; None
    for anything else."""
    both = re.fullmatch(r"\s*([^()（）]{2,30}?)\s*[（(]([^()（）]{2,30})[)）]\s*", text)
    return (both.group(1), both.group(2)) if both else None


@dataclass(frozen=True)
class Department:
    label: str  # canonical, Traditional Chinese
    parent: str | None
    en: str
    aliases: tuple[str, ...]


class Taxonomy:
    """Labels and aliases, all matched in `fold`ed form so 公关部, PR and PR部 all mean 公關部."""

    def __init__(self, departments: dict[str, Department], derived: bool = False, contexts: dict | None = None):
        self.departments = departments
        # Example organisations a text compares, from the corpus's taxonomy.yaml `contexts:` (e.g. the
        # marker 公司 for blocks opened by 「公司A: 互聯網廣告公司」); None: the text has no such blocks.
        self.contexts = contexts
        self.examples: list[str] = []  # example questions the corpus suggests (taxonomy.yaml `examples:`)
        # Derived from documents (ingest/units.py): Latin names are matched with their case, so the
        # unit "Support" is not every "support" in the text.
        self.derived = derived
        self._cased: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        self._by_name_key: dict[str, str] = {}  # name_key of every label and alias -> label (for `resolve`)
        for dep in departments.values():
            for name in (dep.label, *dep.aliases):
                key = fold(name).strip()
                owner = self._by_key.get(key)
                if owner and owner != dep.label:
                    raise TaxonomyError(f"taxonomy: alias {name!r} is claimed by both {owner} and {dep.label}")
                self._by_key[key] = dep.label
        # The English name an answer shows is one a reader types back ("Does New media run it?"), unless
        # it is another department's name or alias.
        for dep in departments.values():
            if dep.en and fold(dep.en).strip():
                self._by_key.setdefault(fold(dep.en).strip(), dep.label)
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
        if latin and not derived:
            # Latin aliases only as whole words: "pr" must not match inside "product".
            parts.append(r"(?<![a-z0-9])(?:" + "|".join(latin) + r")(?![a-z0-9])")
        self._pattern = re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None
        self._cased_pattern = None
        if derived:
            for dep in departments.values():
                for name in (dep.label, *dep.aliases):
                    cased = _cased(name).strip()
                    if cased.isascii() and cased:
                        self._cased.setdefault(cased, dep.label)
            names = sorted(self._cased, key=len, reverse=True)
            loose = sorted({fold(n).strip() for n in names if len(n) >= 3} & set(self._by_key), key=len, reverse=True)
            self._loose_pattern = re.compile(
                r"(?<![a-z0-9])(?:" + "|".join(re.escape(n) for n in loose) + r")(?![a-z0-9])"
            ) if loose else re.compile(r"(?!x)x")
            if names:
                self._cased_pattern = re.compile(
                    r"(?<![A-Za-z0-9])(?:" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z0-9])"
                )

    def __contains__(self, label: str) -> bool:
        return label in self.departments

    def __iter__(self):
        return iter(self.departments.values())

    def canonical(self, name: str) -> str | None:
        """The canonical label for a label or alias in any script, or None when unknown."""
        return self._by_key.get(fold(name).strip())

    def resolve(self, name: str) -> str | None:
        """A unit name as someone wrote it ("Team Billing", "team-qa") to a label: `canonical`, else the label
        or alias with the same `name_key`."""
        label = self.canonical(name)
        if label:
            return label
        if not self._by_name_key:  # built on first use: only ingest and the eval resolve written names
            for dep in self:
                for n in (dep.label, *dep.aliases):
                    self._by_name_key.setdefault(name_key(n), dep.label)
            self._by_name_key.pop("", None)
        found = self._by_name_key.get(name_key(name))
        if found is None and (m := re.match(r"^([^()（）]{2,40}?)\s*[（(][^()（）]+[)）]\s*$", name)):
            # 「專案管理組（PMO）」, "Site Reliability Engineering (SRE)": the name before its parenthesis
            found = self._by_name_key.get(name_key(m.group(1)))
        return found

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

    def mentions(self, text: str, loose: bool = False) -> list[tuple[str, int]]:
        """(canonical label, position in the folded text) for each department named in `text`.

        `loose`: a question typed in lower case ("who handles payroll?") names derived units too.
        """
        found = []
        if self._pattern:
            folded = fold(text)
            hits = [(self._by_key[m.group(0)], m.start(), m.end()) for m in self._pattern.finditer(folded)]
            # 「社會課（社會救助股）」 names the 股 of that 課: the unit in the parenthesis, not both
            inside = {
                i for i, (outer, _, end) in enumerate(hits[:-1])
                if OPENS_PAREN.fullmatch(folded[end : hits[i + 1][1]]) and outer in self.ancestors(hits[i + 1][0])
            }  # fmt: skip
            found = [(label, start) for i, (label, start, _) in enumerate(hits) if i not in inside]
        if self._cased_pattern:
            found += [(self._cased[m.group(0)], m.start()) for m in self._cased_pattern.finditer(_cased(text))]
            if loose:  # and an acronym only as written: "IT", never the pronoun "it"
                found += [(self._by_key[m.group(0)], m.start()) for m in self._loose_pattern.finditer(fold(text))]
            found = sorted(dict.fromkeys(found), key=lambda lp: lp[1])
        return found

    def strip(self, text: str, keep: str | None = None) -> str:
        """The folded text with names of organizational units (…部, …辦公室, … department) cut out.

        Role names such as 社群運營 or 公關 also name the work itself, so they stay; so do the names of `keep`.
        """
        if self._cased_pattern:
            text = self._cased_pattern.sub(lambda m: m.group(0) if keep and self._cased[m.group(0)] == keep else " ", _cased(text))
        folded = fold(text)
        if not self._pattern:
            return folded

        def cut(m: re.Match) -> str:
            name = m.group(0)
            if (keep and self._by_key.get(name) == keep) or not (self.derived or UNIT.search(name)):
                return name
            return " "

        return self._pattern.sub(cut, folded)

    def name(self, label: str, lang: str) -> str:
        """How to show a label to someone writing in `lang`."""
        if lang == "en":
            en = self.departments[label].en
            return en if en == label else f"{en} ({label})"
        if lang == "zh-Hans":
            from assistant.text import to_simplified

            return to_simplified(label)
        return label

    def to_dict(self) -> dict:
        """Plain data (index metadata): {label: {parent, en, aliases}}, in order."""
        return {d.label: {"parent": d.parent, "en": d.en, "aliases": list(d.aliases)} for d in self.departments.values()}

    @classmethod
    def from_dict(cls, raw: dict, derived: bool = True) -> Taxonomy:
        deps = {
            label: Department(label, spec.get("parent"), spec.get("en") or label, tuple(spec.get("aliases") or ()))
            for label, spec in raw.items()
        }
        return cls(deps, derived=derived)

    def terms(self) -> list[str]:
        """Every label and alias, for the word segmenter's dictionary."""
        return [n for d in self.departments.values() for n in (d.label, *d.aliases)]


def _cased(text: str) -> str:
    """`fold` without lower-casing: where derived Latin names are looked for."""
    import unicodedata

    from assistant.text import clean, to_simplified, to_traditional

    return to_traditional(to_simplified(unicodedata.normalize("NFKC", clean(text))))


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
    contexts = raw.get("contexts")
    if contexts is not None and not (isinstance(contexts, dict) and isinstance(contexts.get("marker"), str)):
        raise TaxonomyError(f"taxonomy: {path}: 'contexts' needs a 'marker' (the word before each block's letter)")
    taxonomy = Taxonomy(deps, contexts=contexts)
    taxonomy.examples = [str(q) for q in raw.get("examples") or []]
    return taxonomy


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> Taxonomy:
    return load(Path(path))


def for_corpus(corpus: Path) -> Taxonomy | None:
    """The taxonomy saved beside a corpus, or None: a corpus without one gets departments read from its
    own documents at ingest (ingest/units.py), never another corpus's."""
    path = corpus / TAXONOMY_FILE
    if not path.exists():
        return None
    return _cached(str(path), path.stat().st_mtime)
