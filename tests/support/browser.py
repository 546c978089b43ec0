"""Pages in a real browser: Debian's ``chromium`` driven by ``playwright`` (PyPI).

playwright's own browser download does not work on this machine kind, so the browser is the
system's (``CREDIT_HUB_CHROMIUM``, default ``/usr/bin/chromium``). Without it, every browser
test is skipped with the reason printed (``-ra``); CI has it (``apt-get install -y chromium``).

``watched_page`` gives a fresh page whose every request is checked: a request for anything but
127.0.0.1 is aborted and noted, and so is every console error and uncaught page error; the test
fails at the end if either list is not empty (no CDN, no error in the console).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, Request, Route, async_playwright

CHROMIUM = Path(os.environ.get("CREDIT_HUB_CHROMIUM", "/usr/bin/chromium"))
LOCAL_HOSTS = frozenset({"127.0.0.1"})


def chromium_or_skip() -> Path:
    """The system chromium, or the test is skipped saying why."""
    if not CHROMIUM.exists():
        pytest.skip(f"no browser at {CHROMIUM}: apt-get install -y chromium (CREDIT_HUB_CHROMIUM)")
    return CHROMIUM


@dataclass
class Watched:
    """A page and what went wrong on it: requests that tried to leave 127.0.0.1, console
    errors and page errors."""

    page: Page
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.outside == [], f"requests left 127.0.0.1: {self.outside}"
        assert self.errors == [], f"the page raised errors: {self.errors}"


async def launch_browser() -> AsyncIterator[Browser]:
    executable = chromium_or_skip()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(executable))
        try:
            yield browser
        finally:
            await browser.close()


async def watch(browser: Browser) -> AsyncIterator[Watched]:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    watched = Watched(await context.new_page())

    async def only_local(route: Route, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            await route.continue_()
        else:
            watched.outside.append(request.url)
            await route.abort()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.errors.append(message.text)

    await context.route("**/*", only_local)
    watched.page.on("console", on_console)
    watched.page.on("pageerror", lambda error: watched.errors.append(str(error)))
    try:
        yield watched
    finally:
        await context.close()
