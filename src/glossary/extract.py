"""Candidate new terms in a Chinese text: what the glossary does not have yet.

How candidates are found and scored:

1. Known glossary terms are kept as single tokens and the rest of the text is cut by
   jieba, both through :class:`glossary.segment.Segmenter` (jieba's dictionary only,
   no HMM: an unknown word comes out as single characters, glued back here).
2. Punctuation, Latin text and *boundary words* (particles, conjunctions, the verbs
   and adverbs of policy prose: 的, 和, 加快, 推动, 支持, 积极 …) split the text into
   runs; every sequence of 1 to 4 tokens inside a run is a candidate.
3. A candidate is dropped if it is a known term, a piece of a known term or a single
   character, if it cuts a lone character from the word beside it wherever it occurs
   (侧响应 of 需求 侧 响应: jieba gives a word it does not know as pieces), or if it is
   seen twice or more but always inside one longer candidate (脑机 in 脑机接口). Of
   two nested candidates seen once, only the better scored is kept (车网互动试点 is
   车网互动 in one context).
4. Score = occurrences × specificity × shape. *Specificity* is a TF-IDF-like weight:
   the inverse document frequency of each word in jieba's dictionary (a general
   background corpus), averaged with the words' lengths as weights, so compounds of
   everyday words score low.
   *Shape* rewards the compounds of policy language (智慧X, 数字X, 无人X, X领域,
   X一体化, X平台 …, see :data:`PREFIXES` and :data:`HEADS`), prefers two or three
   words, and halves candidates that merely extend a known term. A candidate that
   ends in a verb followed by its object wherever it occurs (企业提供 in 为企业提供更多
   场景) is a clause, not a term, and weighs :data:`VERB_PIECE` as much.

This module is pure: no printing, no Typer, no Rich; jieba (through
:mod:`glossary.segment`), pypinyin and OpenCC are imported inside the functions that
use them.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from glossary.normalize import fold_hanzi, to_simplified

# Words that never belong to a term: a run of candidate words stops at them.
BOUNDARY_WORDS = frozenset("""
的 地 得 了 着 过 之 其 及 与 和 或 并 而 等 等等 以及 或者 并且 而且 以 以上 以下 以来
在 对 对于 为 为了 把 被 将 由 从 向 于 至 到 按 按照 根据 通过 关于 围绕 聚焦 依托 结合 面向
利用 借助 针对 基于 推动 推进 加快 加强 加大 支持 鼓励 引导 促进 提升 提高 推广 开展 培育
拓展 打造 构建 建立 健全 完善 探索 深化 强化 优化 实施 落实 发挥 形成 实现 满足 做好 组织
用好 谋划 布局 部署 统筹 有序 积极 大力 充分 持续 不断 进一步 稳步 逐步 加速 全面 切实 着力
重点 主要 相关 有关 各类 各地 各级 各 一批 一些 若干 多个 更多 更加 更好 一系列 一个 一种
这 该 此 这些 那些 我国 我们 是 有 要 可 可以 能 能够 应 应当 需 需要 也 都 还 又 更 最 已
已经 正在 不 没有 如 如何 即 则 但 但是 因此 同时 此外 其中 方面 等方面 领先 一 二 三 四 五
开始 成为 越来越 越来越多 日益 随着 作为
""".split())

# Verbs that may end a term (乡村建设, 海洋开发) but do not start one (建设智慧港口).
NOT_FIRST = frozenset("建设 发展 共建 参与 聚合 开放 建成 新建 开发 应用 实施 提供 发布 参加 运用 "
                      "采用 使用 引进 形成 带动 服务于 助力 赋能 实行 开展 部署".split())

# Policy compounds: a candidate that starts with one of these, or ends with one of the
# heads, has the shape of a term.
PREFIXES = ("智慧", "智能", "数字", "数智", "数字化", "无人", "低空", "绿色", "零碳", "低碳", "新型",
            "虚拟", "沉浸式", "工业", "全空间", "跨界", "一体化", "高端", "未来", "人工智能", "新能源")
HEADS = ("领域", "一体化", "体系", "场景", "经济", "平台", "中心", "园区", "系统", "网络", "技术",
         "模式", "工程", "基地", "枢纽", "设施", "装备", "设备", "产业", "集群", "示范区", "试验区",
         "治理", "监测", "联运", "机器人", "互联网", "大模型", "服务", "应用", "管理", "终端", "生态")

# A candidate that ends, wherever it occurs, in a verb of NOT_FIRST followed by its
# object (企业提供 in 为企业提供更多场景) is a clause, not a term: its score is multiplied by
# this. A verb is read as a noun when one of these words follows it (乡村建设和乡村治理).
VERB_PIECE = 0.3
CLAUSE_ENDS = frozenset("和 与 及 以及 或 或者 等 等等 并 并且 而 中".split())

MAX_WORDS = 4
MAX_CHARS = 12
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_HAN_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_NOT_HAN_RUN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TOKEN_OK = re.compile(r"^(?:[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+)$")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    known: str | None = None  # entry id when the token is a glossary term
    key: str = ""  # the token in simplified characters, for the word lists (text if empty)

    @property
    def simplified(self) -> str:
        return self.key or self.text


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate term with its evidence."""

    zh: str
    words: tuple[str, ...]  # its words, for word-joined pinyin
    count: int
    score: float
    start: int  # first occurrence, character offset in the text
    line: int  # 1-based line of the first occurrence
    example: str  # the sentence of the first occurrence
    contains: str | None = None  # the id of a known term inside it, if any

    def to_dict(self) -> dict[str, Any]:
        return {"zh": self.zh, "count": self.count, "score": round(self.score, 3),
                "line": self.line, "example": self.example, "contains": self.contains}


