"""Smoke test of the installed wheel, run by `.ci/wheel-smoke` from a folder outside the checkout.

It uses only what the wheel installed: the `newswatch` command, the bundled demo site served by
`newswatch.siteserver`, and the standard library. Each step raises with the command's output when
it fails, so CI shows what broke.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import newswatch
from newswatch.cli.demo import demo_root
from newswatch.siteserver import SiteServer

EXE = str(Path(sys.executable).with_name("newswatch"))


def run(*args: str, timeout: float = 300, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [EXE, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "80", **(env or {})},
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"`newswatch {' '.join(args)}` exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )
    return proc.stdout


def main() -> None:
    work = Path.cwd()
    source = Path(newswatch.__file__).resolve().parent
    assert "site-packages" in source.parts, (
        f"newswatch imported from {source}, not an installed wheel"
    )
    print(f"installed at {source}")

    out = run("demo", "--workdir", str(work / "demo"))
    digests = list((work / "demo" / "digests").glob("*.html"))
    assert digests, f"demo wrote no digest:\n{out}"
    print(f"demo: {len(digests)} HTML file(s) in {work / 'demo' / 'digests'}")

    cfg = work / "newswatch.yaml"
    cfg.write_text(
        f"storage:\n  url: sqlite:///{work / 'smoke.db'}\n"
        f"digest:\n  output_dir: {work / 'digests'}\n"
        "default_feeds: false\n"
        "crawl:\n  download_delay: 0\n  autothrottle: false\n",
        encoding="utf-8",
    )
    with SiteServer(demo_root()) as server:
        home = f"{server.base_url}yerevan-daily-wire/"
        run("--config", str(cfg), "feeds", "add", "--yes", "--name", "wire", home)
        run("--config", str(cfg), "crawl")
        lines = [
            json.loads(x) for x in run("--config", str(cfg), "export").splitlines() if x.strip()
        ]
        assert lines, "export printed no article after a crawl of the local site"
        assert all(x["url"].startswith(server.base_url) for x in lines)
        print(f"feeds add + crawl + export: {len(lines)} article(s) stored")

        service = subprocess.Popen(
            [EXE, "--config", str(cfg), "run"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "COLUMNS": "80"},
        )
        deadline = time.monotonic() + 60
        state = work / "smoke.db"
        while time.monotonic() < deadline and service.poll() is None:
            status = subprocess.run(
                [EXE, "--config", str(cfg), "status"], capture_output=True, text=True
            )
            if status.returncode == 0 and "running PID" in status.stdout:
                break
            time.sleep(0.5)
        assert service.poll() is None, f"`newswatch run` exited early:\n{service.communicate()[0]}"
        service.send_signal(signal.SIGTERM)
        output, _ = service.communicate(timeout=60)
        assert service.returncode == 0, (
            f"`newswatch run` exited {service.returncode} on SIGTERM:\n{output}"
        )
        assert state.exists()
        print("run: started, stopped on SIGTERM with exit 0")
    print("wheel smoke test passed")


if __name__ == "__main__":
    main()
