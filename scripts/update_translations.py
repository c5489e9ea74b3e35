#!/usr/bin/env python3
"""Refresh i18n/scdsc_<lang>.ts from the plugin's ``tr("...")`` calls, keeping every existing translation."""
# SPDX-License-Identifier: GPL-2.0-or-later
# pylupdate5 assigns the class name as context to self.tr(); the plugin uses a single context ("scdsc", see
# scdsc_qgis/i18n.py), so the strings are collected here with the ast module instead.
import ast
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONTEXT = "scdsc"
LANGUAGES = {"de": "de_DE", "fr": "fr_FR"}


def _plugin_tr_classes(trees):
    """Names of the classes whose ``self.tr`` is the plugin's single-context ``tr`` (they define ``tr``
    themselves or inherit from such a class); other classes use Qt's ``QObject.tr`` (context = class name)."""
    bases, own = {}, set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = [getattr(b, "id", getattr(b, "attr", "")) for b in node.bases]
                if any(isinstance(item, ast.FunctionDef) and item.name == "tr" for item in node.body):
                    own.add(node.name)

    def uses_plugin_tr(name, seen=()):
        return name in own or any(uses_plugin_tr(b, seen + (name,)) for b in bases.get(name, []) if b not in seen)
    return {name for name in bases if uses_plugin_tr(name)}


def collect_messages(package: Path):
    """``{(context, source text): first "file:line"}`` of every ``tr("literal")`` / ``x.tr("literal")`` call."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in sorted(package.rglob("*.py"))}
    plugin_classes = _plugin_tr_classes(trees.values())
    messages = {}

    def visit(node, path, class_name):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, path, child.name)
                continue
            if isinstance(child, ast.Call) and child.args:
                func = child.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                first = child.args[0]
                if name == "tr" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    on_self = isinstance(func, ast.Attribute) and getattr(func.value, "id", None) == "self"
                    context = class_name if on_self and class_name not in plugin_classes else CONTEXT
                    messages.setdefault((context, first.value), f"{path.relative_to(REPO)}:{child.lineno}")
            visit(child, path, class_name)

    for path, tree in trees.items():
        visit(tree, path, None)
    # The tuning parameters' labels and help come from the core's spec, not from literals (scdsc_core.params).
    sys.path.insert(0, str(REPO))
    try:
        from scdsc_core.params import translatable
    finally:
        sys.path.pop(0)
    for text in translatable():
        messages.setdefault((CONTEXT, text), "scdsc_core/params.py:1")
    return messages


def update_ts(path: Path, language: str, messages) -> int:
    """Write ``path`` with ``messages``; returns how many still lack a translation."""
    known = {}
    if path.exists():
        for context in ET.parse(path).getroot().iter("context"):
            for message in context.iter("message"):
                translation = message.find("translation")
                if translation is not None and translation.text and translation.get("type") != "obsolete":
                    known[(context.findtext("name"), message.findtext("source"))] = translation.text
    root = ET.Element("TS", version="2.1", language=language)
    missing = 0
    contexts = {}
    for (context_name, source), location in sorted(messages.items(), key=lambda item: item[0][0]):
        if context_name not in contexts:
            contexts[context_name] = ET.SubElement(root, "context")
            ET.SubElement(contexts[context_name], "name").text = context_name
        message = ET.SubElement(contexts[context_name], "message")
        file_name, line = location.rsplit(":", 1)
        ET.SubElement(message, "location", filename="../" + file_name, line=line)
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        if (context_name, source) in known:
            translation.text = known[(context_name, source)]
        else:
            translation.set("type", "unfinished")
            missing += 1
    ET.indent(root)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                    + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
    return missing


def main() -> int:
    messages = collect_messages(REPO / "scdsc_qgis")
    for short, language in LANGUAGES.items():
        path = REPO / "i18n" / f"scdsc_{short}.ts"
        missing = update_ts(path, language, messages)
        print(f"{path.relative_to(REPO)}: {len(messages)} messages, {missing} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
