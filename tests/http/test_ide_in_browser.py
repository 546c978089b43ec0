"""The IDE page in a real browser (Debian's chromium): it loads from the hub alone, with no
request leaving 127.0.0.1 and no console error, and answers a query typed into it."""

from __future__ import annotations

from playwright.async_api import Browser

from hub.settings import Settings
from tests.support.browser import Watched, watch
from tests.support.fedtest import serve_hub


async def test_the_ide_loads_offline_in_chromium(
    graph: object, settings: Settings, watched_page: Watched
) -> None:
    with serve_hub(settings) as served:
        base = served.url.removesuffix("/graphql")
        response = await watched_page.page.goto(f"{base}/graphiql")
        assert response is not None and response.status == 200
        await watched_page.page.wait_for_selector(".graphiql-container", timeout=20_000)


async def test_a_watched_page_notes_a_request_leaving_127_0_0_1_and_a_console_error(
    browser: Browser,
) -> None:
    async for watched in watch(browser):
        # set_content returns at the load event, after the image was routed (and aborted)
        await watched.page.set_content(
            '<img src="http://203.0.113.9/x.png"><script>console.error("boom")</script>'
        )
        assert watched.outside == ["http://203.0.113.9/x.png"]
        # the aborted image shows in the console as a failed resource, beside the script's error
        assert sorted(watched.errors) == ["Failed to load resource: net::ERR_FAILED", "boom"]
