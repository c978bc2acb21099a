"""One local Ray (2 CPUs) for every Ray test of this package: starting Ray takes 5-15 s on two
cores, so the tests share a session instead of each command starting and stopping its own
(``executors.sharded.ray_session`` leaves an open session open)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="package")
def ray_session(tmp_path_factory):
    pytest.importorskip("ray", reason="the scale extra is not installed: "
                                      "pip install 'paperreview[scale]'")
    from paperreview.executors import ExecutorOptions
    from paperreview.executors.sharded import ray_session as session

    home = tmp_path_factory.mktemp("ray-home")
    with pytest.MonkeyPatch.context() as mp:  # the workers' user/cache dirs: temp, as in tests
        mp.setenv("PAPERREVIEW_HOME", str(home / "paperreview"))
        mp.setenv("XDG_CACHE_HOME", str(home / "cache"))
        with session(ExecutorOptions(executor="ray", workers=2)) as ray:
            yield ray