# --------------------------------------------------------------------------- background

class Background:
    """The general background: jieba's dictionary frequencies, and its cut.

    Both come from :class:`glossary.segment.Segmenter` (our one wrapper of jieba), with
    jieba's HMM off: an unknown word comes out as single characters, which
    :func:`refine` glues back."""

    def __init__(self, text: str, matcher: Any) -> None:
        from glossary.segment import Segmenter

        self.segmenter = Segmenter(matcher, hmm=False)
        self.freq, self.total = self.segmenter.frequencies(fold_hanzi(text))
        self._max_idf = math.log(self.total)

    def cut(self, text: str) -> list[str]:
        """jieba's words for a piece of the text, refined (see :func:`refine`), cut on its
        simplified shadow and given back in the text's own characters."""
        shadow = fold_hanzi(text)
        out, at = [], 0
        for word in self.refine(self.segmenter.words(shadow)):
            out.append(text[at:at + len(word)])
            at += len(word)
        return out

    def reading_words(self, text: str) -> list[str]:
        """``text`` cut into dictionary words for word-joined pinyin: the fewest
        one-character words, then the likeliest (智能 网联 汽车, not jieba's 智能网 联
        汽车). Cut on the simplified shadow, given back in the text's characters."""
        shadow = fold_hanzi(text)
        n = len(shadow)
        freq = self.freq
        # best[i]: (one-character words, −log-likelihood, cut) of shadow[:i]
        best: list[tuple[int, float, list[int]] | None] = [(0, 0.0, [])] + [None] * n
        for i in range(n):
            if best[i] is None:
                continue
            singles, cost, cuts = best[i]
            other = _NOT_HAN_RUN.match(shadow, i)
            ends = [other.end()] if other else range(i + 1, min(n, i + MAX_CHARS) + 1)
            for j in ends:
                f = freq.get(shadow[i:j]) or 0
                if j - i > 1 and not f and not other:
                    continue
                option = (singles + (j - i == 1 and not other), cost - math.log(f + 1), cuts + [j])
                if best[j] is None or option[:2] < best[j][:2]:
                    best[j] = option
        cuts = best[n][2] if best[n] else [n]
        # Characters the dictionary does not know as words make one word (脑 机 → 脑机).
        glued = _glue_single_characters([shadow[a:b] for a, b in zip([0, *cuts], cuts)])
        out, at = [], 0
        for word in glued:
            out.append(text[at:at + len(word)])
            at += len(word)
        return out

    def refine(self, words: list[str]) -> list[str]:
        """Long words split into their dictionary parts (接口技术 → 接口 技术), runs of lone
        characters glued back (脑 机 → 脑机)."""
        out: list[str] = []
        for word in words:
            out.extend(self.split(word))
        return _glue_single_characters(out)

    def split(self, word: str) -> list[str]:
        """A word of four characters or more as two dictionary words of two or more
        characters each, the likeliest split, recursively; else the word itself."""
        if len(word) < 4 or not _HAN_WORD.match(word):
            return [word]
        freq = self.freq
        best, best_score = None, 0.0
        for i in range(2, len(word) - 1):
            f_left, f_right = freq.get(word[:i]) or 0, freq.get(word[i:]) or 0
            if f_left and f_right:
                score = math.log(f_left) + math.log(f_right)
                if best is None or score > best_score:
                    best, best_score = i, score
        if best is None:
            return [word]
        return [*self.split(word[:best]), *self.split(word[best:])]

    def idf(self, word: str) -> float:
        """log(N / (1 + f)), scaled to 0..1 (1 = a word the background never saw)."""
        return math.log(self.total / (1 + (self.freq.get(word) or 0))) / self._max_idf

    def tokens(self, text: str) -> list[Token]:
        """Glossary terms as single tokens, jieba's refined words between them.

        jieba cuts traditional characters badly (參 與 for 参与): the simplified shadow
        of the text is cut, and the words are given back in the text's characters."""
        shadow = fold_hanzi(text)
        out: list[Token] = []
        pending: list[Any] = []

        def flush() -> None:
            if not pending:
                return
            offset = pending[0].start
            for word in self.refine([t.text for t in pending]):
                out.append(Token(text[offset:offset + len(word)], offset, None, word))
                offset += len(word)
            pending.clear()

        for token in self.segmenter.segment(shadow):
            if token.entry_id:
                flush()
                out.append(Token(text[token.start:token.end], token.start, token.entry_id,
                                 token.text))
            else:
                pending.append(token)
        flush()
        return out


