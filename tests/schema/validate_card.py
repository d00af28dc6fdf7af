#!/usr/bin/env python3
"""Validate roundtable JSON cards against a JSON Schema (draft 2020-12).

Usage: validate_card.py SCHEMA.json CARD.json [CARD.json ...]

Exit status: 0 when every card is valid, 1 when at least one card is invalid,
2 on a usage error, an unreadable file or a missing jsonschema module.
"""

import json
import sys


def load(path, what):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        print(f"validate_card: cannot read {what} {path}: {error.strerror}", file=sys.stderr)
        sys.exit(2)
    except json.JSONDecodeError as error:
        print(f"validate_card: {path}: not JSON: {error}", file=sys.stderr)
        return error


def location(error):
    parts = [str(part) for part in error.absolute_path]
    return "/" + "/".join(parts) if parts else "(top level)"


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("validate_card: the Python module jsonschema is missing; "
              "install python3-jsonschema (apt-get install -y python3-jsonschema)", file=sys.stderr)
        return 2

    schema = load(argv[1], "schema")
    if isinstance(schema, json.JSONDecodeError):
        return 2
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as error:
        print(f"validate_card: {argv[1]}: not a valid draft 2020-12 schema: {error.message}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)

    invalid = 0
    for path in argv[2:]:
        card = load(path, "card")
        if isinstance(card, json.JSONDecodeError):
            invalid += 1
            continue
        errors = sorted(validator.iter_errors(card), key=lambda e: list(map(str, e.absolute_path)))
        if errors:
            invalid += 1
            for error in errors:
                print(f"validate_card: {path}: invalid card at {location(error)}: {error.message}", file=sys.stderr)
        else:
            print(f"validate_card: {path}: valid")
    if invalid:
        print(f"validate_card: {invalid} of {len(argv) - 2} card(s) invalid", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
