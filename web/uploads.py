"""A bundle from uploaded files (the API's multipart deploy and the upload page): file name →
content, every file judged so that whatever is wrong is answered as a refused bundle; and the
longest comment a deployment may carry (the API, the upload page and the modeller)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import FileStorage

from engine import BundleInvalid, Problem

MAX_COMMENT = 2000  # characters of a deployment's comment (what the version changes)


def bundle_from_uploads(uploads: Iterable[Any]) -> dict[str, bytes]:
    """The uploaded files by name. A text field instead of a file, a file without a name, or
    two files of one name refuse the bundle (``BundleInvalid``, one problem per file)."""
    files: dict[str, bytes] = {}
    problems = []
    for upload in uploads:
        name = (upload.filename or "") if isinstance(upload, FileStorage) else ""
        why = _wrong_with(upload, name, files)
        if why:
            problems.append(Problem(name, None, None, why))
            continue
        files[name] = upload.read()
    if problems:
        raise BundleInvalid(problems)
    return files


def _wrong_with(upload: Any, name: str, files: dict[str, bytes]) -> str:
    if not isinstance(upload, FileStorage):
        return str(gettext("Skicka filer, inte textfält."))
    if not name:
        return str(gettext("Filen saknar namn."))
    return str(gettext("Två filer har samma namn.")) if name in files else ""
