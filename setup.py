"""Package layout for setuptools: the design's top-level folders install under ``newswatch.*``.

The folders ``crawler/``, ``scheduler/``, ``storage/``, ``digests/`` and ``seeds/`` stay at the top
of the repository, but a wheel installs them as ``newswatch.crawler`` and so on, so that they never
clash with other distributions' top-level ``crawler`` or ``storage``. Every folder under them is
found here (namespace discovery: data folders such as ``seeds/demo/...`` are packages too), so a
new folder cannot be left out of the wheel; ``tests/test_packaging.py`` checks the built wheel.
Everything else (metadata, dependencies, package data) is in ``pyproject.toml``.
"""

from setuptools import find_namespace_packages, setup

MAPPED = ("crawler", "scheduler", "storage", "digests", "seeds")
SKIP = ("*__pycache__*", "*.egg-info*", "*_build", "*_build.*")


def _packages() -> tuple[list[str], dict[str, str]]:
    packages = ["newswatch"] + [
        f"newswatch.{name}" for name in find_namespace_packages("newswatch", exclude=SKIP)
    ]
    package_dir = {"newswatch": "newswatch"}
    for root in MAPPED:
        package_dir[f"newswatch.{root}"] = root
        packages.append(f"newswatch.{root}")
        packages += [
            f"newswatch.{root}.{name}" for name in find_namespace_packages(root, exclude=SKIP)
        ]
    return packages, package_dir


PACKAGES, PACKAGE_DIR = _packages()
setup(packages=PACKAGES, package_dir=PACKAGE_DIR)