# --------------------------------------------------------------------------- tokens

def _glue_single_characters(words: list[str]) -> list[str]:
    """Consecutive one-character Han words that are not particles make one word: without
    its HMM, jieba cuts an unknown word into characters (具 身, 脑 机)."""
    out: list[str] = []
    run: list[str] = []
    for word in words + [""]:
        if len(word) == 1 and _HAN_WORD.match(word) and word not in BOUNDARY_WORDS:
            run.append(word)
            continue
        if run:
            out.append("".join(run))
            run = []
        if word:
            out.append(word)
    return out


def runs(tokens: Iterable[Token]) -> list[list[Token]]:
    """Maximal sequences of tokens that may belong to a term."""
    out: list[list[Token]] = []
    current: list[Token] = []
    for token in tokens:
        if token.known or (_TOKEN_OK.match(token.text) and token.simplified not in BOUNDARY_WORDS):
            current.append(token)
        else:
            if current:
                out.append(current)
            current = []
    if current:
        out.append(current)
    return out


# --------------------------------------------------------------------------- extraction

def _pieces(forms: Iterable[str]) -> set[str]:
    """Every substring of two characters or more of the known Chinese forms."""
    pieces: set[str] = set()
    for form in forms:
        n = len(form)
        for i in range(n):
            for j in range(i + 2, n + 1):
                pieces.add(form[i:j])
    return pieces


def known_forms(glossary: Any) -> set[str]:
    """Every Chinese form of the glossary, folded to simplified characters."""
    return {fold_hanzi(form) for entry in glossary for form in entry.chinese_forms()}


def _shape(words: Sequence[str], zh: str) -> float:
    bonus = 1.0
    if zh.startswith(PREFIXES):
        bonus += 0.5
    if zh.endswith(HEADS) and len(words) > 1:
        bonus += 0.5
    length = {1: 0.6, 2: 1.0, 3: 0.9}.get(len(words), 0.7)
    return bonus * length


