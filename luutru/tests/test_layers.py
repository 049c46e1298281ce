"""tools/layers.py: the layer order holds in the package, and the checker fails when it does not.

Only the access policy may be imported upwards, and only where a request is answered.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

REPO = Path(__file__).resolve().parents[2]
CHECKER = REPO / "tools" / "layers.py"


def check(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own script, with this interpreter
        [sys.executable, str(CHECKER), str(repo)], capture_output=True, text=True, check=False
    )


class LayerCheckerTests(SimpleTestCase):
    def tree(self, files: dict[str, str]) -> Path:
        root = Path(tempfile.mkdtemp(prefix="luutru-layers-"))
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        for name, text in files.items():
            path = root / "luutru" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    def test_the_package_keeps_the_layer_order(self) -> None:
        result = check(REPO)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")

    def test_views_urls_and_api_modules_may_ask_the_access_policy(self) -> None:
        result = check(
            self.tree(
                {
                    "records/views.py": "from luutru.access import policy\n",
                    "records/urls.py": "import luutru.access.policy\n",
                    "preservation/api.py": "from luutru.access.policy import Use\n",
                    "records/staff_views.py": "from luutru.access import policy\n",
                    "ingest/views/pages.py": "from luutru.access import policy\n",
                    "portal/services.py": "from luutru.access import actions\n",  # portal is higher
                    "records/tests/test_x.py": "from luutru.access import actions\n",
                }
            )
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_it_fails_on_every_other_upward_or_sideways_import(self) -> None:
        result = check(
            self.tree(
                {
                    "records/services.py": "from luutru.access import policy\n",
                    "records/views.py": "from luutru.access import actions, policy\n",
                    "records/models.py": "from luutru import access\n",
                    "records/rules.py": "from ..search import services\n",
                    "ingest/views.py": "from luutru.preservation.models import Aip\n",
                }
            )
        )
        self.assertEqual(result.returncode, 1)
        self.assertEqual(
            sorted(line.split(":")[0] for line in result.stdout.splitlines()),
            [
                "luutru/ingest/views.py",
                "luutru/records/models.py",
                "luutru/records/rules.py",
                "luutru/records/services.py",
                "luutru/records/views.py",
            ],
        )
        # In a view the policy passes and what else comes with it does not.
        in_view = [line for line in result.stdout.splitlines() if "records/views.py" in line]
        self.assertEqual(len(in_view), 1, in_view)
        self.assertIn("imports luutru.access.actions", in_view[0])
