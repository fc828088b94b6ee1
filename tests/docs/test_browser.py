"""The built docs site in headless Chromium: pages load without JavaScript errors, search finds things.

Needs Debian's `chromium` (`make test` installs it when missing). The site is
served from a local HTTP server on 127.0.0.1, as a reader's browser would get it.
"""

from __future__ import annotations

import json
from typing import Iterator

import pytest

from .devtools import Browser, Page, chromium_path
from .site import ROOT, build, served

PAGE_SECONDS = 30
SEARCH_SECONDS = 45


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("site")
    result = build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, result.stdout + result.stderr
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def page(site_url: str) -> Iterator[Page]:
    executable = chromium_path()
    assert executable, "Chromium is not installed: `make test` installs it (apt-get install -y chromium)"
    with Browser(executable, timeout=PAGE_SECONDS) as tab:
        yield tab


def test_the_home_page_loads_without_errors(page: Page, site_url: str) -> None:
    page.errors.clear()
    page.open(f"{site_url}/", PAGE_SECONDS)
    assert page.evaluate("document.title").startswith("Wootiv Python SDK")
    assert page.evaluate("document.querySelector('h1').textContent").startswith("Wootiv Python SDK")
    navigation = page.evaluate("Array.from(document.querySelectorAll('nav.md-nav--primary label, nav.md-nav--primary a')).map(a => a.textContent.trim())")
    assert {"Guides", "API reference"} <= set(navigation), navigation
    assert page.errors == []


def test_the_roles_reference_shows_every_endpoint(page: Page, site_url: str) -> None:
    page.errors.clear()
    page.open(f"{site_url}/reference/resources/roles/", PAGE_SECONDS)
    assert page.evaluate("document.querySelector('h1').textContent.trim()").startswith("client.roles")
    for method in ("create", "list", "retrieve", "update", "delete", "bulk_create"):
        anchor = f"wootiv.resources.roles.Roles.{method}"
        assert page.evaluate(f"document.getElementById({json.dumps(anchor)}) !== null"), f"no entry for {anchor}"
    link = page.evaluate("Array.from(document.querySelectorAll('a')).find(a => a.textContent === 'RoleDto')?.href")
    assert link and "/reference/types/" in link and link.endswith("#wootiv.types.RoleDto")
    assert page.errors == []


def test_search_for_retrieve_finds_results(page: Page, site_url: str) -> None:
    page.errors.clear()
    page.open(f"{site_url}/", PAGE_SECONDS)
    page.evaluate(
        """(() => {
            const box = document.querySelector('[data-md-component="search-query"]');
            box.focus();
            box.value = 'retrieve';
            box.dispatchEvent(new Event('focus'));
            box.dispatchEvent(new KeyboardEvent('keyup', {key: 'e'}));
            box.dispatchEvent(new Event('input', {bubbles: true}));
            return true;
        })()"""
    )
    # Material indexes and searches in a web worker: wait for its answer.
    count = page.wait_for("document.querySelectorAll('.md-search-result__item').length", SEARCH_SECONDS, "search results for 'retrieve'")
    assert count > 0
    titles = page.evaluate("Array.from(document.querySelectorAll('.md-search-result__item')).map(i => i.textContent).join(' ')")
    assert "retrieve" in titles.lower()
    assert page.errors == []


def test_the_devtools_client_reports_javascript_errors(page: Page, site_url: str) -> None:
    # The checks above mean something only if an error would be seen.
    page.errors.clear()
    page.open(f"{site_url}/", PAGE_SECONDS)
    page.evaluate("setTimeout(() => { throw new Error('deliberate failure'); }, 0), true")
    page.wait_for("new Promise(done => setTimeout(() => done(true), 300))", PAGE_SECONDS, "a pause")
    assert any("deliberate failure" in error for error in page.errors), page.errors

