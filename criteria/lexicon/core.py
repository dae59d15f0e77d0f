"""The loaded lexicon: the three data files validated, cross-checked and indexed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process

from criteria.lexicon.names import (
    NOISE_WORDS,
    SUGGEST_CUTOFF,
    PhraseTrie,
    Target,
    is_cased,
    normalize_key,
    suggest_score,
    tokens,
)
from criteria.lexicon.records import (
    REGIMEN,
    STOP,
    AliasEntry,
    ClassesFile,
    Drug,
    DrugClass,
    DrugsFile,
    Gene,
    GenesFile,
    Mention,
    Regimen,
)
from trialmatch.errors import DataFileError, UnknownTerm

DATA_FILES = ("drug_classes.yaml", "drugs.yaml", "genes.yaml")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 5x faster
FDA_SUFFIX = re.compile(r"^(.*[^\W_])-[a-z]{4}$")
BIOLOGIC_CLASSES = frozenset(
    {"monoclonal_antibody", "antibody_drug_conjugate", "hematopoietic_growth_factor"}
    | {"rankl_inhibitor"}
)


def _mixed(phrase: str) -> bool:
    """A stop phrase written in mixed case ("eGFR") stops only that spelling."""
    return phrase not in (phrase.lower(), phrase.upper()) and not phrase[1:].islower()


_JOINING_WORDS = frozenset({"plus", "combined", "combination", "followed", "by", "then", "in"})
CACHE_SIZE = 512  # texts whose drug mentions are remembered (the parser scans each twice)

# --- the loaded lexicon ------------------------------------------------------------------------

_M = TypeVar("_M", bound=BaseModel)


def _validate(model: type[_M], raw: object, filename: str, list_key: str, name_key: str) -> _M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
            entries = raw.get(list_key) if isinstance(raw, dict) else None
            entry = entries[loc[1]] if isinstance(entries, list) else None
            label = entry.get(name_key) if isinstance(entry, dict) else None
            where = (
                f" entry {label!r} ({list_key}[{loc[1]}])" if label else f" {list_key}[{loc[1]}]"
            )
            loc = loc[2:]
        field = ".".join(str(p) for p in loc) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            sub: type[BaseModel] = model
            for part in err["loc"][:-1]:
                if isinstance(part, str) and part in sub.model_fields:
                    ann = sub.model_fields[part].annotation
                    inner = getattr(ann, "__args__", (ann,))[0]
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        sub = inner
            msg = f"unknown field; allowed fields: {', '.join(sub.model_fields)}"
        n = len(exc.errors())
        more = f" (and {n - 1} more problem{'s' if n > 2 else ''})" if n > 1 else ""
        raise DataFileError(f"{filename}:{where} field {field!r}: {msg}{more}") from None


class Lexicon:
    """The three data files, validated and indexed. Build with `load_lexicon`."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        raws = {}
        for fname in DATA_FILES:
            try:
                raws[fname] = yaml.load(texts[fname], Loader=_YAML_LOADER)
            except yaml.YAMLError as exc:
                raise DataFileError(f"{fname}: not valid YAML: {exc}") from None
        cfile = _validate(
            ClassesFile, raws["drug_classes.yaml"], "drug_classes.yaml", "classes", "id"
        )
        dfile = _validate(DrugsFile, raws["drugs.yaml"], "drugs.yaml", "drugs", "name")
        gfile = _validate(GenesFile, raws["genes.yaml"], "genes.yaml", "genes", "symbol")
        digest = hashlib.sha256("\0".join(texts[f] for f in DATA_FILES).encode()).hexdigest()
        self.version = f"c{cfile.version}.d{dfile.version}.g{gfile.version}-{digest[:10]}"
        self.class_entries = {c.id: c for c in cfile.classes}
        self.drug_entries = {d.name: d for d in dfile.drugs}
        self.gene_entries = {g.symbol: g for g in gfile.genes}
        self.family_entries = {f.name: f for f in gfile.families}
        self.regimen_entries = {r.name: r for r in dfile.regimens}
        self._mentions: dict[str, tuple[Mention, ...]] = {}  # the parser scans each text twice
        self._build_classes(cfile)
        self._build_drugs(dfile)
        self._build_genes(gfile)

    # classes
    def _build_classes(self, cfile: ClassesFile) -> None:
        f = "drug_classes.yaml"
        ids: set[str] = set()
        for c in cfile.classes:
            if c.id in ids:
                raise DataFileError(f"{f}: entry {c.id!r}: field 'id': defined twice")
            ids.add(c.id)
        for c in cfile.classes:
            for p in c.parents:
                if p not in ids:
                    raise DataFileError(
                        f"{f}: entry {c.id!r}: field 'parents': unknown class {p!r}"
                    )
        entries = self.class_entries
        ancestors: dict[str, frozenset[str]] = {}

        def walk(cid: str, path: tuple[str, ...]) -> frozenset[str]:
            if cid in path:
                cycle = " > ".join((*path[path.index(cid) :], cid))
                raise DataFileError(f"{f}: entry {cid!r}: field 'parents': cycle {cycle}")
            if cid not in ancestors:
                out: set[str] = set()
                for p in entries[cid].parents:
                    out |= {p} | walk(p, (*path, cid))
                ancestors[cid] = frozenset(out)
            return ancestors[cid]

        for cid in entries:
            walk(cid, ())
        self.ancestors = ancestors
        desc: dict[str, set[str]] = {cid: set() for cid in entries}
        for cid, anc in ancestors.items():
            for a in anc:
                desc[a].add(cid)
        self.descendants = {cid: frozenset(d) for cid, d in desc.items()}

        line: dict[str, bool] = {}

        def line_of(cid: str) -> bool:
            if cid not in line:
                e = entries[cid]
                if e.line is not None:
                    line[cid] = e.line
                elif not e.parents:
                    raise DataFileError(
                        f"{f}: entry {cid!r}: field 'line': a class without parents must say "
                        "whether it counts as a line of therapy (true or false)"
                    )
                else:
                    line[cid] = any(line_of(p) for p in e.parents)
            return line[cid]

        self.classes = {
            c.id: DrugClass(
                id=c.id,
                label=c.label,
                parents=tuple(c.parents),
                line=line_of(c.id),
                synonyms=tuple(c.synonyms),
                description=c.description,
            )
            for c in cfile.classes
        }

    # drugs
    def _build_drugs(self, dfile: DrugsFile) -> None:
        f = "drugs.yaml"
        self.drugs: dict[str, Drug] = {}
        self.trie = PhraseTrie(f)
        for c in self.classes.values():
            self.trie.file = "drug_classes.yaml"
            for ph in (c.label, *c.synonyms):
                self.trie.register(
                    ph,
                    Target(c.id, "class", None),
                    c.id,
                    "synonyms",
                    cased=is_cased(ph),
                    plurals=True,
                )
        self.trie.file = f
        for d in dfile.drugs:
            if d.name in self.drugs:
                raise DataFileError(f"{f}: entry {d.name!r}: field 'name': defined twice")
            if d.name in self.classes:
                raise DataFileError(f"{f}: entry {d.name!r}: field 'name': is a class id")
            for cid in d.classes:
                if cid not in self.classes:
                    raise DataFileError(
                        f"{f}: entry {d.name!r}: field 'classes': unknown class {cid!r}"
                    )
            drug = Drug(
                name=d.name,
                synonyms=tuple(dict.fromkeys((*d.brands, *d.codes, *d.synonyms))),
                classes=tuple(d.classes),
                brands=tuple(d.brands),
                codes=tuple(d.codes),
                line=d.line,
                description=d.description,
            )
            self.drugs[d.name] = drug
            for field, names in (
                ("name", [d.name]),
                ("brands", d.brands),
                ("codes", d.codes),
                ("synonyms", d.synonyms),
                ("misspellings", d.misspellings),
            ):
                for ph in names:
                    self.trie.register(
                        ph, Target(d.name, "drug", None), d.name, field, cased=is_cased(ph)
                    )
        self.regimens: dict[str, Regimen] = {}
        for r in dfile.regimens:
            for name in r.drugs:
                if name not in self.drugs:
                    raise DataFileError(
                        f"{f}: entry {r.name!r}: field 'drugs': unknown drug {name!r} "
                        "(use the canonical name)"
                    )
            self.regimens[r.name] = Regimen(
                r.name, tuple(r.drugs), tuple(r.synonyms), r.description
            )
            for ph in r.synonyms if r.ambiguous else (r.name, *r.synonyms):
                self.trie.register(ph, Target(r.name, REGIMEN, None), r.name, "synonyms",
                                   cased=is_cased(ph))  # fmt: skip
        for ph in dfile.stop_phrases:
            self.trie.register(ph, Target("", STOP, None), ph, "stop_phrases", cased=_mixed(ph))
        self._drug_choices: dict[str, str] = {}
        for drug in self.drugs.values():
            for ph in (drug.name, *drug.synonyms):
                self._drug_choices.setdefault(normalize_key(ph), ph)
        self._drug_keys = list(self._drug_choices)

    # genes
    def _build_genes(self, gfile: GenesFile) -> None:
        f = "genes.yaml"
        self.genes: dict[str, Gene] = {}
        self.gene_trie = trie = PhraseTrie(f)

        for g in gfile.genes:
            if g.symbol in self.genes:
                raise DataFileError(f"{f}: entry {g.symbol!r}: field 'symbol': defined twice")
            aliases = [a if isinstance(a, AliasEntry) else AliasEntry(name=a) for a in g.aliases]
            self.genes[g.symbol] = Gene(
                symbol=g.symbol,
                name=g.name,
                aliases=tuple(a.name for a in aliases if not a.protein),
                protein_names=tuple(a.name for a in aliases if a.protein),
            )
            trie.register(
                g.symbol,
                Target(g.symbol, "gene", None),
                g.symbol,
                "symbol",
                cased=g.cased or is_cased(g.symbol),
            )
            for a in aliases:
                trie.register(
                    a.name,
                    Target(g.symbol, "gene", None, a.protein),
                    g.symbol,
                    "aliases",
                    cased=a.cased or is_cased(a.name),
                )
        self.families: dict[str, tuple[str, ...]] = {}
        for fam in gfile.families:
            for sym in fam.genes:
                if sym not in self.genes:
                    raise DataFileError(
                        f"{f}: entry {fam.name!r}: field 'genes': unknown gene {sym!r}"
                    )
            self.families[fam.name] = tuple(fam.genes)
            for ph in (fam.name, *fam.aliases):
                trie.register(
                    ph,
                    Target(fam.name, "gene_family", None),
                    fam.name,
                    "aliases",
                    cased=is_cased(ph),
                )
        for ph in gfile.stop_phrases:
            trie.register(ph, Target("", STOP, None), ph, "stop_phrases", cased=_mixed(ph))
        self._gene_choices: dict[str, str] = {}
        for gene in self.genes.values():
            for ph in (gene.symbol, *gene.aliases):
                self._gene_choices.setdefault(normalize_key(ph), gene.symbol)

    # --- lookups --------------------------------------------------------------------------------

    def drug(self, name: str | Drug) -> Drug:
        """The drug a name denotes; `UnknownTerm` (with suggestions) when there is none."""
        if isinstance(name, Drug):
            return name
        found = self.resolve_drug(name)
        if found is None:
            raise UnknownTerm("drug", "", self.suggest_drugs(name))
        return found

    def resolve_drug(self, name: str) -> Drug | None:
        for t in self.trie.lookup(name):
            if t.kind == "drug":
                return self.drugs[t.id]
        m = FDA_SUFFIX.match(name.strip())
        if m:  # "amivantamab-vmjw": the FDA's four-letter suffix, for biologics only
            head = self.resolve_drug(m.group(1))
            if head is not None and BIOLOGIC_CLASSES & self._all_classes(head):
                return head
            return None
        return self._resolve_described(name)

    def resolve_regimen(self, name: str) -> tuple[Drug, ...] | None:
        """The agents a regimen or combination names: "AC", "FOLFOX", "palbociclib + letrozole",
        "Kisqali/Femara", or a single drug. None when any word is neither an agent nor a dose,
        form or joining word (so "letrozole or anastrozole", a choice, is None)."""
        regimen = self.regimens.get(name.strip())
        for t in self.trie.lookup(name):
            if t.kind == REGIMEN:
                regimen = self.regimens[t.id]
        if regimen is not None:
            return tuple(self.drugs[d] for d in regimen.drugs)
        single = self.resolve_drug(name)
        if single is not None:
            return (single,)
        mentions = self.find_drug_mentions(name)
        if not mentions or any(m.kind != "drug" for m in mentions):
            return None
        for start, _end, tok in tokens(name):
            if any(m.start <= start < m.end for m in mentions):
                continue
            if tok not in NOISE_WORDS and tok not in _JOINING_WORDS and not tok.isdigit():
                return None
        return tuple(self.drugs[n] for n in dict.fromkeys(m.id for m in mentions))

    def _all_classes(self, drug: Drug) -> set[str]:
        return set(drug.classes).union(*(self.ancestors[c] for c in drug.classes))

    def _resolve_described(self, name: str) -> Drug | None:
        """One drug named with a dose, a form, a schedule or a second name in brackets:
        "Gefitinib 250 mg", "weekly paclitaxel", "Herceptin (trastuzumab)". Every name found
        must denote the same drug (class names it belongs to are fine, "MEK inhibitor
        GDC-0973") and every other word must be a dose, form or schedule word."""
        drug: Drug | None = None
        covered = []
        for m in self.find_drug_mentions(name):
            covered.append((m.start, m.end))
            if m.kind == "drug":
                if drug is not None and drug.name != m.id:
                    return None
                drug = self.drugs[m.id]
        if drug is None:
            return None
        classes = self._all_classes(drug)
        for m in self.find_drug_mentions(name):
            if m.kind == "class" and m.id not in classes:
                return None
        for start, _end, tok in tokens(name):
            if any(a <= start < b for a, b in covered):
                continue
            if tok not in NOISE_WORDS and not tok.isdigit():
                return None
        return drug

    def resolve_class(self, phrase: str) -> DrugClass | None:
        if phrase in self.classes:
            return self.classes[phrase]
        for t in self.trie.lookup(phrase):
            if t.kind == "class":
                return self.classes[t.id]
        return None

    def get_class(self, class_id: str) -> DrugClass:
        try:
            return self.classes[class_id]
        except KeyError:
            raise UnknownTerm("drug class id", class_id, self._suggest_class(class_id)) from None

    def _suggest_class(self, class_id: str) -> list[str]:
        hits = process.extract(
            class_id, list(self.classes), scorer=fuzz.ratio, limit=3, score_cutoff=70
        )
        return [h[0] for h in hits]

    def suggest_drugs(self, name: str, limit: int = 3) -> list[str]:
        key = normalize_key(name)
        if not key:
            return []
        hits = process.extract(
            key,
            self._drug_keys,
            scorer=suggest_score,
            limit=limit * 3,
            score_cutoff=SUGGEST_CUTOFF,
        )
        out: list[str] = []
        seen: set[str] = set()
        for k, _score, _i in hits:
            surface = self._drug_choices[k]
            drug = self.resolve_drug(surface)
            if drug is None or drug.name in seen:
                continue
            seen.add(drug.name)
            out.append(surface)
            if len(out) == limit:
                break
        return out

    def resolve_gene(self, name: str, *, protein: bool = False) -> str | None:
        for t in self.gene_trie.lookup(name):
            if t.kind == "gene" and (protein or not t.protein):
                return t.id
        return None

    def gene_family(self, name: str) -> tuple[str, ...]:
        if name in self.families:
            return self.families[name]
        for t in self.gene_trie.lookup(name):
            if t.kind == "gene_family":
                return self.families[t.id]
            if t.kind == "gene" and not t.protein:
                return (t.id,)
        return ()

    def suggest_genes(self, name: str, limit: int = 3) -> list[str]:
        key = normalize_key(name)
        if not key:
            return []
        hits = process.extract(
            key, list(self._gene_choices), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=75
        )
        return list(dict.fromkeys(self._gene_choices[h[0]] for h in hits))[:limit]

    def find_drug_mentions(self, text: str) -> list[Mention]:
        cached = self._mentions.get(text)
        if cached is None:
            found: list[Mention] = []
            for start, end, hits in self.trie.scan(text):
                kind, ident = hits[0].kind, hits[0].id
                if kind == REGIMEN:  # "AC": one mention per agent, all on the same words
                    found += [
                        Mention(start, end, name, "drug", text[start:end])
                        for name in self.regimens[ident].drugs
                    ]
                elif kind == "class" and _inside_compound(text, start):
                    continue  # "ER-targeted therapy", "non-SERDs": not the generic class
                elif kind != STOP:
                    found.append(Mention(start, end, ident, kind, text[start:end]))  # type: ignore[arg-type]
            if "inhibitor" in text or "inducer" in text:
                found = self._shared_target(text, found)
            if _has_head_word(text):
                found = self._shared_head(text, found)
            if "generation" in text:
                found = self._shared_generation(text, found)
            if found and _has_qualifier_word(text):
                found = self._shared_qualifier(text, found)
            cached = tuple(found)
            if len(self._mentions) >= CACHE_SIZE:
                self._mentions.clear()
            self._mentions[text] = cached
        return list(cached)

    def _shared_target(self, text: str, found: list[Mention]) -> list[Mention]:
        """'potent inhibitors or inducers of CYP3A4': both classes, each with the qualifier."""
        for match in (*_SHARED_TARGET.finditer(text), *_SHARED_TARGET_FIRST.finditer(text)):
            strength = f"{match.group('q')} " if match.group("q") else ""
            target = match.group("target")
            mentions = []
            for word in (match.group("a"), match.group("b")):
                found_class = self.resolve_class(f"{strength}{target} {word}")
                if found_class is None:
                    break
                mentions.append(
                    Mention(match.start(), match.end(), found_class.id, "class", match.group(0))
                )
            else:
                start, end = match.span()
                found = [m for m in found if m.end <= start or m.start >= end] + mentions
                found.sort(key=lambda m: m.start)
        return found

    def _shared_head(self, text: str, found: list[Mention]) -> list[Mention]:
        """'PI3K, AKT or mTOR inhibitor': the head noun belongs to every target in the list."""
        added: list[Mention] = []
        for match in _SHARED_HEAD.finditer(text):
            head = match.group("head")
            for word in _LIST_WORD.finditer(match.group("items")):
                start = match.start("items") + word.start()
                end = start + len(word.group(0))
                if any(m.start < end and start < m.end for m in found):
                    continue
                named = self.resolve_class(f"{word.group(0)} {head}")
                if named is not None:
                    added.append(Mention(start, end, named.id, "class", text[start:end]))
        if not added:
            return found
        return sorted(found + added, key=lambda m: m.start)

    def _shared_qualifier(self, text: str, found: list[Mention]) -> list[Mention]:
        """'EGFR-targeting small molecules or antibodies': the target qualifies the second head
        too, so "antibodies" there are anti-EGFR antibodies, not any monoclonal antibody."""
        for match in _SHARED_QUALIFIER.finditer(text):
            first = next(
                (m for m in found if m.kind == "class" and m.end == match.end("one")), None
            )
            if first is None or not match.start() <= first.start < match.end("qualifier"):
                continue  # the first head is not the one the qualifier names
            words = match.group("qualifier").split()
            # the qualifier's own first word is unknown ("with EGFR-targeting"): try from each
            named = next(
                (
                    c
                    for k in range(len(words))
                    if (c := self.resolve_class(f"{' '.join(words[k:])} {match.group('two')}"))
                ),
                None,
            )
            if named is None or named.id == first.id:
                continue
            start, end = match.span("two")
            kept = [m for m in found if m.end <= start or m.start >= end]
            found = sorted([*kept, Mention(start, end, named.id, "class", text[start:end])],
                           key=lambda m: m.start)  # fmt: skip
        return found

    def _shared_generation(self, text: str, found: list[Mention]) -> list[Mention]:
        """'first- or second-generation EGFR TKI', '1st/2nd generation EGFR-TKI': the class
        words after the last generation belong to each generation named."""
        for match in _SHARED_GENERATION.finditer(text):
            head = next(
                (m for m in found if m.kind == "class" and m.start <= match.end() < m.end), None
            )
            if head is None:
                continue
            words = text[match.end() : head.end]
            last = self.resolve_class(f"{match.group('b')}-generation {words}")
            added = []
            for ordinal in _ORDINAL.finditer(text, match.start("run"), match.end("run")):
                named = self.resolve_class(f"{ordinal.group(0)}-generation {words}")
                if named is not None and last is not None and named.id != last.id:
                    added.append(Mention(*ordinal.span(), named.id, "class", ordinal.group(0)))
            if last is None or not added:
                continue
            found = [m for m in found if m is not head] + added
            found.append(
                Mention(
                    match.start("b"), head.end, last.id, "class", text[match.start("b") : head.end]
                )
            )
            found.sort(key=lambda m: m.start)
        return found

    def could_mention_drug(self, text: str, tokens: list[str] | None = None) -> bool:
        """Whether a drug or class name can start in `text` (cheap; never wrong when False).
        `tokens`: the text's lower-case tokens, when the caller has them."""
        if self.trie.could_match(text, tokens):
            return True
        low = text.lower()
        return _any_in(low, _HEAD_FRAGMENTS) and bool(_SHARED_HEAD.search(text))

    def could_mention_gene(self, text: str, tokens: list[str] | None = None) -> bool:
        """Whether a gene or gene family name can start in `text` (cheap; never wrong when
        False)."""
        return self.gene_trie.could_match(text, tokens)

    def find_gene_mentions(self, text: str, *, skip_drug_names: bool = True) -> list[Mention]:
        skip = [(m.start, m.end) for m in self.find_drug_mentions(text)] if skip_drug_names else []
        out = []
        for start, end, hits in self.gene_trie.scan(text):
            if hits[0].kind == STOP:
                continue
            if any(a < end and start < b for a, b in skip):
                continue  # "EGFR" in "EGFR TKI", "CDK4/6" in "CDK4/6 inhibitor": a drug class
            t = min(hits, key=lambda h: h.protein)  # a gene reading beats a protein one
            out.append(Mention(start, end, t.id, t.kind, text[start:end], t.protein))  # type: ignore[arg-type]
        return out


