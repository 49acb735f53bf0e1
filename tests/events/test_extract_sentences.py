"""Sentences and clauses keep exact offsets into the article."""

from __future__ import annotations

from events.extract.sentences import split_clauses, split_sentences


def test_offsets_slice_back_to_the_sentence():
    text = "Mr. Smith spoke in the U.S. capital. He left at 8 a.m. local time.\nNew line here!"
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Mr. Smith spoke in the U.S. capital.", "He left at 8 a.m. local time.",
        "New line here!"]
    assert all(text[s.start:s.end] == s.text for s in sents)


def test_paragraph_numbers_count_non_empty_lines():
    sents = split_sentences("One. Two.\n\nThree.")
    assert [s.paragraph for s in sents] == [0, 0, 1]


def test_clause_split_on_while():
    (sent,) = split_sentences("The ministry said the town was shelled, while the rebels claimed "
                              "the opposite had happened.")
    clauses = split_clauses(sent)
    assert len(clauses) == 2
    assert clauses[1].text.startswith("the rebels")


def test_clause_split_on_a_concession():
    """"A held, though each side accused the other of B": the accusation is its own clause."""
    (sent,) = split_sentences("The truce declared on Monday has mostly held, though each side "
                              "accused the other of new violations.")
    clauses = split_clauses(sent)
    assert len(clauses) == 2
    assert clauses[1].text.startswith("each side")
