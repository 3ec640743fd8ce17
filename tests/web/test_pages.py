"""The page shell through HTTP: CSRF on every form, HttpOnly session cookies, silent refresh, sign-out, language."""

from __future__ import annotations

import re

from gigplatform.security import ACCESS_COOKIE, REFRESH_COOKIE
from tests.conftest import register

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def csrf(client, path: str = "/login") -> str:
    page = await client.get(path)
    assert page.status_code == 200
    return CSRF.search(page.text).group(1)


async def submit(client, path: str, data: dict, form_page: str | None = None):
    token = await csrf(client, form_page or path)
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


async def test_forms_without_the_csrf_token_are_refused(client) -> None:
    await register(client, "13912345678")
    await client.get("/login")
    response = await client.post("/login", data={"login": "13912345678", "password": "abc12345"})
    assert response.status_code == 403
    assert ACCESS_COOKIE not in response.cookies


async def test_register_page_signs_in_with_httponly_cookies(client) -> None:
    response = await submit(
        client, "/register", {"role": "worker", "login": "13912345678", "display_name": "李娜", "password": "abc12345"}
    )
    assert response.status_code in (302, 303) and response.headers["location"] == "/"
    cookies = [h for k, h in response.headers.multi_items() if k == "set-cookie"]
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        header = next(h for h in cookies if h.startswith(name + "="))
        assert "HttpOnly" in header and "SameSite=lax" in header.replace("Lax", "lax")
    home = await client.get("/")
    assert "李娜" in home.text and "云客服" in home.text


async def test_register_page_shows_the_rule_broken_next_to_the_field(client) -> None:
    response = await submit(
        client, "/register", {"role": "worker", "login": "123", "display_name": "李娜", "password": "abc12345"}
    )
    assert response.status_code == 422
    assert 'id="e-login"' in response.text and 'value="李娜"' in response.text
    assert "abc12345" not in response.text  # the password is never echoed back


async def test_sign_in_page_wrong_password_then_right(client) -> None:
    await register(client, "13912345678", display_name="王芳")
    wrong = await submit(client, "/login", {"login": "13912345678", "password": "nope12345", "next": "/"})
    assert wrong.status_code == 401 and 'role="alert"' in wrong.text
    right = await submit(client, "/login", {"login": "13912345678", "password": "abc12345", "next": "/"})
    assert right.status_code in (302, 303)
    assert "王芳" in (await client.get("/")).text


async def test_next_never_leaves_the_site(client) -> None:
    await register(client, "13912345678")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = await submit(client, "/login", {"login": "13912345678", "password": "abc12345", "next": target})
        assert response.headers["location"] == "/"


async def test_expired_access_cookie_is_refreshed_silently(client, clock) -> None:
    await register(client, "13912345678", display_name="张伟")
    await submit(client, "/login", {"login": "13912345678", "password": "abc12345"})
    first_refresh = client.cookies.get(REFRESH_COOKIE)
    clock.advance(minutes=16)
    home = await client.get("/")
    assert "张伟" in home.text
    assert client.cookies.get(REFRESH_COOKIE) != first_refresh
    # the rotated-away refresh token is dead: presenting it again closes the whole session
    reuse = await client.post("/api/auth/refresh", json={"refresh_token": first_refresh})
    assert reuse.status_code == 401
    clock.advance(minutes=16)
    assert "张伟" not in (await client.get("/")).text


async def test_sign_out_revokes_and_clears(client) -> None:
    await register(client, "13912345678", display_name="张伟")
    await submit(client, "/login", {"login": "13912345678", "password": "abc12345"})
    refresh = client.cookies.get(REFRESH_COOKIE)
    response = await submit(client, "/logout", {}, form_page="/")
    assert response.status_code in (302, 303)
    assert "张伟" not in (await client.get("/")).text
    assert (await client.post("/api/auth/refresh", json={"refresh_token": refresh})).status_code == 401


async def test_the_api_ignores_page_cookies(client) -> None:
    """A cookie must never authorise an API call, since the API is outside the CSRF check."""
    await register(client, "13912345678")
    await submit(client, "/login", {"login": "13912345678", "password": "abc12345"})
    assert (await client.get("/api/me")).status_code == 401


async def test_language_switch(client) -> None:
    assert 'lang="zh-CN"' in (await client.get("/login")).text
    response = await client.get("/lang/en?next=/login", follow_redirects=False)
    assert response.headers["location"] == "/login"
    page = await client.get("/login")
    assert 'lang="en"' in page.text and "Sign in" in page.text
    await client.get("/lang/xx")
    assert 'lang="en"' in (await client.get("/login")).text
    await client.get("/lang/zh")
    assert 'lang="zh-CN"' in (await client.get("/login")).text


async def test_seller_home_opens_shops_and_adds_sub_accounts(client) -> None:
    await register(client, "13800000001", role="seller", display_name="白小姐")
    await submit(client, "/login", {"login": "13800000001", "password": "abc12345"})
    assert (await submit(client, "/shops", {"name": "小白数码旗舰店"}, form_page="/")).status_code in (302, 303)
    home = await client.get("/")
    shop_id = re.search(r'action="/shops/([0-9a-f-]{36})/members"', home.text).group(1)
    added = await submit(
        client,
        f"/shops/{shop_id}/members",
        {"display_name": "小陈", "login": "13800000002", "password": "abc12345", "permission": "billing"},
        form_page="/",
    )
    assert added.status_code in (302, 303)
    home = await client.get("/")
    assert "小白数码旗舰店" in home.text and "13800000002" in home.text
    bad = await submit(
        client,
        f"/shops/{shop_id}/members",
        {"display_name": "小陈", "login": "13800000002", "password": "abc12345", "permission": "billing"},
        form_page="/",
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text


async def test_admin_home_counts_accounts(client, session, kit) -> None:
    from gigplatform.accounts import service

    await service.create_admin(session, kit, login="admin@example.com", password="abc12345", display_name="管理员")
    await session.commit()
    await register(client, "13912345678")
    await submit(client, "/login", {"login": "admin@example.com", "password": "abc12345"})
    home = await client.get("/")
    assert home.status_code == 200 and "管理员" in home.text


async def test_static_files_are_served_locally(client) -> None:
    css = await client.get("/static/app.css")
    assert css.status_code == 200 and "--brand" in css.text
    page = (await client.get("/")).text
    assert "http://" not in page and "https://" not in page  # no CDN, works offline
