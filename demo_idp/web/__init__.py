"""The demo identity provider's web face: Starlette routes and server-rendered pages, in its own language files."""

from .routes import PREFIX, demo_provider_routes

__all__ = ['PREFIX', 'demo_provider_routes']
