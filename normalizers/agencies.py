"""Agency cells: split a cell into the agencies it names and resolve each to its canonical agency.

The steps, in order (rules in ``tests/fixtures/gold/README.md``, vocabulary in ``data/agencies.yaml``):

1. hygiene: markup, legacy encodings, NFC and spacing (``normalizers.text.clean_text``);
2. registry names are found with a spaCy ``PhraseMatcher`` built from every alias key, longest match
   first, so a comma or "và" inside an official name never splits it and two names run together
   without a separator come apart;
3. the words between matches are cut at ";" always, and at "," / "và" only when what follows starts
   like an agency name (a head word from the registry), so an unknown name with a comma stays whole;
4. a parenthesis after a name is its sub-unit; a province name or lower-case qualifier right after a
   name belongs to that name ("Thuế tỉnh Thái Bình", "các doanh nghiệp có liên quan");
5. a piece no alias covers is tried with a restored head word ("Sở"), as the elided half of the
   name before it ("Kho bạc Nhà nước tỉnh, khu vực 5"), then fuzzily (rapidfuzz) against every alias;
   what still fails keeps its cleaned text, ``resolved: false``, and goes to the review queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans
from spacy.vocab import Vocab

from normalizers.registry import KEY_SKIPPED, AliasMatch, Registry, default_registry, match_key, numbers_in
from normalizers.text import clean_text, strip_marks
from normalizers.vietnamese import Token, official_tone_marks, starts_lowercase, tokenize
from schemas.records import AgencyRef

# Fuzzy matching (rapidfuzz ``fuzz.ratio`` on matching keys, 0-100), only between names with the same
# head word and the same numbers.  Chosen on the registry and the samples: two DIFFERENT agencies'
# aliases score at most 91.7 ("văn phòng ubnd thành phố" / "văn phòng hđnd thành phố"), so a match
# must beat that; the misspelt State Bank branch the gold README cites ("Ngân hàng nhà Việt Nam Chi
# nhánh khu vực 11") scores 94.5.  A match below FUZZY_CONFIDENT is kept but queued for a person.
FUZZY_MIN = 92.0
FUZZY_CONFIDENT = 95.0

_SEPARATOR_KEYS = {",", ";", "và", "/"}
_HARD_SEPARATOR_KEYS = {";"}
_SUB_UNIT_LINKS = (("trực", "thuộc"), ("thuộc",))
_PLURAL_WORDS = {"các", "những"}


@dataclass
class ResolvedAgency:
    """One agency of a cell: the dataset's ref and, when a person should look, why."""

    ref: AgencyRef
    review_reason: str | None = None
    candidate: str | None = None
    score: float | None = None


@dataclass
class _Piece:
    """A run of tokens of the cell that names (at most) one agency."""

    tokens: list[Token]
    match: AliasMatch | None = None
    key: tuple[str, ...] = ()
    after_separator: bool = True
    sub_unit: str | None = None
    extra: list[Token] = field(default_factory=list)  # words after the name that belong to it
    review_reason: str | None = None


