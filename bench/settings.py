"""The production settings and the floor's URL: a login-required view that only says "ok"."""

from bridging.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
