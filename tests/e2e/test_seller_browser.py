"""A seller with two shops in a real browser (issue 16): a sub-account refused under the second shop shows its error
there and only there, with what was typed still in the form; the owner renames a shop, changes a sub-account's
permission and removes one after confirming; the page fits a 390 px phone."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Locator, Page, expect

PASSWORD = "Dianpu2026ok"
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def add_sub_account(card: Locator, name: str, login: str, permission: str = "billing") -> None:
    card.get_by_placeholder("昵称").fill(name)
    card.get_by_placeholder("手机号或邮箱").fill(login)
    card.get_by_placeholder("密码").fill(PASSWORD)
    card.get_by_label("权限", exact=True).select_option(permission)
    card.get_by_role("button", name="添加子账号").click()


def test_two_shops_each_with_its_own_errors_and_sub_accounts(page: Page, server: str, screenshots: Path) -> None:
    with httpx.Client(base_url=server, timeout=10) as api:
        body = {"login": "13877776666", "password": PASSWORD, "display_name": "林老板", "role": "seller"}
        assert api.post("/api/auth/register", json={**body, "shop_name": "林记茶叶"}).is_success
    page.goto("/login")
    page.get_by_label("手机号或邮箱", exact=True).fill("13877776666")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_placeholder("新店铺名称").fill("林记茶具")
    page.get_by_role("button", name="创建店铺").click()
    tea, ware = page.locator("article.shop", has_text="林记茶叶"), page.locator("article.shop", has_text="林记茶具")
    expect(ware).to_be_visible()

    # a sub-account for the first shop
    add_sub_account(tea, "小周", "13877770001")
    expect(tea.locator("table")).to_contain_text("13877770001")

    # the same login for the second shop: refused under the second shop only, with what was typed kept
    add_sub_account(ware, "小吴", "13877770001", "read_only")
    expect(ware.get_by_role("alert")).to_have_text("该手机号或邮箱已注册。")
    expect(tea.get_by_role("alert")).to_have_count(0)
    expect(ware.get_by_placeholder("昵称")).to_have_value("小吴")
    expect(ware.get_by_placeholder("手机号或邮箱")).to_have_value("13877770001")
    expect(ware.get_by_placeholder("手机号或邮箱")).to_have_attribute("aria-invalid", "true")
    expect(ware.get_by_placeholder("密码")).to_have_value("")
    expect(ware.get_by_label("权限", exact=True)).to_have_value("read_only")
    expect(tea.get_by_placeholder("昵称")).to_have_value("")
    page.screenshot(path=str(screenshots / "zh-seller-two-shops-error.png"), full_page=True)

    # rename the second shop
    ware.locator("summary", has_text="重命名店铺").click()
    ware.get_by_label("店铺名称").fill("林记茶具旗舰店")
    ware.get_by_role("button", name="保存名称").click()
    expect(page.locator("article.shop h3", has_text="林记茶具旗舰店")).to_be_visible()

    # change the sub-account's permission
    tea.get_by_label("小周 的权限").select_option("configuration")
    tea.get_by_role("button", name="修改").click()
    expect(tea.get_by_label("小周 的权限")).to_have_value("configuration")

    # remove it: the confirmation names it; cancelling keeps it, confirming removes it
    messages: list[str] = []

    def answer(dialog, accept: bool) -> None:
        messages.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    tea.get_by_role("button", name="删除 小周").click()
    expect(tea.locator("table")).to_contain_text("13877770001")
    page.once("dialog", lambda d: answer(d, True))
    tea.get_by_role("button", name="删除 小周").click()
    expect(tea.locator("table")).not_to_contain_text("13877770001")
    assert messages[0] == "确定从“林记茶叶”删除子账号“小周”吗？该账号将立即退出登录，且不能再代表本店铺操作。"

    # the same page on a phone
    add_sub_account(tea, "小郑", "13877770002")
    expect(tea.locator("table")).to_contain_text("13877770002")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshots / "phone-seller-shops.png"), full_page=True)
    assert page.evaluate(FITS), page.evaluate(WIDE)
