"""Pinyin as search keys: reading an entry's ``pinyin`` field and a user's query.

No dictionary is needed: an entry's reviewed ``pinyin`` field (tone marks,
word-joined: ``dīkōng jīngjì``) is cut into syllables with the table below, and a
query is read in every form people type it — tone marks, tone numbers (``di1kong1``),
no tones, no spaces, ``v`` / ``u:`` / ``ü`` for ü, apostrophes, any case — and, when
unspaced input can be cut in several ways (``xian`` = xian or xi'an), every way is
kept: the search decides which one an entry agrees with.

Syllables are spelt in ASCII, ``v`` standing for ü (``lv``, ``nve``); tones are
1–4, 5 for the neutral tone and 0 where the text gives none.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from itertools import product
from typing import Sequence

from glossary.normalize import HAN_RUN

# --------------------------------------------------------------------------- the syllable table

# Every syllable of standard Mandarin (Hanyu pinyin spelling, ü written v), by initial.
# Interjections without a vowel (m, n, ng, hm, hng) are left out: they would let
# almost any consonant cut a word.
_TABLE = """
a o e ai ei ao ou an en ang eng er
yi ya yo ye yao you yan yin yang ying yong yu yue yuan yun
wu wa wo wai wei wan wen wang weng
ba bo bai bei bao ban ben bang beng bi bie biao bian bin bing bu
pa po pai pei pao pou pan pen pang peng pi pie piao pian pin ping pu
ma mo me mai mei mao mou man men mang meng mi mie miao miu mian min ming mu
fa fo fei fou fan fen fang feng fu
da de dai dei dao dou dan den dang deng dong di dia die diao diu dian ding du duo dui duan dun
ta te tai tei tao tou tan tang teng tong ti tie tiao tian ting tu tuo tui tuan tun
na ne nai nei nao nou nan nen nang neng nong ni nie niao niu nian nin niang ning nu nuo nuan nun nv nve
la le lo lai lei lao lou lan lang leng long li lia lie liao liu lian lin liang ling lu luo luan lun lv lve
ga ge gai gei gao gou gan gen gang geng gong gu gua guo guai gui guan gun guang
ka ke kai kei kao kou kan ken kang keng kong ku kua kuo kuai kui kuan kun kuang
ha he hai hei hao hou han hen hang heng hong hu hua huo huai hui huan hun huang
ji jia jie jiao jiu jian jin jiang jing jiong ju jue juan jun
qi qia qie qiao qiu qian qin qiang qing qiong qu que quan qun
xi xia xie xiao xiu xian xin xiang xing xiong xu xue xuan xun
zha zhe zhi zhai zhei zhao zhou zhan zhen zhang zheng zhong zhu zhua zhuo zhuai zhui zhuan zhun zhuang
cha che chi chai chao chou chan chen chang cheng chong chu chua chuo chuai chui chuan chun chuang
sha she shi shai shei shao shou shan shen shang sheng shu shua shuo shuai shui shuan shun shuang
re ri rao rou ran ren rang reng rong ru rua ruo rui ruan run
za ze zi zai zei zao zou zan zen zang zeng zong zu zuo zui zuan zun
ca ce ci cai cao cou can cen cang ceng cong cu cuo cui cuan cun
sa se si sai sao sou san sen sang seng song su suo sui suan sun
"""
SYLLABLES: frozenset[str] = frozenset(_TABLE.split())
# What a user may have typed of a syllable so far (``zh``, ``chua`` …), full syllables included.
PREFIXES: frozenset[str] = frozenset(s[:i] for s in SYLLABLES for i in range(1, len(s) + 1))
_LONGEST = max(map(len, SYLLABLES))

# ü typed as a plain u after l and n: lu / lv, nue / nve …
LOOSE_U: dict[str, str] = {"lu": "lv", "nu": "nv", "lue": "lve", "nue": "nve"}

_VOWELS = frozenset("aeiouv")
# Combining marks of the four tones (NFD), and the diaeresis of ü.
_TONE_OF_MARK = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}
_DIAERESIS = "\u0308"
_SEPARATORS = frozenset(" \t'’‘`-_·.,;:/、，；。()（）[]")
_MAX_READINGS = 64


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of reading a query as pinyin: syllables, the tone given for each
    (0 where the query gives none), and whether the last syllable is unfinished."""

    syllables: tuple[str, ...]
    tones: tuple[int, ...]
    partial: bool = False

    @property
    def joined(self) -> str:
        return "".join(self.syllables)


