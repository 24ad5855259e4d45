"""The privacy notice's template, read from its file: the shipped one (deploy/privacy-notice.md) or
the council's own, which ASSESSMENT_PRIVACY_NOTICE names. At most 200 kB of UTF-8 Markdown with
known placeholders only (`domain.privacy.check`); anything else is one line (`BadNotice`) saying
which file and why, for the page and for `settings check` alike."""

from __future__ import annotations

from pathlib import Path

from ..domain.privacy import NOTICE_BYTES, SHIPPED, BadNotice, check

APP_FOLDER = Path(__file__).resolve().parent.parent.parent


def notice_path(setting: str | None) -> Path:
    """The template's file: the setting's (a relative path taken from the app's folder), else the
    shipped one."""
    given = (setting or "").strip()
    path = Path(given).expanduser() if given else Path(SHIPPED)
    return path if path.is_absolute() else APP_FOLDER / path


def read_notice(setting: str | None) -> str:
    """The template the setting names (the shipped one where it is unset), checked; BadNotice in
    one line where it is missing, too big, not UTF-8 or has an unknown placeholder."""
    path = notice_path(setting)
    shown = (setting or "").strip() or SHIPPED
    try:
        with path.open("rb") as file:
            data = file.read(NOTICE_BYTES + 1)
    except FileNotFoundError:
        raise BadNotice(f"{shown}: there is no such file") from None
    except IsADirectoryError:
        raise BadNotice(f"{shown} is a folder, not a file") from None
    except OSError as exc:
        raise BadNotice(f"{shown} cannot be read: {exc.strerror or exc}") from None
    if len(data) > NOTICE_BYTES:
        raise BadNotice(f"{shown} is larger than {NOTICE_BYTES // 1000} kB, the most a privacy notice may be")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadNotice(f"{shown} is not UTF-8 text (byte {exc.start + 1:,} is not): save it as UTF-8") from None
    return check(text.removeprefix("\ufeff"), shown)
