"""Meta-tests (as in datasette): every hook is documented and tested."""
import re
from pathlib import Path

from benchmark import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = sorted(n for n in dir(hookspecs) if n.startswith("register_"))


def test_hooks_are_the_three_of_the_design():
    assert HOOKS == ["register_augmenters", "register_datasets", "register_models"]


def test_every_hook_is_documented_with_its_signature():
    doc = (ROOT / "docs" / "plugins.md").read_text()
    headings = re.findall(r"^### (\w+)\((\w+)\)$", doc, re.M)
    assert sorted(h for h, _ in headings) == HOOKS
    assert all(arg == "register" for _, arg in headings)
    for hook in HOOKS:
        section = doc.split(f"### {hook}(register)")[1].split("\n### ")[0]
        assert "```python" in section and f"def {hook}(register)" in section, f"{hook}: add an example"


def test_every_hook_is_exercised_by_a_test():
    tests = "".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py") if p.name != Path(__file__).name)
    for hook in HOOKS:
        assert re.search(rf"def {hook}\(self, register\)", tests), f"no test implements {hook}"