# --------------------------------------------------------------------------- marks and letters

def _letters(text: str) -> tuple[str, list[int]]:
    """Lower-case ASCII letters (ü → v) and, for each, the tone its mark gives (0: none).
    Characters that are neither letters nor tone marks come out as they are."""
    letters: list[str] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).lower()):
        if char in _TONE_OF_MARK:
            if tones:
                tones[-1] = _TONE_OF_MARK[char]
        elif char == _DIAERESIS:
            if letters and letters[-1] == "u":
                letters[-1] = "v"
        elif unicodedata.combining(char):
            continue
        else:
            letters.append(char)
            tones.append(0)
    return "".join(letters), tones


def strip_tones(text: str) -> str:
    """``Dīkōng jīngjì`` → ``dikong jingji`` (ü → v)."""
    return _letters(text)[0]


def _cuts(chunk: str, partial_end: bool) -> list[tuple[str, ...]]:
    """The ways of cutting ``chunk`` (ASCII letters) into syllables, longest first
    piece first, at most :data:`_MAX_READINGS`; with ``partial_end`` the last piece
    may be an unfinished syllable.

    Linear in the length of ``chunk`` (but for the cuts returned): the places a cut can
    go on from to the end are worked out first, from the end back, so the walk through
    the cuts never enters a dead end (``xianxian…qqq`` has two readings per ``xian``
    and no way through), and it keeps its own stack rather than recursing."""
    size = len(chunk)
    # steps[i]: where a piece starting at i may end, longest piece first, keeping only
    # the ends from which the rest of the chunk can be cut too.
    steps: list[list[int]] = [[] for _ in range(size + 1)]
    through = [False] * size + [True]
    for start in range(size - 1, -1, -1):
        for end in range(min(size, start + _LONGEST), start, -1):
            piece = chunk[start:end]
            if through[end] and (piece in SYLLABLES
                                 or (partial_end and end == size and piece in PREFIXES)):
                steps[start].append(end)
        through[start] = bool(steps[start])
    found: list[tuple[str, ...]] = []
    if not through[0]:
        return found
    # Depth first, the same order as trying the longest piece first at each place. A cut
    # so far is a node: the place it reached and the node it came from (-1: the start).
    nodes: list[tuple[int, int]] = [(0, -1)]
    stack = [0]
    while stack and len(found) < _MAX_READINGS:
        at = stack.pop()
        start = nodes[at][0]
        if start == size:
            places = []
            while at >= 0:
                places.append(nodes[at][0])
                at = nodes[at][1]
            places.reverse()  # 0, then the end of each piece
            found.append(tuple(chunk[i:j] for i, j in zip(places, places[1:])))
            continue
        for end in reversed(steps[start]):
            stack.append(len(nodes))
            nodes.append((end, at))
    return found


def _tones_of(cut: tuple[str, ...], marks: list[int]) -> tuple[int, ...] | None:
    """The tone of each syllable of a cut from the marks on its letters;
    None if a syllable carries two marks (then the cut is wrong)."""
    tones = []
    pos = 0
    for syllable in cut:
        given = [t for t in marks[pos:pos + len(syllable)] if t]
        if len(given) > 1:
            return None
        tones.append(given[0] if given else 0)
        pos += len(syllable)
    return tuple(tones)


def _normalise_u(syllables: tuple[str, ...]) -> tuple[str, ...]:
    # ü after j, q, x, y is written u; a query typing jv / qv / xv / yv means the same.
    return tuple(s[0] + "u" + s[2:] if len(s) > 1 and s[0] in "jqxy" and s[1] == "v" else s
                 for s in syllables)


# --------------------------------------------------------------------------- an entry's pinyin

