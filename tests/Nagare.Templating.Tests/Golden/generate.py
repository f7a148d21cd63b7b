#!/usr/bin/env python3
"""Renders every Golden/*.jinja case with Jinja2 configured as dbt configures it and writes
the byte-exact output to <case>.expected. Context variables come from <case>.json when present.

Run from anywhere: python3 tests/Nagare.Templating.Tests/Golden/generate.py
Requires Jinja2 3.1.x (the expectations in the repository were produced with 3.1.6).
"""
import json
import pathlib
import sys

import jinja2
from jinja2.sandbox import SandboxedEnvironment

HERE = pathlib.Path(__file__).resolve().parent


def make_environment():
    # dbt: sandboxed, 'do' and loop controls, Jinja's default Undefined (prints empty, but an attribute or
    # item of it raises), default whitespace handling.
    return SandboxedEnvironment(
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        undefined=jinja2.Undefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=False,
    )


def main():
    env = make_environment()
    failures = 0
    cases = sorted(HERE.glob("*.jinja"))
    for case in cases:
        source = case.read_bytes().decode("utf-8")
        context_file = case.with_suffix(".json")
        context = json.loads(context_file.read_text("utf-8")) if context_file.exists() else {}
        try:
            output = env.from_string(source).render(**context)
        except Exception as exc:  # a golden case must render; report and keep going
            print(f"{case.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            failures += 1
            continue
        case.with_suffix(".expected").write_bytes(output.encode("utf-8"))
    print(f"jinja2 {jinja2.__version__}: {len(cases) - failures} cases written, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
