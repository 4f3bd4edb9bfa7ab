"""Who leads and who supports, read from a task's assignment sentences.

The model form of a prose task list assigns work in sentences, not cells::

    + Sở Y tế chủ trì, phối hợp với Sở Tư pháp và các doanh nghiệp xây dựng ...; Công an tỉnh phối hợp.

The rules (gold README, per-document notes):

- lead: the agencies that are the subject of a lead role word ("chủ trì"), or the subject of a clause
  that has no role word at all ("Sở Y tế khuyến khích các bệnh viện ...");
- support: every other agency the sentences name as acting: the subject of a support role word
  ("phối hợp"), and the agencies named after a verb ("phối hợp với X", "khuyến khích X");
- not acting: a body named after a preposition ("theo hướng dẫn của Bộ ...", "tại Trung tâm ...",
  "báo cáo về ..."), unless the preposition ties it to a role word ("phối hợp với X");
- each agency once, in order of first mention; an agency that leads is not also listed as support.

How: agency names are found by the registry's spaCy ``PhraseMatcher`` (``AgencyResolver.name_spans``),
words and their parts of speech by underthesea's tagger (``normalizers.pos_tagging``): a preposition is
a word tagged ``E`` (so no list of prepositions is kept here), and a registry name that is really a verb
or part of a longer word ("tổ chức triển khai", "khám chữa bệnh") is not taken for an agency.  The role words are data
(``data/assignment_vocabulary.yaml``).  Clauses are cut at ";" and at sentence ends; a clause without
a subject of its own ("...; phối hợp Sở X đánh giá ...") adds only the agencies it names after a verb.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from normalizers.agencies import AgencyResolver, ResolvedAgency, default_resolver
from normalizers.data_files import load_rules
from normalizers.pos_tagging import pos_tag
from normalizers.text import clean_text
from normalizers.vietnamese import Token, tokenize, word_key

_PARENTHESIS = re.compile(r"\([^()]*\)")
_SUBJECT_MAX_TOKENS = 16  # an unknown subject longer than this is a sentence, not a name
_LIST_SEPARATORS = {",", "và", "...", "…"}
_TAG_WINDOW = 250  # characters the part-of-speech tagger is given at once (see ``_tagging_pieces``)


@dataclass(frozen=True)
class AssignmentVocabulary:
    lead_roles: tuple[tuple[str, ...], ...]
    support_roles: tuple[tuple[str, ...], ...]
    partner_words: frozenset[str]
    trailing_qualifiers: tuple[tuple[str, ...], ...]
    plural_words: frozenset[str]

    @classmethod
    def load(cls, data: dict[str, Any]) -> AssignmentVocabulary:
        def phrases(key: str) -> tuple[tuple[str, ...], ...]:
            keyed = (tuple(word_key(word) for word in str(phrase).split()) for phrase in data.get(key) or [])
            return tuple(sorted(keyed, key=len, reverse=True))

        return cls(
            lead_roles=phrases("lead_roles"),
            support_roles=phrases("support_roles"),
            partner_words=frozenset(word_key(str(word)) for word in data.get("partner_words") or []),
            trailing_qualifiers=phrases("trailing_qualifiers"),
            plural_words=frozenset(word_key(str(word)) for word in data.get("plural_words") or []),
        )


@lru_cache(maxsize=1)
def default_assignment_vocabulary() -> AssignmentVocabulary:
    return AssignmentVocabulary.load(load_rules("normalizers", "assignment_vocabulary.yaml"))


@dataclass
class Assignment:
    """The agencies a task's assignment sentences make lead and support, resolved, in order."""

    lead: list[ResolvedAgency] = field(default_factory=list)
    support: list[ResolvedAgency] = field(default_factory=list)


@dataclass(frozen=True)
class _Word:
    """One underthesea word with its part of speech and character offsets."""

    start: int
    end: int
    tag: str
    key: tuple[str, ...]


