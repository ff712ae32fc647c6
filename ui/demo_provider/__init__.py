"""The demo identity provider's web face: Starlette routes and a server-rendered sign-in page."""

from .routes import PREFIX, demo_provider_routes

__all__ = ['PREFIX', 'demo_provider_routes']
