"""The near-duplicate finder (issue 4, items 7 and 12): planted near-duplicates found, different entries not."""

import random

from wuxiao.screening import duplicates
from wuxiao.screening.flags import highlight, shared_passages

from .textgen import entry_text, near_copy


def test_normalise_drops_spacing_punctuation_and_width():
    assert duplicates.normalise("Ａｂｃ，１２３。 “数控车床”！(快换) foo_bar") == "abc123数控车床快换foobar"


def test_shingles_are_deterministic_and_ignore_punctuation():
    a = duplicates.shingles(duplicates.normalise("数控车床，快换刀具。"))
    b = duplicates.shingles(duplicates.normalise("数控车床 快换刀具"))
    assert a == b and len(a) == len("数控车床快换刀具") - duplicates.SHINGLE + 1


def test_jaccard():
    assert duplicates.jaccard({1, 2, 3}, {2, 3, 4}) == 0.5
    assert duplicates.jaccard(set(), {1}) == 0.0


def _corpus(n: int, copies: int, *, seed: int, **edits):
    rng = random.Random(seed)
    texts = {i: entry_text(1000 * seed + i) for i in range(n)}
    sources = rng.sample(range(n), copies)
    planted = set()
    for k, src in enumerate(sources):
        texts[n + k] = near_copy(texts[src], k, **edits)
        planted.add((src, n + k))
    return texts, planted


def test_planted_near_duplicates_are_found_and_nothing_else():
    texts, planted = _corpus(400, 12, seed=1, edits=20, swaps=5)
    pairs = duplicates.find_near_duplicates(texts.items())
    assert {(p.a, p.b) for p in pairs} == planted
    assert all(duplicates.THRESHOLD <= p.score < 1 for p in pairs)


def test_heavier_edits_still_found_with_two_workers_and_fetch():
    texts, planted = _corpus(300, 10, seed=2, edits=60, swaps=10)
    asked = []

    def fetch(ids):
        asked.extend(ids)
        return {i: texts[i] for i in ids}

    pairs = duplicates.find_near_duplicates(texts.items(), workers=2, fetch=fetch)
    assert {(p.a, p.b) for p in pairs} == planted
    assert set(asked) >= {i for pair in planted for i in pair} and len(asked) < 40  # only candidates fetched


def test_exact_copy_and_punctuation_only_changes_score_one():
    text = entry_text(7)
    copy = text.replace("。", "；").replace("，", ", ")
    [pair] = duplicates.find_near_duplicates([("a", text), ("b", copy), ("c", entry_text(8))])
    assert (pair.a, pair.b, pair.score) == ("a", "b", 1.0)


def test_different_entries_of_realistic_length_are_not_flagged():
    texts = [(i, entry_text(50_000 + i)) for i in range(600)]
    assert duplicates.find_near_duplicates(texts) == []


def test_short_texts_are_not_compared():
    assert duplicates.keys_of_text("同意申报。") is None
    assert duplicates.find_near_duplicates([(1, "同意申报。"), (2, "同意申报。")]) == []


def test_shared_passages_mark_the_copied_sentence_in_both_texts():
    copied = "采用快换定位结构，换刀时间由十五分钟缩短到三分钟"
    a = "本装置用于数控车床。" + copied + "，效果显著。"
    b = "我们在车间里发现问题后，" + copied.replace("，", "") + "。另有改进。"
    spans_a, spans_b = shared_passages(a, b)
    assert [a[s.start:s.end] for s in spans_a] == [copied]
    assert [b[s.start:s.end] for s in spans_b] == [copied.replace("，", "")]


def test_shared_passages_ignore_short_common_phrases_and_reordering():
    a = "提高生产效率。第一句话写的是焊接烟尘的收集方法。第二句话写的是输送带跑偏的纠正措施。"
    b = "第二句话写的是输送带跑偏的纠正措施。提高生产效率。第一句话写的是焊接烟尘的收集方法。"
    spans_a, _ = shared_passages(a, b)
    assert [a[s.start:s.end] for s in spans_a] == ["提高生产效率。第一句话写的是焊接烟尘的收集方法。第二句话写的是输送带跑偏的纠正措施"]
    spans_c, _ = shared_passages("提高生产效率很重要", "我们要提高生产效率")
    assert spans_c == []  # "提高生产效率" is 6 characters: below the 8 of a passage


def test_highlight_escapes_and_marks():
    a = "<b>前言</b>这一段完全相同的文字在两份作品里都有"
    b = "另一份：这一段完全相同的文字在两份作品里都有。"
    spans_a, _ = shared_passages(a, b)
    assert str(highlight(a, spans_a)) == "&lt;b&gt;前言&lt;/b&gt;<mark>这一段完全相同的文字在两份作品里都有</mark>"