@dataclass
class _Group:
    """Agency names joined only by "," / "và": one list of agencies ("Sở Y tế, các bệnh viện")."""

    start: int
    end: int


def _pos_words(text: str) -> list[_Word]:
    words: list[_Word] = []
    position = 0
    for piece in _tagging_pieces(text):
        for word, tag in pos_tag(piece):
            start = text.find(word, position)
            if start < 0:  # the tagger normalised the word; its offsets are unknown, skip it
                continue
            end = start + len(word)
            words.append(_Word(start, end, tag, tuple(word_key(part) for part in word.split())))
            position = end
    return words


def _tagging_pieces(text: str) -> Iterator[str]:
    """``text`` in consecutive pieces of at most ``_TAG_WINDOW`` characters, cut after a comma (else at a space).

    underthesea's own feature builder costs the square of the sentence's length (a 12 000-character clause
    took over a minute).  ``pos_tagging`` builds the same features in linear time, but the pieces stay: they
    bound the cost whichever builder runs, and the tagger's features only look two words either side, so a
    long clause tagged piece by piece gets the same tags away from the cuts.
    """
    start = 0
    while len(text) - start > _TAG_WINDOW:
        end = start + _TAG_WINDOW
        cut = text.rfind(",", start, end) + 1 or text.rfind(" ", start, end)
        if cut <= start:
            cut = end  # one very long word: cut it anyway
        yield text[start:cut]
        start = cut
    yield text[start:]


# Tokens and tagger words are in text order and do not overlap, so both their starts and their ends are sorted:
# the ones before or after an offset are found by bisection (a scan per agency name made long clauses quadratic).
def _start(item: Token | _Word) -> int:
    return item.start


def _end(item: Token | _Word) -> int:
    return item.end


def _last_keys(text: str, count: int) -> list[str]:
    """The keys of the last ``count`` tokens of ``text`` other than commas (all of them when it has fewer).

    Only the end of ``text`` is tokenized, so asking this of every prefix of a long clause stays linear; the
    window may cut a word in two tokens ("KH&CN" as "&", "CN"), so it must hold two tokens more than asked for.
    """
    size = 64
    while True:
        keys = [token.key for token in tokenize(text[-size:]) if token.text != ","]
        if size >= len(text) or len(keys) >= count + 2:
            return keys[-count:]
        size *= 2


def _clauses(text: str) -> Iterable[str]:
    """Parts of a sentence line with their own subject: cut at ";" and at sentence ends."""
    for part in text.split(";"):
        start = 0
        for match in re.finditer(r"(?<!\.)\.\s+(?=\S)", part):
            following = part[match.end() :]
            if following[:1].isupper():
                yield part[start : match.start() + 1]
                start = match.end()
        yield part[start:]


