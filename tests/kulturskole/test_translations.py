"""Bokmål and Nynorsk are kept complete: every string of the code is translated in both.

English is the source language, so it needs no catalogue of its own.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["nb", "nn"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def catalogue(language: str, base: Path = ROOT / "locale") -> polib.POFile:
    return polib.pofile(str(base / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    po = catalogue(language)
    missing = [entry.msgid for entry in po if not entry.obsolete and not entry.translated()]
    assert not missing, f"{len(missing)} untranslated in {language}: {missing[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    for entry in catalogue(language):
        if entry.obsolete:
            continue
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        allowed = set(expected) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            # A plural form may leave out the number ("one hour"), never add a placeholder.
            found = sorted(PLACEHOLDER.findall(text))
            assert set(found) <= allowed, (entry.msgid, text)
            if not entry.msgid_plural:
                # Named placeholders may be repeated or reordered; positional ones may not.
                assert set(found) == set(expected), (entry.msgid, text)
                positional = [p for p in expected if not p.startswith(("%(", "{"))]
                assert sorted(p for p in found if p in positional) == positional, entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language):
    po = catalogue(language)
    mo_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po:
        if entry.obsolete or entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled._catalog.get(key) == entry.msgstr, (  # type: ignore[attr-defined]
            f"{mo_path} is stale for {entry.msgid!r}: run `make messages`"
        )


def test_catalogues_contain_every_string_in_the_code(tmp_path):
    """`makemessages` on a copy of the code finds no string missing from the catalogues."""
    if shutil.which("xgettext") is None:
        pytest.skip("gettext (xgettext) is not installed; CI installs it")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "node_modules", "staticfiles", "media", "var", "*.sqlite3", "bench"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-location", "-l", "nb", "-v", "0"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    found = {(e.msgctxt, e.msgid) for e in catalogue("nb", copy / "locale") if not e.obsolete}
    for language in LANGUAGES:
        known = {(e.msgctxt, e.msgid) for e in catalogue(language) if not e.obsolete}
        missing = sorted(msgid for _, msgid in found - known)
        assert not missing, f"run `make messages`; new strings for {language}: {missing[:10]}"
