# SPDX-License-Identifier: GPL-2.0-or-later
"""Reliability tests (issue 8); a package so that its conftest does not shadow tests/conftest.py as ``conftest``."""
