"""The demo's job functions: real work in miniature, with real failures and tracebacks.

They are importable by name (Chancy stores `chancy_web.demo.jobs.<name>`), so any executor can
run them. Annotations are evaluated eagerly on purpose: Chancy injects the running job into a
keyword-only parameter annotated `QueuedJob`, and a string annotation would not match.
"""

import asyncio
import hashlib
import random
import statistics
import time

from chancy import QueuedJob


class EmailBounced(Exception):
    """The mail server refused the recipient."""


class PaymentDeclined(Exception):
    """The payment provider declined the charge."""


class OrderImportError(Exception):
    """A row of an order file could not be read."""


async def send_email(to: str, template: str) -> str:
    await asyncio.sleep(random.uniform(0.1, 0.6))
    if to.endswith(".invalid"):
        raise EmailBounced(f"550 5.1.1 <{to}>: Recipient address rejected: User unknown")
    return f"<{hashlib.sha1(f'{to}{template}'.encode()).hexdigest()[:16]}@demo.chancy>"


async def resize_image(image_id: int, width: int, height: int) -> dict[str, int]:
    await asyncio.sleep(random.uniform(0.1, 0.4))
    if width * height > 40_000_000:
        raise MemoryError(f"image {image_id}: {width}x{height} exceeds the 40 MP limit")
    return {"image_id": image_id, "width": width // 2, "height": height // 2}


async def charge_card(order_id: int, amount_cents: int, currency: str = "EUR") -> str:
    await asyncio.sleep(random.uniform(0.2, 0.8))
    if amount_cents % 13 == 0:
        raise PaymentDeclined(f"order {order_id}: card declined (insufficient funds)")
    return f"ch_{order_id}_{amount_cents}{currency.lower()}"


async def sync_inventory(warehouse: str, fail_times: int = 1, *, job: QueuedJob) -> int:
    """Fails its first `fail_times` attempts with a dropped connection, then succeeds."""
    await asyncio.sleep(random.uniform(0.2, 0.5))
    if job.attempts < fail_times:
        raise ConnectionResetError(
            f"{warehouse}: connection reset by peer (attempt {job.attempts + 1})"
        )
    return random.randint(100, 5000)


def _parse_order(line: str) -> dict[str, str]:
    fields = dict(part.split("=", 1) for part in line.split(";"))
    return {"sku": fields["sku"], "qty": fields["qty"]}


async def import_orders(source: str, rows: int) -> int:
    """Reads `rows` order lines; the `legacy` source has a row without a SKU."""
    imported = 0
    for number in range(rows):
        line = f"qty={number % 7 + 1};sku=SKU-{number:05d}"
        if source == "legacy" and number == rows // 2:
            line = f"qty={number % 7 + 1};item=SKU-{number:05d}"
        try:
            _parse_order(line)
        except KeyError as exc:
            raise OrderImportError(f"{source}: row {number + 1}: missing column {exc}") from exc
        imported += 1
        if number % 50 == 0:
            await asyncio.sleep(0.05)
    return imported


async def export_table(table: str, chunks: int = 6) -> int:
    """A slower job, so that the dashboard shows running jobs."""
    for _ in range(chunks):
        await asyncio.sleep(0.5)
    return chunks * 1000


async def archive_invoice(invoice_id: int) -> None:
    """Pushed to a paused queue, where it waits until someone resumes the queue."""
    await asyncio.sleep(0.1)


async def purge_temp_files() -> int:
    """Run by the cron plugin every minute."""
    await asyncio.sleep(0.1)
    return random.randint(0, 40)


async def fetch_feed(feed: str) -> int:
    await asyncio.sleep(random.uniform(0.2, 0.6))
    return len(feed)


async def publish_feed(feed: str) -> None:
    await asyncio.sleep(random.uniform(0.1, 0.3))


def build_report(kind: str, days: int) -> dict[str, float]:
    """A synchronous job for the threaded `reports` queue; `days=0` divides by zero."""
    rng = random.Random(f"{kind}-{days}")
    daily = [rng.uniform(100, 1000) for _ in range(days)]
    time.sleep(random.uniform(0.3, 1.5))
    return {"total": sum(daily), "mean": sum(daily) / len(daily), "stdev": _spread(daily)}


def _spread(values: list[float]) -> float:
    return statistics.stdev(values) if len(values) > 1 else 0.0