def extract(text: str, glossary: Any, limit: int | None = 50, min_count: int = 1,
            matcher: Any = None) -> list[Candidate]:
    """Candidate terms of ``text`` missing from ``glossary``, best first."""
    if matcher is None:
        from glossary.matcher import TermMatcher

        matcher = TermMatcher.from_glossary(glossary)
    background = Background(text, matcher)
    forms = known_forms(glossary)
    pieces = _pieces(forms)

    tokens = background.tokens(text)
    # The words either side of each token, to see a candidate that cuts through a word
    # jieba split (更|多 of 更多应用场景: 多应用场景 is a fragment).
    before = {t.start: p.simplified for p, t in zip(tokens, tokens[1:])}
    after = {p.start: t.simplified for p, t in zip(tokens, tokens[1:])}
    occurrences: dict[str, list[int]] = defaultdict(list)
    cut_as: dict[str, tuple[str, ...]] = {}
    read_as: dict[str, tuple[str, ...]] = {}  # the words of its pinyin
    contains: dict[str, str] = {}
    whole: dict[str, bool] = {}  # seen at least once not glued to a lone character
    cut: dict[str, bool] = {}  # wherever seen, cuts a lone character from its word
    verbal: dict[str, bool] = {}  # ends, wherever seen, in a verb followed by its object
    for run in runs(tokens):
        for i in range(len(run)):
            for n in range(1, MAX_WORDS + 1):
                if i + n > len(run):
                    break
                group = run[i:i + n]
                zh = "".join(t.text for t in group)
                if len(zh) > MAX_CHARS:
                    break
                if len(_HAN.findall(zh)) < 2 or fold_hanzi(zh) in forms or fold_hanzi(zh) in pieces:
                    continue
                if group[0].simplified in NOT_FIRST and not group[0].known or group[0].text.isdigit():
                    continue  # 建设智慧港口: a verb and its object; 100万千瓦: a quantity
                if _cuts_a_word(before.get(group[0].start), group[0], False) or \
                        _cuts_a_word(after.get(group[-1].start), group[-1], True):
                    continue  # starts or ends inside a word
                if n == 1 and (group[0].known or len(zh) < 3):
                    continue
                if any(len(t.text) == 1 and not t.known for t in (group[0], group[-1])):
                    # A lone character at an edge is a fragment (脑 机 | 接口 …), not a word;
                    # it is kept only inside a longer compound.
                    if not (n > 1 and _single_char_ok(group)):
                        continue
                occurrences[zh].append(group[0].start)
                cut[zh] = cut.get(zh, True) and _cuts_a_lone_character(run, i, n)
                verbal[zh] = verbal.get(zh, True) and _takes_an_object(group[-1], after.get(
                    group[-1].start))
                if not (_lone_character(run, i - 1) or _lone_character(run, i + n)):
                    whole[zh] = True
                if zh not in cut_as:
                    # Known terms inside a candidate are cut too, for its weight.
                    cut_as[zh] = tuple(w for t in group
                                       for w in (background.cut(t.text) if t.known else [t.text]))
                    read_as[zh] = tuple(background.reading_words(zh))
                known = next((t.known for t in group if t.known), None)
                if known:
                    contains[zh] = known

    counts = {zh: len(set(starts)) for zh, starts in occurrences.items()}
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    # Seen twice or more, always inside the same longer candidate: a piece of it (脑机 in
    # 脑机接口, 智能网联 in 智能网联汽车).
    repeated = sorted((zh for zh, n in counts.items() if n >= 2), key=len, reverse=True)
    pieces_of_longer = {zh for zh in repeated
                        if any(len(longer) > len(zh) and zh in longer and counts[longer] >= counts[zh]
                               for longer in repeated)}
    scored: list[tuple[float, str]] = []
    for zh, count in counts.items():
        if count < min_count or zh in pieces_of_longer or cut[zh]:
            continue
        words = cut_as[zh]
        han_words = [w for w in words if _HAN.search(w)]
        # Weighted by length: a rare two-character word says more than a common character.
        # The dictionary and the shapes are simplified: a traditional candidate is weighed
        # as its simplified shadow.
        specificity = (sum(background.idf(fold_hanzi(w)) * len(w) for w in han_words)
                       / sum(len(w) for w in han_words))
        score = count * specificity * _shape(words, fold_hanzi(zh))
        if zh in contains and not fold_hanzi(zh).endswith(HEADS):
            score *= 0.5
        if not whole.get(zh):
            score *= 0.5  # always next to a lone character: probably cut from a longer word
        if verbal[zh]:
            score *= VERB_PIECE  # 企业提供 (更多场景): a clause, not a term
        scored.append((score, zh))
    scored.sort(key=lambda item: (-item[0], -counts[item[1]], min(occurrences[item[1]])))

    # Of two nested candidates seen equally often, only the better scored is kept: seen
    # once, the longer is often the shorter in its one context (车网互动试点 for 车网互动).
    # And a candidate that cuts through a better one wherever it occurs is a fragment
    # (汽车应用场景 across 智能网联汽车 | 应用场景).
    results: list[Candidate] = []
    kept = _Kept()
    for score, zh in scored:
        count = counts[zh]
        if kept.nested_with_same_count(zh, count):
            continue
        spans = [(s, s + len(zh)) for s in set(occurrences[zh])]
        if all(kept.crosses(span) for span in spans):
            continue
        kept.add(zh, count, spans)
        start = min(occurrences[zh])
        results.append(Candidate(zh, read_as[zh], count, score, start,
                                 bisect.bisect_right(line_starts, start),
                                 example_sentence(text, start, len(zh)), contains.get(zh)))
        if limit and len(results) >= limit:
            break
    return results[:limit] if limit else results


