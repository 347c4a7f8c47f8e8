"""Replies as real models write them: inline thinking, indented fences, other tags, cut replies."""

from __future__ import annotations

import pytest

from solver.solve.extract import extract_code, extract_text_block, split_thinking
from solver.solve.languages import CPP17, PYTHON3

GOOD = "#include <bits/stdc++.h>\nint main(){ long long a,b; std::cin>>a>>b; std::cout<<a+b; }\n"


@pytest.mark.parametrize("tag", ["think", "thinking", "THINK"])
def test_code_inside_inline_thinking_is_never_the_answer(tag: str) -> None:
    reply = f"<{tag}>Try this:\n```cpp\nint main(){{return 1;}}\n```\nno, wrong.</{tag}>\nAnswer:\n```cpp\n{GOOD}```\n"
    got = extract_code(reply, CPP17)
    assert got.ok and got.code == GOOD


def test_a_program_only_in_the_thinking_is_refused_with_the_reason() -> None:
    reply = "<think>```cpp\nint main(){}\n```</think>\nThe program is above."
    got = extract_code(reply, CPP17)
    assert not got.ok and "only inside the thinking" in got.reason


def test_template_opened_thinking_and_cut_thinking() -> None:
    # Qwen3 / R1-style templates put "<think>" in the prompt: the content starts mid-thought.
    assert split_thinking("step 1 ```cpp\nx\n```</think>\nfinal") == ("step 1 ```cpp\nx\n```", "\nfinal")
    got = extract_code("<think>I will write\n```cpp\nint main(){}\n```\nand then", CPP17)
    assert not got.ok and "only thinking" in got.reason


def test_fences_indented_in_a_list_item_are_found_and_unindented() -> None:
    body = "".join("    " + line + "\n" for line in GOOD.splitlines())
    reply = f"1. Read a and b.\n2. The program:\n\n    ```cpp\n{body}    ```\n"
    got = extract_code(reply, CPP17)
    assert got.ok and got.code == GOOD


@pytest.mark.parametrize("tag", ["c++", "cpp", "C++", "cpp17", "c", "", "{.cpp}", "cpp title=main.cpp"])
def test_tags_other_than_the_asked_one_for_cpp(tag: str) -> None:
    assert extract_code(f"```{tag}\n{GOOD}```\n", CPP17).code == GOOD


@pytest.mark.parametrize("tag", ["python3", "py", "Python", ""])
def test_tags_other_than_the_asked_one_for_python(tag: str) -> None:
    assert extract_code(f"```{tag}\nimport sys\nprint(1)\n```", PYTHON3).code == "import sys\nprint(1)\n"


def test_a_block_tagged_as_another_known_language_is_not_taken() -> None:
    got = extract_code("```python\n#include <cstdio>\nint main(){}\n```", CPP17)
    assert not got.ok and "it had: python" in got.reason


def test_a_reply_cut_while_writing_a_second_version_does_not_return_the_first() -> None:
    reply = f"First try:\n```cpp\n{GOOD}```\nWait, that overflows. Better:\n```cpp\n#include <bits/stdc++.h>\nint ma"
    got = extract_code(reply, CPP17, "length")
    assert not got.ok and got.truncated
    assert "while writing a code block" in got.reason
    assert "Keep the explanation short" in got.feedback


def test_a_reply_that_hit_the_cap_is_never_complete_code() -> None:
    got = extract_code(f"```cpp\n{GOOD}```\nExplanation: " + "blah " * 50, CPP17, "length")
    assert not got.ok and got.truncated and got.code == ""


def test_a_forgotten_closing_fence_in_a_finished_reply_is_taken_and_said() -> None:
    got = extract_code(f"```cpp\nint main(){{return 1;}}\n```\nFixed:\n```cpp\n{GOOD}", CPP17, "stop")
    assert got.ok and got.code == GOOD
    assert "closing fence is missing" in got.note and "1 earlier block" in got.note


def test_which_of_several_blocks_was_taken_is_said() -> None:
    got = extract_code(f"```cpp\nint main(){{}}\n```\n```cpp\n{GOOD}```", CPP17)
    assert got.code == GOOD and got.note == "took the last of 2 cpp blocks"
    assert extract_code(f"```cpp\n{GOOD}```", CPP17).note == ""


def test_no_code_is_fed_back_once_in_plain_words() -> None:
    got = extract_code("The answer is a+b.", CPP17)
    assert got.feedback == "The reply had no program in a ```cpp code block."
    assert got.feedback.count("```") == 1


def test_text_blocks_in_thinking_are_not_data() -> None:
    assert extract_text_block("<think>```text\n1\n```</think>```text\n2\n```", "text") == "2\n"
