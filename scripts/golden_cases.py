"""Shared by the make-*.py scripts: writes hand-written config cases and their expected
diagnostics. Each diagnostic's position is given as a marker (a substring of the config and
which occurrence of it), so expectations never come from the code under test."""
import os, sys


def position(name, text, marker, occurrence):
    """1-based line and column of the occurrence-th `marker` in `text`; `<EOF>` is the end,
    occurrence 0 is the start of the file."""
    if occurrence == 0 and marker != "<EOF>":
        return 1, 1
    idx = -1
    if marker == "<EOF>":
        occurrence = 0
        idx = len(text)
    for _ in range(occurrence):
        idx = text.find(marker, idx + 1)
        if idx < 0:
            sys.exit(f"{name}: marker {marker!r} (occurrence {occurrence}) not found")
    line = text.count("\n", 0, idx) + 1
    col = idx - (text.rfind("\n", 0, idx) + 1) + 1
    return line, col


def write_cases(cases, default_out, newline_when_empty):
    """Writes NAME.capnp and NAME.errors for each (name, text, errors) case; errors are
    (marker, occurrence, message, hint) with `{file}` in a message standing for the file name."""
    out = sys.argv[1] if len(sys.argv) > 1 else default_out
    os.makedirs(out, exist_ok=True)
    for name, text, errors in cases:
        fname = name + ".capnp"
        with open(os.path.join(out, fname), "w") as f:
            f.write(text)
        lines = []
        for marker, occ, msg, hint in errors:
            line, col = position(name, text, marker, occ)
            lines.append(f"{fname}:{line}:{col}: error: {msg.replace('{file}', fname)}")
            if hint:
                lines.append(f"    hint: {hint}")
        with open(os.path.join(out, name + ".errors"), "w") as f:
            f.write("\n".join(lines) + "\n" if lines or newline_when_empty else "")
    print(f"wrote {len(cases)} cases to {out}")
