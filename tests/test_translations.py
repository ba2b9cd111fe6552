"""Every user-facing message has an English translation (README "Translations").

The catalogues are read with a small parser (no polib). One test runs `manage.py makemessages` on a copy
of the source tree, so a Chinese string added in code but never put in the catalogue fails too; each test
lists the offending msgids. The fix is `make messages`, then translating what it lists.
"""

import ast
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The project's catalogue and the apps' own (accounts, ops); English is the only translation.
CATALOGUES = ["locale/en/LC_MESSAGES/django.po", "*/locale/en/LC_MESSAGES/django.po"]
# What the copy for makemessages leaves out: the virtualenv, generated folders, compiled catalogues.
NOT_SOURCE = (".venv", ".git", "var", "staticfiles", "test-artifacts", "bench-results", "__pycache__", "*.mo")
# %(name)s, %s, %d and {name}; a literal "%%" is no placeholder.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{\w*\}")


@dataclass
class Message:
    msgid: str = ""
    plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False

    def __str__(self):
        return self.msgid.replace("\n", "\\n")


def parse_po(text: str) -> list[Message]:
    """The active messages of a .po file (header and obsolete "#~" entries left out)."""
    messages, current, key = [], Message(), None
    values: dict[str, str] = {}

    def close():
        nonlocal current, values
        if values:
            current.msgid = values.get("msgid", "")
            current.plural = values.get("msgid_plural", "")
            current.msgstrs = [v for k, v in sorted(values.items()) if k.startswith("msgstr")]
            if current.msgid:
                messages.append(current)
        current, values = Message(), {}

    for line in text.splitlines():
        line = line.strip()
        if not line:
            close()
        elif line.startswith("#,"):
            if values:
                close()
            current.fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            values[key] += ast.literal_eval(line)
        else:
            key, quoted = line.split(" ", 1)
            if key == "msgid" and "msgid" in values:
                close()
            values[key] = ast.literal_eval(quoted)
    close()
    return messages


def catalogues(root: Path) -> dict[str, list[Message]]:
    paths = sorted({path for pattern in CATALOGUES for path in root.glob(pattern)})
    assert paths, f"no English catalogue under {root}"
    return {str(path.relative_to(root)): parse_po(path.read_text(encoding="utf-8")) for path in paths}


def untranslated(found: dict[str, list[Message]]) -> list[str]:
    return [
        f"{path}: {'fuzzy' if m.fuzzy else 'empty'}: {m}"
        for path, messages in found.items()
        for m in messages
        if m.fuzzy or not all(s.strip() for s in m.msgstrs)
    ]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def placeholder_mismatches(found: dict[str, list[Message]]) -> list[str]:
    problems = []
    for path, messages in found.items():
        for m in messages:
            expected = _placeholders(m.msgid)
            for index, msgstr in enumerate(m.msgstrs):
                if not msgstr:
                    continue
                got = _placeholders(msgstr)
                # A plural's forms may drop the count ("one item"), never add a name the msgid lacks.
                wrong = not set(got) <= set(expected + _placeholders(m.plural)) if m.plural else got != expected
                if wrong:
                    problems.append(f"{path}: {m} → msgstr[{index}] has {got}, msgid has {expected}")
    return problems


def test_the_committed_catalogues_translate_every_message():
    missing = untranslated(catalogues(ROOT))
    assert not missing, "untranslated (make messages, then translate):\n" + "\n".join(missing)


def test_placeholders_agree_between_chinese_and_english():
    problems = placeholder_mismatches(catalogues(ROOT))
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed (make browser installs it)")
def test_every_message_of_the_source_is_in_the_catalogues(tmp_path):
    """makemessages on a copy of the tree: what it adds or marks fuzzy is a message nobody translated."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE), symlinks=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-v0"], cwd=copy, check=True, capture_output=True
    )
    missing = untranslated(catalogues(copy))
    assert not missing, "not in the catalogues or untranslated (make messages, then translate):\n" + "\n".join(missing)
    assert not placeholder_mismatches(catalogues(copy))


def test_the_parser_reads_fuzzy_plural_and_multiline_entries():
    text = r"""msgid ""
msgstr "Language: en\n"

#, fuzzy, python-format
msgid "共 %(n)s 项"
msgstr "%(n)s items"

msgid "一"
msgid_plural "多"
msgstr[0] "one"
msgstr[1] ""

msgid ""
"长"
"句\"子\""
msgstr "long \"sentence\""

#~ msgid "旧"
#~ msgstr "old"
"""
    messages = parse_po(text)
    assert [(m.msgid, m.plural, m.msgstrs, m.fuzzy) for m in messages] == [
        ("共 %(n)s 项", "", ["%(n)s items"], True),
        ("一", "多", ["one", ""], False),
        ('长句"子"', "", ['long "sentence"'], False),
    ]
    assert untranslated({"x.po": messages}) == ["x.po: fuzzy: 共 %(n)s 项", "x.po: empty: 一"]
    assert placeholder_mismatches({"x.po": [Message("%(a)s 和 {b}", "", ["%(a)s and {c}"])]}) == [
        "x.po: %(a)s 和 {b} → msgstr[0] has ['%(a)s', '{c}'], msgid has ['%(a)s', '{b}']"
    ]
