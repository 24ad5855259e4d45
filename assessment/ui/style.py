"""The app's one small stylesheet (style.css beside this file): what the theme cannot say."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return "<style>\n" + (Path(__file__).with_name("style.css")).read_text(encoding="utf-8") + "</style>"