class AgencyResolver:
    """Splits agency cells and resolves the pieces against one registry."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._vocab = Vocab()
        self._matcher = PhraseMatcher(self._vocab)
        self._by_label: dict[str, AliasMatch] = {}
        for key, alias in registry.aliases.items():
            label = "|".join(key)
            self._by_label[label] = alias
            self._matcher.add(label, [Doc(self._vocab, words=list(key))])
        self._fuzzy_keys = list(registry.aliases)
        self._unmarked_aliases: dict[str, list[tuple[str, ...]]] = {}
        """Each alias key without diacritics -> the alias keys it stands for (OCR reads marks wrong)."""
        for key in self._fuzzy_keys:
            self._unmarked_aliases.setdefault(strip_marks(" ".join(key)), []).append(key)
        self._fuzzy_choices = [" ".join(key) for key in self._fuzzy_keys]
        self._heads = sorted((match_key(word) for word in registry.head_words), key=len, reverse=True)
        self._restorable_heads = [match_key(word) for word in registry.restorable_heads]
        self._province_keys = {match_key(name) for name in registry.provinces}

    # ------------------------------------------------------------------ public

    def resolve_cell(
        self, cell: str | None, *, jurisdiction: str | None = None, province: str | None = None, ocr: bool = False
    ) -> list[ResolvedAgency]:
        """Every agency named in ``cell``, in order; nothing is dropped.

        ``ocr``: the text was read by OCR, which misreads a name's first word too ("Sử" for "Sở"): a name may
        then match fuzzily with a first word one letter off (queued for a person all the same)."""
        text = clean_text(cell)
        if not text:
            return []
        tokens = tokenize(text)
        provinces = self._province_keys | ({match_key(province)} if province else set())
        pieces = self._pieces(text, tokens, self._matches(tokens), provinces)
        results: list[ResolvedAgency] = []
        previous: _Piece | None = None
        for piece in pieces:
            results.append(self._resolve(text, piece, previous, jurisdiction, ocr))
            if piece.match is not None:
                previous = piece
        return results

    def names_only_agencies(self, text: str, *, jurisdiction: str | None = None, ocr: bool = False) -> bool:
        """True when every piece of ``text`` resolves to a registry agency ("1. Công an tỉnh" headings)."""
        resolved = self.resolve_cell(text, jurisdiction=jurisdiction, ocr=ocr)
        return bool(resolved) and all(item.ref.resolved for item in resolved)

    def name_spans(self, text: str) -> list[tuple[int, int, bool]]:
        """(start, end, collective) of every registry name in free text, in order (character offsets)."""
        tokens = tokenize(text)
        return [
            (tokens[start].start, tokens[end - 1].end, alias.agency.collective)
            for start, (end, alias) in sorted(self._matches(tokens).items())
        ]

    def starts_like_name(self, text: str) -> bool:
        """True when ``text`` begins like an agency name: a registry name or one of the registry's head words."""
        tokens = tokenize(text)
        return bool(tokens) and self._starts_agency(tokens, 0, self._matches(tokens))

    def leading_mention(self, text: str) -> str | None:
        """The agency names a sentence opens with, as written, or None.

        "Các sở, ban, ngành, đoàn thể, UBND cấp xã căn cứ ..." -> "Các sở, ban, ngành, đoàn thể, UBND cấp xã":
        registry names joined only by "," / "và" / ";".  A leading clause that names no agency
        ("Định kỳ trước ngày 10 hằng tháng, các cơ quan, đơn vị báo cáo ...") is skipped once.
        """
        tokens = tokenize(text)
        matches = self._matches(tokens)
        starts = [0]
        first_comma = next((i for i, token in enumerate(tokens) if token.text == ","), None)
        if first_comma is not None and not any(i < first_comma for i in matches):
            starts.append(first_comma + 1)
        for start in starts:
            if start not in matches:
                continue
            end = matches[start][0]
            while True:
                following = end
                while following < len(tokens) and tokens[following].key in _SEPARATOR_KEYS:
                    following += 1
                if following == end or following not in matches:
                    break
                end = matches[following][0]
            return text[tokens[start].start : tokens[end - 1].end]
        return None

    # ------------------------------------------------------------------ matching and splitting

    def _matches(self, tokens: list[Token]) -> dict[int, tuple[int, AliasMatch]]:
        """Registry names in the cell: start token index -> (end token index, alias)."""
        kept = [i for i, token in enumerate(tokens) if token.text not in KEY_SKIPPED]
        if not kept:
            return {}
        doc = Doc(self._vocab, words=[tokens[i].key for i in kept])
        spans = filter_spans(self._matcher(doc, as_spans=True))
        return {kept[span.start]: (kept[span.end - 1] + 1, self._by_label[span.label_]) for span in spans}

    def _starts_agency(self, tokens: list[Token], i: int, matches: dict[int, tuple[int, AliasMatch]]) -> bool:
        if i in matches:
            return True
        keys = [token.key for token in tokens[i : i + 4]]
        return any(tuple(keys[: len(head)]) == head for head in self._heads)

    def _pieces(
        self,
        text: str,
        tokens: list[Token],
        matches: dict[int, tuple[int, AliasMatch]],
        provinces: set[tuple[str, ...]],
    ) -> list[_Piece]:
        pieces: list[_Piece] = []
        current: _Piece | None = None  # words that matched nothing, being collected
        separated = True
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.text == "(":
                close = _closing_parenthesis(tokens, i)
                owner = current or (pieces[-1] if pieces and not separated else None)
                if owner is not None:
                    inner = tokens[i + 1 : close - 1] if tokens[close - 1].text == ")" else tokens[i + 1 : close]
                    owner.sub_unit = text[inner[0].start : inner[-1].end] if inner else None
                    owner.extra.extend(tokens[i:close])
                i = close
                continue
            if i in matches:
                end, alias = matches[i]
                if current is not None:
                    pieces.append(current)
                    current = None
                pieces.append(_Piece(tokens[i:end], alias, after_separator=separated))
                separated = False
                i = end
                continue
            if token.key in _SEPARATOR_KEYS or (not token.is_word and token.text not in KEY_SKIPPED):
                # A comma or "và" inside words that matched nothing splits only before a new agency.
                if (
                    current is not None
                    and token.key not in _HARD_SEPARATOR_KEYS
                    and token.key in _SEPARATOR_KEYS
                    and i + 1 < len(tokens)
                    and not self._starts_agency(tokens, i + 1, matches)
                ):
                    current.tokens.append(token)
                    i += 1
                    continue
                if current is not None:
                    pieces.append(current)
                    current = None
                separated = True
                i += 1
                continue
            if current is None:
                current = _Piece([], after_separator=separated)
            current.tokens.append(token)
            separated = False
            i += 1
        if current is not None:
            pieces.append(current)
        return self._attach_trailing_words(text, pieces, provinces)

    def _attach_trailing_words(self, text: str, pieces: list[_Piece], provinces: set[tuple[str, ...]]) -> list[_Piece]:
        """Words right after a name that only qualify it (province, "có liên quan") join that name."""
        attached: list[_Piece] = []
        for piece in pieces:
            previous = attached[-1] if attached else None
            if piece.match is None and not piece.after_separator and previous is not None and previous.match:
                words = text[piece.tokens[0].start : piece.tokens[-1].end]
                is_province = match_key(words) in provinces
                if is_province or starts_lowercase(words):
                    previous.extra.extend(piece.tokens)
                    unknown = [t.text for t in piece.tokens if t.is_word and t.key not in self.registry.qualifiers]
                    if unknown and not is_province:
                        previous.review_reason = f"words after the name not understood: {' '.join(unknown)}"
                    continue
            if piece.match is not None and previous is not None and previous.match is None:
                link = _sub_unit_link(previous.tokens)
                if link and not piece.after_separator:
                    unit = previous.tokens[: len(previous.tokens) - link]
                    piece.sub_unit = text[unit[0].start : unit[-1].end]
                    piece.extra = [*previous.tokens, *piece.extra]
                    attached[-1] = piece
                    continue
            attached.append(piece)
        return attached

    # ------------------------------------------------------------------ resolution

    def _resolve(
        self, text: str, piece: _Piece, previous: _Piece | None, jurisdiction: str | None, ocr: bool = False
    ) -> ResolvedAgency:
        tokens = sorted([*piece.tokens, *piece.extra], key=lambda t: t.start)
        raw = text[tokens[0].start : tokens[-1].end]
        words = text[piece.tokens[0].start : piece.tokens[-1].end]
        piece.key = match_key(words)
        if piece.match is not None:
            return ResolvedAgency(self._ref(raw, piece.match, piece, jurisdiction), piece.review_reason)
        for attempt in self._rule_candidates(piece.key, previous):
            alias = self.registry.aliases.get(attempt)
            if alias is not None:
                piece.match = alias
                return ResolvedAgency(self._ref(raw, alias, piece, jurisdiction))
        return self._fuzzy(raw, words, piece, jurisdiction, ocr)

    def _rule_candidates(self, key: tuple[str, ...], previous: _Piece | None) -> list[tuple[str, ...]]:
        candidates = [key]
        candidates += [head + key for head in self._restorable_heads]
        if previous is not None and previous.key and len(key) <= 3:
            # "Kho bạc Nhà nước tỉnh, khu vực 5": the second name repeats the first one's head.
            candidates += [previous.key[:-drop] + key for drop in (1, 2) if len(previous.key) > drop]
        return candidates

    def _fuzzy(
        self, raw: str, words: str, piece: _Piece, jurisdiction: str | None, ocr: bool = False
    ) -> ResolvedAgency:
        if ocr:
            unmarked = self._unmarked_aliases.get(strip_marks(" ".join(piece.key)), [])
            if len(unmarked) == 1:  # one registry name, once OCR's wrong or missing marks are set aside
                piece.match = alias = self.registry.aliases[unmarked[0]]
                why = "read by OCR: the name matched without its diacritics"
                candidate = alias.agency.canonical_name(jurisdiction, alias.binding_map)
                return ResolvedAgency(self._ref(raw, alias, piece, jurisdiction), why, candidate, None)
        query = " ".join(piece.key)
        numbers = numbers_in(words)
        best = process.extractOne(query, self._fuzzy_choices, scorer=fuzz.ratio, processor=None)
        if best is not None:
            _, score, index = best
            candidate_key = self._fuzzy_keys[index]
            alias = self.registry.aliases[candidate_key]
            same_head = candidate_key[:1] == piece.key[:1]
            misread_head = ocr and not same_head and _one_letter_apart(candidate_key[:1], piece.key[:1])
            same_numbers = numbers_in(alias.text) == numbers
            candidate_name = alias.agency.canonical_name(jurisdiction, alias.binding_map)
            if score >= FUZZY_MIN and (same_head or misread_head) and same_numbers:
                piece.match = alias
                reason: str | None = None if score >= FUZZY_CONFIDENT else "fuzzy match below the confident score"
                if misread_head:
                    reason = "read by OCR: the name's first word matched one letter off"
                return ResolvedAgency(self._ref(raw, alias, piece, jurisdiction), reason, candidate_name, score)
            return self._unresolved(raw, words, piece, candidate_name, score)
        return self._unresolved(raw, words, piece, None, None)

    def _unresolved(
        self, raw: str, words: str, piece: _Piece, candidate: str | None, score: float | None
    ) -> ResolvedAgency:
        name = official_tone_marks(words)
        ref = AgencyRef(
            raw=raw,
            name=name[:1].upper() + name[1:],
            collective=bool(piece.key) and piece.key[0] in _PLURAL_WORDS,
            resolved=False,
            sub_unit=piece.sub_unit,
        )
        return ResolvedAgency(ref, "no registry agency matches", candidate, score)

    def _ref(self, raw: str, alias: AliasMatch, piece: _Piece, jurisdiction: str | None) -> AgencyRef:
        agency = alias.agency
        return AgencyRef(
            raw=raw,
            name=agency.canonical_name(jurisdiction, alias.binding_map),
            collective=agency.collective,
            resolved=True,
            agency_id=agency.id,
            kind=agency.kind,
            level=agency.level,
            successor=self.registry.successor_name(agency, jurisdiction),
            sub_unit=piece.sub_unit,
        )


