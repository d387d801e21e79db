"""Validators against the cases of reference-data.md (credit code R27, 字数 R20/R21, phones R17/R18)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from wuxiao.common.validators import (
    USCC_CHARSET,
    MaxZiValidator,
    count_zi,
    count_zi_slow,
    credit_code_problem,
    is_landline,
    is_mobile,
    normalize_credit_code,
    normalize_mobile,
    validate_credit_code,
    validate_mobile,
    validate_phone,
)

VALID_CODES = [
    "91110000600037341L", "91110000710926094P", "9144030071526726XG", "91310110666007217T",
    "914112810713741814", "121200004013590816", "91340600MA2PBM9HXD", "92340602MA2PBMEM24",
    "91620105L015101280", "91310115591693856A",
]
INVALID_CODES = [
    ("91110000600037341N", "checksum"),
    ("91110000600037341M", "checksum"),
    ("9111000060003IOZSV", "charset"),
    ("12345", "length"),
    ("91350211M00013FA1N", "checksum"),  # real early pilot code
    ("91350100M0001TGQXM", "checksum"),  # real early pilot code
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes(code):
    assert credit_code_problem(code) is None
    validate_credit_code(code)


@pytest.mark.parametrize("code,problem", INVALID_CODES)
def test_invalid_credit_codes_say_why(code, problem):
    assert credit_code_problem(code) == problem
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == f"credit_code_{problem}"
    message = str(error.value.messages[0])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_checksum_message_mentions_manual_confirmation_for_pilot_codes():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_credit_code("91350211M00013FA1N")
    assert "组委会" in error.value.messages[0]


@pytest.mark.parametrize("pasted", ["９１１１００００６０００３７３４１Ｌ", "911100006-0003734-1l", " 9111 0000 6000 3734 1L "])
def test_codes_pasted_from_word_are_normalised(pasted):
    assert normalize_credit_code(pasted) == "91110000600037341L"
    assert credit_code_problem(pasted) is None


@given(st.sampled_from(["91", "92", "93", "11", "12", "51", "52"]),
       st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9))
def test_exactly_one_check_character_completes_any_body(kind, region, serial):
    body = kind + region + serial
    completions = [c for c in USCC_CHARSET if credit_code_problem(body + c) is None]
    assert len(completions) == 1


WORD_COUNTS = [
    ("Hello World", 2), ("中文测试", 4), ("Hello 世界", 3), ("東京2024オリンピック", 9), ("ＡＢＣＤＥ", 5),
    ("Hello、World。", 4), ("①②③④⑤", 1), ("我们在2024年研发了AI质检系统，效率提升30%。", 20),
    ("", 0), ("   \u3000 ", 0), ("“引号”", 4), ("v2.0 30%", 2),
]


@pytest.mark.parametrize("text,expected", WORD_COUNTS)
def test_zi_counted_as_word_does(text, expected):
    assert count_zi(text) == expected


@given(st.text(max_size=200), st.text(max_size=200))
def test_zi_count_is_additive_across_a_space(a, b):
    assert count_zi(a + " " + b) == count_zi(a) + count_zi(b)


@pytest.mark.parametrize("text,expected", WORD_COUNTS)
def test_zi_reference_definition_agrees(text, expected):
    assert count_zi_slow(text) == expected


# Any text: letters, digits, CJK (BMP and beyond), emoji, every kind of space and punctuation.
_ANY_TEXT = st.text(alphabet=st.one_of(st.characters(), st.sampled_from("中文，。“”‘’—…· \u3000\u00a0\t\n𠀀😀ＡＢ１２")),
                    max_size=300)


@given(_ANY_TEXT)
def test_fast_zi_count_equals_the_character_by_character_rule(text):
    """count_zi (regular expression in C) gives exactly the count of the reference loop."""
    assert count_zi(text) == count_zi_slow(text)


def test_max_zi_validator_reports_the_count():
    MaxZiValidator(4)("中文测试")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        MaxZiValidator(4)("中文测试多")
    assert "4" in error.value.messages[0] and "5" in error.value.messages[0]


@pytest.mark.parametrize("raw", ["13812345678", "+86 138 1234 5678", "0086-13812345678", "86 13812345678",
                                 "(138)1234-5678", "１３８１２３４５６７８", "19912345678"])
def test_mobile_numbers_accepted(raw):
    assert is_mobile(raw)
    assert len(normalize_mobile(raw)) == 11 and normalize_mobile(raw).startswith("1")
    validate_mobile(raw)


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "0371-67885139", "abc", ""])
def test_bad_mobile_numbers_refused_in_chinese(raw):
    assert not is_mobile(raw)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_mobile(raw)
    assert "手机" in error.value.messages[0]


@pytest.mark.parametrize("raw", ["0371-67885139", "037167885139", "010-62345678", "021-87654321-123", "0755-2345678"])
def test_landlines_accepted_for_completers(raw):
    assert is_landline(raw)
    validate_phone(raw)


@pytest.mark.parametrize("raw", ["0371-07885139", "0371-1788513", "67885139", "1-2-3"])
def test_bad_phones_refused(raw):
    with pytest.raises(ValidationError):
        validate_phone(raw)