class _Kept:
    """The candidates kept so far, indexed so that the two tests are cheap: nesting
    (through every substring of a kept candidate) and crossing (through the kept
    occurrences' ends, by text position)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.inside: dict[str, set[int]] = defaultdict(set)  # substring → counts of its keepers
        self.end_of_start: dict[int, int] = {}  # position → furthest end of a span starting there
        self.start_of_end: dict[int, int] = {}  # position → earliest start of a span ending there

    def nested_with_same_count(self, zh: str, count: int) -> bool:
        if count in self.inside.get(zh, ()):
            return True  # zh is inside a kept candidate seen as often
        n = len(zh)
        return any(self.counts.get(zh[i:j]) == count
                   for i in range(n) for j in range(i + 2, n + 1) if j - i < n)

    def crosses(self, span: tuple[int, int]) -> bool:
        start, end = span
        for pos in range(start + 1, end):
            if self.end_of_start.get(pos, end) > end or self.start_of_end.get(pos, start) < start:
                return True
        return False

    def add(self, zh: str, count: int, spans: list[tuple[int, int]]) -> None:
        self.counts[zh] = count
        n = len(zh)
        for i in range(n):
            for j in range(i + 2, n + 1):
                if j - i < n:
                    self.inside[zh[i:j]].add(count)
        for start, end in spans:
            self.end_of_start[start] = max(self.end_of_start.get(start, end), end)
            self.start_of_end[end] = min(self.start_of_end.get(end, start), start)


def _cuts_a_word(neighbour: str | None, edge: Token, at_end: bool) -> bool:
    """Whether a candidate's edge token and the token next to it outside make one word
    that never belongs to a term (更 + 多 = 更多): the edge is not a word boundary."""
    if neighbour is None or edge.known:
        return False
    joined = edge.simplified + neighbour if at_end else neighbour + edge.simplified
    return joined in BOUNDARY_WORDS


def _takes_an_object(last: Token, neighbour: str | None) -> bool:
    """Whether a candidate ending in ``last`` ends in a verb used as a verb: one of
    :data:`NOT_FIRST` followed by more of its clause (its object: 提供|更多场景, 参与|电力
    市场), not by a punctuation mark or a conjunction, after which it may be a noun
    (乡村建设。, 商业化应用，)."""
    if last.known or last.simplified not in NOT_FIRST or neighbour is None:
        return False
    return bool(_HAN.match(neighbour)) and neighbour not in CLAUSE_ENDS


def _cuts_a_lone_character(run: Sequence[Token], i: int, n: int) -> bool:
    """Whether the candidate ``run[i:i + n]`` has a lone character at an edge with a word
    of the run beside it outside: the character is a piece of a word jieba did not know
    (需求 侧 响应: 侧响应 cuts 侧 from 需求侧). A verb before it is not such a word (建设 元
    宇宙: a verb and its object)."""
    if i > 0 and _lone_character(run, i) and not (
            run[i - 1].simplified in NOT_FIRST and not run[i - 1].known):
        return True
    return i + n < len(run) and _lone_character(run, i + n - 1)


def _lone_character(run: Sequence[Token], i: int) -> bool:
    return 0 <= i < len(run) and len(run[i].text) == 1 and not run[i].known


def _single_char_ok(group: Sequence[Token]) -> bool:
    """A compound with a one-character word at an edge is kept when the character is
    not a particle and the compound has another word of two characters or more."""
    edges = (group[0], group[-1])
    return (all(t.text not in BOUNDARY_WORDS for t in edges)
            and any(len(t.text) >= 2 for t in group))


def example_sentence(text: str, start: int, length: int, width: int = 60) -> str:
    """The sentence around an occurrence, cut to about ``width`` characters."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    end_match = _SENTENCE_END.search(text, start + length)
    end = end_match.end() if end_match else len(text)
    sentence = text[begin:end].strip()
    if len(sentence) <= width:
        return sentence
    at = sentence.find(text[start:start + length])
    left = max(0, at - (width - length) // 2)
    piece = sentence[left:left + width]
    return ("…" if left else "") + piece + ("…" if left + width < len(sentence) else "")


# --------------------------------------------------------------------------- pinyin, traditional, YAML

def to_pinyin(words: Sequence[str]) -> str:
    """Word-joined pinyin with tone marks, read by pypinyin in the context of the whole
    compound (the reading ``glossary validate`` checks against)."""
    from glossary.pinyin import hanzi_readings

    syllables = hanzi_readings("".join(words))
    out: list[str] = []
    i = 0
    for word in words:
        han = len(_HAN.findall(word))
        out.append("".join(syllables[i:i + han]) if han else word)
        i += han
    return " ".join(out)


def to_traditional(zh: str) -> str:
    return _s2t().convert(zh)


@lru_cache(maxsize=1)
def _s2t() -> Any:
    """OpenCC's simplified-to-traditional converter, made once (a tenth of a second)."""
    import opencc

    return opencc.OpenCC("s2t")


def slug(pinyin_text: str, taken: set[str]) -> str:
    """An ASCII id from pinyin: ``zhìhuì gǎngkǒu`` → ``zhihui-gangkou``, made unique."""
    from glossary.normalize import strip_accents

    base = re.sub(r"[^a-z0-9]+", "-", strip_accents(pinyin_text).casefold()).strip("-") or "term"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def guess_domain(text: str, start: int) -> str | None:
    """The last of the directive's domains named before ``start`` (as ``清洁能源领域`` or
    ``清洁能源``): in a plan organised by domain, the section the candidate is in."""
    from glossary.taxonomy import DOMAINS

    best, best_at = None, -1
    for domain in DOMAINS:
        name = domain.zh.removesuffix("领域")
        at = text.rfind(name, 0, start + 1)
        if at > best_at:
            best, best_at = domain, at
    return best.slug if best else None


def yaml_stubs(candidates: Sequence[Candidate], text: str, source_name: str,
               taken_ids: Iterable[str] = ()) -> str:
    """A term file of ready-to-edit entries: id, zh, zh_hant, pinyin filled in; fr and en
    empty and marked TODO (``glossary validate`` refuses empty renderings, so the file
    passes only once a translator has filled them in).

    Written by ruamel.yaml's round-trip emitter, comments included, never by string
    formatting: text is double-quoted (escapes for line breaks and controls), and the
    comments that quote the input (the file name, an example sentence) are made one
    line by :func:`comment_line`, so nothing from the input can become YAML."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from glossary.taxonomy import DOMAINS

    category_of = {d.slug: d.category for d in DOMAINS}
    taken = set(taken_ids)
    entries = CommentedSeq()
    entries.fa.set_block_style()
    for candidate in candidates:
        pinyin_text = to_pinyin(candidate.words)
        domain = guess_domain(text, candidate.start)
        zh = to_simplified(candidate.zh)  # a candidate of a traditional text too
        entry = CommentedMap()
        entry["id"] = _plain(slug(pinyin_text, taken))
        entry["zh"] = _quoted(zh)
        entry["zh_hant"] = _quoted(to_traditional(zh))
        entry["pinyin"] = _quoted(pinyin_text)
        entry["fr"] = _quoted("")
        entry["en"] = _quoted("")
        entry["domain"] = _plain(domain or "general")
        entry["category"] = _plain(category_of[domain] if domain else "general")
        entry["source"] = _quoted(f"{source_name}:{candidate.line}")
        entry["provenance"] = "editor"
        if not _HAN_WORD.match(candidate.zh):
            # Latin letters or digits (5G基站): validate compares only the Han characters.
            entry["pinyin_deliberate"] = True
        _line_comment(entry, "fr", "TODO: the French rendering")
        _line_comment(entry, "en", "TODO: the English rendering, or delete this line")
        _line_comment(entry, "domain", "guessed from the text: check" if domain else
                      "TODO: one of the 22 domains (glossary domains)")
        if candidate.contains:
            entry.yaml_set_comment_before_after_key("source", indent=4, before=comment_line(
                f"see_also: [{candidate.contains}]  (contains that known term)"))
        entries.append(entry)
        entries.yaml_set_comment_before_after_key(len(entries) - 1, indent=2, before=comment_line(
            f"count {candidate.count}, score {candidate.score:.2f}: {candidate.example}"))
    document = CommentedMap()
    document["description"] = _quoted(f"Candidate terms from {source_name}")
    document["entries"] = entries
    document.yaml_set_start_comment("\n".join([
        comment_line(f"Candidate terms extracted from {source_name} by `glossary extract`."),
        "Fill in every TODO (fr; en or delete the line), check domain and category,",
        "then run `glossary validate` on this file."]))
    return dump_yaml(document)


_ENTRY_INDENT = 4  # the keys of an entry: "  - " then the key


def _quoted(value: str) -> Any:
    """Text, written double-quoted (line breaks and controls escaped)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(value)


def _plain(value: str) -> Any:
    """A slug, written plain when it reads back as the same string (YAML 1.1 and 1.2)."""
    from glossary.termfile import plain_is_safe

    return value if plain_is_safe(value) else _quoted(value)


def _line_comment(entry: Any, key: str, comment: str) -> None:
    """``# comment`` two spaces after the value of ``key`` (a slug or an empty string)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    value = entry[key]
    width = len(value) + 2 * isinstance(value, DoubleQuotedScalarString)
    entry.yaml_add_eol_comment("# " + comment_line(comment), key,
                               column=_ENTRY_INDENT + len(key) + len(": ") + width + 2)


# What YAML reads as a line break, and what its reader refuses even inside a comment
# (C0 and C1 controls and DEL are left to render.visible).
_YAML_UNREADABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def comment_line(text: str) -> str:
    """``text`` as the body of one YAML comment line: line breaks of every kind (CR, LF,
    NEL, U+2028, U+2029) made spaces, control characters made visible (ESC → ␛),
    what a YAML reader refuses made U+FFFD."""
    from glossary.render import LINE_BREAKS, visible

    return _YAML_UNREADABLE.sub("\ufffd", visible(LINE_BREAKS.sub(" ", text)))


def dump_yaml(document: Any) -> str:
    """A round-trip tree (ruamel.yaml's ``CommentedMap``) as YAML text: Chinese and
    accents as themselves, no line folded, never an anchor or an alias. Strings are
    written as the tree says (see :func:`_quoted`, :func:`_plain`); comments as they are
    (made safe by :func:`comment_line`)."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 1 << 30
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=_ENTRY_INDENT, offset=2)
    yaml.representer.ignore_aliases = lambda *_: True
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()
