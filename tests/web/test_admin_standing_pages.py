"""Admins' account pages: finding an account by login, changing its standing with a reason (the same rules as the
API, in words next to the field), the account's audit log and the whole log; the person reads it in the inbox."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from gigplatform.accounts import service as accounts
from gigplatform.accounts.models import AuditEntry
from tests.conftest import PASSWORD, register
from tests.web.test_pages import submit

ADMIN, WORKER = "admin@example.com", "13912345678"


async def _as_admin(client, session, kit) -> str:
    await accounts.create_admin(session, kit, login=ADMIN, password=PASSWORD, display_name="管理员")
    await session.commit()
    worker = (await register(client, WORKER, display_name="王芳"))["id"]
    await submit(client, "/login", {"login": ADMIN, "password": PASSWORD})
    return worker


async def test_find_an_account_and_restrict_it(client, session, kit, clock) -> None:
    worker = await _as_admin(client, session, kit)
    found = await client.get("/admin/users", params={"login": "+86 139-1234-5678"}, follow_redirects=False)
    assert found.status_code in (302, 303) and found.headers["location"] == f"/admin/users/{worker}"
    shown = await client.get(f"/admin/users/{worker}")
    assert "王芳" in shown.text and "139****5678" in shown.text and WORKER not in shown.text
    assert 'data-standing="good"' in shown.text

    # 2026-03-09 18:00 in Beijing is 10:00 UTC
    path = f"/admin/users/{worker}/standing"
    body = {"standing": "restricted", "until": "2026-03-09T18:00", "reason": "三次缺勤"}
    done = await submit(client, path, body, form_page=f"/admin/users/{worker}")
    assert done.status_code in (302, 303), done.text
    after = await client.get(done.headers["location"])
    assert "状态已更改，并已通知本人。" in after.text and 'data-standing="restricted"' in after.text
    assert "至 2026-03-09 18:00（北京时间）" in after.text and "三次缺勤" in after.text and "状态变更" in after.text
    standing, until = await accounts.standing_of(session, uuid.UUID(worker), clock.now())
    assert standing.value == "restricted" and until.isoformat() == "2026-03-09T10:00:00+00:00"

    log = await client.get("/admin/audit-log", params={"action": "standing.changed"})
    assert log.status_code == 200 and "三次缺勤" in log.text and "王芳" in log.text
    assert "截止（北京时间）: 2026-03-09 18:00" in log.text and "原状态: 良好" in log.text

    await submit(client, "/logout", {}, form_page="/")
    await submit(client, "/login", {"login": WORKER, "password": PASSWORD})
    inbox = await client.get("/notifications")
    assert "您的账号在 2026-03-09 18:00（北京时间）之前不能预约班次。原因：三次缺勤" in inbox.text


async def test_a_refused_decision_says_why_next_to_the_field(client, session, kit) -> None:
    worker = await _as_admin(client, session, kit)
    path = f"/admin/users/{worker}/standing"
    refused = await submit(
        client, path, {"standing": "restricted", "until": "", "reason": "迟到"}, f"/admin/users/{worker}"
    )
    assert refused.status_code == 422 and 'id="e-until"' in refused.text and "限制须注明结束时间。" in refused.text
    assert "迟到" in refused.text  # the reason typed is kept
    blank = await submit(client, path, {"standing": "warned", "reason": "  "}, f"/admin/users/{worker}")
    assert blank.status_code == 422 and "请填写这项决定的原因。" in blank.text
    assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0


async def test_unknown_logins_and_other_roles(client, session, kit) -> None:
    await _as_admin(client, session, kit)
    missing = await client.get("/admin/users", params={"login": "13900000000"})
    assert missing.status_code == 200 and "没有使用该登录名的账号。" in missing.text
    await submit(client, "/logout", {}, form_page="/")
    await submit(client, "/login", {"login": WORKER, "password": PASSWORD})
    assert (await client.get("/admin/users")).status_code == 403
    assert (await client.get("/admin/audit-log")).status_code == 403