#: Generic class words that, glued to a word by a hyphen, name a narrower class the lexicon may
#: not know ("ER-targeted therapy" is not any targeted therapy).
_GENERIC_HEADS = frozenset(
    {"targeted", "directed", "targeting", "based", "containing", "therapy", "agent", "agents"}
)
_SHARED_TARGET = re.compile(
    r"\b(?:(?P<q>strong|potent|moderate|strong or moderate|moderate or strong|potent or moderate)"
    r"\s+)?(?P<a>inhibitors?|inducers?)\s*,?\s*(?:or|and|and/or|/)\s*(?P<b>inhibitors?|inducers?)"
    r"\s+of\s+(?:the\s+)?(?P<target>CYP\s*3A4?(?:/5)?|CYP3A|cytochrome P450 3A4?)\b",
    re.IGNORECASE,
)
#: The same with the target first: "potent CYP3A4 inhibitors or inducers".
_SHARED_TARGET_FIRST = re.compile(
    r"\b(?:(?P<q>strong|potent|moderate|strong or moderate|moderate or strong|potent or moderate)"
    r"\s+)?(?P<target>CYP\s*3A4?(?:/5)?|CYP3A|cytochrome P450 3A4?)\s+(?P<a>inhibitors?|inducers?)"
    r"\s*,?\s*(?:or|and|and/or|/)\s*(?P<b>inhibitors?|inducers?)\b",
    re.IGNORECASE,
)


