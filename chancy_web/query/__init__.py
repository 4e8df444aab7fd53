"""Selecting jobs: what every resource that lists, counts or acts on jobs shares."""
