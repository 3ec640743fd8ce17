"""Every page is usable on a 390 px phone: nothing scrolls sideways, no button hangs outside its card, no table cell
is squeezed to a character per line.

The walk loads the demo data (every role, rounds, applications at each step, the question bank), signs in as each
role and follows every same-site link it finds from the home page, so a page added later is checked without being
listed here. A wide table scrolls sideways inside its own box, never the page.
"""

from __future__ import annotations

import re
from collections import deque
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from gigplatform.clock import BUSINESS_TZ
from tests.e2e.conftest import ServerEnv
from tests.e2e.shift_data import api, certify_users, publish

PHONE = {"width": 390, "height": 844}
ROLES = {
    "admin": ("admin@gig.example", "Admin2026"),
    "seller": ("13800000001", "Seller2026"),
    "worker at the exam": ("13900000001", "Worker2026"),
    "worker in training": ("13900000003", "Worker2026"),
}
SKIP = re.compile(r"^/(static|schema|lang|logout|calendar)|\.(csv|ics|json)$|/export")
MAX_PAGES = 80

LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const width = window.innerWidth;
  const scrolls = (el) => {  // inside a box that scrolls sideways on its own (a wide table)
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > width) {
    const wide = [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
      .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
    problems.push(`page is ${document.documentElement.scrollWidth}px wide: ${wide.join(', ')}`);
  }
  for (const box of document.querySelectorAll('.card, .panel')) {
    const edge = box.getBoundingClientRect().right + 1;
    for (const b of box.querySelectorAll('button, .button')) {
      const r = b.getBoundingClientRect();
      if (r.width && r.right > edge && !scrolls(b)) {
        problems.push(`button "${b.textContent.trim()}" outside its card`);
      }
    }
  }
  for (const cell of document.querySelectorAll('td, th')) {
    const text = cell.textContent.trim();
    const r = cell.getBoundingClientRect();
    if (text.length >= 4 && r.width > 0 && r.width < 36) {
      problems.push(`cell "${text.slice(0, 12)}" is ${Math.round(r.width)}px wide`);
    }
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def demo_loaded(server: str, server_env: ServerEnv) -> str:
    server_env.cli("demo")
    give_shifts(server, server_env)
    return server


def give_shifts(server: str, server_env: ServerEnv) -> None:
    """The shift pages with content: slots on every track for the coming days; the workers certified (by SQL, as
    tests/shifts do), one with a booking and on the waitlist of a slot the other filled."""
    admin = api(server, *ROLES["admin"])
    worker, other = api(server, *ROLES["worker at the exam"]), api(server, *ROLES["worker in training"])
    certify_users(server_env, [w.get("/api/me").json()["id"] for w in (worker, other)], ("pre_sales", "after_sales"))
    today = datetime.now(BUSINESS_TZ).date()
    dates = [(today + timedelta(days=n)).isoformat() for n in range(1, 8)]
    (booked, *_rest) = publish(admin, dates[:1], [9], ["pre_sales", "after_sales", "complaints"], 3)
    (full,) = publish(admin, dates[:1], [12], ["pre_sales"], 1)
    publish(admin, dates, [14, 20], ["pre_sales", "after_sales", "complaints"], 3)
    assert worker.post(f"/api/slots/{booked['slot_id']}/bookings").status_code == 201
    assert other.post(f"/api/slots/{full['slot_id']}/bookings").status_code == 201
    assert worker.post(f"/api/slots/{full['slot_id']}/waitlist").status_code == 201


def sign_in(page: Page, login: str, password: str) -> None:
    page.goto("/login")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.locator("form[action='/login'] button[type=submit], form[action='/login'] button").first.click()
    page.wait_for_load_state()


def shape(path: str) -> str:
    """One visit per kind of page: ids in the path count as one, and so do dates (a week's grid and the next)."""
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}", path)
    return re.sub(r"\d{4}-\d{2}-\d{2}", "{date}", path)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone(page: Page, demo_loaded: str, role: str, screenshots: Path) -> None:
    page.set_viewport_size(PHONE)
    for start in ("/", "/login", "/register"):
        page.goto(start)
        assert not page.evaluate(LAYOUT_PROBLEMS), (start, page.evaluate(LAYOUT_PROBLEMS))
    sign_in(page, *ROLES[role])
    assert "/login" not in page.url, f"{role} could not sign in"
    queue, seen, problems = deque(["/"]), set(), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        response = page.goto(path)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        if path == "/":  # for a person to look at: each role's home on a phone
            page.screenshot(path=str(screenshots / f"phone_{role.replace(' ', '_')}_home.png"), full_page=True)
        found = page.evaluate(LAYOUT_PROBLEMS)
        if found:
            problems[path] = found
            page.screenshot(
                path=str(screenshots / f"phone_{role.replace(' ', '_')}_{len(problems)}.png"), full_page=True
            )
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(href)
            if target.netloc or not target.path.startswith("/") or SKIP.search(target.path):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    assert len(seen) >= (1 if role == "seller" else 3), f"{role} reached only {sorted(seen)}"
    assert not problems, problems