def _inside_compound(text: str, start: int) -> bool:
    """A class name that starts inside a hyphenated word: 'non-SERDs', or a generic head glued
    to a qualifier ('ER-targeted therapy', 'PI3K-directed agents')."""
    if start < 2 or text[start - 1] not in "-‐‑" or not text[start - 2].isalnum():
        return False
    word_start = start - 1
    while word_start > 0 and (text[word_start - 1].isalnum()):
        word_start -= 1
    prefix = text[word_start : start - 1].lower()
    if prefix == "non":
        return True
    head = text[start:].split(None, 1)[0].lower().strip(",.;:()")
    return head in _GENERIC_HEADS


_HEAD_WORDS = re.compile(r"inhibitor|TKI|antibod|targeted|directed", re.IGNORECASE)
#: `_HEAD_WORDS` in lower case, as plain fragments
_HEAD_FRAGMENTS = ("inhibitor", "tki", "antibod", "targeted", "directed")


def _any_in(low: str, fragments: tuple[str, ...]) -> bool:
    """Whether one of the fragments occurs in `low`: a few substring tests are several times
    faster than searching for the same words with one alternation."""
    return any(fragment in low for fragment in fragments)


def _has_head_word(text: str) -> bool:
    """Whether `_HEAD_WORDS` occurs in `text`. On ASCII text the fragments in the lower-cased
    text say the same several times faster (IGNORECASE keeps the engine from scanning for the
    words' first letters); other text keeps the case-insensitive pattern, which also matches
    some non-ASCII letters ("ı" as "i")."""
    if text.isascii():
        return _any_in(text.lower(), _HEAD_FRAGMENTS)
    return _HEAD_WORDS.search(text) is not None


