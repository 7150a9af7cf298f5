"""The command line's arguments (`harness.cli.parser`): every command declares its own and calls its
own `harness.cli.commands.do_<command>`."""

from harness.cli import commands
from harness.cli.parser import parser

# each command with the fewest arguments it takes
LEAST = {"run": ["c.yaml"], "list": [], "schema": [], "report": ["RUN"], "compare": ["A", "B"],
         "sweep": ["e.yaml"], "check": ["configs"], "tensorboard": ["RUN"],
         "preflight": ["c.yaml"], "theory": ["c.yaml"], "activations": [], "gallery": [],
         "watch": ["RUN"], "lessons": ["build"]}


def test_every_command_calls_its_own_do_function():
    assert sorted(LEAST) == sorted(n[3:] for n in dir(commands) if n.startswith("do_"))
    for command, args in LEAST.items():
        parsed = parser().parse_args([command, *args])
        assert parsed.command == command
        assert parsed.func is getattr(commands, f"do_{command}")


def test_commands_share_their_common_options():
    for command in ("run", "preflight", "theory"):
        args = parser().parse_args([command, "c.yaml", "--set", "a.b=1", "--set", "c=2",
                                    "--out", "o", "--force"])
        assert (args.config, args.set, args.out, args.force) == ("c.yaml", ["a.b=1", "c=2"], "o",
                                                                 True)
    assert parser().parse_args(["run", "c.yaml"]).set == []  # not shared between parses
