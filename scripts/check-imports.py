#!/usr/bin/env python3
"""Compares what each target's Swift files import with the dependencies Package.swift declares for it.

    python3 scripts/check-imports.py     # prints each mismatch; exit status 1 when there is one

"imported, not declared" builds only by luck (another target brought the module in);
"declared, not imported" is a dependency no file uses. Toolchain modules are ignored.
"""
import json, os, re, subprocess, sys

TOOLCHAIN = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Musl", "Darwin", "Dispatch",
             "Synchronization", "Testing", "XCTest", "_Concurrency", "os", "Android"}
IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
dump = subprocess.run(["swift", "package", "dump-package"], cwd=root, capture_output=True, text=True, check=True).stdout
package = json.loads(dump[dump.index("{"):])
failed = False
for target in package["targets"]:
    name = target["name"]
    path = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", name)
    declared = set()
    for dependency in target["dependencies"]:
        for kind in ("byName", "target", "product"):
            if kind in dependency:
                declared.add(dependency[kind][0])
    imported = set()
    for directory, _, files in os.walk(os.path.join(root, path)):
        for file in files:
            if file.endswith(".swift"):
                with open(os.path.join(directory, file), encoding="utf-8") as handle:
                    # Multi-line string literals (a Python script for paho, say) are not Swift imports.
                    imported |= set(IMPORT.findall(re.sub(r'"""[\s\S]*?"""', "", handle.read())))
    imported -= TOOLCHAIN | {name}
    for module in sorted(imported - declared):
        print(f"{name}: imports {module}, not declared")
        failed = True
    for module in sorted(declared - imported):
        print(f"{name}: declares {module}, not imported")
        failed = True
sys.exit(1 if failed else 0)
