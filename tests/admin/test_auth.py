"""Console auth: login, sessions, CSRF, roles, rate limiting, cookie flags, headers."""

from __future__ import annotations

from tests.admin.conftest import PASSWORD, Console


async def test_pages_need_login(console: Console) -> None:
    response = await console.client.get("/admin/flows", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].startswith("/admin/login?next=")
    status, body = await console.api("/admin/flows/validate", {"file": "global.yaml",
                                                                "text": ""})
    assert status == 401 and "log in" in body["error"].lower()


async def test_login_sets_strict_httponly_cookie_and_logout_ends_session(
        console: Console) -> None:
    await console.page("/admin/login")
    response = await console.client.post("/admin/login", data={
        "name": "alice", "password": PASSWORD, "_csrf": console.csrf}, allow_redirects=False)
    assert response.status == 303
    cookie = response.headers.getone("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    status, page = await console.page("/admin/dashboard")
    assert status == 200 and "alice" in page
    status, _ = await console.form("/admin/logout", {}, allow_redirects=False)
    assert status == 303
    response = await console.client.get("/admin/dashboard", allow_redirects=False)
    assert response.status == 303


async def test_wrong_password_is_refused(console: Console) -> None:
    assert await console.login("alice", "wrong password!") == 401
    assert await console.login("nobody", PASSWORD) == 401
    response = await console.client.get("/admin/dashboard", allow_redirects=False)
    assert response.status == 303


async def test_login_rate_limited_even_with_the_right_password(console: Console) -> None:
    for _ in range(5):
        assert await console.login("eddie", "not the password") == 401
    assert await console.login("eddie", PASSWORD) == 429
    status, page = await console.page("/admin/login")
    assert status == 200


async def test_login_form_needs_its_csrf_cookie(console: Console) -> None:
    response = await console.client.post("/admin/login", data={
        "name": "alice", "password": PASSWORD, "_csrf": "forged"}, allow_redirects=False)
    assert response.status == 403


async def test_state_changes_need_the_csrf_token(console: Console) -> None:
    await console.login("alice")
    files_before = len(console.running.published)
    response = await console.client.post("/admin/users", data={
        "name": "mallory", "role": "admin", "password": "0123456789ab"})
    assert response.status == 403 and "CSRF" in await response.text()
    response = await console.client.post("/admin/flows/validate", json={}, headers={
        "X-CSRF-Token": "wrong", "Accept": "application/json"})
    assert response.status == 403
    status, page = await console.page("/admin/users")
    assert "mallory" not in page and len(console.running.published) == files_before


async def test_cross_site_origin_refused(console: Console) -> None:
    await console.login("alice")
    response = await console.client.post("/admin/users", data={
        "_csrf": console.csrf, "name": "mallory", "role": "admin",
        "password": "0123456789ab"}, headers={"Origin": "https://evil.example"})
    assert response.status == 403


async def test_roles(console: Console) -> None:
    await console.login("carol")
    assert (await console.page("/admin/queue"))[0] == 200
    for path in ("/admin/flows", "/admin/clips", "/admin/dashboard", "/admin/users",
                 "/admin/audit"):
        assert (await console.page(path))[0] == 403, path
    status, _ = await console.api("/admin/flows/validate", {"file": "global.yaml", "text": ""})
    assert status == 403
    editor = Console(console.client, console.ctx, console.running)
    await console.form("/admin/logout", {})
    await editor.login("eddie")
    assert (await editor.page("/admin/flows"))[0] == 200
    assert (await editor.page("/admin/users"))[0] == 403
    assert (await editor.page("/admin/audit"))[0] == 403


async def test_admin_creates_user_and_audit_records_it(console: Console) -> None:
    await console.login("alice")
    status, _ = await console.form("/admin/users", {"name": "dora", "role": "editor",
                                                   "password": "a long password"})
    assert status == 200
    _, audit = await console.page("/admin/audit")
    assert "user_created" in audit and "dora" in audit and "login" in audit


async def test_security_headers(console: Console) -> None:
    response = await console.client.get("/admin/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
