"""Registration, sign-out and sign-in in a real browser, in Chinese (the default) and in English.

These walk the pages the way a visitor does, against the real server: the HTML forms, CSRF cookies, the language
cookie, redirects and the inline field errors. The screenshots are for a human to check that the Chinese glyphs
render and the pages look right; they are written to tests/e2e/screenshots/ (git-ignored).
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

PASSWORD = "kefu2026ok"


def sign_in(page: Page, login: str, password: str, login_label: str, password_label: str, button: str) -> None:
    """Fills the sign-in form in whatever language the page is in."""
    page.get_by_label(login_label, exact=True).fill(login)
    page.get_by_label(password_label, exact=True).fill(password)
    page.get_by_role("button", name=button, exact=True).click()


def test_worker_registers_and_signs_in_in_chinese(page: Page, server: str, screenshots: Path) -> None:
    """Chinese is what a first-time visitor sees, so the whole worker walk is checked in Chinese."""
    page.goto("/register")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="注册账号")).to_be_visible()
    expect(page.get_by_text("11 位中国大陆手机号或邮箱地址。")).to_be_visible()

    # A login that is neither a mobile number nor an e-mail: the form comes back with the error beside the field.
    page.get_by_label("手机号或邮箱", exact=True).fill("123")
    page.get_by_label("昵称", exact=True).fill("小王")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="注册", exact=True).click()
    error = page.locator("#e-login")
    expect(error).to_have_text("请输入 11 位中国大陆手机号或邮箱地址。")
    expect(page.get_by_label("手机号或邮箱", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("昵称", exact=True)).to_have_value("小王")
    page.screenshot(path=str(screenshots / "zh-register-error.png"), full_page=True)

    page.get_by_label("手机号或邮箱", exact=True).fill("13912345678")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page).to_have_url(f"{server}/")
    expect(page.get_by_role("heading", name="小王，您好")).to_be_visible()
    facts = page.locator(".facts")
    expect(facts).to_contain_text("13912345678")
    expect(facts).to_contain_text("云客服")
    expect(facts).to_contain_text("良好")
    expect(page.get_by_role("heading", name="如何开始接班")).to_be_visible()

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("link", name="登录", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="小王，您好")).to_have_count(0)

    page.get_by_role("link", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    sign_in(page, "13912345678", "wrong-password-1", "手机号或邮箱", "密码", "登录")
    expect(page.locator("#e-password")).to_have_text("账号或密码错误。还可尝试 4 次。")
    expect(page.get_by_label("手机号或邮箱", exact=True)).to_have_value("13912345678")

    sign_in(page, "13912345678", PASSWORD, "手机号或邮箱", "密码", "登录")
    expect(page).to_have_url(f"{server}/")
    expect(page.get_by_role("heading", name="小王，您好")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("云客服")
    page.screenshot(path=str(screenshots / "zh-home.png"), full_page=True)


def test_seller_registers_and_signs_in_in_english(page: Page, server: str, screenshots: Path) -> None:
    """The header's language switch sticks across registration, sign-out and sign-in."""
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.locator("header").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Cloud customer service, run in the open")).to_be_visible()

    page.locator("header").get_by_role("link", name="Register", exact=True).click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    page.get_by_label("Seller (shop owner)").check()
    page.get_by_label("Mobile number or e-mail", exact=True).fill("lily.chen@example.com")
    page.get_by_label("Display name", exact=True).fill("Lily Chen")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Shop name (sellers, optional)", exact=True).fill("Lily's Tea House")
    page.get_by_role("button", name="Register", exact=True).click()

    expect(page).to_have_url(f"{server}/")
    expect(page.get_by_role("heading", name="Hello, Lily Chen")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Seller")
    expect(page.get_by_role("heading", name="My shops")).to_be_visible()
    shop = page.locator("article.shop")
    expect(shop.get_by_role("heading", level=3)).to_contain_text("Lily's Tea House")
    expect(shop.locator(".badge")).to_have_text("Owner")
    expect(page.get_by_role("button", name="Add sub-account")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("header").get_by_role("link", name="Sign in", exact=True).click()
    sign_in(page, "lily.chen@example.com", "not-her-password-9", "Mobile number or e-mail", "Password", "Sign in")
    expect(page.locator("#e-password")).to_have_text("The login or the password is wrong. Tries left: 4.")

    sign_in(page, "lily.chen@example.com", PASSWORD, "Mobile number or e-mail", "Password", "Sign in")
    expect(page).to_have_url(f"{server}/")
    expect(page.get_by_role("heading", name="Hello, Lily Chen")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", name="My shops")).to_be_visible()
    page.screenshot(path=str(screenshots / "en-home.png"), full_page=True)
