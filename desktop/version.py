"""The installed RxDesk version, for the About box and the window title."""

from importlib.metadata import PackageNotFoundError, version


def app_version() -> str:
    try:
        return version("rxdesk")
    except PackageNotFoundError:
        return "dev"
