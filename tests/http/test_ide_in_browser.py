"""The IDE page in a real browser (Debian's chromium): it loads from the hub alone, with no
request leaving 127.0.0.1 and no console error, says it needs a token before it has one, and
answers a query once a token is pasted into its headers."""

from __future__ import annotations

import json

from playwright.async_api import Browser

from hub.settings import Settings
from tests.support.browser import Watched, watch
from tests.support.fedtest import serve_hub
from tests.support.hubtest import token

# the headers editor is the CodeMirror holding the token placeholder
_SET_HEADERS = """(headers) => {
  const editors = [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')];
  const editor = editors.map((e) => e.CodeMirror).find((e) => e.getValue().includes('paste token'));
  editor.setValue(headers);
}"""


async def test_the_ide_loads_offline_and_answers_once_a_token_is_pasted(
    graph: object, settings: Settings, watched_page: Watched
) -> None:
    page = watched_page.page
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    with serve_hub(settings) as served:
        base = served.url.removesuffix("/graphql")
        response = await page.goto(f"{base}/graphiql")
        assert response is not None and response.status == 200
        await page.wait_for_selector(".graphiql-container", timeout=20_000)
        # no token yet: the first introspection is answered in the page, never sent
        assert [url for url in sent if url.endswith("/graphql")] == []
        headers = {
            "Authorization": f"Bearer {token(settings, 'agency_analyst')}",
            "X-Purpose": "SUPERVISION",
        }
        # the pasted token re-fetches the schema (after the editor's 700 ms pause)
        graphql = lambda r: r.url.endswith("/graphql")  # noqa: E731
        async with page.expect_response(graphql, timeout=10_000) as got:
            await page.evaluate(_SET_HEADERS, json.dumps(headers))
        assert (await got.value).status == 200
        await page.locator(".graphiql-execute-button").click()
        await page.wait_for_function(
            "() => document.querySelector('.result-window').innerText.includes('__typename')",
            timeout=20_000,
        )
        result = await page.locator(".result-window").inner_text()
        assert '"Query"' in result
        assert any(url.endswith("/graphql") for url in sent)


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