def syllables_of(pinyin: str) -> list[tuple[str, int]]:
    """The syllables and tones of a well-formed ``pinyin`` field.

    Written pinyin puts an apostrophe before a syllable starting with a, o or e
    inside a word, and at most one tone mark on a syllable, so of the possible
    cuts the one that respects both is taken. Syllables without a mark are
    neutral (tone 5); anything that is not pinyin (``5G``) is kept as a token of
    its own with tone 0.
    """
    out: list[tuple[str, int]] = []
    for word in pinyin.split():  # whitespace separates chunks: a word is read alone
        out.extend(_word_syllables(word))
    return out


@lru_cache(maxsize=1 << 16)
def _word_syllables(word: str) -> tuple[tuple[str, int], ...]:
    """:func:`syllables_of` of one word (words recur across entries: read each once)."""
    out: list[tuple[str, int]] = []
    for chunk, marks, digit in _chunks(word):
        if not chunk.isascii() or not chunk.isalpha():
            out.append((chunk, 0))
            continue
        best = None
        for cut in _cuts(chunk, partial_end=False):
            tones = _tones_of(cut, marks)
            if tones is None:
                continue
            bad_vowels = sum(1 for s in cut[1:] if s[0] in "aoe")
            rank = (bad_vowels, len(cut))
            if best is None or rank < best[0]:
                best = (rank, cut, tones)
        if best is None:
            out.append((chunk, 0))
            continue
        _, cut, tones = best
        if digit is not None:
            tones = tones[:-1] + (digit,)
        out.extend((s, t or 5) for s, t in zip(_normalise_u(cut), tones))
    return tuple(out)


def _chunks(text: str) -> list[tuple[str, list[int], int | None]]:
    """Runs of letters between separators and tone digits: (letters, marks, digit after)."""
    letters, tones = _letters(text.replace("u:", "ü").replace("U:", "Ü"))
    chunks: list[tuple[str, list[int], int | None]] = []
    current: list[str] = []
    marks: list[int] = []

    def flush(digit: int | None) -> None:
        if current:
            chunks.append(("".join(current), list(marks), digit))
        current.clear()
        marks.clear()

    for char, tone in zip(letters, tones):
        if char in _SEPARATORS or char.isspace():
            flush(None)
        elif char in "012345" and current and current[-1].isalpha():
            flush(int(char) or 5)
        else:
            current.append(char)
            marks.append(tone)
    flush(None)
    return chunks


def initials(syllables: list[str] | tuple[str, ...]) -> str:
    """First letters of the syllables: ``dikong jingji`` → ``dkjj``."""
    return "".join(s[0] for s in syllables if s)


def digraph_initials(syllables: list[str] | tuple[str, ...]) -> str:
    """Initials with zh, ch, sh kept whole: ``zhineng`` → ``zhn``."""
    return "".join(s[:2] if s[:2] in ("zh", "ch", "sh") else s[0] for s in syllables if s)


# --------------------------------------------------------------------------- a query

def readings(query: str) -> list[Reading]:
    """Every reading of ``query`` as pinyin (empty if it cannot be pinyin).

    Spaces, apostrophes and tone digits fix syllable boundaries; inside a run of
    letters every cut into syllables is a reading, likeliest (fewest syllables)
    first. The last syllable may be unfinished (``xuni dianch``) when the letters
    cannot be read whole. ``u`` typed for ü (``lu``, ``nue``) stays ``u`` here: see
    :data:`LOOSE_U` and :func:`syllable_agrees` for how it still finds ``lǜ``.
    """
    chunks = _chunks(query)
    if not chunks:
        return []
    per_chunk: list[list[tuple[tuple[str, ...], tuple[int, ...], bool]]] = []
    for i, (chunk, marks, digit) in enumerate(chunks):
        if not chunk.isascii() or not chunk.isalpha():
            return []
        last = i == len(chunks) - 1 and digit is None
        options = []
        for cut in _cuts(chunk, partial_end=last):
            tones = _tones_of(cut, marks)
            if tones is None:
                continue
            if digit is not None:
                tones = tones[:-1] + (digit,)
            partial = last and cut[-1] not in SYLLABLES
            options.append((_normalise_u(cut), tones, partial))
        if not options:
            return []
        if any(not partial for _, _, partial in options):
            # An unfinished last syllable only when the letters cannot be read whole.
            options = [o for o in options if not o[2]]
        per_chunk.append(options)
    out: list[Reading] = []
    seen = set()
    for combo in product(*per_chunk):
        syllables = tuple(s for c in combo for s in c[0])
        tones = tuple(t for c in combo for t in c[1])
        reading = Reading(syllables, tones, combo[-1][2])
        if reading not in seen:
            seen.add(reading)
            out.append(reading)
        if len(out) >= _MAX_READINGS:
            break
    # Fewer, longer syllables first: the likelier reading of unspaced input.
    out.sort(key=lambda r: (r.partial, len(r.syllables)))
    return out


