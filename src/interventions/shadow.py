"""Shadow mode for a whole rule set: serve the live engine's decisions, decide with a candidate
too, and count the disagreements by the kinds of change ``interventions diff`` reports."""

from interventions._shadow import ShadowCounts, ShadowEngine

__all__ = ["ShadowCounts", "ShadowEngine"]
