"""Stages of the pipeline on their own: parser, checker, durations, regex, values."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from openpromo.rules import ast, check, durations, parser, paths, regex, values
from openpromo.rules.errors import Fault, TalangSyntaxError


def test_parser_builds_frozen_nodes_with_paths() -> None:
    node = parser.parse(
        ["filter", [".", "Session", "CartItems"], [["Item"], True]], ("rules", 0, "condition")
    )
    assert isinstance(node, ast.Call)
    assert node.args[1].path == ("rules", 0, "condition", 2)
    assert isinstance(node.args[1], ast.Lambda)
    with pytest.raises(AttributeError):
        node.name = "x"  # type: ignore[misc]


def test_parser_rejects_non_json_values_and_non_finite_numbers() -> None:
    with pytest.raises(TalangSyntaxError, match="set is not a JSON value"):
        parser.parse({1, 2})
    with pytest.raises(TalangSyntaxError, match="numbers must be finite"):
        parser.parse(float("nan"))


def test_checker_resolves_bound_names_to_slots() -> None:
    checker = check.Checker()
    checked = checker.expression(parser.parse(["map", ["list", 1], [["x"], [".", "x"]]]), {}, False)
    assert isinstance(checked, ast.Apply)
    block = checked.args[1]
    assert isinstance(block, ast.Block)
    assert isinstance(block.body, ast.ReadSlot)
    assert block.body.slot == block.slot == 0
    assert checker.frame_size == 1


def test_checker_parses_time_literals_once() -> None:
    checked = check.Checker().expression(parser.parse(["before", "2024-01-01T00:00:00Z", ["now"]]), {}, False)
    assert isinstance(checked, ast.Apply)
    first = checked.args[0]
    assert isinstance(first, ast.Const)
    assert first.value == datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", durations.Duration(30, "s")),
        ("2W_U", durations.Duration(2, "W", "U")),
        ("30D_D", durations.Duration(30, "D", "D")),
        ("immediate", durations.Duration(0, "s")),
        ("unlimited", None),
        ("5m_U", None),
        ("1.5D", None),
        ("", None),
    ],
)
def test_duration_grammar(text: str, expected: durations.Duration | None) -> None:
    assert durations.parse_duration(text) == expected


def test_regex_matching_is_linear_on_pathological_input() -> None:
    pattern = regex.compile_pattern("(a*)*(a|b)*c$")
    matched, work = pattern.search("a" * 2000)
    assert matched is False
    # RE2 is linear: the work counted is one program's worth per character scanned
    assert work == 2001 * pattern.size


def test_regex_search_stops_at_its_work_limit() -> None:
    # given a pattern that has to scan a long text to fail
    pattern = regex.compile_pattern("(a|b)*c")
    # when searched with a work limit, then it gives up within one position's work of the limit
    matched, work = pattern.search("ab" * 100_000, limit=1_000)
    assert matched is False
    assert 1_000 < work <= 1_000 + pattern.size
    # and a match inside the part the budget pays for stands
    assert pattern.search("ab" * 10 + "c" + "ab" * 100_000, limit=1_000)[0] is True


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("\\x41", "A", True),
        ("\\x{1F600}", "\U0001f600", True),
        ("^[\\x00-\\x7f]+$", "abc\u00e9", False),
        ("[\\]a]", "]", True),
        ("(?i)\u0130", "\u0130", True),
        ("(?i)[\u0100-\u017f]", "\u0101", True),
        ("(a*)*", "", True),
        ("a*?b", "aab", True),
        ("a{,2}", "a{,2}", True),
        ("^{x}$", "{x}", True),
        ("\\B", "", True),
    ],
)
def test_regex_matches_like_re2(pattern: str, text: str, expected: bool) -> None:
    assert regex.compile_pattern(pattern).search(text)[0] is expected


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("a**", "bad repetition operator"),
        ("a{2}{3}", "bad repetition operator"),
        ("{2}a", "no argument for repetition operator"),
        ("a|{1,3}", "no argument for repetition operator"),
        ("a" * 10_001, "pattern is longer than 10000 characters"),
        ("a{1000}" * 10, "pattern compiles to more than 5000 instructions"),
        ("\\x{110000}", "invalid escape sequence"),
        ("\\x4", "invalid escape sequence"),
    ],
)
def test_regex_limits(bad: str, reason: str) -> None:
    with pytest.raises(regex.PatternError, match=re.escape(reason)):
        regex.compile_pattern(bad)


@pytest.mark.parametrize("bad", ["(?=x)", "(?!x)", "(?<=x)", "(?<!x)", "(a)\\1", "\\k<a>", "a++"])
def test_regex_rejects_what_re2_does_not_have(bad: str) -> None:
    with pytest.raises(regex.PatternError):
        regex.compile_pattern(bad)


def test_regex_has_what_re2_has() -> None:
    assert regex.compile_pattern("^[[:alpha:]]+$").search("abc")[0] is True
    assert regex.compile_pattern("(?s)a.b").search("a\nb")[0] is True


def test_loose_equality_and_truthiness() -> None:
    assert values.loose_equal(Decimal(1), "1.00")
    assert not values.loose_equal(Decimal(0), False)
    assert values.truthy(Decimal("0.1")) and not values.truthy(Decimal(0))
    with pytest.raises(Fault):
        values.compare(Decimal(1), "soon")


@pytest.mark.parametrize(
    "key", [Decimal("NaN"), Decimal("Infinity"), Decimal("1E+900000"), Decimal("0.5"), True]
)
def test_path_keys_that_are_no_whole_number_are_missing(key: Decimal) -> None:
    # given a list and a map from the engine, when read with a key that is no usable index
    # then the key is simply missing (no ValueError, no giant integer)
    assert paths.read_key([1, 2], key) == (False, None)
    assert paths.read_key({"1": 1}, key) == (False, None)


def test_literal_arguments_are_prepared_at_compile_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # given expressions whose literal durations, units, patterns, options and times need parsing
    from openpromo import rules
    from openpromo.rules import options, text, times

    compiled = rules.compile(
        [
            "list",
            ["addDuration", ["now"], "5D"],
            ["addDuration", ["now"], 3, "minutes"],
            ["~", "^[A-Z]+[0-9]+$", "SAVE10"],
            ["parseTime", "2024-03-10T16:04:05+01:00"],
        ]
    )
    effects = rules.compile(["addLoyaltyPoints", 1, 10, {"pending": "14D", "validity": "1Y_U"}])

    # when every parser is broken after compilation
    def broken(*_args: object) -> None:
        raise AssertionError("parsed on the hot path")

    for module, name in [
        (times, "parse_duration"),
        (times, "parse_time"),
        (times, "UNIT_NAMES"),
        (text, "_compiled_pattern"),
        (options, "read_options"),
    ]:
        monkeypatch.setattr(module, name, broken)
    ctx = rules.EvaluationContext(roots={}, now=datetime(2024, 3, 10, 12, tzinfo=UTC))
    # then evaluation still works: nothing was parsed again
    value = compiled.evaluate(ctx)
    assert isinstance(value, list)
    assert value[0] == datetime(2024, 3, 15, 12, tzinfo=UTC)
    assert value[2] is True
    (request,) = effects.evaluate_with_effects(ctx)[1]
    assert isinstance(request, rules.AddLoyaltyPoints)
    assert (request.pending, request.validity) == ("14D", "1Y_U")