def _has_qualifier_word(text: str) -> bool:
    """Whether `_QUALIFIER_WORDS` occurs in `text` (on ASCII text as `_has_head_word` does)."""
    if text.isascii():
        return _any_in(text.lower(), _QUALIFIER_FRAGMENTS)
    return _QUALIFIER_WORDS.search(text) is not None


#: A list of targets sharing one head noun: "PI3K, AKT or mTOR inhibitors", "EGFR or ALK TKI".
#: "first- or second-generation", "1st/2nd generation (of)", "first/second/third-generation":
#: the class words follow the last generation.
_SHARED_GENERATION = re.compile(
    r"\b(?P<run>(?:(?:first|1st|second|2nd)(?:[\s-]*generation)?[\s-]*(?:,|or|and/or|/)\s*)+)"
    r"(?P<b>second|2nd|third|3rd)[\s-]*generations?\s+(?:of\s+)?",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"first|1st|second|2nd", re.IGNORECASE)
_SHARED_HEAD = re.compile(
    r"\b(?P<items>(?:[A-Za-z][\w/-]{0,15}\s*(?:,\s*(?:or|and)?|\bor\b|\band\b|and/or|/)\s*){1,6})"
    r"(?P<last>[A-Za-z][\w/-]{0,15})[\s-]+(?P<head>inhibitors?|TKIs?|antibod(?:y|ies)"
    r"|targeted (?:therapy|therapies|agents?)|directed (?:therapy|therapies|agents?))\b",
    re.IGNORECASE,
)
#: "EGFR-targeting small molecules or antibodies", "HER2-directed antibodies or TKIs".
_QUALIFIER_WORDS = re.compile(r"target|direct", re.IGNORECASE)
_QUALIFIER_FRAGMENTS = ("target", "direct")
_SHARED_QUALIFIER = re.compile(
    r"(?P<qualifier>\b(?:[A-Za-z][\w/-]*\s+){0,3}[A-Za-z][\w/-]*?[\s-]+"
    r"(?:targeting|targeted|directed))[\s-]+"
    r"(?P<one>(?:[\w-]+\s+){0,2}?[\w-]+?)\s*(?:,?\s*or|,?\s*and|/|and/or)\s+"
    r"(?P<two>(?:monoclonal\s+)?antibod(?:y|ies)|mAbs?|TKIs?|tyrosine kinase inhibitors?"
    r"|small[- ]molecules?(?:\s+inhibitors?)?|inhibitors?|ADCs?|antibody[- ]drug conjugates?)\b",
    re.IGNORECASE,
)
_LIST_WORD = re.compile(r"\b(?!(?:or|and|any|other|the|a|an)\b)[A-Za-z][\w/-]{0,15}", re.IGNORECASE)
