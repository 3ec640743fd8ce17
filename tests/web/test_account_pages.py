"""Account pages: the CSRF token renewed with the sign-in session, the sign-in limit in words, the forgotten and
changed password, and the inbox in the header."""

from __future__ import annotations

import re

import pytest

from gigplatform.notifications import RecordingNotifier
from gigplatform.security import REFRESH_COOKIE
from tests.conftest import PASSWORD, register, sign_in
from tests.web.test_pages import CSRF, csrf, submit

LOGIN = "13912345678"


async def _post_with(client, path: str, token: str, data: dict | None = None):
    return await client.post(path, data={**(data or {}), "_csrf_token": token}, follow_redirects=False)


async def test_a_token_from_before_sign_in_is_refused_after_it(client) -> None:
    await register(client, LOGIN, display_name="王芳")
    planted = await csrf(client)
    signed_in = await _post_with(client, "/login", planted, {"login": LOGIN, "password": PASSWORD})
    assert signed_in.status_code in (302, 303)
    assert (await _post_with(client, "/logout", planted)).status_code == 403
    assert "王芳" in (await client.get("/")).text  # still signed in
    fresh = CSRF.search((await client.get("/")).text).group(1)
    assert fresh != planted
    assert (await _post_with(client, "/logout", fresh)).status_code in (302, 303)
    # signing out renews it again: the signed-in page's token no longer works
    assert (await _post_with(client, "/login", fresh, {"login": LOGIN, "password": PASSWORD})).status_code == 403


async def test_registration_renews_the_token_too(client) -> None:
    planted = await csrf(client, "/register")
    body = {"role": "worker", "login": LOGIN, "display_name": "李娜", "password": PASSWORD}
    assert (await _post_with(client, "/register", planted, body)).status_code in (302, 303)
    assert (await _post_with(client, "/logout", planted)).status_code == 403


async def test_the_sign_in_page_says_tries_left_then_how_long(client) -> None:
    await register(client, LOGIN)
    wrong = await submit(client, "/login", {"login": "+86 139-1234-5678", "password": "nope12345"})
    assert wrong.status_code == 401 and "还可尝试 4 次" in wrong.text
    for _ in range(4):
        await submit(client, "/login", {"login": LOGIN, "password": "nope12345"})
    await client.get("/lang/en")
    locked = await submit(client, "/login", {"login": LOGIN, "password": PASSWORD})
    assert locked.status_code == 429 and locked.headers["retry-after"] == "900"
    assert "try again in 15 minutes" in locked.text
    await client.get("/lang/zh")
    assert "15 分钟后再试" in (await submit(client, "/login", {"login": LOGIN, "password": PASSWORD})).text


async def test_a_forgotten_password_is_reset_through_the_pages(client, app) -> None:
    app.state.notifier = notifier = RecordingNotifier()
    await register(client, LOGIN, display_name="王芳")
    assert 'href="/password-reset"' in (await client.get("/login")).text
    sent = await submit(client, "/password-reset", {"login": LOGIN})
    assert sent.status_code == 200 and "30 分钟内有效" in sent.text
    unknown = await submit(client, "/password-reset", {"login": "13900000000"})
    assert unknown.status_code == 200 and unknown.text == sent.text
    link = notifier.sent[-1][2]
    form = await client.get(link)
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    weak = await submit(client, "/password-reset/confirm", {"token": token, "new_password": "abc"}, form_page=link)
    assert weak.status_code == 422 and 'id="e-new_password"' in weak.text
    good = {"token": token, "new_password": "new12345"}
    done = await submit(client, "/password-reset/confirm", good, form_page=link)
    assert done.headers["location"] == "/login?notice=reset"
    assert "密码已重置" in (await client.get(done.headers["location"])).text
    again = await submit(client, "/password-reset/confirm", good, form_page=link)
    assert again.status_code == 422 and "该重置链接已失效" in again.text
    await submit(client, "/login", {"login": LOGIN, "password": "new12345"})
    assert "王芳" in (await client.get("/")).text


@pytest.mark.parametrize("role", ["worker", "seller", "admin"])
async def test_every_home_changes_the_password_and_the_header_counts_the_inbox(client, session, kit, role) -> None:
    if role == "admin":
        from gigplatform.accounts import service

        await service.create_admin(session, kit, login=LOGIN, password=PASSWORD, display_name="管理员")
        await session.commit()
    else:
        await register(client, LOGIN, role=role)
    elsewhere = await sign_in(client, LOGIN)
    await submit(client, "/login", {"login": LOGIN, "password": PASSWORD})
    home = await client.get("/")
    assert 'action="/account/password"' in home.text and 'class="badge count"' not in home.text
    wrong = await submit(
        client, "/account/password", {"current_password": "nope12345", "new_password": "new12345"}, form_page="/"
    )
    assert wrong.status_code == 422 and "还可尝试 4 次" in wrong.text
    changed = await submit(
        client, "/account/password", {"current_password": PASSWORD, "new_password": "new12345"}, form_page="/"
    )
    assert changed.status_code in (302, 303)
    assert "密码已修改" in (await client.get(changed.headers["location"])).text
    assert client.cookies.get(REFRESH_COOKIE)  # this session was re-issued: still signed in
    refresh = {"refresh_token": elsewhere["refresh_token"]}
    assert (await client.post("/api/auth/refresh", json=refresh)).status_code == 401
    home = await client.get("/")
    assert home.status_code == 200 and 'class="badge count"' in home.text
    inbox = await client.get("/notifications")
    assert "其他设备上的登录已退出" in inbox.text
    read = await submit(client, "/notifications/read", {}, form_page="/notifications")
    assert read.status_code in (302, 303)
    assert 'class="badge count"' not in (await client.get("/")).text


@pytest.mark.parametrize("blank", ["", "   "])
async def test_an_empty_login_is_required_not_a_wrong_password(client, blank: str) -> None:
    """The sign-in page reads the form into LoginIn, whose login needs a character: "required", and no try used."""
    await register(client, LOGIN)
    empty = await submit(client, "/login", {"login": blank, "password": "nope12345"})
    assert empty.status_code == 422 and "此项必填" in empty.text and "还可尝试" not in empty.text
    api = await client.post("/api/auth/login", json={"login": blank, "password": "nope12345"})
    assert [(e["field"], e["rule"]) for e in api.json()["errors"]] == [("login", "required")]
    wrong = await submit(client, "/login", {"login": LOGIN, "password": "nope12345"})
    assert "还可尝试 4 次" in wrong.text  # the empty ones were not counted


async def test_the_registration_page_refuses_an_invisible_name_in_words(client) -> None:
    body = {"role": "worker", "login": LOGIN, "display_name": "\u200b\u202e", "password": PASSWORD}
    response = await submit(client, "/register", body)
    assert response.status_code == 422 and "只能使用可见字符" in response.text


async def test_the_inbox_pages_need_sign_in(client) -> None:
    response = await client.get("/notifications", follow_redirects=False)
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/login")
