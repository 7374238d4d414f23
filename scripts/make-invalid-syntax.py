#!/usr/bin/env python3
"""Writes the parser/evaluator error cases under config-compiler/src/test/resources/invalid-syntax.

Each case is a config plus the diagnostics we expect, written by hand here: the position of
each error is given as a marker (a substring of the config and which occurrence of it), and
this script turns the marker into line:column, so expectations never come from the compiler.
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_cases import write_cases  # noqa: E402

H = 'using Workerd = import "/workerd/workerd.capnp";\n'
CASES = []

def case(name, text, *errors):
    CASES.append((name, text, errors))

def cfg(body):
    return H + "const config :Workerd.Config = (\n" + body + "\n);\n"

case("unterminated-string", H + 'const x :Text = "abc;\n',
     ('"abc', 1, 'Unterminated string literal.', 'close it with \'"\' on the same line; use \\n for a line break inside a string'),
     # The string swallowed the ';', so the statement is unfinished too.
     ('<EOF>', 1, "Expected ';' after the constant, found end of file.", None))
case("bad-escape", H + 'const x :Text = "a\\qb";\n',
     ('\\q', 1, "Invalid escape sequence '\\q'.", 'valid escapes are \\n \\t \\r \\\\ \\" \\\' \\xHH and octal \\NNN'))
case("missing-semicolon", H + 'const a :Text = "x"\nconst b :Text = "y";\n',
     ('const b', 1, "Expected ';' after the constant, found 'const'.", None))
case("unknown-type", H + 'const a :Txt = "x";\n',
     ('Txt', 1, 'Not defined: Txt', "did you mean 'Text'?"))
case("unknown-field", cfg('  servces = []'),
     ('servces', 1, "Struct Config has no field named 'servces'.", "did you mean 'services'?"))
case("text-given-number", cfg('  sockets = [(name = 5)]'),
     ('5', 1, 'Type mismatch; expected Text.', 'text values are quoted: "5"'))
case("uint8-out-of-range", H + 'const n :UInt8 = 300;\n',
     ('300', 1, 'Integer value out of range.', 'UInt8 holds 0 to 255'))
case("negative-unsigned", H + 'const n :UInt32 = -1;\n',
     ('-1', 1, 'Integer value out of range.', 'UInt32 holds 0 to 4294967295'))
case("enum-unknown-value", cfg('  sockets = [(name = "h", http = (style = hots))]'),
     ('hots', 1, "'hots' is not a value of HttpOptions.Style.", "did you mean 'host'? (values of HttpOptions.Style: host, proxy)"))
case("enum-quoted", cfg('  sockets = [(name = "h", http = (style = "host"))]'),
     ('"host"', 1, 'Type mismatch; expected HttpOptions.Style.', 'enum values are written without quotes: host'))
case("crypto-usages-quoted", cfg('''  services = [(name = "w", worker = (
    compatibilityDate = "2024-01-01",
    modules = [(name = "m", esModule = "export default {}")],
    bindings = [(name = "KEY", cryptoKey = (raw = 0x"0011", algorithm = (name = "HMAC"),
                                            usages = ["sign", "verify"]))]))]'''),
     ('["sign"', 1, 'Type mismatch; expected List(Worker.Binding.CryptoKey.Usage), but the list holds strings.',
      'enum values are written without quotes: usages = [sign, verify]'))
case("unqualified-const", H + 'const a :Text = "x";\nconst b :Text = a;\n',
     ('a;', 1, "Constant names must be qualified to avoid confusion. Please replace 'a' with '.a', if that's what you intended.", "write '.a'"))
case("undefined-const", H + 'const b :Text = .nope;\n',
     ('.nope', 1, "'nope' is not defined in this file.", None))
case("const-cycle", H + 'const a :Text = .b;\nconst b :Text = .a;\n',
     ('a :Text', 1, "Constant 'a' is defined in terms of itself.", None))
case("embed-missing", H + 'const t :Text = embed "missing.js";\n',
     ('embed', 1, 'Embed failed: missing.js (no such file)', 'embed paths are relative to the file that contains them'))
case("embed-wrong-type", H + 'const t :UInt32 = embed "x.js";\n',
     ('embed', 1, "'embed' can only produce Text or Data, but UInt32 is expected here.", None))
case("import-missing", 'using Other = import "other.capnp";\n' + 'const t :Text = "x";\n',
     ('import', 1, 'Import failed: other.capnp (no such file)', None))
case("import-unknown-absolute", 'using W = import "/workerd/nope.capnp";\n',
     ('import', 1, 'Import failed: /workerd/nope.capnp (no such file)',
      'built-in imports are /workerd/workerd.capnp and /capmesh/capmesh.capnp; other absolute paths are searched in the import path (-I)'))
case("missing-field-name", cfg('  services = [("main")]'),
     ('"main"', 1, 'Missing field name.', 'struct values name each field: (fieldName = value)'))
case("group-given-number", cfg('''  services = [(name = "w", worker = (
    compatibilityDate = "2024-01-01",
    modules = [(name = "m", esModule = "export default {}")],
    bindings = [(name = "P", parameter = 5)]))]'''),
     ('5)', 1, 'Type mismatch; expected group.', 'write parameter = (member = value)'))
case("duplicate-const", H + 'const a :Text = "x";\nconst a :Text = "y";\n',
     ('a :Text = "y"', 1, "'a' is already defined at {file}:2:7.", None))
case("no-config", H + 'const a :Text = "x";\n',
     ('using', 1, 'No constant of type Config in {file}.', 'declare one: using Workerd = import "/workerd/workerd.capnp"; const config :Workerd.Config = (services = [...], sockets = [...]);'))
case("two-configs", H + 'const a :Workerd.Config = ();\nconst b :Workerd.Config = ();\n',
     ('b :Workerd', 1, 'More than one constant of type Config (a, b); say which one to use.', 'pass the constant name after the file name'))
case("unexpected-character", H + 'const a :Text = "x" %;\n',
     ('%', 1, "Unexpected character '%'.", None))
case("list-not-closed", cfg('  services = [ (name = "a")'),
     (');', 1, "Expected ',' or ']' in the list, found ')'.", None))
case("binary-odd-digits", H + 'const d :Data = 0x"abc";\n',
     ('0x"abc"', 1, 'Binary literal has an odd number of hex digits.', None))
case("invalid-octal", H + 'const n :UInt8 = 09;\n',
     ('09', 1, "Invalid octal number '09' (a leading 0 means octal).", None))
case("float-for-int", H + 'const n :UInt8 = 1.5;\n',
     ('1.5', 1, 'Type mismatch; expected UInt8.', None))
case("bool-misspelled", cfg('  structuredLogging = yes'),
     ('yes', 1, 'Not defined: yes', None))
case("struct-for-text", H + 'const t :Text = (a = 1);\n',
     ('(a = 1)', 1, 'Type mismatch; expected Text.', None))
case("deep-nesting", H + 'const t :List(List(Text)) = ' + '[' * 300 + ']' * 300 + ';\n',
     ('[', 257, 'Nesting is too deep (more than 256 levels).', None))
case("const-wrong-type", H + 'const w :Text = "x";\n' + 'const config :Workerd.Config = (services = [(name = "s", worker = .w)]);\n',
     ('.w)', 1, "Type mismatch; expected Worker but '.w' is a constant of type Text.", None))
case("field-at-top-level", H + 'foo @0 :Text;\n',
     ('foo', 1, "Expected a declaration ('struct', 'enum', 'const', 'using', ...), found 'foo'.", 'fields belong inside a struct'))
case("text-with-nul", H + 'const t :Text = "a\\0b";\n',
     ('"a', 1, 'Text cannot contain NUL characters.', 'use a Data field for binary content'))
case("several-errors-one-run", cfg('  servces = [],\n  structuredLogging = 3,\n  v8Flags = [1]'),
     ('servces', 1, "Struct Config has no field named 'servces'.", "did you mean 'services'?"),
     ('3', 1, 'Type mismatch; expected Bool.', None),
     ('1]', 1, 'Type mismatch; expected Text.', 'text values are quoted: "1"'))
case("skipped-ordinal", H + 'struct S { a @0 :Text; b @2 :Text; }\nconst config :Workerd.Config = ();\n',
     ('2 :Text', 1, 'Skipped ordinal @1. Ordinals must be sequential with no holes.', None))
case("duplicate-ordinal", H + 'struct S { a @0 :Text; b @0 :Text; }\nconst config :Workerd.Config = ();\n',
     ('0 :Text; }', 1, 'Duplicate ordinal number @0.', 'ordinals must be unique within a struct; the next free one is @1'))

case("derived-worker-sets-code", cfg('''  services = [
    (name = "base", worker = (modules = [(name = "m", esModule = "export default {}")],
                              compatibilityDate = "2024-01-01")),
    (name = "child", worker = (inherit = "base", modules = [(name = "m", esModule = "x")]))]'''),
     ('modules = [(name = "m", esModule = "x")', 1, "'inherit' and 'modules' are members of the same union in Worker; only one of them may be set.",
      "a worker with 'inherit' takes its code from its parent; remove the other one"))
case("two-union-members", cfg('  services = [(name = "n", network = (allow = ["public"]), disk = (path = "x"))]'),
     ('disk', 1, "'network' and 'disk' are members of the same union in Service; only one of them may be set.", "remove one of them"))

# The reference compiler's naming rules (workerd loads configs with it, so it refuses these too).
NON_TYPE = 'Non-type names must begin with a lower-case letter.'
TYPE = 'Type names must begin with a capital letter.'
UNDERSCORE = ("Cap'n Proto declaration names should use camelCase and must not contain underscores. "
              "(Code generators may convert names to the appropriate style for the target language.)")
case("const-upper-case", H + 'const ReplServer :Workerd.Config = ();\n',
     ('ReplServer', 1, NON_TYPE, "write 'replServer'"))
case("names-capnp-style", H + 'struct lowerStruct { Field @0 :Text; my_field @1 :Text; grp_x :group { a @2 :Text; } }\n'
     + 'enum Color { Red @0; green @1; }\n'
     + 'using lowerFile = import "/capnp/c++.capnp";\n'
     + 'annotation My_ann(struct) :Text;\n'
     + 'const my_config :Workerd.Config = ();\n',
     ('lowerStruct', 1, TYPE, "write 'LowerStruct'"),
     ('Field', 1, NON_TYPE, "write 'field'"),
     ('my_field', 1, UNDERSCORE, "write 'myField'"),
     ('grp_x', 1, UNDERSCORE, "write 'grpX'"),
     ('Red', 1, NON_TYPE, "write 'red'"),
     ('lowerFile', 1, TYPE, "write 'LowerFile'"),
     ('My_ann', 1, NON_TYPE, "write 'myAnn'"),
     ('My_ann', 1, UNDERSCORE, "write 'myAnn'"),
     ('my_config', 1, UNDERSCORE, "write 'myConfig'"))

write_cases(CASES, "config-compiler/src/test/resources/invalid-syntax", newline_when_empty=True)
