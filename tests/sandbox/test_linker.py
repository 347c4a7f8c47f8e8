"""C and C++ programs are linked with mold (fast links: five compiles per first-try problem), and the
runner falls back to ld.bfd where mold is missing (an image from an older recipe, a host without it)."""

from __future__ import annotations

from types import ModuleType

import pytest

from sandbox.api import Limits, Source, Verdict
from sandbox.image import PACKAGES, recipe_hash
from sandbox.judge import Judge
from sandbox.languages import LANGUAGES, LINK_FLAGS
from tests.sandbox.runner_module import load_runner

# Reads its own executable and says which linker wrote it: mold leaves "mold <version>" in .comment.
WHICH_LINKER = r"""
#include <bits/stdc++.h>
int main() {
    std::ifstream f("/proc/self/exe", std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::cout << (all.find(std::string("mold ") + "1.") != std::string::npos ? "mold" : "other") << "\n";
}
"""
WHICH_LINKER_C = r"""
#include <stdio.h>
#include <string.h>
#include <math.h>
static char buf[1 << 24];
int main(void) {
    FILE *f = fopen("/proc/self/exe", "rb");
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    int found = 0;
    for (size_t i = 0; i + 7 < n; i++) if (!memcmp(buf + i, "mold 1.", 7)) found = 1;
    printf("%s %d\n", found ? "mold" : "other", (int)sqrt(4.0));
    return 0;
}
"""


def _runner() -> ModuleType:
    return load_runner("judge_runner_linker_test")


def test_c_and_cpp_link_with_mold_and_the_runner_drops_it_where_mold_is_missing() -> None:
    runner = _runner()
    assert runner.LINK_FLAGS == LINK_FLAGS  # spelled the same on both sides
    for key in ("cpp17", "cpp20", "c11"):
        argv = list(LANGUAGES[key].compile)
        assert all(flag in argv for flag in LINK_FLAGS)
        assert runner.compile_argv(argv, True) == argv
        without = runner.compile_argv(argv, False)
        assert without == [a for a in argv if a not in LINK_FLAGS] and len(without) == len(argv) - 2
    assert "mold" in PACKAGES  # the image has it, and so its recipe hash (an older image is rebuilt)


def test_the_recipe_hash_sees_the_package_list(monkeypatch: pytest.MonkeyPatch) -> None:
    import sandbox.image as image

    with_mold = recipe_hash()
    monkeypatch.setattr(image, "PACKAGES", tuple(p for p in PACKAGES if p != "mold"))
    assert image.recipe_hash() != with_mold


@pytest.mark.docker
@pytest.mark.parametrize(
    ("lang", "code", "out"), [("cpp17", WHICH_LINKER, "mold\n"), ("c11", WHICH_LINKER_C, "mold 2\n")]
)
async def test_programs_in_the_image_are_linked_by_mold(judge: Judge, lang: str, code: str, out: str) -> None:
    exe = await judge.compile(Source(code, lang))
    assert exe.ok, exe.message
    r = await judge.run(exe, b"", Limits(2.0, 256))
    assert r.status is Verdict.AC, r.detail
    assert r.stdout.decode() == out
