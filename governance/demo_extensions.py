"""Demo content of the apps built on governance, loaded by `manage.py load_demo` after its own.

Governance sits below those apps and cannot import them; each declares its loader in its
`AppConfig.ready()` (`register(...)`), as the evidence app's target kinds are declared. A loader
receives the demo's organisations and people by slug and user name, runs inside the command's
transaction and must be safe to run again.
"""

from collections.abc import Callable

from accounts.models import Organisation, User

DemoLoader = Callable[[dict[str, Organisation], dict[str, User], str], None]

_LOADERS: list[DemoLoader] = []


def register(loader: DemoLoader) -> None:
    """Declare a demo loader; declaring the same one twice keeps one."""
    if loader not in _LOADERS:
        _LOADERS.append(loader)


def loaders() -> tuple[DemoLoader, ...]:
    """The declared loaders, in the order of INSTALLED_APPS."""
    return tuple(_LOADERS)