class AssignmentReader:
    """Reads lead and support agencies from assignment sentences with one resolver."""

    def __init__(self, resolver: AgencyResolver, vocabulary: AssignmentVocabulary | None = None) -> None:
        self.resolver = resolver
        self.vocabulary = vocabulary or default_assignment_vocabulary()
        provinces = (tuple(token.key for token in tokenize(name)) for name in resolver.registry.provinces)
        self._province_keys = tuple(sorted(provinces, key=len, reverse=True))

    def read(self, lines: Iterable[str], *, jurisdiction: str | None = None, province: str | None = None) -> Assignment:
        """Lead and support of the sentences ``lines`` (one task's "Phân công nhiệm vụ" lines)."""
        lead: list[str] = []
        support: list[str] = []
        for line in lines:
            text = clean_text(_PARENTHESIS.sub(" ", clean_text(line)))
            for clause in _clauses(text):
                clause = clause.strip(" ,.")
                if clause:
                    self._read_clause(clause, lead, support)
        return self._resolved(lead, support, jurisdiction, province)

    # ------------------------------------------------------------------ one clause

    def _read_clause(self, clause: str, lead: list[str], support: list[str]) -> None:
        tokens = tokenize(clause)
        words = _pos_words(clause)
        roles = self._roles(tokens)
        groups = self._groups(clause, tokens, words, has_role=bool(roles))
        subject = groups[0] if groups and groups[0].start == 0 else self._unknown_subject(clause, tokens, roles)
        if subject is not None:
            role = next((kind for at, _, kind in roles if at >= subject.end), None)
            (support if role == "support" else lead).append(clause[subject.start : subject.end])
        for group in groups:
            if group is subject or not self._acting(clause, group, words):
                continue
            support.append(clause[group.start : group.end])
        support.extend(self._unknown_partners(clause, words, roles, groups))

    def _roles(self, tokens: list[Token]) -> list[tuple[int, int, str]]:
        """(start, end, "lead" | "support") of every role word of the clause, in order (character offsets)."""
        keys = [token.key for token in tokens]
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(tokens):
            for kind, phrases in (("lead", self.vocabulary.lead_roles), ("support", self.vocabulary.support_roles)):
                phrase = next((p for p in phrases if tuple(keys[i : i + len(p)]) == p), None)
                if phrase is not None:
                    found.append((tokens[i].start, tokens[i + len(phrase) - 1].end, kind))
                    i += len(phrase) - 1
                    break
            i += 1
        return found

    def _groups(self, clause: str, tokens: list[Token], words: list[_Word], *, has_role: bool) -> list[_Group]:
        """The agency lists of the clause: registry names that really are names, joined by separators."""
        groups: list[_Group] = []
        previous_end: int | None = None
        for start, end, collective in self.resolver.name_spans(clause):
            end = self._with_qualifiers(clause, tokens, end)
            between = clause[previous_end:start].split() if previous_end is not None else None
            continues = between is not None and all(word in _LIST_SEPARATORS for word in between)
            if not self._is_name(clause, start, end, words, continues):
                continue
            if collective and start == 0 and not has_role and self._common_noun(clause[start:end]):
                # "Tổ chức đánh giá ...": a bare common noun opening a clause without a role word is
                # as likely a verb; "Doanh nghiệp phối hợp ..." is confirmed by its role word.
                continue
            if continues and groups:
                groups[-1].end = end
            else:
                groups.append(_Group(start, end))
            previous_end = end
        return groups

    def _common_noun(self, text: str) -> bool:
        """A name written like ordinary words ("Tổ chức", "Doanh nghiệp"), not "các ...", "UBND cấp huyện"."""
        words = text.split()
        return (
            not self._plural(text)
            and not any(len(word) > 1 and word.isupper() for word in words)
            and all(word.islower() for word in words[1:])
        )

    def _plural(self, text: str) -> bool:
        """True when ``text`` opens with a plural word ("các", "những")."""
        words = text.split()
        return bool(words) and word_key(words[0]) in self.vocabulary.plural_words

    def _with_qualifiers(self, clause: str, tokens: list[Token], end: int) -> int:
        """``end`` moved past words that belong to the name: a qualifier ("các doanh nghiệp có liên
        quan") or a province name ("Ban Quản lý các Khu công nghiệp tỉnh Bắc Ninh")."""
        phrases = (*self.vocabulary.trailing_qualifiers, *self._province_keys)
        first = bisect_left(tokens, end, key=_start)
        following = tokens[first : first + max(map(len, phrases), default=0)]  # no more is compared
        keys = tuple(token.key for token in following)
        for phrase in phrases:
            if phrase and keys[: len(phrase)] == phrase:
                return following[len(phrase) - 1].end
        return end

    def _is_name(self, clause: str, start: int, end: int, words: list[_Word], continues: bool) -> bool:
        """A registry match is an agency here unless it is a verb or cuts a word ("khám chữa bệnh")."""
        inside = words[bisect_right(words, start, key=_end) : bisect_left(words, end, key=_start)]
        if inside and (inside[0].start < start or inside[-1].end > end):
            return False  # the match starts or ends inside one of the tagger's words
        first = clause[start:end].split()[0]
        if self._plural(first):
            return True
        if inside and inside[0].tag.startswith("V"):
            return False  # "Tổ chức đánh giá ...": a verb that happens to spell a registry alias
        if first[:1].isupper():
            return True
        return start == 0 or continues or self._follows_role(clause[:start], partner_allowed=True)

    def _acting(self, clause: str, group: _Group, words: list[_Word]) -> bool:
        """False for a body named after a preposition that does not tie it to a role word."""
        previous = words[: bisect_right(words, group.start, key=_end)]
        if not previous or not previous[-1].tag.startswith("E"):
            return True
        preposition = previous[-1]
        return preposition.key[-1] in self.vocabulary.partner_words and self._follows_role(
            clause[: preposition.start], partner_allowed=False
        )

    def _follows_role(self, text: str, *, partner_allowed: bool) -> bool:
        """True when ``text`` ends with a role word ("... phối hợp", or "... phối hợp với" if allowed)."""
        roles = (*self.vocabulary.lead_roles, *self.vocabulary.support_roles)
        keys = _last_keys(text, max((len(role) for role in roles), default=0) + 1)
        if partner_allowed and keys and keys[-1] in self.vocabulary.partner_words:
            keys.pop()
        return any(tuple(keys[-len(role) :]) == role for role in roles)

    def _unknown_subject(self, clause: str, tokens: list[Token], roles: list[tuple[int, int, str]]) -> _Group | None:
        """A subject the registry does not know: the words before the first role word, if they start like a name."""
        if not roles or not tokens:
            return None
        role_start = roles[0][0]
        before = [token for token in tokens if token.end <= role_start]
        if not before or len(before) > _SUBJECT_MAX_TOKENS or not self.resolver.starts_like_name(clause[:role_start]):
            return None
        return _Group(0, before[-1].end if before[-1].text not in {",", "."} else before[-2].end)

    def _unknown_partners(
        self, clause: str, words: list[_Word], roles: list[tuple[int, int, str]], groups: list[_Group]
    ) -> list[str]:
        """Names the registry does not know right after a support role ("phối hợp với Trung tâm Khuyến nông tỉnh").

        The name runs over the nouns that follow (underthesea tags N*) and stops at the first other word,
        so it may come out short; it is unresolved either way and goes to the review queue.
        """
        found: list[str] = []
        starts = {group.start for group in groups}
        for _, role_end, kind in roles:
            if kind != "support":
                continue  # "chủ trì Hội nghị ...": what a lead role governs is an activity
            following = words[bisect_left(words, role_end, key=_start) :]
            if following and following[0].key[-1] in self.vocabulary.partner_words:
                following = following[1:]
            if not following or following[0].start in starts:
                continue
            rest = clause[following[0].start :]
            if not rest[:1].isupper() or not self.resolver.starts_like_name(rest):
                continue
            nouns: list[_Word] = []
            for word in following:
                if not word.tag.startswith("N"):
                    break
                nouns.append(word)
            if nouns:
                found.append(clause[nouns[0].start : nouns[-1].end])
        return found

    # ------------------------------------------------------------------ resolution

    def _resolved(
        self, lead: list[str], support: list[str], jurisdiction: str | None, province: str | None
    ) -> Assignment:
        assignment = Assignment()
        seen: set[str] = set()
        for texts, target in ((lead, assignment.lead), (support, assignment.support)):
            for text in texts:
                for item in self.resolver.resolve_cell(text, jurisdiction=jurisdiction, province=province):
                    if item.ref.name not in seen:
                        seen.add(item.ref.name)
                        target.append(item)
        return assignment


@lru_cache(maxsize=1)
def default_assignment_reader() -> AssignmentReader:
    """A reader over the shipped registry and vocabulary."""
    return AssignmentReader(default_resolver())
