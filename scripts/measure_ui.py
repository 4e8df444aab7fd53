"""Measure the dashboard's first load in Chromium: the JS a page needs and the time until the
first job row is visible, each run in a fresh browser context (empty cache, logged in).

    chancy-web demo --port 8000 &        # or any running chancy-web
    python scripts/measure_ui.py --url http://127.0.0.1:8000 --password <printed password>

The time is taken in the page: from navigation start (`performance.now()` origin) until a
MutationObserver sees the first job row (`--row-selector`) in the DOM and visible. JS sizes
are what the page loaded: on the wire (the server's encoding) and gzipped (-9) for comparison.

`--breakdown` adds where the time went, as medians: the HTML's first and last byte, the last
byte of the JS and CSS, the API requests made before the first row, and the long tasks (main
thread busy 50 ms or more at once) before it.

`--reference` measures chancy 0.26's own dashboard the same way (`chancy --app ... worker web`),
for a side-by-side ratio: it logs in as that dashboard does (a token in localStorage) and
waits for its job links.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
from typing import Any

#: Shared with scripts/bench.py, which measures the first row the same way.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

FIRST_ROW = """
((selector) => {
  const seen = () => {
    const row = window.__firstRow === undefined && document.querySelector(selector);
    if (row && row.checkVisibility({ visibilityProperty: true, opacityProperty: true })) {
      window.__firstRow = performance.now();
    }
  };
  const options = { childList: true, subtree: true, attributes: true };
  new MutationObserver(seen).observe(document, options);
})(%s);
"""
#: For --breakdown: the page's long tasks (main-thread work of 50 ms or more, in one piece).
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
}).observe({ type: 'longtask', buffered: true });
"""
#: For --breakdown: where the time went, from the Navigation and Resource Timing entries.
BREAKDOWN = r"""(row) => {
  const nav = performance.getEntriesByType('navigation')[0];
  const before = performance.getEntriesByType('resource').filter((e) => e.startTime < row);
  const last = (list) => Math.max(0, ...list.map((e) => e.responseEnd));
  const api = before.filter((e) => new URL(e.name).pathname.includes('/api/'));
  return {
    'HTML first byte': nav.responseStart,
    'HTML last byte': nav.responseEnd,
    'JS and CSS last byte': last(before.filter((e) => /\.(js|css)$/.test(e.name))),
    'API requests before the row': api.length,
    'last API byte before the row': last(api),
    'long tasks before the row (ms)': window.__longTasks
      .filter(([at]) => at < row).reduce((sum, [, d]) => sum + d, 0),
    'first row visible': row,
  };
}"""
ROW = "table.jobs tbody tr"
REFERENCE_ROW = 'tbody tr td a[href*="/jobs/"]'


async def one_run(browser: Any, args: argparse.Namespace, url: str) -> dict[str, Any]:
    context = await browser.new_context()
    login = await context.request.post(
        f"{url}/api/v1/login", data={"username": args.username, "password": args.password}
    )
    if not login.ok:
        raise SystemExit(f"login failed: {login.status} {await login.text()}")
    page = await context.new_page()
    if args.reference:
        token = (await login.json())["token"]
        key = json.dumps(f"auth.token:{url}")
        await page.add_init_script(f"localStorage.setItem({key}, {json.dumps(token)})")
    selector = args.row_selector or (REFERENCE_ROW if args.reference else ROW)
    await page.add_init_script(FIRST_ROW % json.dumps(selector))
    if args.breakdown:
        await page.add_init_script(LONG_TASKS)
    path = args.path
    scripts: list[Any] = []
    page.on(
        "response", lambda r: scripts.append(r) if r.request.resource_type == "script" else None
    )
    await page.goto(f"{url}{path}", wait_until="commit")
    await page.locator(selector).first.wait_for(timeout=30_000)
    first_row = None
    while first_row is None:
        first_row = await page.evaluate("window.__firstRow")
        await asyncio.sleep(0.01)
    await page.wait_for_load_state("networkidle")
    phases = await page.evaluate(BREAKDOWN, first_row) if args.breakdown else {}
    wire = gzipped = raw = 0
    names = []
    for response in scripts:
        body = await response.body()
        sizes = await response.request.sizes()
        wire += sizes["responseBodySize"]
        raw += len(body)
        gzipped += len(gzip.compress(body, 9))
        names.append(response.url.rsplit("/", 1)[-1])
    await context.close()
    return {
        "first_row_ms": first_row,
        "files": names,
        "wire": wire,
        "gzip": gzipped,
        "raw": raw,
        "phases": phases,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="where chancy-web runs")
    parser.add_argument("--path", default="/jobs", help="the page to load (default /jobs)")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--row-selector", help=f"CSS selector of a job row (default {ROW!r})")
    parser.add_argument("--reference", action="store_true", help="measure chancy 0.26's dashboard")
    parser.add_argument(
        "--breakdown", action="store_true", help="also the median time of each phase of a load"
    )
    args = parser.parse_args()
    url = args.url.rstrip("/")
    from playwright.async_api import async_playwright  # here: bench.py imports this module

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=args.chromium, args=CHROMIUM_ARGS
        )
        # One unmeasured load warms the server (its caches, the OS page cache), not the browser.
        await one_run(browser, args, url)
        runs = [await one_run(browser, args, url) for _ in range(args.runs)]
        await browser.close()

    times = [r["first_row_ms"] for r in runs]
    last = runs[-1]
    print(f"page: {url}{args.path}  ({len(runs)} cold loads, fresh context each)")
    print(f"JS files loaded: {len(last['files'])}")
    print(
        f"JS size: {last['raw'] / 1024:.1f} KB raw, {last['gzip'] / 1024:.1f} KB gzipped, "
        f"{last['wire'] / 1024:.1f} KB on the wire"
    )
    print(
        f"first job row visible: median {statistics.median(times):.0f} ms, "
        f"min {min(times):.0f} ms, max {max(times):.0f} ms"
    )
    if args.breakdown:
        print("breakdown (medians; ms from navigation start unless said otherwise):")
        for name in last["phases"]:
            value = statistics.median(r["phases"][name] for r in runs)
            print(f"  {name}: {value:.0f}")


if __name__ == "__main__":
    asyncio.run(main())
