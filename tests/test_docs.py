"""The README and docs/ stay true: links and anchors lead somewhere, named tests exist, and the
command and settings tables match the bot's own lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from bot.config import Settings
from bot.handlers.commands import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
ENV_EXAMPLE = ROOT / ".env.example"

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
EXTERNAL = ("http://", "https://", "mailto:")
TEST_NAME = re.compile(r"\b(test_[a-z0-9_]+)\b(?!\.py)")
TEST_FILE = re.compile(r"\b((?:tests/)?(?:[a-z0-9_]+/)*[a-z0-9_]+\.py)\b")
TEST_DEF = re.compile(r"^\s*(?:async\s+)?def\s+(test_\w+)\(", re.M)
ENV_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=", re.M)
TABLE_VARIABLE = re.compile(r"`([A-Z][A-Z0-9_]*)`")


def documents() -> list[Path]:
    return [README, *DOCS]


def prose(markdown: str) -> str:
    """The text with fenced code blocks removed (their contents are neither links nor
    headings)."""
    return FENCE.sub("", markdown)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: the rendered text lower-cased, punctuation dropped,
    spaces made hyphens (so "Data & privacy" is `data--privacy`)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's words only
    text = text.replace("`", "").replace("*", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every heading's anchor, with GitHub's -1, -2 ... for repeated headings."""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(prose(markdown)):
        base = anchor(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(path: Path) -> list[str]:
    """Relative links in `path` whose file, or heading after `#`, does not exist."""
    text = prose(path.read_text(encoding="utf-8"))
    broken = []
    for target in LINK.findall(CODE_SPAN.sub("", text)):
        if target.startswith(EXTERNAL):
            continue
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{path.name}: {target} (no such file)")
        elif fragment and fragment not in anchors(linked.read_text(encoding="utf-8")):
            broken.append(f"{path.name}: {target} (no such heading)")
    return broken


def defined_tests(folder: Path) -> set[str]:
    return {
        name for path in folder.rglob("*.py") for name in TEST_DEF.findall(path.read_text("utf-8"))
    }


def missing_tests(text: str, tests: Path) -> list[str]:
    """Test functions and test files named in `text` that `tests` does not have."""
    defined = defined_tests(tests)
    missing = [name for name in TEST_NAME.findall(text) if name not in defined]
    for mention in TEST_FILE.findall(text):
        name = mention.removeprefix("tests/")
        in_tests = mention.startswith("tests/") or name.startswith("test_")
        if in_tests and not (tests / name).is_file():
            missing.append(mention)
    return sorted(set(missing))


def section(markdown: str, title: str) -> str:
    """The text under `## title`, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"no section '## {title}'"
    return match.group(1)


def first_cells(table_text: str) -> Iterable[str]:
    """The first cell of each row of the tables in `table_text` (header and rule left out)."""
    rows = [line for line in table_text.splitlines() if line.startswith("|")]
    for row in rows[2:]:
        yield row.split("|")[1]


def readme_commands(markdown: str) -> set[str]:
    cells = first_cells(section(markdown, "Commands"))
    return {m.group(1) for cell in cells if (m := re.match(r"\s*`/(\w+)", cell))}


def readme_settings(markdown: str) -> set[str]:
    cells = first_cells(section(markdown, "Configuration"))
    return {name for cell in cells for name in TABLE_VARIABLE.findall(cell)}


def env_example_settings() -> set[str]:
    return set(ENV_LINE.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))


# -- the rules themselves ----------------------------------------------------------------------


def test_anchors_follow_githubs_rule_for_punctuation_code_and_repeats() -> None:
    assert anchor("Data & privacy") == "data--privacy"
    assert anchor("Export format (`/export`)") == "export-format-export"
    assert anchor("What was verified here, and what was not") == (
        "what-was-verified-here-and-what-was-not"
    )
    assert anchors("# A\n## Notes\n## Notes\n```\n# not a heading\n```\n") == {
        "a",
        "notes",
        "notes-1",
    }


def test_a_link_to_a_missing_file_or_heading_is_reported(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## Health\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n## Here\n\n[ok](other.md#health) [ok](#here) [ok](https://example.org/x)"
        " `[code](gone.md)` [gone](gone.md) [no heading](other.md#backups) [no](#there)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "page.md: gone.md (no such file)",
        "page.md: other.md#backups (no such heading)",
        "page.md: #there (no such heading)",
    ]


def test_a_test_or_test_file_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_real.py").write_text("async def test_real_one() -> None: ...\n", "utf-8")
    text = (
        "`tests/test_real.py::test_real_one`, `tests/test_real.py::test_gone`, "
        "`tests/test_moved.py`, `test_real.py`, `make test-fast`, pytest_addoption"
    )
    assert missing_tests(text, tests) == ["test_gone", "tests/test_moved.py"]


# -- the documents -----------------------------------------------------------------------------


def test_every_relative_link_in_the_readme_and_docs_leads_to_a_file_and_heading() -> None:
    assert len(DOCS) >= 9, "the docs folder lost files"
    broken = [problem for path in documents() for problem in broken_links(path)]
    assert broken == []


def test_every_test_and_test_file_the_readme_and_docs_name_exists() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in documents())
    assert len(TEST_NAME.findall(text)) >= 50, "the docs name the tests behind their claims"
    assert missing_tests(text, ROOT / "tests") == []


def test_the_readme_command_table_lists_exactly_the_bots_commands() -> None:
    listed = readme_commands(README.read_text(encoding="utf-8"))
    assert listed == {command.name for command in COMMANDS}


def test_every_setting_is_in_env_example_and_the_readme_table_and_nothing_else_is() -> None:
    in_table = readme_settings(README.read_text(encoding="utf-8"))
    in_example = env_example_settings()
    in_code = {name.upper() for name in Settings.model_fields}
    assert in_table == in_example
    assert in_example == in_code


def test_every_docs_file_starts_with_a_title_and_says_what_it_covers() -> None:
    for path in DOCS:
        title, blank, first = path.read_text(encoding="utf-8").splitlines()[:3]
        assert title.startswith("# ") and blank == "" and first, path.name


def test_the_readme_documentation_list_links_every_docs_file() -> None:
    listed = set(LINK.findall(section(README.read_text(encoding="utf-8"), "Documentation")))
    assert {f"docs/{path.name}" for path in DOCS} <= listed