def _one_letter_apart(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two one-word heads that differ by one letter, marks aside ("sử" / "sở"): what OCR makes of a head word."""
    if len(a) != 1 or len(b) != 1:
        return False
    first, second = strip_marks(a[0]), strip_marks(b[0])
    return min(len(first), len(second)) >= 2 and Levenshtein.distance(first, second) <= 1


def _closing_parenthesis(tokens: Sequence[Token], start: int) -> int:
    """Index just after the ")" closing the "(" at ``start`` (the end of the cell if none)."""
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i].text == "(":
            depth += 1
        elif tokens[i].text == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(tokens)


def _sub_unit_link(tokens: Sequence[Token]) -> int:
    """How many trailing tokens say "part of" ("... thuộc", "... trực thuộc"); 0 if none."""
    keys = tuple(t.key for t in tokens)
    for link in _SUB_UNIT_LINKS:
        if len(keys) > len(link) and keys[-len(link) :] == link:
            return len(link)
    return 0


@lru_cache(maxsize=1)
def default_resolver() -> AgencyResolver:
    """A resolver over the registry shipped with vnplan (built once: the matcher has every alias)."""
    return AgencyResolver(default_registry())


def split_agency_cell(
    cell: str | None, *, jurisdiction: str | None = None, province: str | None = None
) -> list[AgencyRef]:
    """The refs of one agency cell (see ``AgencyResolver.resolve_cell`` for review information)."""
    return [r.ref for r in default_resolver().resolve_cell(cell, jurisdiction=jurisdiction, province=province)]


class AgencyNameChecks:
    """The registry's answers a prose task list reader asks for (``extractors.sections.AgencyNames``), for the
    agencies of one jurisdiction ("tỉnh" / "thành phố")."""

    def __init__(self, resolver: AgencyResolver, jurisdiction: str | None, ocr: bool = False) -> None:
        self.resolver = resolver
        self.jurisdiction = jurisdiction
        self.ocr = ocr
        """The document was read by OCR (some of it): names may be misread (``AgencyResolver.resolve_cell``)."""

    def names_only(self, text: str) -> bool:
        return self.resolver.names_only_agencies(text, jurisdiction=self.jurisdiction, ocr=self.ocr)

    def leading(self, text: str) -> str | None:
        return self.resolver.leading_mention(text)

    def written_names(self, text: str) -> list[str]:
        """The registry names ``text`` holds, as written."""
        return [text[start:end] for start, end, _ in self.resolver.name_spans(text)]

    def is_collective(self, text: str) -> bool:
        return any(collective for _, _, collective in self.resolver.name_spans(text))
