"""Script-independent name keys used to compare reports across languages."""

from __future__ import annotations

import pytest

from newswatch.dedup.names import name_key, name_keys


@pytest.mark.parametrize(
    "spellings",
    [
        ["Vardanyan", "Варданян", "Wardanjan", "Vardanian", "Վարդանյան"],
        ["Pashinyan", "Пашинян", "Paschinjan", "Pachinian"],
        ["Aliyev", "Алиев", "Alijew", "Aliev", "Alíev"],
        ["Harutyunyan", "Арутюняна", "Haroutiounian", "Harutiunián"],
        ["Kalbajar", "Кяльбаджар", "Kalbadschar"],
        ["Grigoryan", "Григоряна"],  # Russian genitive ending
        ["Suleymanov", "Сулеймановым"],  # Russian instrumental ending
        ["Washington", "Вашингтоне"],
    ],
)
def test_spellings_of_one_name_share_a_key(spellings: list[str]) -> None:
    assert len({name_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(("a", "b"), [("Vardanyan", "Harutyunyan"), ("Gabala", "Kalbajar")])
def test_different_names_differ(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_name_keys_skip_lowercase_and_stop_words() -> None:
    keys = name_keys("The court in Baku sentenced Ruben Vardanyan. Этот суд заявил.")
    assert name_key("Vardanyan") in keys and name_key("Ruben") in keys
    assert name_key("court") not in keys and name_key("The") not in keys
    assert name_key("Этот") not in keys
