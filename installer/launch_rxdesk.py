"""Frozen-app entry point for the desktop client."""
import sys

from desktop.app import main

sys.exit(main())
