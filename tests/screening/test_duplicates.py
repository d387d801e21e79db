"""The near-duplicate finder (issue 4, items 7 and 12): planted near-duplicates found, different entries not."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- Records of several fields (the per-field pass) ------------------------------------------------

FIELDS = ("summary", "background", "goals", "innovation_points", "benefits")


def _record(seed: int) -> list[str]:
    return [entry_text(100 * seed + k, chars=300) for k in range(len(FIELDS))]


def _exact(a: str, b: str) -> float:
    return round(duplicates.jaccard(duplicates.shingles(duplicates.normalise(a)),
                                    duplicates.shingles(duplicates.normalise(b))), 4)


def test_records_one_copied_field_found_in_the_same_field_or_another():
    records = {i: _record(i) for i in range(60)}
    records[10][4] = near_copy(records[3][4], 1, edits=3, swaps=1)  # benefits → benefits
    records[20][3] = near_copy(records[7][4], 2, edits=3, swaps=1)  # benefits → innovation points
    pairs = duplicates.find_near_duplicate_records(records.items(), FIELDS)
    assert [(p.a, p.b) for p in sorted(pairs, key=lambda p: p.a)] == [(3, 10), (7, 20)]
    by_a = {p.a: p for p in pairs}
    assert by_a[3].fields == (duplicates.FieldMatch("benefits", "benefits", _exact(records[3][4], records[10][4])),)
    assert by_a[7].fields == (
        duplicates.FieldMatch("benefits", "innovation_points", _exact(records[7][4], records[20][3])),)
    for p in pairs:
        assert p.similarity == _exact("\n".join(records[p.a]), "\n".join(records[p.b])) < duplicates.THRESHOLD
        assert p.score == p.fields[0].score >= duplicates.THRESHOLD
    assert by_a[7].reversed() == duplicates.RecordPair(20, 7, by_a[7].similarity, (
        duplicates.FieldMatch("innovation_points", "benefits", by_a[7].fields[0].score),))
    # Comparing the same fields only: the copy into another field is not looked for.
    same = duplicates.find_near_duplicate_records(records.items(), FIELDS, across_fields=False)
    assert [(p.a, p.b) for p in same] == [(3, 10)]


def test_records_whole_copies_still_found_with_their_fields():
    texts, planted = _corpus(200, 8, seed=3, edits=20, swaps=5)
    cut = {i: [t[k * 300:(k + 1) * 300] for k in range(5)] for i, t in texts.items()}
    pairs = duplicates.find_near_duplicate_records(cut.items(), FIELDS)
    assert {(p.a, p.b) for p in pairs} == planted
    for p in pairs:
        assert p.similarity == _exact("\n".join(cut[p.a]), "\n".join(cut[p.b])) >= duplicates.THRESHOLD
        assert all(m.score == _exact(cut[p.a][FIELDS.index(m.field)], cut[p.b][FIELDS.index(m.other_field)])
                   for m in p.fields)


def test_records_never_pair_a_record_with_itself():
    paragraph = entry_text(77, chars=300)
    records = {i: _record(i) for i in range(20)}
    records[5][0] = records[5][2] = records[5][4] = paragraph  # three equal fields of one record
    assert duplicates.find_near_duplicate_records(records.items(), FIELDS) == []
    records[9][1] = paragraph
    [pair] = duplicates.find_near_duplicate_records(records.items(), FIELDS)
    assert (pair.a, pair.b) == (5, 9)
    assert [(m.field, m.other_field, m.score) for m in pair.fields] == [
        ("summary", "background", 1.0), ("goals", "background", 1.0), ("benefits", "background", 1.0)]


def test_records_with_two_workers_and_fetch_fetch_only_candidates():
    records = {i: _record(i) for i in range(200)}
    records[150][2] = records[40][2]
    asked = []

    def fetch(ids):
        asked.extend(ids)
        return {i: records[i] for i in ids}

    pairs = duplicates.find_near_duplicate_records(records.items(), FIELDS, workers=2, fetch=fetch)
    assert [(p.a, p.b, p.fields) for p in pairs] == [(40, 150, (duplicates.FieldMatch("goals", "goals", 1.0),))]
    assert sorted(asked) == [40, 150]


def test_record_keys_agree_with_the_texts_own_keys():
    texts = [entry_text(1, chars=300), "", "短", entry_text(2, chars=30), entry_text(3, chars=200)]
    whole, which, keys = duplicates._RecordKeysOf(None)(texts)
    assert whole == duplicates.keys_of_text("\n".join(texts)).tobytes()
    assert list(which) == [0, 4]  # the fields of at least MIN_CHARS characters
    assert keys == duplicates.keys_of_text(texts[0]).tobytes() + duplicates.keys_of_text(texts[4]).tobytes()


def test_large_buckets_still_pair_every_copy_once():
    rows = duplicates.Rows()
    same = duplicates.keys_of_text(entry_text(5)).tobytes()
    for i in range(6):
        rows.add(i, same)
    rows.add(6, duplicates.keys_of_text(entry_text(6)).tobytes())
    assert duplicates.candidate_pairs(rows, max_bucket=3) == {(0, 1), (0, 2), (1, 2), (0, 3), (0, 4), (0, 5)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_copied_field_is_always_found_and_nothing_pairs_with_itself(data):
    n = data.draw(st.integers(2, 6), label="records")
    seeds = data.draw(st.lists(st.integers(0, 10**6), min_size=5 * n, max_size=5 * n, unique=True), label="seeds")
    sizes = st.sampled_from([0, 20, 120, 300])
    records = {i: [entry_text(seeds[5 * i + k], chars=data.draw(sizes)) for k in range(5)] for i in range(n)}
    src, dst = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True), label="src, dst")
    f, g = data.draw(st.integers(0, 4), label="field"), data.draw(st.integers(0, 4), label="other field")
    paragraph = entry_text(10**7 + data.draw(st.integers(0, 1000)), chars=data.draw(st.integers(60, 400)))
    records[src][f] = paragraph
    records[dst][g] = paragraph.replace("。", "，")  # the same text, other punctuation
    if data.draw(st.booleans(), label="also repeated inside src"):
        records[src][(f + 1) % 5] = paragraph

    pairs = duplicates.find_near_duplicate_records(records.items(), FIELDS)
    assert all(p.a != p.b for p in pairs) and len({(p.a, p.b) for p in pairs}) == len(pairs)
    [found] = [p for p in pairs if {p.a, p.b} == {src, dst}]
    seen = found if found.a == src else found.reversed()
    assert duplicates.FieldMatch(FIELDS[f], FIELDS[g], 1.0) in seen.fields
    for p in pairs:  # every figure is the exact similarity, and every pair earns its place
        assert p.similarity == _exact("\n".join(records[p.a]), "\n".join(records[p.b]))
        assert all(m.score == _exact(records[p.a][FIELDS.index(m.field)], records[p.b][FIELDS.index(m.other_field)])
                   >= duplicates.THRESHOLD for m in p.fields)
        assert p.score >= duplicates.THRESHOLD
