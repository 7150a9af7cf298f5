"""A tiny lesson source tree for the lesson-site tests: one config and one two-run sweep.

`make_source(root)` writes `configs/tiny.yaml` (the tests' tiny config, with an `expect:` band
every run meets), `experiments/study.yaml` (sigmoid and ReLU over it, one seed) and the lesson
`01_tiny.md` in English and Korean, quoting numbers and figures of both.
"""

from pathlib import Path

import yaml
from tiny import tiny

LESSON = """---
rests_on: [configs/tiny.yaml, experiments/study.yaml]
expect:
  study:
    - where: {{model.activation: sigmoid}}
      test_accuracy: [">= 0", "<= 1"]
---
# {title}

{text} {{harness}}`tiny:test_accuracy` / {{harness}}`study@activation=sigmoid:vanishing_ratio_init`
/ {{harness}}`study@activation=sigmoid:test_accuracy|.0%`.

```{{harness-figure}} tiny:grad_norms.png
{caption}
```

```{{harness-figure}} study:sweep_grad_norms.png
{caption}
```

```{{harness-figure}} study@activation=relu:history.png
{caption}
```

[{link}](reference/extra.md)
"""
TEXTS = {"en": {"title": "A tiny lesson", "text": "The numbers:", "caption": "A figure.",
                "link": "the reference"},
         "ko": {"title": "작은 강의", "text": "숫자는 다음과 같습니다:", "caption": "그림입니다.",
                "link": "참고 문서"}}


def make_source(root: Path) -> Path:
    """Writes the tiny lesson tree under `root`; returns `root`."""
    for folder in ("configs", "experiments", "lessons/en", "lessons/ko", "lessons/reference"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    config = tiny(expect={"test_accuracy": ">= 0"})
    (root / "configs" / "tiny.yaml").write_text(yaml.safe_dump(config))
    (root / "experiments" / "study.yaml").write_text(yaml.safe_dump({
        "base": "../configs/tiny.yaml", "grid": {"model.activation": ["sigmoid", "relu"]},
        "seeds": [0], "expect": [{"vanishing_ratio_init": "> 0"}]}))
    for lang, words in TEXTS.items():
        write_lesson(root, lang, LESSON.format(**words))
    (root / "lessons" / "reference" / "extra.md").write_text("# Extra\n\nA reference page.\n")
    return root


def write_lesson(root: Path, lang: str, text: str, name: str = "01_tiny.md") -> Path:
    path = root / "lessons" / lang / name
    path.write_text(text, encoding="utf-8")
    return path
