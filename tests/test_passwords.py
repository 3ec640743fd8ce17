"""Password hashing: OWASP's argon2id parameters, run off the event loop, with old hashes redone on sign-in."""

from __future__ import annotations

import asyncio
import threading

from argon2 import PasswordHasher

from gigplatform.security import Passwords


def test_parameters_are_owasp_argon2id() -> None:
    hashed = Passwords().hash("abc12345")
    assert hashed.startswith("$argon2id$") and "m=19456,t=2,p=1" in hashed


def test_a_hash_with_the_library_defaults_needs_rehash() -> None:
    old = PasswordHasher().hash("abc12345")  # what sign-up stored before: p=4, 64 MiB
    passwords = Passwords()
    assert passwords.verify(old, "abc12345")
    assert passwords.needs_rehash(old)
    assert not passwords.needs_rehash(passwords.hash("abc12345"))


async def test_hashing_runs_in_worker_threads_at_most_n_at_once() -> None:
    """The hash never runs on the event loop's thread, and no more than `threads` run at once."""
    passwords = Passwords(threads=2)
    loop_thread = threading.get_ident()
    inside, most, lock = 0, 0, threading.Lock()
    release = threading.Event()
    two_inside = asyncio.Event()
    loop = asyncio.get_running_loop()
    real_verify = passwords.verify

    def verify(password_hash: str | None, password: str) -> bool:
        nonlocal inside, most
        assert threading.get_ident() != loop_thread
        with lock:
            inside += 1
            most = max(most, inside)
            if inside == 2:
                loop.call_soon_threadsafe(two_inside.set)
        release.wait(5)
        with lock:
            inside -= 1
        return real_verify(password_hash, password)

    passwords.verify = verify  # type: ignore[method-assign]
    stored = passwords.hash("abc12345")
    calls = asyncio.gather(*(passwords.verify_async(stored, "abc12345") for _ in range(5)))
    await asyncio.wait_for(two_inside.wait(), 5)  # two threads reached the hasher; three wait for the limiter
    release.set()
    assert await calls == [True] * 5
    assert most == 2
