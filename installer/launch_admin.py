"""Frozen-app entry point for rxdesk-admin."""
import sys

from core.cli import main

sys.exit(main())
