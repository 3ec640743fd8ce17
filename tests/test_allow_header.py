"""OPTIONS and 405 name every method a path answers (Litestar's own OPTIONS reply named only the first handler's)."""

from __future__ import annotations

import uuid

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.security import SecurityKit
from tests.conftest import bearer, register, sign_in
from tests.recruitment.conftest import make_admin

Client = AsyncTestClient[Litestar]
ANY_ID = str(uuid.uuid4())


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/api/admin/rounds", "GET, OPTIONS, POST"),
        (f"/api/admin/rounds/{ANY_ID}", "GET, OPTIONS, PATCH"),
        ("/api/admin/questions", "GET, OPTIONS, POST"),
    ],
)
async def test_options_and_405_list_every_method(
    client: Client, session: AsyncSession, kit: SecurityKit, path: str, allow: str
) -> None:
    admin = await make_admin(client, session, kit, "admin@example.com")
    options = await client.options(path, headers=admin)
    assert options.status_code == 204
    assert options.headers["allow"] == allow
    refused = await client.put(path, headers=admin, json={})
    assert refused.status_code == 405
    assert refused.headers["allow"] == allow


async def test_a_path_with_patch_and_delete_lists_both(client: Client) -> None:
    await register(client, "13900000002", role="seller", shop_name="小店")
    seller = bearer(await sign_in(client, "13900000002"))
    shop = (await client.get("/api/shops", headers=seller)).json()["items"][0]
    path = f"/api/shops/{shop['id']}/members/{ANY_ID}"
    options = await client.options(path, headers=seller)
    assert (options.status_code, options.headers["allow"]) == (204, "DELETE, OPTIONS, PATCH")
    refused = await client.get(path, headers=seller)
    assert (refused.status_code, refused.headers["allow"]) == (405, "DELETE, OPTIONS, PATCH")


async def test_options_on_an_unknown_path_is_a_404(client: Client) -> None:
    assert (await client.options("/api/no-such-thing")).status_code == 404
