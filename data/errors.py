"""Errors the store raises; the services translate them where a person sees them."""


class StoreError(Exception):
    """The store cannot be used; the message names the file and the problem."""


class StoreCorrupt(StoreError):
    """A store file is not valid; it was left exactly as found."""


class StoreBusy(StoreError):
    """Another process held the store's lock for too long."""


class MembershipNotFound(Exception):
    """The membership to remove does not exist (never did, or was removed already)."""