def syllable_agrees(typed: str, written: str, last: bool = False) -> int:
    """How a typed syllable agrees with an entry's: 2 same, 1 same but for ü
    typed u (or an unfinished last syllable), 0 not at all."""
    if typed == written:
        return 2
    if LOOSE_U.get(typed) == written:
        return 1
    if last and written.startswith(typed):
        return 1
    return 0


def looks_like_initials(query: str) -> bool:
    """A run of 2–12 consonant letters: ``dkjj``, ``xndc``."""
    letters = query.strip().lower()
    return (2 <= len(letters) <= 12 and letters.isascii() and letters.isalpha()
            and not any(c in _VOWELS for c in letters))


# --------------------------------------------------------------------------- reading characters

# Runs of Han characters: HAN_RUN (imported above, from glossary.normalize).


def hanzi_readings(text: str) -> list[str]:
    """pypinyin's reading, with tone marks and in context, of each Han character of
    ``text`` in order ("" where it has none); other characters are skipped.

    Traditional and mixed text is read as its simplified version
    (:func:`glossary.normalize.to_simplified`):
    pypinyin's phrases are simplified, and it reads 參與 cānyǔ but 参与 cānyù.
    For text that has no reviewed pinyin of its own (validate, extract, ruby, segment
    --pinyin, import). pypinyin is imported here only, never on the lookup path."""
    from pypinyin import Style, pinyin

    from glossary.normalize import to_simplified

    readings: list[str] = []
    readable = to_simplified(text)
    for run in HAN_RUN.finditer(text):
        chars = readable[run.start():run.end()]
        items = [p[0] for p in pinyin(chars, style=Style.TONE, errors=lambda x: [""] * len(x))]
        readings.extend(items if len(items) == len(chars) else [""] * len(chars))
    return readings


def term_pinyin(text: str, zh: str, pinyin: str) -> str:
    """The pinyin of a term as it stands in a text: the entry's reviewed ``pinyin`` when
    the text is the entry's own Chinese in any script (虛擬電廠 for 虚拟电厂), else the
    reading of the text itself — a regional word (人工智慧 of 人工智能 is réngōngzhìhuì,
    not réngōng zhìnéng) or a variant says its own syllables, joined as one word."""
    from glossary.normalize import fold_hanzi

    if fold_hanzi(text) == fold_hanzi(zh):
        return pinyin
    readings = hanzi_readings(text)
    return join_word(readings) if all(readings) else pinyin


# --------------------------------------------------------------------------- writing pinyin

def join_word(syllables: Sequence[str]) -> str:
    """Syllables written as one word, with an apostrophe before a syllable that starts
    with a, o or e inside it (``xī``, ``ān`` → ``xī'ān``)."""
    out = ""
    for i, syllable in enumerate(syllables):
        if i and syllable and strip_tones(syllable)[:1] in ("a", "o", "e"):
            out += "'"
        out += syllable
    return out


def word_joined(words: Sequence[str], readings: Sequence[str]) -> str:
    """``readings`` (one a Han character of ``words``, in order) written word by word:
    the syllables of a word joined, words separated by a space; a word without Han
    characters is written as it is."""
    out: list[str] = []
    i = 0
    for word in words:
        count = len("".join(HAN_RUN.findall(word)))
        out.append(join_word([r for r in readings[i:i + count] if r]) if count else word)
        i += count
    return " ".join(w for w in out if w)
